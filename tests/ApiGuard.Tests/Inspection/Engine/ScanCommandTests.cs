using System.Text.Json;
using ApiGuard.Cli;

namespace ApiGuard.Tests.Inspection.Engine;

/// <summary>The <c>apiguard scan</c> command: output contract, summary, paranoia, and exit codes.</summary>
public sealed class ScanCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "apiguard-scan-" + Guid.NewGuid().ToString("N"));

    public ScanCommandTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task RunAsync_JsonLines_WritesOneVerdictPerLine()
    {
        var file = Write("in.jsonl",
            """{"id": "a-1", "label": "attack", "category": "sqli", "payload": "1' OR '1'='1"}""",
            """{"id": 7, "label": "benign", "category": "none", "payload": "O'Brien"}""",
            """{"payload": "<script>alert(1)</script>"}""");
        var (code, stdout, stderr) = await RunAsync("scan", file);

        Assert.Equal(0, code);
        Assert.Equal(string.Empty, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);

        using var first = JsonDocument.Parse(lines[0]);
        Assert.Equal("a-1", first.RootElement.GetProperty("id").GetString());
        Assert.True(first.RootElement.GetProperty("attack").GetBoolean());
        Assert.True(first.RootElement.GetProperty("score").GetInt32() >= 5);
        Assert.Contains("sqli", first.RootElement.GetProperty("categories").EnumerateArray().Select(e => e.GetString()));
        Assert.NotEmpty(first.RootElement.GetProperty("rules").EnumerateArray());

        using var second = JsonDocument.Parse(lines[1]);
        Assert.Equal(7, second.RootElement.GetProperty("id").GetInt32());
        Assert.False(second.RootElement.GetProperty("attack").GetBoolean());
        Assert.Equal(0, second.RootElement.GetProperty("score").GetInt32());

        using var third = JsonDocument.Parse(lines[2]);
        Assert.Equal(JsonValueKind.Null, third.RootElement.GetProperty("id").ValueKind);
        Assert.Contains("xss", third.RootElement.GetProperty("categories").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task RunAsync_LinesMode_TreatsEachLineAsARawValue()
    {
        var file = Write("raw.txt", "hello world", "; cat /etc/passwd", "{not json}");
        var (code, stdout, _) = await RunAsync("scan", file, "--lines");

        Assert.Equal(0, code);
        var verdicts = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal(3, verdicts.Length);
        Assert.False(verdicts[0].GetProperty("attack").GetBoolean());
        Assert.True(verdicts[1].GetProperty("attack").GetBoolean());
        Assert.Equal(2, verdicts[1].GetProperty("id").GetInt32());
        Assert.False(verdicts[2].GetProperty("attack").GetBoolean());
    }

    [Fact]
    public async Task RunAsync_Summary_PrintsRatesPerCategoryAndFalsePositivesToStderr()
    {
        var file = Write("s.jsonl",
            """{"id": 1, "label": "attack", "category": "xss", "payload": "<svg onload=alert(1)>"}""",
            """{"id": 2, "label": "attack", "category": "xss", "payload": "harmless"}""",
            """{"id": 3, "label": "benign", "category": "none", "payload": "Tom & Jerry"}""");
        var (code, stdout, stderr) = await RunAsync("scan", file, "--summary");

        Assert.Equal(0, code);
        Assert.Equal(3, stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("xss", stderr, StringComparison.Ordinal);
        Assert.Contains("1 / 2", stderr, StringComparison.Ordinal);
        Assert.Contains("50.00 %", stderr, StringComparison.Ordinal);
        Assert.Contains("benign", stderr, StringComparison.Ordinal);
        Assert.Contains("0.00 % false positives", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ParanoiaOption_ChangesVerdicts()
    {
        var file = Write("p.txt", "look at <b>this</b>");
        var (_, pl1, _) = await RunAsync("scan", file, "--lines");
        var (_, pl3, _) = await RunAsync("scan", file, "--lines", "--paranoia", "3");

        Assert.Contains("\"attack\":false", pl1, StringComparison.Ordinal);
        Assert.Contains("\"attack\":true", pl3, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_MissingFile_ExitsWithBadInput()
    {
        var (code, stdout, stderr) = await RunAsync("scan", Path.Combine(_dir, "nope.jsonl"));

        Assert.Equal(CliApp.BadInput, code);
        Assert.Equal(string.Empty, stdout);
        Assert.Contains("cannot read", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_InvalidJsonLine_ExitsWithBadInputNamingTheLine()
    {
        var file = Write("bad.jsonl", """{"payload": "ok"}""", "{this is not json");
        var (code, _, stderr) = await RunAsync("scan", file);

        Assert.Equal(CliApp.BadInput, code);
        Assert.Contains(":2:", stderr, StringComparison.Ordinal);
        Assert.Contains("invalid JSON", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_LineWithoutPayload_ExitsWithBadInput()
    {
        var file = Write("nopayload.jsonl", """{"id": 1, "value": "x"}""");
        var (code, _, stderr) = await RunAsync("scan", file);

        Assert.Equal(CliApp.BadInput, code);
        Assert.Contains("payload", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_NoFile_IsAUsageError()
    {
        var (code, _, stderr) = await RunAsync("scan");
        Assert.Equal(CliApp.Usage, code);
        Assert.Contains("usage", stderr, StringComparison.Ordinal);
    }

    private string Write(string name, params string[] lines)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllLines(path, lines);
        return path;
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await CliApp.RunAsync(args, TextReader.Null, stdout, stderr);
        return (code, stdout.ToString().Replace("\r\n", "\n", StringComparison.Ordinal), stderr.ToString());
    }
}
