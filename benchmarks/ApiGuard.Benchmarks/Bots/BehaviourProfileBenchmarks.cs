using ApiGuard.Bots;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace ApiGuard.Benchmarks.Bots;

/// <summary>
/// The per-request cost of bot detection's profile update (<c>BehaviourProfileTable.Record</c>: decay, counters, sketches,
/// BOLA tracking, score and action), for a known client on an <c>{id}</c> route, and for a flood of new (spoofed) clients
/// that each evict a profile. Target: ≤ 200 ns and 0 B. Median and Min are shown beside Mean because the numbers are taken
/// on a CPU shared with other work, which lengthens some iterations.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[MinColumn]
public class BehaviourProfileBenchmarks
{
    private BehaviourProfileTable _table = null!;
    private string[] _ids = null!;
    private string[] _spoofed = null!;
    private RouteValueDictionary _values = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _table = new BehaviourProfileTable(Options.Create(new BotDetectionOptions()), TimeProvider.System);
        _ids = Enumerable.Range(1000, 64).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        _spoofed = Enumerable.Range(0, 1 << 16).Select(i => $"ip:10.0.{i >> 8}.{i & 255}").ToArray();
        _values = new RouteValueDictionary { ["id"] = "1000" };
    }

    [Benchmark]
    public BotAction Record_KnownClient_IdRoute()
    {
        var id = _ids[_next++ & 63];
        var o = new RequestObservation("principal:mobile-user-42", ClientClass.Known, "GET", "/api/orders/{id}", null, 200, id, _values);
        return _table.Record(in o, detectOnly: false).Action;
    }

    [Benchmark]
    public BotAction Record_SpoofedClient_Evicts()
    {
        var o = new RequestObservation(_spoofed[_next++ & 0xFFFF], ClientClass.Anonymous, "GET", "/api/products", null, 200, null, null);
        return _table.Record(in o, detectOnly: false).Action;
    }
}
