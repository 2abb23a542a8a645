using System.Net;
using System.Text;
using System.Text.Json;
using ApiGuard.Posture.Leaks;

namespace ApiGuard.Tests.Posture.Data;

internal static partial class HeldOutLeakCorpus
{
    private static readonly JsonSerializerOptions s_relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private const string Base32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private const string Base64Chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    private const string Alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private const string Lower = "abcdefghijklmnopqrstuvwxyz";
    private const string Hex = "0123456789abcdef";

    // ---------------- leaks ----------------

    public static IReadOnlyList<Sample> Leaks()
    {
        var list = new List<Sample>();
        var r = new Random(80_301);
        AddTexts(list, "dotnet", LeakType.StackTrace, s_dotnet, r);
        AddTexts(list, "java", LeakType.StackTrace, s_java, r);
        AddTexts(list, "python", LeakType.StackTrace, s_python, r);
        AddTexts(list, "node", LeakType.StackTrace, s_node, r);
        AddTexts(list, "runtime", LeakType.StackTrace, s_otherRuntimes, r);
        AddTexts(list, "mssql", LeakType.SqlError, s_sqlServer, r);
        AddTexts(list, "postgres", LeakType.SqlError, s_postgres, r);
        AddTexts(list, "mysql", LeakType.SqlError, s_mySql, r);
        AddTexts(list, "oracle", LeakType.SqlError, s_oracle, r);
        AddTexts(list, "sqlite", LeakType.SqlError, s_sqlite, r);
        list.AddRange(AwsLeaks(r));
        list.AddRange(OtherCredentialLeaks(r));
        list.AddRange(PemLeaks(r));
        list.AddRange(JwtLeaks(r));
        list.AddRange(CardLeaks(r));
        return list;
    }

    /// <summary>
    /// Each text once, in one of the ways APIs carry an error out: RFC 9457 problem details (default encoder), an error
    /// envelope (relaxed encoder), the trace split into lines, a plain-text body, a JSON:API error, or an HTML error page.
    /// </summary>
    private static void AddTexts(List<Sample> list, string name, LeakType type, string[] texts, Random r)
    {
        for (var i = 0; i < texts.Length; i++)
        {
            var text = texts[i].ReplaceLineEndings("\n");
            var traceId = $"00-{RandomFrom(r, Hex, 32)}-{RandomFrom(r, Hex, 16)}-00";
            var body = ((i + name.Length) % 6) switch
            {
                0 => JsonSerializer.Serialize(new { type = "https://tools.ietf.org/html/rfc9110#section-15.6.1", title = "An error occurred while processing your request.", status = 500, detail = text, traceId }),
                1 => JsonSerializer.Serialize(new { error = new { code = "INTERNAL_ERROR", message = text, requestId = RandomFrom(r, Hex, 16) } }, s_relaxed),
                2 => JsonSerializer.Serialize(new { success = false, exception = text.Split('\n') }),
                3 => text,
                4 => JsonSerializer.Serialize(new { errors = new[] { new { status = "500", code = "server_error", detail = text } } }, s_relaxed),
                _ => $"<!DOCTYPE html><html><head><title>Error</title></head><body><h1>Server Error in '/' Application.</h1><pre>{WebUtility.HtmlEncode(text)}</pre></body></html>",
            };
            list.Add(new Sample($"{name}-{i}", type, body));
        }
    }

