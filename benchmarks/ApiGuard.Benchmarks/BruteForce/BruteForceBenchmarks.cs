using System.Net;
using ApiGuard.BruteForce;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ApiGuard.Benchmarks.BruteForce;

/// <summary>
/// The in-memory brute-force path a login endpoint takes per attempt: check, then record the failure (hashing the account,
/// three sliding counters, two pattern sketches). Limits are set high so every iteration takes the same, allowed path.
/// </summary>
[MemoryDiagnoser]
public class BruteForceBenchmarks
{
    private readonly string[] _accounts = Enumerable.Range(0, 1024).Select(i => "user" + i).ToArray();
    private IBruteForceGuard _guard = null!;
    private HttpContext _context = null!;
    private ServiceProvider _provider = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection();
        services.AddApiGuard().AddBruteForceProtection(o =>
        {
            o.Pair.DelayThreshold = 998_000;
            o.Pair.BlockThreshold = 999_000;
            o.Address.DelayThreshold = 999_999;
            o.Address.BlockThreshold = 1_000_000;
            o.Account.UnderAttackThreshold = 1_000_000;
            o.Account.UntrustedPairDelayThreshold = 1;
        });
        _provider = services.BuildServiceProvider();
        _guard = _provider.GetRequiredService<IBruteForceGuard>();
        _context = new DefaultHttpContext { RequestServices = _provider };
        _context.Connection.RemoteIpAddress = IPAddress.Parse("203.0.113.7");
    }

    [GlobalCleanup]
    public void Cleanup() => _provider.Dispose();

    [Benchmark]
    public async Task<bool> InMemory_Check()
    {
        var decision = await _guard.CheckAsync(_context, _accounts[_next++ & 1023]);
        return decision.IsAllowed;
    }

    [Benchmark]
    public async Task<bool> InMemory_CheckAndRecordFailure()
    {
        var account = _accounts[_next++ & 1023];
        var decision = await _guard.CheckAsync(_context, account);
        var next = await _guard.RecordFailureAsync(_context, account);
        return decision.IsAllowed & next.IsAllowed;
    }
}
