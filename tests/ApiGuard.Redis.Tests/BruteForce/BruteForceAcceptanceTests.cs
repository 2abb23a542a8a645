using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using ApiGuard.BruteForce;
using ApiGuard.Monitoring;
using ApiGuard.Redis.Tests.Infrastructure;
using ApiGuard.Sample;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace ApiGuard.Redis.Tests.BruteForce;

/// <summary>
/// Issue 5 acceptance: two instances of the sample sharing one real Redis. 1,000 failed logins over 200 accounts from one
/// address are throttled and reported as credential stuffing, while the real owner of one of those accounts logs in from
/// another address; counters expire.
/// </summary>
public sealed class BruteForceAcceptanceTests
{
    private const string AlicePassword = "wonderland-2026";
    private const string AttackerIp = "198.51.100.66";
    private const string OwnerIp = "203.0.113.7";

    private sealed class Collector : ISecurityEventObserver
    {
        public ConcurrentQueue<SecurityEvent> Events { get; } = new();

        public void OnEvent(SecurityEvent securityEvent, HttpContext? context) => Events.Enqueue(securityEvent);
    }

    private static async Task<WebApplication> StartInstanceAsync(RedisServer server, string prefix, TimeProvider time, Collector collector, params string[] extra)
    {
        var args = new List<string>
        {
            "--ApiGuard:Redis:Enabled=true",
            "--ApiGuard:Redis:Configuration=" + server.ConnectionString,
            "--ApiGuard:Redis:KeyPrefix=" + prefix,
            "--ApiGuard:Redis:OperationTimeout=00:00:05",
            "--ApiGuard:BruteForce:StoreFailurePolicy=FailClosed", // a silent local fallback would hide a broken shared store here
            "--Logging:LogLevel:Default=Warning",

            // Isolate brute force from the sample's bot detection and rate limiting (they report only here).
            "--ApiGuard:Bots:Mode=DetectOnly",
            "--ApiGuard:RateLimiting:Mode=DetectOnly",
        };
        args.AddRange(extra.Select(e => "--" + e));
        var app = SampleApp.Build(args.ToArray(), builder =>
        {
            builder.WebHost.UseTestServer();
            builder.Services.AddSingleton(time);
            builder.Services.AddSingleton<ISecurityEventObserver>(collector);
        });
        await app.StartAsync();
        return app;
    }