    private static IEnumerable<Sample> AwsLeaks(Random r)
    {
        string Id(string prefix = "AKIA") => prefix + RandomFrom(r, Base32, 16);
        string Secret() => RandomFrom(r, Base64Chars, 40);
        string Token() => RandomFrom(r, Base64Chars, 300);
        var samples = new[]
        {
            JsonSerializer.Serialize(new { Credentials = new { AccessKeyId = Id("ASIA"), SecretAccessKey = Secret(), SessionToken = Token(), Expiration = "2024-11-02T18:22:41Z" }, AssumedRoleUser = new { Arn = "arn:aws:sts::123456789012:assumed-role/app/session" } }),
            JsonSerializer.Serialize(new { debug = $"[default]\naws_access_key_id = {Id()}\naws_secret_access_key = {Secret()}\nregion = eu-central-1\n" }),
            JsonSerializer.Serialize(new { environment = new Dictionary<string, string> { ["PATH"] = "/usr/local/bin:/usr/bin", ["AWS_ACCESS_KEY_ID"] = Id(), ["AWS_SECRET_ACCESS_KEY"] = Secret(), ["NODE_ENV"] = "production" } }, s_relaxed),
            JsonSerializer.Serialize(new { config = new { storage = new { driver = "s3", key = Id(), secret = Secret(), bucket = "acme-invoices" } } }),
            JsonSerializer.Serialize(new { error = $"The AWS Access Key Id you provided does not exist in our records. (Service: Amazon S3; Status Code: 403; Error Code: InvalidAccessKeyId; Request ID: {RandomFrom(r, Base32, 16)}) AccessKeyId={Id()}" }),
            JsonSerializer.Serialize(new { upload = new { url = $"https://acme-media.s3.amazonaws.com/u/42.png?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={Id()}%2F20241102%2Feu-west-1%2Fs3%2Faws4_request&X-Amz-Date=20241102T101500Z" } }),
            JsonSerializer.Serialize(new { settings = new { aws = new { accessKeyId = Id(), secretAccessKey = Secret(), region = "us-east-2" } } }, s_relaxed),
            $"AWS_ACCESS_KEY_ID={Id()}\nAWS_SECRET_ACCESS_KEY={Secret()}\nAWS_DEFAULT_REGION=ap-southeast-2\n",
            JsonSerializer.Serialize(new { message = "boto3 client created", credentials = new { access_key = Id(), secret_key = Secret(), token = (string?)null, method = "env" } }),
            JsonSerializer.Serialize(new { log = new[] { "2024-10-01 12:00:01 INFO starting sync", $"2024-10-01 12:00:02 DEBUG using s3://{Id()}:{Secret().Replace("/", "%2F", StringComparison.Ordinal)}@backups/db" } }),
            JsonSerializer.Serialize(new { iamUser = "ci-deployer", keys = new[] { new { AccessKeyId = Id(), Status = "Active", CreateDate = "2023-04-18T09:12:00Z" } } }),
            JsonSerializer.Serialize(new { terraform = new { provider = new { aws = new { access_key = Id(), secret_key = Secret() } } } }),
        };
        for (var i = 0; i < samples.Length; i++)
        {
            yield return new Sample($"aws-{i}", LeakType.CloudCredential, samples[i]);
        }
    }

    private static IEnumerable<Sample> OtherCredentialLeaks(Random r)
    {
        var samples = new[]
        {
            JsonSerializer.Serialize(new { ci = new { GITHUB_TOKEN = "ghp_" + RandomFrom(r, Alnum, 36) } }),
            JsonSerializer.Serialize(new { remote = $"https://x-access-token:ghs_{RandomFrom(r, Alnum, 36)}@github.com/acme/infra.git" }),
            JsonSerializer.Serialize(new { token = "github_pat_" + RandomFrom(r, Alnum, 22) + "_" + RandomFrom(r, Alnum, 59) }),
            JsonSerializer.Serialize(new { stripe = new { secretKey = "sk_live_" + RandomFrom(r, Alnum, 24), publishableKey = "pk_live_" + RandomFrom(r, Alnum, 24) } }),
            JsonSerializer.Serialize(new { error = $"Invalid API Key provided: rk_live_{RandomFrom(r, Alnum, 24)}" }),
            JsonSerializer.Serialize(new { slack = new { botToken = $"xoxb-{r.Next(100000000, 999999999)}{r.Next(100, 999)}-{r.Next(100000000, 999999999)}{r.Next(100, 999)}-{RandomFrom(r, Alnum, 24)}", channel = "#alerts" } }),
            JsonSerializer.Serialize(new { maps = new { apiKey = "AIza" + RandomFrom(r, Alnum + "-_", 35), region = "EU" } }),
            JsonSerializer.Serialize(new { connectionStrings = new { Blob = $"DefaultEndpointsProtocol=https;AccountName=acmeprod;AccountKey={RandomFrom(r, Base64Chars, 86)}==;EndpointSuffix=core.windows.net" } }),
            JsonSerializer.Serialize(new { storage = $"DefaultEndpointsProtocol=https;AccountName=shopfiles;AccountKey={RandomFrom(r, Base64Chars, 86)}==" }, s_relaxed),
            JsonSerializer.Serialize(new { debug = new { headers = new Dictionary<string, string> { ["Authorization"] = "token ghp_" + RandomFrom(r, Alnum, 36), ["User-Agent"] = "octokit" } } }),
        };
        for (var i = 0; i < samples.Length; i++)
        {
            yield return new Sample($"credential-{i}", LeakType.CloudCredential, samples[i]);
        }
    }

    private static string Pem(Random r, string label, int lines, bool encryptedHeaders = false)
    {
        var sb = new StringBuilder("-----BEGIN ").Append(label).Append("-----\n");
        if (encryptedHeaders)
        {
            sb.Append("Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,").Append(RandomFrom(r, "0123456789ABCDEF", 32)).Append("\n\n");
        }

        for (var l = 0; l < lines; l++)
        {
            sb.Append(RandomFrom(r, Base64Chars, l == lines - 1 ? 20 + r.Next(40) : 64)).Append('\n');
        }

        return sb.Append("-----END ").Append(label).Append("-----\n").ToString();
    }

