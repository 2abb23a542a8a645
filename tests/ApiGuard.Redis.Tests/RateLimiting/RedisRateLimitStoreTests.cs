using System.Text.RegularExpressions;
using System.Threading.RateLimiting;
using ApiGuard.RateLimiting;
using ApiGuard.Redis.Tests.Infrastructure;
using StackExchange.Redis;

namespace ApiGuard.Redis.Tests.RateLimiting;

public sealed partial class RedisRateLimitStoreTests : IClassFixture<RedisServerFixture>
{
    private const int Callers = 64;
    private const int AttemptsPerCaller = 6;
    private readonly RedisServerFixture _fixture;

    public RedisRateLimitStoreTests(RedisServerFixture fixture)
    {
        _fixture = fixture;
    }

    [RedisFact]
    public async Task AcquireAsync_Gcra64CallersOnTwoNodes_GrantsExactlyTheLimit() =>
        Assert.Equal(100, await RunCorrectnessAsync(_fixture.Server.ConnectionString, RateLimitAlgorithm.Gcra, "tg"));

    [RedisFact]
    public async Task AcquireAsync_SlidingWindow64CallersOnTwoNodes_GrantsExactlyTheLimit() =>
        Assert.Equal(100, await RunCorrectnessAsync(_fixture.Server.ConnectionString, RateLimitAlgorithm.SlidingWindow, "ts"));

    [RedisFact]
    public async Task AcquireAsync_FixedWindow64CallersOnTwoNodes_GrantsExactlyTheLimit() =>
        Assert.Equal(100, await RunCorrectnessAsync(_fixture.Server.ConnectionString, RateLimitAlgorithm.FixedWindow, "tf"));

    [RedisFact]
    public async Task AcquireAsync_Concurrency64CallersOnTwoNodes_GrantsExactlyTheLimit() =>
        Assert.Equal(100, await RunCorrectnessAsync(_fixture.Server.ConnectionString, RateLimitAlgorithm.Concurrency, "tc"));

    /// <summary>
    /// 64 callers spread over two nodes (two stores, two connections) hammer one partition whose window is far longer than the run
    /// (GCRA refills one permit per 36 s, windows last a day), so the number granted must be exactly the limit.
    /// </summary>
    internal static async Task<int> RunCorrectnessAsync(string configuration, RateLimitAlgorithm algorithm, string prefix)
    {
        var window = algorithm == RateLimitAlgorithm.Gcra ? TimeSpan.FromHours(1) : TimeSpan.FromDays(1);
        void Configure(RateLimitingOptions o) => o.Policies["api"] = new RateLimitPolicyOptions
        {
            Limits = [new RateLimitRuleOptions { Algorithm = algorithm, PermitLimit = 100, Window = window }],
            FailureMode = RateLimitFailureMode.FailClosed,
        };

        using var nodeA = new RedisRateLimitNode(configuration, prefix, Configure, TimeSpan.FromSeconds(5));
        using var nodeB = new RedisRateLimitNode(configuration, prefix, Configure, TimeSpan.FromSeconds(5));
        var limiters = new[] { nodeA.Limiter.GetLimiter("api", "client-1"), nodeB.Limiter.GetLimiter("api", "client-1") };
        await WarmUpAsync(nodeA.Limiter, nodeB.Limiter);
        var leases = new System.Collections.Concurrent.ConcurrentBag<RateLimitLease>();
        var failClosed = 0;
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = Enumerable.Range(0, Callers).Select(i => Task.Run(async () =>
        {
            await start.Task;
            var limiter = limiters[i % 2];
            for (var j = 0; j < AttemptsPerCaller; j++)
            {
                var decision = await limiter.DecideAsync(1, CancellationToken.None);
                if (decision.Source == RateLimitDecisionSource.FailClosed)
                {
                    Interlocked.Increment(ref failClosed);
                }

                var lease = limiter.ToLease(decision, 1);
                if (lease.IsAcquired)
                {
                    leases.Add(lease); // held: concurrency permits stay taken
                }
            }
        })).ToArray();
        start.SetResult();
        await Task.WhenAll(tasks);
        Assert.Equal(0, failClosed);
        var granted = leases.Count;
        foreach (var lease in leases)
        {
            lease.Dispose();
        }

        return granted;
    }

