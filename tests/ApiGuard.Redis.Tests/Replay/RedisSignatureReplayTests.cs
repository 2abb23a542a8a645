using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using ApiGuard.Authentication.Signatures;
using ApiGuard.Client.Signatures;
using ApiGuard.Redis.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace ApiGuard.Redis.Tests.Replay;

/// <summary>Signature replay protection on the Redis replay store (real redis-server): replays rejected, Redis down means 503.</summary>
public sealed class RedisSignatureReplayTests
{
    [RedisFact]
    public async Task SignedRequest_ReplayedAgainstRedisStore_RejectedAsReplay()
    {
        await using var server = await RedisServer.StartAsync();
        var secret = RandomNumberGenerator.GetBytes(32);
        await using var app = await StartAsync(server, secret);
        var request = await SignAsync(app, secret);
        var replay = Copy(request);
        using var client = app.GetTestClient();

        using var first = await client.SendAsync(request);
        using var second = await client.SendAsync(replay);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, second.StatusCode);
        Assert.Equal(SignatureChecks.Replay, JsonDocument.Parse(await second.Content.ReadAsStringAsync()).RootElement.GetProperty("check").GetString());
        using var mux = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        var keys = mux.GetServer(mux.GetEndPoints()[0]).Keys(pattern: "apiguard:rp:v1:sig-nonce:*").ToArray();
        Assert.Single(keys);
        var ttl = await mux.GetDatabase().KeyTimeToLiveAsync(keys[0]);
        Assert.InRange(ttl!.Value, TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(7));
    }

    [RedisFact]
    public async Task SignedRequest_RedisKilled_Returns503NeverAccepts()
    {
        await using var server = await RedisServer.StartAsync();
        var secret = RandomNumberGenerator.GetBytes(32);
        await using var app = await StartAsync(server, secret);
        using var client = app.GetTestClient();
        using (var ok = await client.SendAsync(await SignAsync(app, secret)))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        server.Kill();
        using var response = await client.SendAsync(await SignAsync(app, secret));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("https://apiguard.dev/problems/service-unavailable", problem.GetProperty("type").GetString());
        Assert.Equal(SignatureChecks.StoreUnavailable, problem.GetProperty("check").GetString());
    }

    private static async Task<WebApplication> StartAsync(RedisServer server, byte[] secret)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddSingleton<TimeProvider>(new FakeTimeProvider(new DateTimeOffset(2026, 1, 15, 12, 0, 0, TimeSpan.Zero)));
        builder.Services.AddApiGuard()
            .AddSignatureAuthentication(configureKeys: k => k.ClientKeys.Add(new SignatureClientKey(SignatureKey.FromSharedSecret("redis-key", secret), "redis-client")))
            .UseRedis(o =>
            {
                o.Configuration = server.ConnectionString;
                o.OperationTimeout = TimeSpan.FromMilliseconds(500);
            });
        var app = builder.Build();
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapPost("/api/signed/echo", () => "ok").RequireSignature();
        await app.StartAsync();
        return app;
    }

    private static async Task<HttpRequestMessage> SignAsync(WebApplication app, byte[] secret)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "http://localhost/api/signed/echo") { Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json") };
        var signer = new RequestSigner(new SigningOptions { Key = SignatureKey.FromSharedSecret("redis-key", secret) }, app.Services.GetRequiredService<TimeProvider>());
        await signer.SignAsync(request);
        return request;
    }

    private static HttpRequestMessage Copy(HttpRequestMessage request)
    {
        var copy = new HttpRequestMessage(request.Method, request.RequestUri) { Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json") };
        foreach (var header in request.Headers)
        {
            copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        return copy;
    }
}
