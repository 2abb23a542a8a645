using System.Text.Json;
using ApiGuard.Inspection;

namespace ApiGuard.Tests.Inspection.Engine;

/// <summary>
/// Accuracy on the shared development corpus (<c>../shared/corpus</c> beside the repository), judged as the issue asks:
/// paranoia level 1, attack records from CRS PL1 rules and libinjection, all benign records. The thresholds are the
/// levels measured when the engine was written (rounded down), so a regression fails the build.
/// </summary>
public sealed class CorpusAccuracyTests
{
    private static readonly Lazy<IReadOnlyList<CorpusRecord>> s_records = new(LoadCorpus);

    /// <summary>Every corpus record, loaded once per test run and shared with the other accuracy tests.</summary>
    internal static IReadOnlyList<CorpusRecord> Records => s_records.Value;

    [Theory]
    [InlineData("sqli", 99.4)]
    [InlineData("xss", 99.0)]
    [InlineData("cmdi", 98.0)]
    [InlineData("other", 97.0)]
    [InlineData("lfi", 97.0)]
    public void Inspect_JudgedAttackRecordsAtParanoia1_DetectionReachesMeasuredLevel(string category, double minimumPercent)
    {
        var judged = s_records.Value.Where(r => r.Label == "attack" && r.Category == category && r.IsJudged).ToList();
        Assert.True(judged.Count >= 50, $"expected at least 50 judged {category} records, found {judged.Count}");

        var detected = judged.Count(r => IsAttack(r.Payload, 1));
        var percent = 100.0 * detected / judged.Count;
        Assert.True(percent >= minimumPercent, $"{category}: detected {detected}/{judged.Count} = {percent:0.00} % (< {minimumPercent} %)");
    }

    [Theory]
    [InlineData("ssrf", 95.0)]
    [InlineData("nosqli", 100.0)]
    [InlineData("ldapi", 100.0)]
    [InlineData("ssti", 100.0)]
    public void Inspect_SmallJudgedFamilies_DetectionReachesMeasuredLevel(string category, double minimumPercent)
    {
        var judged = s_records.Value.Where(r => r.Label == "attack" && r.Category == category && r.IsJudged).ToList();
        Assert.NotEmpty(judged);
        var percent = 100.0 * judged.Count(r => IsAttack(r.Payload, 1)) / judged.Count;
        Assert.True(percent >= minimumPercent, $"{category}: {percent:0.00} % (< {minimumPercent} %)");
    }

    [Theory]
    [InlineData("benign.jsonl", 0.5)]
    [InlineData("benign-api.jsonl", 0.1)]
    public void Inspect_BenignRecordsAtParanoia1_FalsePositiveRateWithinTarget(string file, double maximumPercent)
    {
        var benign = s_records.Value.Where(r => r.File == file).ToList();
        Assert.NotEmpty(benign);
        var flagged = benign.Where(r => IsAttack(r.Payload, 1)).Select(r => r.Id).ToList();
        var percent = 100.0 * flagged.Count / benign.Count;
        Assert.True(percent <= maximumPercent, $"{file}: {flagged.Count}/{benign.Count} = {percent:0.000} % flagged: {string.Join(", ", flagged.Take(20))}");
    }