    private static IEnumerable<Sample> PemLeaks(Random r)
    {
        var samples = new[]
        {
            JsonSerializer.Serialize(new { type = "service_account", project_id = "orders-prod", private_key_id = RandomFrom(r, Hex, 40), private_key = Pem(r, "PRIVATE KEY", 26), client_email = "orders@orders-prod.iam.gserviceaccount.com" }),
            JsonSerializer.Serialize(new { tls = new { key = Pem(r, "RSA PRIVATE KEY", 25) } }, s_relaxed),
            JsonSerializer.Serialize(new { signer = new { alg = "ES256", key = Pem(r, "EC PRIVATE KEY", 3) } }),
            JsonSerializer.Serialize(new { deploy = new { sshKey = Pem(r, "OPENSSH PRIVATE KEY", 7) } }),
            JsonSerializer.Serialize(new { backupKey = Pem(r, "ENCRYPTED PRIVATE KEY", 29) }),
            JsonSerializer.Serialize(new { legacy = Pem(r, "RSA PRIVATE KEY", 15, encryptedHeaders: true) }),
            JsonSerializer.Serialize(new { key = Pem(r, "DSA PRIVATE KEY", 12).Replace("\n", "\r\n", StringComparison.Ordinal) }),
            Pem(r, "PRIVATE KEY", 3),
            JsonSerializer.Serialize(new { gpg = Pem(r, "PGP PRIVATE KEY BLOCK", 20) }),
            JsonSerializer.Serialize(new { env = "JWT_PRIVATE_KEY=\"" + Pem(r, "PRIVATE KEY", 16).Replace("\n", "\\n", StringComparison.Ordinal) + "\"" }),
            JsonSerializer.Serialize(new { certificate = "-----BEGIN CERTIFICATE-----\n" + RandomFrom(r, Base64Chars, 64) + "\n-----END CERTIFICATE-----\n", privateKey = Pem(r, "PRIVATE KEY", 4) }),
            JsonSerializer.Serialize(new { vault = new { data = new { ssh_host_ed25519_key = Pem(r, "OPENSSH PRIVATE KEY", 5) } } }, s_relaxed),
        };
        for (var i = 0; i < samples.Length; i++)
        {
            yield return new Sample($"pem-{i}", LeakType.PrivateKey, samples[i]);
        }
    }

