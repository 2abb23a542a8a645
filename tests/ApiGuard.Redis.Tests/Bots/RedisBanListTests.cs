using System.Net;
using ApiGuard.Admin;
using ApiGuard.Bots;
using ApiGuard.Redis;
using ApiGuard.Redis.Bots;
using ApiGuard.Redis.Tests.Infrastructure;
using ApiGuard.Replay;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace ApiGuard.Redis.Tests.Bots;

public sealed class RedisBanListTests
{
    private static ServiceProvider Node(RedisServer server, TimeProvider time, string prefix) => Node(server.ConnectionString, time, prefix);

    private static ServiceProvider Node(string configuration, TimeProvider time, string prefix)
    {
        var services = new ServiceCollection();
        services.AddSingleton(time);
        services.AddApiGuard().AddBotDetection().UseRedis(o =>
        {
            o.Configuration = configuration;
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
    public async Task UseRedis_Cluster_BansListsAndUnbansWithEveryKeyInOneSlot()
    {
        await using var cluster = await RedisCluster.StartAsync();
        await using var nodeA = Node(cluster.ConnectionString, TimeProvider.System, "c1");
        await using var nodeB = Node(cluster.ConnectionString, TimeProvider.System, "c1");
        var a = nodeA.GetRequiredService<IBanList>();
        var b = nodeB.GetRequiredService<IBanList>();
        var until = TimeProvider.System.GetUtcNow().AddMinutes(10);
        string[] clients = ["ip:203.0.113.1", "ip:203.0.113.2", "apikey:0123456789abcdef", "principal:mallory"];
        foreach (var client in clients)
        {
            Assert.True(await a.BanAsync(new BanEntry(client, until, "route-scanning", "bots")));
        }

        Assert.Equal(clients.Order(StringComparer.Ordinal), (await b.ListAsync(10)).Select(x => x.ClientId).Order(StringComparer.Ordinal));
        Assert.NotNull(await b.GetAsync("principal:mallory"));
        Assert.True(await b.UnbanAsync("principal:mallory"));
        Assert.Null(await a.GetAsync("principal:mallory"));
        Assert.NotNull((await a.LookupAsync("principal:mallory")).LiftedAt);
        Assert.Equal(3, (await a.ListAsync(10)).Count);

        // The ban keys and the index share one slot (the {ban} hash tag), which is what lets one transaction span them.
        var multiplexer = nodeA.GetRequiredService<IApiGuardRedisConnection>().Multiplexer;
        var keys = cluster.Nodes
            .SelectMany(n => multiplexer.GetServer("127.0.0.1", n.Port).Keys(pattern: "c1:*"))
            .ToList();
        Assert.Equal(5, keys.Count); // four bans (one a tombstone now) and the index
        Assert.Single(keys.Select(k => multiplexer.HashSlot(k)).Distinct());
    }

    [RedisFact]
    public async Task UseRedis_UnbanOnOneNode_OtherNodeForgetsItsOwnChallengeAndBlock()
    {
        await using var server = await RedisServer.StartAsync();
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        await using var nodeA = await StartWebNodeAsync(server, time, "w1");
        await using var nodeB = await StartWebNodeAsync(server, time, "w1");
        const string Scanner = "203.0.113.70";
        const string Walker = "203.0.113.71";

        // The scanner is blocked on A (a shared ban), then refused on B too.
        for (var i = 0; i < 20; i++)
        {
            await SendAsync(nodeA, $"/nope-{i}", Scanner);
            time.Advance(TimeSpan.FromMilliseconds(100));
        }

        Assert.Equal(HttpStatusCode.Forbidden, await SendAsync(nodeB, "/api/products", Scanner));

        // The walker's behaviour is seen by B only, which challenges it on its own (a node-local action).
        for (var i = 0; i < 12; i++)
        {
            await SendAsync(nodeB, $"/missing-{i}", Walker);
            time.Advance(TimeSpan.FromMilliseconds(100));
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(nodeB, "/api/products", Walker));
        Assert.True(nodeB.Services.GetRequiredService<BehaviourProfileTable>().TryGetAction("ip:" + Walker, out _));

        // An operator lifts both on A: B serves both again, having forgotten what it held against them.
        var admin = nodeA.Services.GetRequiredService<IApiGuardAdmin>();
        Assert.True(await admin.UnbanAsync("ip:" + Scanner));
        Assert.False(await admin.UnbanAsync("ip:" + Walker));
        time.Advance(TimeSpan.FromMilliseconds(10));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(nodeB, "/api/products", Scanner));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(nodeB, "/api/products", Walker));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(nodeA, "/api/products", Scanner));
        var walker = nodeB.Services.GetRequiredService<BehaviourProfileTable>().GetSnapshot("ip:" + Walker)!;
        Assert.Equal(BotAction.Allow, walker.Action);
        Assert.Equal(BotReasons.None, walker.Reasons);

        // What the client does after the unban counts again.
        for (var i = 0; i < 12; i++)
        {
            await SendAsync(nodeB, $"/again-{i}", Walker);
            time.Advance(TimeSpan.FromMilliseconds(100));
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(nodeB, "/api/products", Walker));
    }

    private static async Task<WebApplication> StartWebNodeAsync(RedisServer server, TimeProvider time, string prefix)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(time);
        builder.Services.AddApiGuard().AddBotDetection(o =>
        {
            o.Anonymous.BlockScore = 100; // 20 scans block, 12 only challenge
        }).UseRedis(o =>
        {
            o.Configuration = server.ConnectionString;
            o.KeyPrefix = prefix;
            o.OperationTimeout = TimeSpan.FromSeconds(2);
        });
        var app = builder.Build();
        app.UseApiGuard();
        app.MapGet("/api/products", () => Results.Ok());
        await app.StartAsync();
        return app;
    }

    private static async Task<HttpStatusCode> SendAsync(WebApplication node, string path, string ip)
    {
        var context = await node.GetTestServer().SendAsync(c =>
        {
            c.Request.Method = "GET";
            c.Request.Path = path;
            c.Connection.RemoteIpAddress = IPAddress.Parse(ip);
        });
        return (HttpStatusCode)context.Response.StatusCode;
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
        var ttl = await db.KeyTimeToLiveAsync("t2:{ban}:v1:ip:198.51.100.1");
        Assert.NotNull(ttl);
        Assert.True(ttl <= TimeSpan.FromMilliseconds(300));

        for (var i = 0; i < 100 && await db.KeyExistsAsync("t2:{ban}:v1:ip:198.51.100.1"); i++)
        {
            await Task.Delay(20);
        }

        Assert.False(await db.KeyExistsAsync("t2:{ban}:v1:ip:198.51.100.1"));
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
