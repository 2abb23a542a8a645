using System.Net;
using ApiGuard.BruteForce;
using ApiGuard.Monitoring;
using ApiGuard.Redis.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ApiGuard.Redis.Tests.BruteForce;

public sealed class RedisBruteForceObserverTests
{
    [RedisFact]
    public async Task Observe_HandlerFailuresWithRedisStore_RecordedInBackgroundAndCounted()
    {
        await using var server = await RedisServer.StartAsync();
        var services = new ServiceCollection();
        services.AddApiGuard()
            .UseRedis(o =>
            {
                o.Configuration = server.ConnectionString;
                o.KeyPrefix = "obs";
                o.OperationTimeout = TimeSpan.FromSeconds(5);
            })
            .AddBruteForceProtection(o =>
            {
                o.Address.DelayThreshold = 5;
                o.Address.BlockThreshold = 50;
                // Long enough that a slow machine (cold JIT, Redis start-up) cannot see the delay lapse before the check.
                o.Address.InitialDelay = TimeSpan.FromMinutes(5);
                o.Address.MaxDelay = TimeSpan.FromMinutes(10);
            });
        await using var provider = services.BuildServiceProvider();
        var publisher = provider.GetRequiredService<ISecurityEventPublisher>();
        var guard = provider.GetRequiredService<BruteForceGuard>();
        Assert.IsType<ApiGuard.Redis.BruteForce.RedisBruteForceStore>(provider.GetRequiredService<IBruteForceStore>());

        for (var i = 0; i < 5; i++)
        {
            // What the signature handler publishes for a failed verification.
            publisher.Publish(new SecurityEvent
            {
                Capability = ApiGuardCapabilities.Signatures,
                Kind = BruteForceDefaults.AuthenticationFailedKind,
                RuleId = "signature-mismatch",
            }, NewContext(provider, "198.51.100.66"));
        }

        for (var i = 0; i < 200 && guard.PendingObservations > 0; i++)
        {
            await Task.Delay(25);
        }

        Assert.Equal(0, guard.PendingObservations);
        var decision = await guard.CheckAsync(NewContext(provider, "198.51.100.66"), null);
        Assert.False(decision.IsAllowed);
        Assert.Equal(BruteForceScope.Address, decision.Scope);
        Assert.True((await guard.CheckAsync(NewContext(provider, "203.0.113.7"), null)).IsAllowed);
    }

    private static DefaultHttpContext NewContext(IServiceProvider provider, string ip)
    {
        var context = new DefaultHttpContext { RequestServices = provider };
        context.Connection.RemoteIpAddress = IPAddress.Parse(ip);
        return context;
    }
}