    [Fact]
    public void Inspect_HigherParanoiaLevels_NeverDetectLessThanLowerOnes()
    {
        var attacks = s_records.Value.Where(r => r.Label == "attack").Take(4000).ToList();
        var previous = -1;
        for (var level = 1; level <= 4; level++)
        {
            var detected = attacks.Count(r => IsAttack(r.Payload, level));
            Assert.True(detected >= previous, $"PL{level} detected {detected} < PL{level - 1} {previous}");
            previous = detected;
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void Inspect_StopAtBlockScore_SameAttackVerdictAsFullInspection(int paranoia)
    {
        // What Enforce asks for: stop once the value reaches the block score. Attack or not must never change.
        var inspector = new PayloadInspector();
        Span<InspectionFinding> findings = stackalloc InspectionFinding[16];
        var stoppedEarly = 0;
        foreach (var record in s_records.Value.Where((_, i) => i % 3 == 0))
        {
            var full = inspector.Inspect(record.Payload.AsSpan(), new InspectionSettings(ParanoiaLevel: paranoia), findings);
            var stopped = inspector.Inspect(record.Payload.AsSpan(), new InspectionSettings(ParanoiaLevel: paranoia, StopAtScore: PayloadInspector.DefaultThreshold), findings);
            Assert.True(PayloadInspector.IsAttack(full) == PayloadInspector.IsAttack(stopped), $"{record.Id}: full {full.Score}, stopped {stopped.Score}");
            Assert.True(stopped.Score <= full.Score && stopped.FindingCount <= full.FindingCount, record.Id);
            if (!PayloadInspector.IsAttack(full))
            {
                Assert.Equal(full.Score, stopped.Score);
            }

            stoppedEarly += stopped.Score < full.Score ? 1 : 0;
        }

        Assert.True(stoppedEarly > 100, $"only {stoppedEarly} values stopped early");
    }

    [Fact]
    public void Inspect_EveryCorpusValueAsUtf8AndUtf16_SameVerdict()
    {
        var inspector = new PayloadInspector();
        Span<InspectionFinding> findings = stackalloc InspectionFinding[16];
        foreach (var record in s_records.Value.Where((_, i) => i % 7 == 0))
        {
            var utf16 = inspector.Inspect(record.Payload.AsSpan(), new InspectionSettings(), findings);
            var utf8 = inspector.Inspect(System.Text.Encoding.UTF8.GetBytes(record.Payload), new InspectionSettings(), findings);
            Assert.True(utf16.Score == utf8.Score, $"{record.Id}: UTF-16 score {utf16.Score} != UTF-8 score {utf8.Score}");
        }
    }

    internal static bool IsAttack(string payload, int paranoia)
    {
        var inspector = new PayloadInspector();
        Span<InspectionFinding> findings = stackalloc InspectionFinding[8];
        var verdict = inspector.Inspect(payload.AsSpan(), new InspectionSettings(ValueSource.Raw, paranoia), findings);
        return PayloadInspector.IsAttack(verdict);
    }

    internal static string CorpusDirectory()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ApiGuard.sln")))
        {
            dir = dir.Parent;
        }

        Assert.True(dir is not null, "ApiGuard.sln not found above the test binary");

        // ../shared/corpus beside the repository (CI clone, main checkout); from a nested worktree, the nearest ancestor's shared/.
        for (var d = dir!.Parent; d is not null; d = d.Parent)
        {
            var corpus = Path.Combine(d.FullName, "shared", "corpus");
            if (Directory.Exists(corpus))
            {
                return corpus;
            }
        }

        Assert.Fail($"corpus folder not found: expected {Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "corpus"))}");
        return string.Empty;
    }

    internal static IReadOnlyList<CorpusRecord> LoadCorpus()
    {
        var list = new List<CorpusRecord>();
        foreach (var path in Directory.GetFiles(CorpusDirectory(), "*.jsonl").Order(StringComparer.Ordinal))
        {
            foreach (var line in File.ReadLines(path))
            {
                if (line.Length == 0)
                {
                    continue;
                }

                using var doc = JsonDocument.Parse(line);
                var root = doc.RootElement;
                var source = root.GetProperty("source").GetString()!;
                list.Add(new CorpusRecord(
                    root.GetProperty("id").GetString()!,
                    root.GetProperty("label").GetString()!,
                    root.GetProperty("category").GetString()!,
                    source,
                    root.GetProperty("payload").GetString()!,
                    Path.GetFileName(path)));
            }
        }

        return list;
    }

    internal sealed record CorpusRecord(string Id, string Label, string Category, string Source, string Payload, string File)
    {
        public bool IsJudged => Label == "benign" || Source.Contains("/pl1/", StringComparison.Ordinal) || Source.StartsWith("libinjection", StringComparison.Ordinal);
    }
}
