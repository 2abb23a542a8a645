using System.Collections.Concurrent;
using System.Diagnostics;
using ApiGuard.RateLimiting;
using ApiGuard.Redis.Tests.Infrastructure;
using Xunit.Abstractions;

namespace ApiGuard.Redis.Tests.RateLimiting;

public sealed class RedisRateLimitFaultTests(ITestOutputHelper output)
{
    private const int Callers = 16;
    private static readonly TimeSpan s_budget = TimeSpan.FromMilliseconds(50);

    [RedisFact]
    public async Task AcquireAsync_RedisKilledWithLocalFallback_DecidesInMemoryWithinBudgetAndRecovers()
    {
        var run = await RunAsync(RateLimitFailureMode.LocalFallback);
        Assert.Contains(RateLimitDecisionSource.LocalFallback, run.DeadSources.Keys);
        Assert.DoesNotContain(RateLimitDecisionSource.FailOpen, run.DeadSources.Keys);
        Assert.DoesNotContain(RateLimitDecisionSource.FailClosed, run.DeadSources.Keys);
        Assert.Equal([true, true, true, false], run.ProbeWhileDead.Select(d => d.Allowed));
        Assert.All(run.ProbeWhileDead, d => Assert.Equal(RateLimitDecisionSource.LocalFallback, d.Source));
    }

    [RedisFact]
    public async Task AcquireAsync_RedisKilledWithFailOpen_AllowsWithinBudgetAndRecovers()
    {
        var run = await RunAsync(RateLimitFailureMode.FailOpen);
        Assert.Contains(RateLimitDecisionSource.FailOpen, run.DeadSources.Keys);
        Assert.DoesNotContain(RateLimitDecisionSource.LocalFallback, run.DeadSources.Keys);
        Assert.All(run.ProbeWhileDead, d => Assert.True(d.Allowed && d.Source == RateLimitDecisionSource.FailOpen));
    }

    [RedisFact]
    public async Task AcquireAsync_RedisKilledWithFailClosed_RejectsWithinBudgetAndRecovers()
    {
        var run = await RunAsync(RateLimitFailureMode.FailClosed);
        Assert.Contains(RateLimitDecisionSource.FailClosed, run.DeadSources.Keys);
        Assert.DoesNotContain(RateLimitDecisionSource.LocalFallback, run.DeadSources.Keys);
        Assert.All(run.ProbeWhileDead, d => Assert.True(!d.Allowed && d.Source == RateLimitDecisionSource.FailClosed));
    }

    private sealed record FaultRun(Dictionary<RateLimitDecisionSource, int> DeadSources, List<RateLimitDecision> ProbeWhileDead);

    /// <summary>
    /// 16 callers decide continuously (a new partition each time, so every decision needs the store) while redis-server is
    /// killed, then restarted. Asserts: no exception escapes, p99 decision latency while Redis is dead is within the budget
    /// plus 20 ms, and after the restart Redis decides again within 5 s.
    /// </summary>
    private async Task<FaultRun> RunAsync(RateLimitFailureMode mode)
    {
        await using var server = await RedisServer.StartAsync();
        using var node = new RedisRateLimitNode(server.ConnectionString, "fault", o =>
        {
            o.Policies["api"] = new RateLimitPolicyOptions
            {
                Limits = [new RateLimitRuleOptions { PermitLimit = 3, Window = TimeSpan.FromHours(1) }],
                FailureMode = mode,
            };
        }, s_budget);
        await RedisRateLimitStoreTests.WarmUpAsync(node.Limiter);

        var phase = 0; // 0 healthy, 1 dead, 2 stop
        var deadLatencies = new ConcurrentBag<double>();
        var deadSources = new ConcurrentDictionary<RateLimitDecisionSource, int>();
        var counter = 0;
        var callers = Enumerable.Range(0, Callers).Select(c => Task.Run(async () =>
        {
            while (Volatile.Read(ref phase) < 2)
            {
                var limiter = node.Limiter.GetLimiter("api", $"k-{c}-{Interlocked.Increment(ref counter)}");
                var dead = Volatile.Read(ref phase) == 1;
                var started = Stopwatch.GetTimestamp();
                var decision = await limiter.DecideAsync(1, CancellationToken.None);
                var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (dead && Volatile.Read(ref phase) == 1)
                {
                    deadLatencies.Add(ms);
                    deadSources.AddOrUpdate(decision.Source, 1, static (_, n) => n + 1);
                }

                await Task.Yield();
            }
        })).ToArray();

        await Task.Delay(300);
        Volatile.Write(ref phase, 1);
        server.Kill();
        await Task.Delay(1500);

        var probe = node.Limiter.GetLimiter("api", "probe-while-dead");
        var probes = new List<RateLimitDecision>();
        for (var i = 0; i < 4; i++)
        {
            probes.Add(await probe.DecideAsync(1, CancellationToken.None));
        }

        Volatile.Write(ref phase, 2);
        await Task.WhenAll(callers); // no exception escaped any caller

        var sorted = deadLatencies.OrderBy(x => x).ToArray();
        Assert.True(sorted.Length > 100, $"only {sorted.Length} decisions while Redis was dead");
        var p99 = sorted[(int)Math.Ceiling(sorted.Length * 0.99) - 1];
        Assert.True(p99 <= s_budget.TotalMilliseconds + 20, $"p99 {p99:F1} ms over {sorted.Length} decisions (max {sorted[^1]:F1} ms)");

        await server.RestartAsync();
        var restarted = Stopwatch.GetTimestamp();
        var recovered = false;
        var i2 = 0;
        while (Stopwatch.GetElapsedTime(restarted) < TimeSpan.FromSeconds(5))
        {
            var d = await node.Limiter.GetLimiter("api", "after-restart-" + i2++).DecideAsync(1, CancellationToken.None);
            if (d.Source == RateLimitDecisionSource.Store)
            {
                recovered = true;
                break;
            }

            await Task.Delay(20);
        }

        Assert.True(recovered, "Redis was not used again within 5 s of the restart");
        output.WriteLine($"{mode}: {sorted.Length} decisions while dead, p50 {sorted[sorted.Length / 2]:F2} ms, p99 {p99:F2} ms, max {sorted[^1]:F2} ms; " +
            $"sources {string.Join(", ", deadSources.Select(kv => kv.Key + "=" + kv.Value))}; Redis used again {Stopwatch.GetElapsedTime(restarted).TotalSeconds:F2} s after restart");
        return new FaultRun(new Dictionary<RateLimitDecisionSource, int>(deadSources), probes);
    }
}
