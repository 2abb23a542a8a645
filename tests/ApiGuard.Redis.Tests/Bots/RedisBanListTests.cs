using ApiGuard.Bots;
using ApiGuard.Redis;
using ApiGuard.Redis.Bots;
using ApiGuard.Redis.Tests.Infrastructure;
using ApiGuard.Replay;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ApiGuard.Redis.Tests.Bots;

public sealed class RedisBanListTests
{
    private static ServiceProvider Node(RedisServer server, TimeProvider time, string prefix)
    {
        var services = new ServiceCollection();
        services.AddSingleton(time);
        services.AddApiGuard().AddBotDetection().UseRedis(o =>
        {
            o.Configuration = server.ConnectionString;
            o.KeyPrefix = prefix;
            o.OperationTimeout = TimeSpan.FromSeconds(2);
        });
        return services.BuildServiceProvider();
    }

    [RedisFact]
    public async Task UseRedis_TwoNodes_AgreeOnBansAndUnbans()
    {
        await using var server = await RedisServer.StartAsync();
        var time = TimeProvider.System;
        await using var nodeA = Node(server, time, "t1");
        await using var nodeB = Node(server, time, "t1");
        var a = nodeA.GetRequiredService<IBanList>();
        var b = nodeB.GetRequiredService<IBanList>();
        Assert.IsType<RedisBanList>(a);

        var until = time.GetUtcNow().AddMinutes(10);
        Assert.True(await a.BanAsync(new BanEntry("ip:203.0.113.9", until, "route-scanning,auth-failures", "bots")));

        var seen = await b.GetAsync("ip:203.0.113.9");
        Assert.NotNull(seen);
        Assert.Equal("route-scanning,auth-failures", seen.Reason);
        Assert.Equal("bots", seen.Source);
        Assert.Equal(until.ToUnixTimeMilliseconds(), seen.Until.ToUnixTimeMilliseconds());
        Assert.Equal("ip:203.0.113.9", Assert.Single(await b.ListAsync(10)).ClientId);

        Assert.True(await b.UnbanAsync("ip:203.0.113.9"));
        Assert.Null(await a.GetAsync("ip:203.0.113.9"));
        Assert.Empty(await a.ListAsync(10));
        Assert.False(await a.UnbanAsync("ip:203.0.113.9"));
    }

    [RedisFact]
    public async Task BanAsync_Expires_KeyGoneFromRedis()
    {
        await using var server = await RedisServer.StartAsync();
        await using var node = Node(server, TimeProvider.System, "t2");
        var bans = node.GetRequiredService<IBanList>();
        await bans.BanAsync(new BanEntry("ip:198.51.100.1", TimeProvider.System.GetUtcNow().AddMilliseconds(300), "x", "admin"));
        Assert.NotNull(await bans.GetAsync("ip:198.51.100.1"));

        var db = node.GetRequiredService<IApiGuardRedisConnection>().Multiplexer.GetDatabase();
        var ttl = await db.KeyTimeToLiveAsync("t2:ban:v1:ip:198.51.100.1");
        Assert.NotNull(ttl);
        Assert.True(ttl <= TimeSpan.FromMilliseconds(300));

        for (var i = 0; i < 100 && await db.KeyExistsAsync("t2:ban:v1:ip:198.51.100.1"); i++)
        {
            await Task.Delay(20);
        }

        Assert.False(await db.KeyExistsAsync("t2:ban:v1:ip:198.51.100.1"));
        Assert.Null(await bans.GetAsync("ip:198.51.100.1"));
    }

    [RedisFact]
    public async Task GetAsync_ClockPastTheBan_ReturnsNull()
    {
        await using var server = await RedisServer.StartAsync();
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        await using var node = Node(server, time, "t3");
        var bans = node.GetRequiredService<IBanList>();
        await bans.BanAsync(new BanEntry("ip:198.51.100.2", time.GetUtcNow().AddMinutes(5), "x", "bots"));
        Assert.NotNull(await bans.GetAsync("ip:198.51.100.2"));
        time.Advance(TimeSpan.FromMinutes(6));
        Assert.Null(await bans.GetAsync("ip:198.51.100.2"));
        Assert.Empty(await bans.ListAsync(10));
    }

    [RedisFact]
    public async Task GetAsync_RedisDown_ThrowsStoreUnavailable()
    {
        var server = await RedisServer.StartAsync();
        await using var node = Node(server, TimeProvider.System, "t4");
        var bans = node.GetRequiredService<IBanList>();
        Assert.Null(await bans.GetAsync("ip:198.51.100.3"));
        server.Kill();
        await Assert.ThrowsAsync<ApiGuardStoreUnavailableException>(async () => await bans.GetAsync("ip:198.51.100.3"));
        await Assert.ThrowsAsync<ApiGuardStoreUnavailableException>(async () =>
            await bans.BanAsync(new BanEntry("ip:198.51.100.3", TimeProvider.System.GetUtcNow().AddMinutes(1), "x", "bots")));
        await server.DisposeAsync();
    }
}
