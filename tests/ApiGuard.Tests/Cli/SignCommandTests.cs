using System.Text;
using ApiGuard.Cli;
using ApiGuard.Client.Signatures;
using ApiGuard.Tests.Client.Signatures;

namespace ApiGuard.Tests.Cli;

public sealed class SignCommandTests
{
    [Theory]
    [InlineData("test-key-ed25519", "ed25519", "test-key-ed25519.priv.pem")]
    [InlineData("test-shared-secret", "hmac-sha256", "test-shared-secret.b64")]
    [InlineData("test-key-ecc-p256", "ecdsa-p256-sha256", "test-key-ecc-p256.priv.pem")]
    public async Task Sign_PostWithBody_PrintsHeadersThatVerify(string keyId, string alg, string keyFile)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var exit = await CliApp.RunAsync(
            ["sign", "--url", "http://127.0.0.1:5080/api/signed/echo?x=1", "--key-id", keyId, "--alg", alg, "--key", TestPaths.Vector("rfc9421", "keys", keyFile), "--body", "{\"hello\": \"world\"}", "--created", "1618884473"],
            TextReader.Null, stdout, stderr);

        Assert.Equal(CliApp.Ok, exit);
        var headers = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(": ", 2)).ToDictionary(p => p[0], p => p[1]);
        Assert.Equal("sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:", headers["Content-Digest"]);
        Assert.StartsWith("sig1=(\"@method\" \"@target-uri\" \"content-digest\" \"content-type\");created=1618884473;nonce=\"", headers["Signature-Input"], StringComparison.Ordinal);

        using var request = new HttpRequestMessage(HttpMethod.Post, "http://127.0.0.1:5080/api/signed/echo?x=1") { Content = new StringContent("{\"hello\": \"world\"}", Encoding.UTF8, "application/json") };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("Content-Digest", headers["Content-Digest"]);
        using var key = TestKeys.Public(keyId);
        Assert.Null(MessageSignature.Verify(new HttpRequestMessageComponents(request), headers["Signature-Input"], headers["Signature"], "sig1", key));
    }

    [Fact]
    public async Task Sign_Ed25519FixedCreatedNoNonce_IsDeterministicAndCurlFormatted()
    {
        async Task<string> RunAsync()
        {
            var stdout = new StringWriter();
            var exit = await CliApp.RunAsync(
                ["sign", "--url", "http://127.0.0.1:5080/api/signed/echo", "--key-id", "test-key-ed25519", "--alg", "ed25519", "--key", TestPaths.Vector("rfc9421", "keys", "test-key-ed25519.priv.pem"),
                    "--body", "{}", "--created", "1700000000", "--no-nonce", "--format", "curl"],
                TextReader.Null, stdout, TextWriter.Null);
            Assert.Equal(CliApp.Ok, exit);
            return stdout.ToString();
        }

        var first = await RunAsync();

        Assert.Equal(first, await RunAsync());
        Assert.StartsWith("-H 'Content-Digest: sha-256=:", first, StringComparison.Ordinal);
        Assert.Contains("-H 'Signature-Input: sig1=(\"@method\" \"@target-uri\" \"content-digest\" \"content-type\");created=1700000000;keyid=\"test-key-ed25519\"'", first, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--url", "not-a-url", CliApp.Usage)]
    [InlineData("--alg", "md5", CliApp.BadInput)]
    [InlineData("--bogus", "x", CliApp.Usage)]
    public async Task Sign_BadArguments_FailsWithExitCode(string option, string value, int expected)
    {
        var args = new Dictionary<string, string>
        {
            ["--url"] = "http://127.0.0.1:5080/x",
            ["--key-id"] = "test-key-ed25519",
            ["--alg"] = "ed25519",
            ["--key"] = TestPaths.Vector("rfc9421", "keys", "test-key-ed25519.priv.pem"),
        };
        args[option] = value;
        var stderr = new StringWriter();

        var exit = await CliApp.RunAsync(["sign", .. args.SelectMany(kv => new[] { kv.Key, kv.Value })], TextReader.Null, TextWriter.Null, stderr);

        Assert.Equal(expected, exit);
        Assert.StartsWith("apiguard sign:", stderr.ToString(), StringComparison.Ordinal);
    }
}
