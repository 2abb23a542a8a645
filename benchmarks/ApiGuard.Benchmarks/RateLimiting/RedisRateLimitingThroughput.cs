using BenchmarkDotNet.Attributes;

namespace ApiGuard.Benchmarks.RateLimiting;

/// <summary>
/// A custom measured loop: ApiGuard and RedisRateLimiting 1.2.1 in interleaved rounds on the same local redis-server at 64 callers,
/// printing median decisions/s and ratios (<c>[throughput]</c> lines in the log, also appended to
/// <c>$TMPDIR/apiguard-ratelimit-throughput.txt</c>). The benchmark method itself is one more ApiGuard GCRA round.
/// </summary>
[MemoryDiagnoser]
public class RedisRateLimitingThroughput
{
    private readonly RedisRateLimitingBenchmarks _inner = new();

    [GlobalSetup]
    public void Setup()
    {
        _inner.Setup();
        _inner.CompareInterleaved(rounds: 15);
    }

    [Benchmark(OperationsPerInvoke = 6400, Description = "ApiGuard GCRA, 64 callers (after the interleaved comparison)")]
    public Task ApiGuardGcra() => _inner.ApiGuardGcra();

    [GlobalCleanup]
    public void Cleanup() => _inner.Cleanup();
}