    private static string B64Url(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Jwt(Random r, string header, string payload, int signatureBytes)
    {
        var sig = new byte[signatureBytes];
        r.NextBytes(sig);
        var s = Convert.ToBase64String(sig).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return $"{B64Url(header)}.{B64Url(payload)}.{s}";
    }

    private static IEnumerable<Sample> JwtLeaks(Random r)
    {
        var now = 1_730_000_000 + r.Next(1_000_000);
        var access = Jwt(r, "{\"alg\":\"RS256\",\"kid\":\"k1\",\"typ\":\"at+jwt\"}", $"{{\"iss\":\"https://login.example.com\",\"sub\":\"248289761001\",\"aud\":\"orders-api\",\"exp\":{now + 3600},\"iat\":{now},\"scope\":\"orders.read\"}}", 256);
        var samples = new[]
        {
            JsonSerializer.Serialize(new { access_token = access, token_type = "Bearer", expires_in = 3600 }),
            JsonSerializer.Serialize(new { id_token = Jwt(r, "{\"alg\":\"ES256\",\"typ\":\"JWT\"}", $"{{\"sub\":\"u_9\",\"email\":\"li@example.com\",\"nonce\":\"n-0S6_WzA2Mj\",\"exp\":{now}}}", 64) }),
            JsonSerializer.Serialize(new { request = new { headers = new Dictionary<string, string> { ["authorization"] = "Bearer " + Jwt(r, "{\"alg\":\"HS256\",\"typ\":\"JWT\"}", $"{{\"uid\":77,\"role\":\"admin\",\"exp\":{now}}}", 32) } } }),
            JsonSerializer.Serialize(new { error = "token rejected", token = Jwt(r, "{\"typ\":\"JWT\",\"alg\":\"HS512\"}", $"{{\"sub\":\"svc-batch\",\"exp\":{now}}}", 64) }),
            JsonSerializer.Serialize(new { redirect = "https://app.example.com/callback?code=x&session=" + Jwt(r, "{\"alg\":\"RS256\"}", $"{{\"sid\":\"{RandomFrom(r, Hex, 16)}\",\"exp\":{now}}}", 256) }),
            JsonSerializer.Serialize(new { cookies = new[] { "sid=" + Jwt(r, "{\"alg\":\"HS256\"}", $"{{\"user\":\"42\",\"iat\":{now}}}", 32) + "; Path=/; HttpOnly" } }),
            JsonSerializer.Serialize(new { unsigned = Jwt(r, "{\"alg\":\"none\",\"typ\":\"JWT\"}", $"{{\"sub\":\"test\",\"admin\":true,\"iat\":{now}}}", 0) }),
            JsonSerializer.Serialize(new { debug = $"validating {Jwt(r, "{\"kid\":\"2024-10\",\"alg\":\"PS256\"}", $"{{\"aud\":[\"a\",\"b\"],\"exp\":{now}}}", 256)} against jwks" }, s_relaxed),
            JsonSerializer.Serialize(new { refresh = new { token = Jwt(r, "{\"alg\":\"HS256\",\"typ\":\"JWT\"}", $"{{\"jti\":\"{RandomFrom(r, Hex, 32)}\",\"typ\":\"refresh\",\"exp\":{now + 86400}}}", 32) } }),
            JsonSerializer.Serialize(new { items = new[] { new { id = 1, webhookSecret = Jwt(r, "{\"alg\":\"HS384\"}", $"{{\"hook\":\"orders\",\"iat\":{now}}}", 48) } } }),
            JsonSerializer.Serialize(new { firebase = new { idToken = Jwt(r, "{\"alg\":\"RS256\",\"kid\":\"" + RandomFrom(r, Hex, 40) + "\",\"typ\":\"JWT\"}", $"{{\"iss\":\"https://securetoken.google.com/demo\",\"user_id\":\"{RandomFrom(r, Alnum, 28)}\",\"exp\":{now}}}", 256) } }),
            "Authorization: Bearer " + Jwt(r, "{\"alg\":\"EdDSA\"}", $"{{\"sub\":\"device-7\",\"exp\":{now}}}", 64),
        };
        for (var i = 0; i < samples.Length; i++)
        {
            yield return new Sample($"jwt-{i}", LeakType.Jwt, samples[i]);
        }
    }

    private static IEnumerable<Sample> CardLeaks(Random r)
    {
        string Card(string prefix, int length) => LeakCorpus.LuhnComplete(prefix, length, r);
        string Spaced(string n) => string.Join(' ', Enumerable.Range(0, (n.Length + 3) / 4).Select(g => n.Substring(g * 4, Math.Min(4, n.Length - (g * 4)))));
        var amex = Card("37", 15);
        var samples = new[]
        {
            JsonSerializer.Serialize(new { payment = new { method = "card", card_number = Card("4", 16), exp_month = 4, exp_year = 2027, cvc = "311" } }),
            JsonSerializer.Serialize(new { card = new { number = Card("51", 16), holder = "M. Rossi", expiry = "09/26" } }),
            JsonSerializer.Serialize(new { order = new { id = 88121, billing = new { ccNumber = Spaced(Card("4", 16)), ccExp = "1128" } } }),
            JsonSerializer.Serialize(new { message = $"Card {amex[..4]} {amex[4..10]} {amex[10..]} was declined (do_not_honor)" }),
            "{\"pan\":" + Card("55", 16) + ",\"amount\":1999,\"currency\":\"EUR\"}",
            JsonSerializer.Serialize(new { transactions = new[] { new { id = "tx_1", creditCard = Card("6011", 16), amount = 25.10 }, new { id = "tx_2", creditCard = Card("4", 16), amount = 8.00 } } }),
            JsonSerializer.Serialize(new { log = $"charge attempt cc={Card("2221", 16)} amt=45.00 result=approved" }),
            JsonSerializer.Serialize(new { customer = new { name = "J. Smith", paymentCard = string.Join('-', Spaced(Card("4", 16)).Split(' ')) } }),
            JsonSerializer.Serialize(new { debit_card = Card("4", 16), sort_code = "12-34-56" }),
            JsonSerializer.Serialize(new { wallet = new[] { new { brand = "JCB", cardNo = Card("3530", 16) }, new { brand = "Diners", cardNo = Card("36", 14) } } }),
            JsonSerializer.Serialize(new { error = $"Payment processor rejected PAN {Card("4", 19)}: issuer unavailable" }),
            JsonSerializer.Serialize(new { fields = new Dictionary<string, string> { ["cardnumber"] = Card("53", 16), ["exp-date"] = "03/27", ["cvv"] = "009" } }),
            JsonSerializer.Serialize(new { visa = Card("4", 16), note = "test" }),
            JsonSerializer.Serialize(new { applePay = new { primaryAccountNumber = Card("52", 16) } }),
            JsonSerializer.Serialize(new { cards = new[] { new { last4 = "0005", number = Spaced(Card("65", 16)) } } }),
            JsonSerializer.Serialize(new { amex_card = amex }),
        };
        for (var i = 0; i < samples.Length; i++)
        {
            yield return new Sample($"card-{i}", LeakType.CardNumber, samples[i]);
        }
    }

    private static string RandomFrom(Random r, string alphabet, int length)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = alphabet[r.Next(alphabet.Length)];
        }

        return new string(chars);
    }
}
