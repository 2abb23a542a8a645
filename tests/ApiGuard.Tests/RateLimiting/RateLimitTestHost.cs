using ApiGuard.Monitoring;
using ApiGuard.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace ApiGuard.Tests.RateLimiting;

/// <summary>Builds in-memory limiters and TestServer apps for the rate-limiting tests.</summary>
internal static class RateLimitTestHost
{
    public static ServiceProvider Services(FakeTimeProvider time, Action<RateLimitingOptions> configure)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddApiGuard().AddRateLimiting(configure);
        return services.BuildServiceProvider(validateScopes: true);
    }

    /// <summary>Decides synchronously: the in-memory store always completes synchronously.</summary>
    internal static RateLimitDecision Decide(this ApiGuardRateLimiter limiter, long cost = 1)
    {
        var pending = limiter.DecideAsync(cost, CancellationToken.None);
        Assert.True(pending.IsCompletedSuccessfully);
        return pending.GetAwaiter().GetResult();
    }

    public static RateLimitingOptions Policy(this RateLimitingOptions o, string name, params RateLimitRuleOptions[] limits)
    {
        o.Policies[name] = new RateLimitPolicyOptions { Limits = [.. limits] };
        return o;
    }

    public static async Task<WebApplication> StartAppAsync(Action<IApiGuardBuilder> guard, Action<WebApplication> map, TimeProvider? time = null,
        Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }

        services?.Invoke(builder.Services);
        guard(builder.Services.AddApiGuard());
        var app = builder.Build();
        app.UseRouting();
        app.UseApiGuard();
        map(app);
        await app.StartAsync();
        return app;
    }
}

/// <summary>Collects published events synchronously.</summary>
internal sealed class EventCollector : ISecurityEventObserver
{
    public List<SecurityEvent> Events { get; } = [];

    public void OnEvent(SecurityEvent securityEvent, HttpContext? context)
    {
        lock (Events)
        {
            Events.Add(securityEvent);
        }
    }
}
