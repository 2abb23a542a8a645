using System.Text;
using System.Text.Json;
using ApiGuard.Inspection;

namespace ApiGuard.Cli;

/// <summary>
/// <c>apiguard scan FILE [--lines] [--summary] [--paranoia N] [--threshold N]</c>: runs the payload inspector over captured
/// values (JSON Lines with <c>payload</c> and optional <c>id</c>, <c>label</c>, <c>category</c>; or one raw value per line with
/// <c>--lines</c>) and writes one JSON verdict per input line. Exit 0 whatever it finds; 2 on unreadable input.
/// </summary>
internal static class ScanCommand
{
    public const string Summary = "Scan captured values (JSON Lines or --lines) with the payload inspector";

    private const string UsageText = "usage: apiguard scan FILE [--lines] [--summary] [--paranoia 1-4] [--threshold N]";

    public static async Task<int> RunAsync(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        string? file = null;
        var lines = false;
        var summary = false;
        var paranoia = 1;
        var threshold = PayloadInspector.DefaultThreshold;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--lines":
                    lines = true;
                    break;
                case "--summary":
                    summary = true;
                    break;
                case "--paranoia" when i + 1 < args.Length && int.TryParse(args[i + 1], out var pl) && pl is >= 1 and <= 4:
                    paranoia = pl;
                    i++;
                    break;
                case "--threshold" when i + 1 < args.Length && int.TryParse(args[i + 1], out var th) && th >= 1:
                    threshold = th;
                    i++;
                    break;
                case "-h" or "--help":
                    await stdout.WriteLineAsync(UsageText).ConfigureAwait(false);
                    return CliApp.Ok;
                default:
                    if (args[i].StartsWith("--", StringComparison.Ordinal) || file is not null)
                    {
                        await stderr.WriteLineAsync($"apiguard scan: unexpected argument '{args[i]}'. {UsageText}").ConfigureAwait(false);
                        return CliApp.Usage;
                    }

                    file = args[i];
                    break;
            }
        }

        if (file is null)
        {
            await stderr.WriteLineAsync($"apiguard scan: missing FILE. {UsageText}").ConfigureAwait(false);
            return CliApp.Usage;
        }

        TextReader reader;
        try
        {
            reader = file == "-" ? stdin : new StreamReader(file, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            await stderr.WriteLineAsync($"apiguard scan: cannot read '{file}': {ex.Message}").ConfigureAwait(false);
            return CliApp.BadInput;
        }

        var inspector = new PayloadInspector();
        var settings = new InspectionSettings(ValueSource.Raw, paranoia);
        var findings = new InspectionFinding[32];
        var stats = new SortedDictionary<string, (int Total, int Detected)>(StringComparer.Ordinal);
        var benignTotal = 0;
        var benignFlagged = 0;
        var lineNo = 0;
        var output = new StringBuilder();
        using (reader == stdin ? null : reader)
        {
            string? line;
            while ((line = await ReadLineAsync(reader).ConfigureAwait(false)) is not null)
            {
                lineNo++;
                if (line.Length == 0 && !lines)
                {
                    continue;
                }

                string payload;
                JsonElement? id = null;
                string? label = null;
                string? category = null;
                if (lines)
                {
                    payload = line;
                    id = null;
                }
                else
                {
                    try
                    {
                        using var doc = JsonDocument.Parse(line);
                        var root = doc.RootElement;
                        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("payload", out var p) || p.ValueKind != JsonValueKind.String)
                        {
                            await stderr.WriteLineAsync($"apiguard scan: {file}:{lineNo}: each line needs a string \"payload\" property.").ConfigureAwait(false);
                            return CliApp.BadInput;
                        }

                        payload = p.GetString()!;
                        if (root.TryGetProperty("id", out var idElement))
                        {
                            id = idElement.Clone();
                        }

                        label = root.TryGetProperty("label", out var l) && l.ValueKind == JsonValueKind.String ? l.GetString() : null;
                        category = root.TryGetProperty("category", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
                    }
                    catch (JsonException ex)
                    {
                        await stderr.WriteLineAsync($"apiguard scan: {file}:{lineNo}: invalid JSON ({ex.Message}).").ConfigureAwait(false);
                        return CliApp.BadInput;
                    }
                }

                var verdict = inspector.Inspect(payload.AsSpan(), settings, findings);
                var attack = verdict.Score >= threshold;
                WriteVerdict(output, id, lines ? lineNo : null, attack, verdict, findings);
                await stdout.WriteLineAsync(output.ToString()).ConfigureAwait(false);
                output.Clear();

                if (label == "benign" || (label is null && category == "none"))
                {
                    benignTotal++;
                    benignFlagged += attack ? 1 : 0;
                }
                else if (category is not null)
                {
                    stats.TryGetValue(category, out var s);
                    stats[category] = (s.Total + 1, s.Detected + (attack ? 1 : 0));
                }
            }
        }

        if (summary)
        {
            await stderr.WriteLineAsync($"paranoia level {paranoia}, threshold {threshold}, {lineNo} lines").ConfigureAwait(false);
            foreach (var (category, s) in stats)
            {
                await stderr.WriteLineAsync(FormattableString.Invariant($"{category,-10} detected {s.Detected,6} / {s.Total,-6} {Percent(s.Detected, s.Total),7:0.00} %")).ConfigureAwait(false);
            }

            if (benignTotal > 0)
            {
                await stderr.WriteLineAsync(FormattableString.Invariant($"{"benign",-10} flagged  {benignFlagged,6} / {benignTotal,-6} {Percent(benignFlagged, benignTotal),7:0.00} % false positives")).ConfigureAwait(false);
            }
        }

        return CliApp.Ok;
    }

    private static double Percent(int n, int total) => total == 0 ? 0 : 100.0 * n / total;

    private static async Task<string?> ReadLineAsync(TextReader reader)
    {
        try
        {
            return await reader.ReadLineAsync().ConfigureAwait(false);
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static void WriteVerdict(StringBuilder sb, JsonElement? id, int? lineNumber, bool attack, in InspectionVerdict verdict, InspectionFinding[] findings)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WritePropertyName("id");
            if (id is { } element)
            {
                element.WriteTo(w);
            }
            else if (lineNumber is { } n)
            {
                w.WriteNumberValue(n);
            }
            else
            {
                w.WriteNullValue();
            }

            w.WriteBoolean("attack", attack);
            w.WriteNumber("score", verdict.Score);
            w.WriteStartArray("categories");
            var seen = 0;
            for (var i = 0; i < verdict.FindingCount; i++)
            {
                var bit = 1 << (int)findings[i].Category;
                if ((seen & bit) == 0)
                {
                    seen |= bit;
                    w.WriteStringValue(findings[i].Category.ToString().ToLowerInvariant());
                }
            }

            w.WriteEndArray();
            w.WriteStartArray("rules");
            for (var i = 0; i < verdict.FindingCount; i++)
            {
                w.WriteNumberValue(findings[i].RuleId);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        sb.Append(Encoding.UTF8.GetString(ms.GetBuffer(), 0, (int)ms.Length));
    }
}