    [RedisFact]
    public async Task AcquireAsync_ThreeLimits_OneScriptCallPerDecisionAllOrNothing()
    {
        var server = _fixture.Server;
        using var node = new RedisRateLimitNode(server.ConnectionString, "multi", o => o.Policies["api"] = new RateLimitPolicyOptions
        {
            Limits =
            [
                new RateLimitRuleOptions { Name = "burst", PermitLimit = 5, Window = TimeSpan.FromSeconds(1) },
                new RateLimitRuleOptions { Name = "minute", Algorithm = RateLimitAlgorithm.SlidingWindow, PermitLimit = 8, Window = TimeSpan.FromMinutes(1) },
                new RateLimitRuleOptions { Name = "day", Algorithm = RateLimitAlgorithm.FixedWindow, PermitLimit = 7, Window = TimeSpan.FromDays(1) },
            ],
        }, TimeSpan.FromSeconds(2));
        var limiter = node.Limiter.GetLimiter("api", "client-{x}");
        var warm = await limiter.DecideAsync(1, CancellationToken.None);
        Assert.True(warm.Allowed);

        var redis = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString + ",allowAdmin=true");
        await using (redis)
        {
            var srv = redis.GetServer(redis.GetEndPoints()[0]);
            await srv.ExecuteAsync("CONFIG", "RESETSTAT");
            var results = new List<RateLimitDecision>();
            for (var i = 0; i < 6; i++)
            {
                results.Add(await limiter.DecideAsync(1, CancellationToken.None));
            }

            var stats = (string?)await srv.ExecuteAsync("INFO", "commandstats") ?? string.Empty;
            // 6 decisions: 4 admitted (the burst of 5 is spent), then the 6th rejected by 'burst' and cached, the... all in 6 or fewer calls.
            var evalsha = CallCount(stats, "evalsha");
            var eval = CallCount(stats, "eval");
            Assert.Equal(0, eval);
            Assert.InRange(evalsha, 5, 6);
            Assert.Equal([true, true, true, true, false, false], results.Select(r => r.Allowed));
            Assert.Equal(0, results[4].LimitIndex);
            Assert.Equal(RateLimitDecisionSource.CachedDenial, results[5].Source);

            // Keys: {prefix}:rl:v1:{policy}:{algorithm}:{hash}, the hash in a hash tag, each with an expiry.
            var keys = srv.Keys(pattern: "multi:rl:*").Select(k => (string)k!).OrderBy(k => k, StringComparer.Ordinal).ToArray();
            Assert.Equal(3, keys.Length);
            Assert.All(keys, k => Assert.Matches(KeyPattern(), k));
            Assert.Contains(keys, k => k.StartsWith("multi:rl:v1:api:gcra:{", StringComparison.Ordinal));
            Assert.Contains(keys, k => k.StartsWith("multi:rl:v1:api:sliding:{", StringComparison.Ordinal));
            Assert.Contains(keys, k => k.StartsWith("multi:rl:v1:api:fixed:{", StringComparison.Ordinal));
            Assert.Single(keys.Select(k => k[k.IndexOf('{', StringComparison.Ordinal)..]).Distinct());
            foreach (var k in keys)
            {
                var ttl = await redis.GetDatabase().KeyTimeToLiveAsync(k);
                Assert.NotNull(ttl);
                Assert.True(ttl > TimeSpan.Zero);
            }

            // Day counter holds exactly the 5 admitted: rejected requests consumed nothing.
            var day = keys.Single(k => k.Contains(":fixed:", StringComparison.Ordinal));
            Assert.Equal(5, (long)await redis.GetDatabase().HashGetAsync(day, "c"));
        }
    }

    [RedisFact]
    public async Task AcquireAsync_GcraManyPartitionsAtOnce_FewerScriptCallsThanDecisionsEachDecidedAlone()
    {
        var server = _fixture.Server;
        using var node = new RedisRateLimitNode(server.ConnectionString, "batch", o =>
        {
            o.Policies["three"] = new RateLimitPolicyOptions { Limits = [new RateLimitRuleOptions { PermitLimit = 3, Window = TimeSpan.FromHours(1) }] };
            o.Policies["ten"] = new RateLimitPolicyOptions { Limits = [new RateLimitRuleOptions { PermitLimit = 10, Window = TimeSpan.FromHours(1) }] };
        }, TimeSpan.FromSeconds(5));
        await WarmUpAsync(node.Limiter);
        var redis = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString + ",allowAdmin=true");
        await using (redis)
        {
            var srv = redis.GetServer(redis.GetEndPoints()[0]);
            await srv.ExecuteAsync("CONFIG", "RESETSTAT");

            // Caller i alone on partition i: even callers under 3/hour at cost 1, odd ones under 10/hour at cost 2.
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var runs = Enumerable.Range(0, Callers).Select(i => Task.Run(async () =>
            {
                await start.Task;
                var limiter = node.Limiter.GetLimiter(i % 2 == 0 ? "three" : "ten", "p-" + i);
                var decisions = new List<RateLimitDecision>();
                for (var j = 0; j < 7; j++)
                {
                    decisions.Add(await limiter.DecideAsync(i % 2 == 0 ? 1 : 2, CancellationToken.None));
                }

                return decisions;
            })).ToArray();
            start.SetResult();
            var all = await Task.WhenAll(runs);

            for (var i = 0; i < Callers; i++)
            {
                var d = all[i];
                var (admitted, remaining, retryMs, resetMs) = i % 2 == 0
                    ? (3, new long[] { 2, 1, 0 }, 1_200_000.0, 3_600_000.0) // T = 20 min, tau = 60 min
                    : (5, new long[] { 8, 6, 4, 2, 0 }, 720_000.0, 3_600_000.0); // T = 6 min, cost 2: 12 min to wait
                Assert.Equal(remaining, d.Take(admitted).Select(x => x.Remaining));
                Assert.All(d.Take(admitted), x => Assert.True(x.Allowed && x.Source == RateLimitDecisionSource.Store));
                var denied = d[admitted];
                Assert.False(denied.Allowed);
                Assert.Equal(RateLimitDecisionSource.Store, denied.Source);
                Assert.Equal(0, denied.Remaining);
                Assert.InRange(denied.RetryAfterMs, retryMs - 5_000, retryMs);
                Assert.InRange(denied.ResetMs, resetMs - 5_000, resetMs);
                Assert.All(d.Skip(admitted + 1), x => Assert.Equal(RateLimitDecisionSource.CachedDenial, x.Source));
            }

            var stats = (string?)await srv.ExecuteAsync("INFO", "commandstats") ?? string.Empty;
            var storeDecisions = all.Sum(d => d.Count(x => x.Source == RateLimitDecisionSource.Store));
            Assert.Equal((32 * 4) + (32 * 6), storeDecisions);
            Assert.Equal(storeDecisions, CallCount(stats, "get"));
            Assert.InRange(CallCount(stats, "evalsha"), 1, storeDecisions - 1);
            Assert.Equal(CallCount(stats, "evalsha"), CallCount(stats, "time"));
            Assert.Equal(0, CallCount(stats, "eval"));

            // Every written key expires within tau (here the hour): past that, its state means the same as no key.
            var keys = srv.Keys(pattern: "batch:rl:v1:*").ToArray();
            Assert.InRange(keys.Length, Callers, Callers + 1);
            foreach (var k in keys)
            {
                Assert.InRange(await redis.GetDatabase().KeyTimeToLiveAsync(k) ?? TimeSpan.Zero, TimeSpan.FromMinutes(59), TimeSpan.FromHours(1));
            }
        }
    }

    [RedisFact]
    public async Task AcquireAsync_ThreeLimitsManyPartitionsAtOnce_FewerScriptCallsThanDecisionsAllOrNothingEach()
    {
        var server = _fixture.Server;
        using var node = new RedisRateLimitNode(server.ConnectionString, "batch3", o => o.Policies["api"] = new RateLimitPolicyOptions
        {
            Limits =
            [
                new RateLimitRuleOptions { Name = "hour", PermitLimit = 4, Window = TimeSpan.FromHours(1) },
                new RateLimitRuleOptions { Name = "minute", Algorithm = RateLimitAlgorithm.SlidingWindow, PermitLimit = 10, Window = TimeSpan.FromMinutes(1) },
                new RateLimitRuleOptions { Name = "day", Algorithm = RateLimitAlgorithm.FixedWindow, PermitLimit = 3, Window = TimeSpan.FromDays(1) },
            ],
        }, TimeSpan.FromSeconds(5));
        await WarmUpAsync(node.Limiter);
        var redis = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString + ",allowAdmin=true");
        await using (redis)
        {
            var srv = redis.GetServer(redis.GetEndPoints()[0]);
            await srv.ExecuteAsync("CONFIG", "RESETSTAT");
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var runs = Enumerable.Range(0, Callers).Select(i => Task.Run(async () =>
            {
                await start.Task;
                var limiter = node.Limiter.GetLimiter("api", "p-" + i);
                var decisions = new List<RateLimitDecision>();
                for (var j = 0; j < 5; j++)
                {
                    decisions.Add(await limiter.DecideAsync(1, CancellationToken.None));
                }

                return decisions;
            })).ToArray();
            start.SetResult();
            var all = await Task.WhenAll(runs);

            // Each partition: 3 admitted (the day's limit is the tightest), then rejected by 'day' and cached.
            foreach (var d in all)
            {
                Assert.Equal([true, true, true, false, false], d.Select(x => x.Allowed));
                Assert.Equal([2L, 1L, 0L], d.Take(3).Select(x => x.Remaining));
                Assert.All(d.Take(4), x => Assert.Equal(RateLimitDecisionSource.Store, x.Source));
                Assert.Equal(2, d[3].LimitIndex);
                Assert.True(d[3].RetryAfterMs > 0);
                Assert.Equal(RateLimitDecisionSource.CachedDenial, d[4].Source);
            }

            var stats = (string?)await srv.ExecuteAsync("INFO", "commandstats") ?? string.Empty;
            Assert.InRange(CallCount(stats, "evalsha"), 1, (Callers * 4) - 1);
            Assert.Equal(CallCount(stats, "evalsha"), CallCount(stats, "time"));

            // Rejected requests consumed nothing: each day counter holds exactly the 3 admitted.
            var counts = new List<long>();
            foreach (var k in srv.Keys(pattern: "batch3:rl:v1:api:fixed*"))
            {
                counts.Add((long)await redis.GetDatabase().HashGetAsync(k, "c"));
            }

            Assert.Equal(Callers + 1, counts.Count); // and the warm-up partition, with its one
            Assert.Equal(Callers, counts.Count(c => c == 3));
            Assert.Equal((Callers * 3) + 1, counts.Sum());
        }
    }

    [RedisFact]
    public async Task AcquireAsync_RedisBusyWhileRequestsQueue_EachAnswersWithinItsOwnBudget()
    {
        var server = _fixture.Server;
        var budget = TimeSpan.FromMilliseconds(100);
        using var node = new RedisRateLimitNode(server.ConnectionString, "busy", o => o.Policies["api"] = new RateLimitPolicyOptions
        {
            Limits = [new RateLimitRuleOptions { PermitLimit = 10, Window = TimeSpan.FromHours(1) }],
            FailureMode = RateLimitFailureMode.FailOpen,
        }, budget);
        await WarmUpAsync(node.Limiter);
        var admin = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        await using (admin)
        {
            // A script that keeps redis-server busy for 1.5 s: the first request's call waits, later ones queue behind it.
            var busy = admin.GetDatabase().ScriptEvaluateAsync(
                "local s = redis.call('TIME') repeat local n = redis.call('TIME') until (n[1] - s[1]) * 1000000 + (n[2] - s[2]) >= 1500000 return 1");
            var busyEnded = busy.ContinueWith(_ => System.Diagnostics.Stopwatch.GetTimestamp(), TaskScheduler.Default);
            await Task.Delay(50);
            var runs = Enumerable.Range(0, 32).Select(i => Task.Run(async () =>
            {
                await Task.Delay(i * 2); // arrivals spread over 60 ms, most while the first call is in flight
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                var d = await node.Limiter.GetLimiter("api", "q-" + i).DecideAsync(1, CancellationToken.None);
                return (d, System.Diagnostics.Stopwatch.GetElapsedTime(started), started);
            })).ToArray();
            var results = await Task.WhenAll(runs);
            var ended = await busyEnded;

            // Each request that arrived while Redis was busy (on a loaded machine a task may start late) is answered by the
            // failure mode within its own budget (plus scheduling slack), not after waiting out the call ahead of it.
            var whileBusy = results.Where(r => r.started + (long)(budget.TotalSeconds * System.Diagnostics.Stopwatch.Frequency) < ended).ToArray();
            Assert.True(whileBusy.Length >= 24, $"only {whileBusy.Length} of 32 requests arrived while Redis was busy");
            Assert.All(whileBusy, r => Assert.Equal(RateLimitDecisionSource.FailOpen, r.d.Source));
            var slowest = whileBusy.Max(r => r.Item2);
            Assert.True(slowest < budget + TimeSpan.FromMilliseconds(50), $"slowest decision took {slowest.TotalMilliseconds:F1} ms");
        }

        // Redis answers again (after the breaker's break, if the timeouts opened it).
        var again = false;
        for (var i = 0; i < 100 && !again; i++)
        {
            again = (await node.Limiter.GetLimiter("api", "after-" + i).DecideAsync(1, CancellationToken.None)).Source == RateLimitDecisionSource.Store;
            if (!again)
            {
                await Task.Delay(50);
            }
        }

        Assert.True(again, "Redis was not used again after it answered");
    }

    [RedisFact]
    public async Task AcquireAsync_ScriptFlushed_ReloadsAndDecides()
    {
        var server = _fixture.Server;
        using var node = new RedisRateLimitNode(server.ConnectionString, "flush", o => o.Policies["api"] = new RateLimitPolicyOptions
        {
            Limits = [new RateLimitRuleOptions { PermitLimit = 10 }],
            FailureMode = RateLimitFailureMode.FailClosed,
        }, TimeSpan.FromSeconds(2));
        var limiter = node.Limiter.GetLimiter("api", "c");
        Assert.Equal(RateLimitDecisionSource.Store, (await limiter.DecideAsync(1, CancellationToken.None)).Source);
        var redis = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString + ",allowAdmin=true");
        await using (redis)
        {
            await redis.GetServer(redis.GetEndPoints()[0]).ScriptFlushAsync();
        }

        var after = await limiter.DecideAsync(1, CancellationToken.None);
        Assert.Equal(RateLimitDecisionSource.Store, after.Source);
        Assert.True(after.Allowed);
        Assert.Equal(8, after.Remaining);
    }

    [RedisFact]
    public async Task AttemptAcquire_CachedDenial_AnswersWithoutNetwork()
    {
        using var node = new RedisRateLimitNode(_fixture.Server.ConnectionString, "cache", o => o.Policies["api"] = new RateLimitPolicyOptions
        {
            Limits = [new RateLimitRuleOptions { PermitLimit = 2, Window = TimeSpan.FromMinutes(1) }],
        }, TimeSpan.FromSeconds(2));
        var limiter = node.Limiter.GetLimiter("api", "c");

        // Nothing known locally yet: AttemptAcquire defers to AcquireAsync (failed lease without RetryAfter).
        using (var unknown = limiter.AttemptAcquire())
        {
            Assert.False(unknown.IsAcquired);
            Assert.False(unknown.TryGetMetadata(MetadataName.RetryAfter, out _));
        }

        using (var a = await limiter.AcquireAsync())
        using (var b = await limiter.AcquireAsync())
        using (var c = await limiter.AcquireAsync())
        {
            Assert.True(a.IsAcquired && b.IsAcquired);
            Assert.False(c.IsAcquired);
            Assert.True(c.TryGetMetadata(MetadataName.RetryAfter, out var retry));
            Assert.Equal(TimeSpan.FromSeconds(30), retry);
        }

        using var cached = limiter.AttemptAcquire();
        Assert.False(cached.IsAcquired);
        Assert.True(cached.TryGetMetadata(MetadataName.RetryAfter, out var cachedRetry));
        Assert.InRange(cachedRetry, TimeSpan.FromSeconds(29), TimeSpan.FromSeconds(30));
    }

    /// <summary>
    /// Connects each node and loads the script (decisions on throwaway partitions until Redis answers within the budget),
    /// so a run measures decisions, not connection set-up.
    /// </summary>
    internal static async Task WarmUpAsync(params ApiGuardPartitionedRateLimiter[] nodes)
    {
        foreach (var node in nodes)
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            for (var i = 0; ; i++)
            {
                var limiter = node.GetLimiter(node.PolicyNames.First(), "warm-up-" + i);
                var d = await limiter.DecideAsync(1, CancellationToken.None);
                limiter.ToLease(d, 1).Dispose();
                if (d.Source == RateLimitDecisionSource.Store)
                {
                    break;
                }

                Assert.True(System.Diagnostics.Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(10), "Redis did not answer within 10 s");
                await Task.Delay(50);
            }
        }
    }

    private static long CallCount(string commandStats, string command)
    {
        var m = Regex.Match(commandStats, "cmdstat_" + command + ":calls=(\\d+)");
        return m.Success ? long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }

    [GeneratedRegex("^[a-z]+:rl:v1:api:(gcra|sliding|fixed):\\{[0-9a-f]{32}\\}$")]
    private static partial Regex KeyPattern();
}
