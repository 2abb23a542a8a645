using System.Collections.Concurrent;
using System.Text;
using ApiGuard.Inspection;

namespace ApiGuard.Tests.Inspection.Middleware;

/// <summary>
/// A test-only inspector that flags marker strings, so the middleware's mechanics are tested independently of the detection engine:
/// <c>EVIL</c> is rule 942100 (SQLi, score 5), <c>XSSY</c> rule 941110 (XSS, score 5), <c>WARN</c> rule 930100 (LFI, score 3).
/// Records every call's value and settings.
/// </summary>
internal sealed class MarkerInspector : IPayloadInspector
{
    public const int EvilRule = 942100;
    public const int XssRule = 941110;
    public const int WarnRule = 930100;

    public ConcurrentQueue<(string Value, InspectionSettings Settings)> Calls { get; } = new();

    public InspectionVerdict Inspect(ReadOnlySpan<byte> utf8, in InspectionSettings settings, Span<InspectionFinding> findings)
    {
        Calls.Enqueue((Encoding.UTF8.GetString(utf8), settings));
        var count = 0;
        var score = 0;
        Find(utf8, "EVIL"u8, EvilRule, InspectionCategory.Sqli, 5, findings, ref count, ref score);
        Find(utf8, "XSSY"u8, XssRule, InspectionCategory.Xss, 5, findings, ref count, ref score);
        Find(utf8, "WARN"u8, WarnRule, InspectionCategory.Lfi, 3, findings, ref count, ref score);
        return new InspectionVerdict(score, count, DecodingLayers.None);
    }

    public InspectionVerdict Inspect(ReadOnlySpan<char> value, in InspectionSettings settings, Span<InspectionFinding> findings)
    {
        Calls.Enqueue((value.ToString(), settings));
        var count = 0;
        var score = 0;
        Find(value, "EVIL", EvilRule, InspectionCategory.Sqli, 5, findings, ref count, ref score);
        Find(value, "XSSY", XssRule, InspectionCategory.Xss, 5, findings, ref count, ref score);
        Find(value, "WARN", WarnRule, InspectionCategory.Lfi, 3, findings, ref count, ref score);
        return new InspectionVerdict(score, count, DecodingLayers.None);
    }

    public IEnumerable<InspectionSettings> SettingsFor(string value) => Calls.Where(c => c.Value == value).Select(c => c.Settings);

    private static void Find(ReadOnlySpan<byte> value, ReadOnlySpan<byte> marker, int rule, InspectionCategory category, int points, Span<InspectionFinding> findings, ref int count, ref int score)
    {
        var offset = 0;
        int i;
        while ((i = value[offset..].IndexOf(marker)) >= 0)
        {
            Add(new InspectionFinding(rule, category, points, 1, DecodingLayers.None, offset + i, marker.Length), findings, ref count, ref score);
            offset += i + marker.Length;
        }
    }

    private static void Find(ReadOnlySpan<char> value, string marker, int rule, InspectionCategory category, int points, Span<InspectionFinding> findings, ref int count, ref int score)
    {
        var offset = 0;
        int i;
        while ((i = value[offset..].IndexOf(marker, StringComparison.Ordinal)) >= 0)
        {
            Add(new InspectionFinding(rule, category, points, 1, DecodingLayers.None, offset + i, marker.Length), findings, ref count, ref score);
            offset += i + marker.Length;
        }
    }

    private static void Add(InspectionFinding finding, Span<InspectionFinding> findings, ref int count, ref int score)
    {
        score += finding.Score;
        if (count < findings.Length)
        {
            findings[count++] = finding;
        }
    }
}