    private static async Task<int> LoginAsync(WebApplication app, string ip, string username, string password)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new { username, password });
        var context = await app.GetTestServer().SendAsync(c =>
        {
            c.Request.Method = HttpMethods.Post;
            c.Request.Path = "/api/login";
            c.Request.ContentType = "application/json";
            c.Request.ContentLength = body.Length;
            c.Request.Body = new MemoryStream(body);
            c.Connection.RemoteIpAddress = IPAddress.Parse(ip);
        });
        return context.Response.StatusCode;
    }

    [RedisFact]
    public async Task Login_StuffingFromOneAddressAcrossTwoInstances_ThrottledReportedOwnerStillLogsInCountersExpire()
    {
        await using var server = await RedisServer.StartAsync();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 10, 0, 0, TimeSpan.Zero));
        var collector = new Collector();
        await using var first = await StartInstanceAsync(server, "acc", time, collector);
        await using var second = await StartInstanceAsync(server, "acc", time, collector);
        var accounts = new[] { "alice" }.Concat(Enumerable.Range(1, 199).Select(i => $"user{i:D3}")).ToArray();

        // 1,000 failed logins over 200 accounts from one address, alternating instances, one every 100 ms (100 s in all).
        var statuses = new Dictionary<int, int>();
        for (var i = 0; i < 1000; i++)
        {
            var status = await LoginAsync(i % 2 == 0 ? first : second, AttackerIp, accounts[i % accounts.Length], $"Summer{i}!");
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            time.Advance(TimeSpan.FromMilliseconds(100));
        }

        // Throttled: 20 free failures, then delays of 1 s doubling to 60 s. Counted per instance this would be about twice as many.
        Assert.Equal(new[] { 401, 429 }, statuses.Keys.Order());
        Assert.InRange(statuses[401], 20, 32);
        Assert.Equal(1000 - statuses[401], statuses[429]);

        // Reported as credential stuffing, once, although two instances saw the attack.
        var stuffing = Assert.Single(collector.Events, e => e.Kind == BruteForceDefaults.CredentialStuffingKind);
        Assert.Equal(ApiGuardCapabilities.BruteForce, stuffing.Capability);
        Assert.Equal("ip:" + AttackerIp, stuffing.ClientId);
        Assert.Contains(collector.Events, e => e.Kind == BruteForceDefaults.ThrottledKind && e.Action == SecurityAction.Throttled && e.RuleId == "address");

        // The real owner of one of those accounts, from another address, still logs in on either instance.
        Assert.Equal(200, await LoginAsync(first, OwnerIp, "alice", AlicePassword));
        Assert.Equal(200, await LoginAsync(second, OwnerIp, "alice", AlicePassword));

        // The attacker is still refused, even with the right password.
        Assert.Equal(429, await LoginAsync(second, AttackerIp, "alice", AlicePassword));

        // Every key the store wrote is under the prefix, hashed and expiring.
        using (var mux = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString))
        {
            var keys = mux.GetServer(mux.GetEndPoints()[0]).Keys(pattern: "acc:bf:*").ToArray(); // other capabilities share the prefix
            Assert.NotEmpty(keys);
            foreach (var key in keys)
            {
                Assert.StartsWith("acc:bf:v1:", key.ToString(), StringComparison.Ordinal);
                Assert.DoesNotContain("user", key.ToString(), StringComparison.Ordinal);
                Assert.NotNull(await mux.GetDatabase().KeyTimeToLiveAsync(key));
            }
        }

        // Counters expire: once the windows and delays have passed, the address may try again.
        time.Advance(TimeSpan.FromMinutes(35));
        Assert.Equal(401, await LoginAsync(first, AttackerIp, "user042", "Autumn1!"));
        Assert.Equal(200, await LoginAsync(second, AttackerIp, "alice", AlicePassword));
    }

    [RedisFact]
    public async Task Login_ShortRealWindows_KeysExpireInRedis()
    {
        await using var server = await RedisServer.StartAsync();
        var collector = new Collector();
        string[] shortWindows =
        [
            "ApiGuard:BruteForce:Pair:Window=00:00:01", "ApiGuard:BruteForce:Pair:BlockDuration=00:00:01",
            "ApiGuard:BruteForce:Pair:InitialDelay=00:00:00.100", "ApiGuard:BruteForce:Pair:MaxDelay=00:00:00.200",
            "ApiGuard:BruteForce:Address:Window=00:00:01", "ApiGuard:BruteForce:Address:BlockDuration=00:00:01",
            "ApiGuard:BruteForce:Address:DelayThreshold=3", "ApiGuard:BruteForce:Address:BlockThreshold=6",
            "ApiGuard:BruteForce:Address:InitialDelay=00:00:01", "ApiGuard:BruteForce:Address:MaxDelay=00:00:01",
            "ApiGuard:BruteForce:Account:Window=00:00:01", "ApiGuard:BruteForce:TrustDuration=00:00:01",
        ];
        await using var first = await StartInstanceAsync(server, "short", TimeProvider.System, collector, shortWindows);
        await using var second = await StartInstanceAsync(server, "short", TimeProvider.System, collector, shortWindows);

        var statuses = new List<int>();
        for (var i = 0; i < 8; i++)
        {
            statuses.Add(await LoginAsync(i % 2 == 0 ? first : second, AttackerIp, "user" + i, "x"));
        }

        Assert.Equal(new[] { 401, 401, 401 }, statuses.Take(3));
        Assert.Contains(429, statuses); // the shared address counter throttles across both instances
        using var mux = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        var redis = mux.GetServer(mux.GetEndPoints()[0]);
        Assert.NotEmpty(redis.Keys(pattern: "short:*"));

        await Task.Delay(TimeSpan.FromSeconds(2.2)); // two 1 s windows: every key is gone from Redis, and the address may try again
        Assert.Empty(redis.Keys(pattern: "short:*"));
        Assert.Equal(401, await LoginAsync(first, AttackerIp, "user0", "x"));
    }

    [RedisFact]
    public async Task Login_RedisDown_FallsBackToLocalCountingNever500()
    {
        await using var server = await RedisServer.StartAsync();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 10, 0, 0, TimeSpan.Zero));
        var collector = new Collector();
        await using var app = await StartInstanceAsync(server, "fb", time, collector,
            "ApiGuard:Redis:OperationTimeout=00:00:00.300", "ApiGuard:BruteForce:StoreFailurePolicy=FallbackToLocal");
        Assert.Equal(401, await LoginAsync(app, AttackerIp, "alice", "guess"));

        server.Kill();
        var statuses = new List<int>();
        for (var i = 0; i < 5; i++)
        {
            statuses.Add(await LoginAsync(app, AttackerIp, "alice", "guess" + i));
        }

        Assert.Equal(new[] { 401, 401, 401, 429, 429 }, statuses); // local counting: delays after the pair threshold (3)
        Assert.Equal(200, await LoginAsync(app, OwnerIp, "alice", AlicePassword));
    }
}
