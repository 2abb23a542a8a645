using ApiGuard.RateLimiting;
using ApiGuard.Redis.Tests.Infrastructure;
using StackExchange.Redis;

namespace ApiGuard.Redis.Tests.RateLimiting;

public sealed class RedisClusterRateLimitTests
{
    [RedisFact]
    public async Task AcquireAsync_ThreeMasterCluster_GrantsExactlyTheLimitForEveryAlgorithm()
    {
        await using var cluster = await RedisCluster.StartAsync();
        foreach (var algorithm in new[] { RateLimitAlgorithm.Gcra, RateLimitAlgorithm.SlidingWindow, RateLimitAlgorithm.FixedWindow, RateLimitAlgorithm.Concurrency })
        {
            var granted = await RedisRateLimitStoreTests.RunCorrectnessAsync(cluster.ConnectionString, algorithm, "cl" + (int)algorithm);
            Assert.True(granted == 100, $"{algorithm}: granted {granted}");
        }

        // Several limits of one request in one script call, on whichever master owns the partition's slot; partitions spread over the masters.
        using var node = new RedisRateLimitNode(cluster.ConnectionString, "spread", o => o.Policies["api"] = new RateLimitPolicyOptions
        {
            Limits =
            [
                new RateLimitRuleOptions { PermitLimit = 10, Window = TimeSpan.FromHours(1) }, // GCRA keys live T = 6 min: still there when counted
                new RateLimitRuleOptions { Algorithm = RateLimitAlgorithm.FixedWindow, PermitLimit = 1000, Window = TimeSpan.FromDays(1) },
            ],
            FailureMode = RateLimitFailureMode.FailClosed,
        }, TimeSpan.FromSeconds(2));
        using var single = new RedisRateLimitNode(cluster.ConnectionString, "single", o => o.Policies["api"] = new RateLimitPolicyOptions
        {
            Limits = [new RateLimitRuleOptions { PermitLimit = 10, Window = TimeSpan.FromHours(1) }],
            FailureMode = RateLimitFailureMode.FailClosed,
        }, TimeSpan.FromSeconds(2));

        // One-GCRA-limit requests queued together are sent grouped by slot: 64 partitions at once, each decided on its own master.
        await RedisRateLimitStoreTests.WarmUpAsync(single.Limiter);
        var decided = await Task.WhenAll(Enumerable.Range(0, 64).Select(i => Task.Run(async () =>
            await single.Limiter.GetLimiter("api", "client-" + i).DecideAsync(1, CancellationToken.None))));
        Assert.All(decided, d => Assert.True(d.Allowed && d.Source == RateLimitDecisionSource.Store && d.Remaining == 9));

        for (var i = 0; i < 30; i++)
        {
            var d = await node.Limiter.GetLimiter("api", "client-" + i).DecideAsync(1, CancellationToken.None);
            Assert.Equal(RateLimitDecisionSource.Store, d.Source);
            Assert.True(d.Allowed);
        }

        var mux = await ConnectionMultiplexer.ConnectAsync(cluster.ConnectionString);
        await using (mux)
        {
            var perMaster = cluster.Nodes.Select(n => mux.GetServer("127.0.0.1", n.Port).Keys(pattern: "spread:rl:*").Count()).ToArray();
            Assert.Equal(60, perMaster.Sum());
            Assert.True(perMaster.Count(c => c > 0) >= 2, $"keys per master: {string.Join(", ", perMaster)}");
            var singleKeys = cluster.Nodes.Select(n => mux.GetServer("127.0.0.1", n.Port).Keys(pattern: "single:rl:v1:api:gcra:{*").Count()).ToArray();
            Assert.Equal(64, singleKeys.Sum() - 1); // and the warm-up partition
            Assert.True(singleKeys.Count(c => c > 0) >= 2, $"GCRA keys per master: {string.Join(", ", singleKeys)}");
        }
    }
}
