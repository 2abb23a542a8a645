using System.Text.RegularExpressions;
using ApiGuard.RateLimiting;
using ApiGuard.Redis.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace ApiGuard.Redis.Tests.RateLimiting;

public sealed class RedisApproximateRateLimitTests : IClassFixture<RedisServerFixture>
{
    private readonly RedisServerFixture _fixture;

    public RedisApproximateRateLimitTests(RedisServerFixture fixture)
    {
        _fixture = fixture;
    }

    [RedisFact]
    public async Task AcquireAsync_ApproximateHotKey_SyncsEveryIntervalAndAdmitsTheLimit()
    {
        var time = new FakeTimeProvider();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddApiGuard()
            .AddRateLimiting(o => o.Policies["hot"] = new RateLimitPolicyOptions
            {
                Limits = [new RateLimitRuleOptions { PermitLimit = 1000, Window = TimeSpan.FromHours(1) }],
                Approximate = true,
                ApproximateSyncInterval = TimeSpan.FromMilliseconds(100),
            })
            .UseRedis(o =>
            {
                o.Configuration = _fixture.Server.ConnectionString;
                o.KeyPrefix = "approx";
                o.OperationTimeout = TimeSpan.FromSeconds(2);
            });
        await using var sp = services.BuildServiceProvider();
        var limiter = sp.GetRequiredService<ApiGuardPartitionedRateLimiter>().GetLimiter("hot", "tenant-1");

        var admin = await ConnectionMultiplexer.ConnectAsync(_fixture.Server.ConnectionString + ",allowAdmin=true");
        await using (admin)
        {
            var server = admin.GetServer(admin.GetEndPoints()[0]);
            await server.ExecuteAsync("CONFIG", "RESETSTAT");

            var admitted = 0;
            for (var step = 0; step < 30; step++)
            {
                // 100 decisions per sync interval.
                for (var i = 0; i < 100; i++)
                {
                    var d = await limiter.DecideAsync(1, CancellationToken.None);
                    Assert.NotEqual(RateLimitDecisionSource.LocalFallback, d.Source);
                    admitted += d.Allowed ? 1 : 0;
                }

                time.Advance(TimeSpan.FromMilliseconds(100));
            }

            var stats = (string?)await server.ExecuteAsync("INFO", "commandstats") ?? string.Empty;
            var m = Regex.Match(stats, "cmdstat_evalsha:calls=(\\d+)");
            var calls = m.Success ? int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;

            // One node: the locally admitted permits are pushed at each sync, so exactly the limit is admitted, with one call per interval.
            Assert.Equal(1000, admitted);
            Assert.InRange(calls, 10, 31);
        }
    }
}
