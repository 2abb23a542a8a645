using System.Text;
using ApiGuard.Inspection;
using ApiGuard.Inspection.Body;
using ApiGuard.Inspection.Exclusions;

namespace ApiGuard.Tests.Inspection.Middleware;

public class JsonBodyScannerTests
{
    private static InspectionScan NewScan(IPayloadInspector inspector) =>
        new(inspector, InspectionExclusionPolicy.Empty, 1, 5, 16, ApiGuardMode.DetectOnly);

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(1024)]
    public void ScanAvailable_ChunkedBody_SameFindingsAsWholeBody(int chunk)
    {
        var body = Encoding.UTF8.GetBytes("""{"a":[1,"x",{"b\u0045":"EVIL"}],"c":"WARN","d":{"e":[[["EVIL"]]]}}""");
        var whole = NewScan(new MarkerInspector());
        using (var scanner = new JsonBodyScanner(64))
        {
            Assert.Equal(BodyScanStatus.Ok, scanner.Scan(body, isFinal: true, whole));
        }

        var chunked = NewScan(new MarkerInspector());
        using (var scanner = new JsonBodyScanner(64))
        {
            for (var end = chunk; end < body.Length; end += chunk)
            {
                Assert.Equal(BodyScanStatus.Ok, scanner.ScanAvailable(body.AsSpan(0, end), chunked));
            }

            Assert.Equal(BodyScanStatus.Ok, scanner.Scan(body, isFinal: true, chunked));
        }

        Assert.Equal(whole.Score, chunked.Score);
        Assert.Equal(whole.Findings.Select(f => f.Location), chunked.Findings.Select(f => f.Location));
        Assert.Equal(["json:$.a[2].bE", "json:$.c", "json:$.d.e[0][0][0]"], chunked.Findings.Select(f => f.Location));
    }

    [Fact]
    public void ScanAvailable_HugeStringInTinyChunks_WorkStaysLinear()
    {
        var body = Encoding.UTF8.GetBytes("{\"a\":\"" + new string('x', 1 << 20) + "\",\"b\":\"EVIL\"}");
        var scan = NewScan(new MarkerInspector());
        using var scanner = new JsonBodyScanner(64);

        for (var end = 512; end < body.Length; end += 512)
        {
            scanner.ScanAvailable(body.AsSpan(0, end), scan);
        }

        Assert.Equal(BodyScanStatus.Ok, scanner.Scan(body, isFinal: true, scan));
        Assert.Equal(5, scan.Score);
        Assert.True(scanner.BytesExamined < 4L * body.Length, $"examined {scanner.BytesExamined} bytes for a {body.Length}-byte body");
    }

    [Fact]
    public void Scan_DeepNestingWithinLimit_TracksPath()
    {
        var body = Encoding.UTF8.GetBytes(new string('[', 60) + "\"EVIL\"" + new string(']', 60));
        var scan = NewScan(new MarkerInspector());
        using var scanner = new JsonBodyScanner(64);

        Assert.Equal(BodyScanStatus.Ok, scanner.Scan(body, isFinal: true, scan));
        Assert.Equal("json:$" + string.Concat(Enumerable.Repeat("[0]", 60)), Assert.Single(scan.Findings).Location);
    }

    [Fact]
    public void Scan_RandomMutations_NeverThrow()
    {
        var seed = Encoding.UTF8.GetBytes("""{"user":{"name":"O'Brien","tags":["a","b\u00e9"],"n":1.5e3,"ok":true,"x":null}}""");
        var random = new Random(42);
        var inspector = new MarkerInspector();
        for (var i = 0; i < 2000; i++)
        {
            var mutated = (byte[])seed.Clone();
            for (var m = 0; m < 1 + (i % 4); m++)
            {
                mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
            }

            using var scanner = new JsonBodyScanner(16);
            var status = scanner.Scan(mutated, isFinal: true, NewScan(inspector));
            Assert.True(Enum.IsDefined(status));
        }
    }
}
