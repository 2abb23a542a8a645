using System.Net;
using ApiGuard.Monitoring;
using ApiGuard.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ApiGuard.Tests.RateLimiting;

public sealed class RateLimitingMiddlewareTests
{
    private static Task<WebApplication> StartAsync(FakeTimeProvider time, Action<RateLimitingOptions> configure, EventCollector? events = null, Action<WebApplication>? map = null) =>
        RateLimitTestHost.StartAppAsync(
            g => g.AddRateLimiting(configure),
            map ?? (app =>
            {
                app.MapGet("/api/limited", () => "ok").RequireApiGuardRateLimit("anonymous");
                app.MapGet("/api/policy", () => "ok").WithApiGuardPolicy("anonymous");
                app.MapGet("/api/heavy", () => "ok").RequireApiGuardRateLimit("anonymous", cost: 4);
                app.MapGet("/api/free", () => "ok");
                app.MapGet("/api/off", () => "ok").RequireApiGuardRateLimit("anonymous").DisableApiGuard(ApiGuardCapabilities.RateLimiting);
            }),
            time,
            s =>
            {
                if (events is not null)
                {
                    s.AddSingleton<ISecurityEventObserver>(events);
                }
            });

    private static void Anonymous(RateLimitingOptions o) =>
        o.Policies["anonymous"] = new RateLimitPolicyOptions
        {
            Limits = [new RateLimitRuleOptions { Name = "default", PermitLimit = 10, Window = TimeSpan.FromSeconds(10) }],
        };

    [Fact]
    public async Task Invoke_OverLimit_Returns429ProblemWithRetryAfterAndRateLimitFields()
    {
        var time = new FakeTimeProvider();
        var events = new EventCollector();
        await using var app = await StartAsync(time, Anonymous, events);
        var client = app.GetTestClient();

        for (var i = 0; i < 10; i++)
        {
            using var ok = await client.GetAsync(new Uri("/api/limited", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal("\"default\";q=10;w=10", ok.Headers.GetValues("RateLimit-Policy").Single());
            Assert.Equal($"\"default\";r={9 - i};t={i + 1}", ok.Headers.GetValues("RateLimit").Single());
        }

        time.Advance(TimeSpan.FromMilliseconds(300));
        using var limited = await client.GetAsync(new Uri("/api/limited", UriKind.Relative));
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType!.MediaType);
        Assert.Equal("1", limited.Headers.GetValues("Retry-After").Single());
        Assert.Equal("\"default\";q=10;w=10", limited.Headers.GetValues("RateLimit-Policy").Single());
        Assert.Equal("\"default\";r=0;t=1", limited.Headers.GetValues("RateLimit").Single());
        var body = await limited.Content.ReadAsStringAsync();
        Assert.Contains("\"type\":\"https://apiguard.dev/problems/rate-limited\"", body, StringComparison.Ordinal);
        Assert.Contains("\"status\":429", body, StringComparison.Ordinal);

        var e = Assert.Single(events.Events);
        Assert.Equal("ratelimiting", e.Capability);
        Assert.Equal("ratelimit.exceeded", e.Kind);
        Assert.Equal(SecurityAction.Throttled, e.Action);
        Assert.Equal("anonymous", e.RuleId);

        // Blocked clients are answered from the cached denial until the retry time, then admitted again.
        time.Advance(TimeSpan.FromMilliseconds(700));
        using var again = await client.GetAsync(new Uri("/api/limited", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    [Fact]
    public async Task Invoke_WithApiGuardPolicyAndWeightedCost_SharePartitionAndCharge()
    {
        var time = new FakeTimeProvider();
        await using var app = await StartAsync(time, Anonymous);
        var client = app.GetTestClient();
        using (var heavy = await client.GetAsync(new Uri("/api/heavy", UriKind.Relative)))
        {
            Assert.Equal("\"default\";r=6;t=4", heavy.Headers.GetValues("RateLimit").Single());
        }

        using (var policy = await client.GetAsync(new Uri("/api/policy", UriKind.Relative)))
        {
            Assert.Equal("\"default\";r=5;t=5", policy.Headers.GetValues("RateLimit").Single());
        }

        using (var free = await client.GetAsync(new Uri("/api/free", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, free.StatusCode);
            Assert.False(free.Headers.Contains("RateLimit"));
        }

        for (var i = 0; i < 20; i++)
        {
            using var off = await client.GetAsync(new Uri("/api/off", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, off.StatusCode);
        }

        using (var heavy2 = await client.GetAsync(new Uri("/api/heavy", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, heavy2.StatusCode);
        }

        using var rejected = await client.GetAsync(new Uri("/api/heavy", UriKind.Relative));
        Assert.Equal(HttpStatusCode.TooManyRequests, rejected.StatusCode);

        // The rejected weighted request consumed nothing: one more unit request fits.
        using var unit = await client.GetAsync(new Uri("/api/limited", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, unit.StatusCode);
    }

    [Fact]
    public async Task Invoke_DetectOnly_AllowsAndPublishesWouldBlock()
    {
        var time = new FakeTimeProvider();
        var events = new EventCollector();
        await using var app = await StartAsync(time, o =>
        {
            Anonymous(o);
            o.Mode = ApiGuardMode.DetectOnly;
            o.LegacyHeaders = true;
        }, events);
        var client = app.GetTestClient();
        for (var i = 0; i < 12; i++)
        {
            using var r = await client.GetAsync(new Uri("/api/limited", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Equal("10", r.Headers.GetValues("X-RateLimit-Limit").Single());
        }

        Assert.Equal(2, events.Events.Count);
        Assert.All(events.Events, e => Assert.Equal(SecurityAction.WouldBlock, e.Action));
    }

    [Fact]
    public async Task Invoke_PolicyOverrideFeature_AppliesStricterPolicy()
    {
        var time = new FakeTimeProvider();
        await using var app = await StartAsync(time, o =>
        {
            Anonymous(o);
            o.Policies["suspicious"] = new RateLimitPolicyOptions { Limits = [new RateLimitRuleOptions { PermitLimit = 1, Window = TimeSpan.FromMinutes(1) }] };
        }, map: app =>
        {
            // A stand-in for the bot capability: it runs before the rate-limiting stage and names a stricter policy.
            app.Use((ctx, next) =>
            {
                if (ctx.Request.Headers.ContainsKey("X-Test-Suspicious"))
                {
                    ctx.SetRateLimitPolicy("suspicious");
                }

                return next(ctx);
            });
            app.MapGet("/api/limited", () => "ok").RequireApiGuardRateLimit("anonymous");
        });

        // The override middleware must run before UseApiGuard: rebuild the order with a second app is heavier, so call the limiter directly.
        var limiter = app.Services.GetRequiredService<ApiGuardPartitionedRateLimiter>();
        var ctx = new DefaultHttpContext { RequestServices = app.Services };
        ctx.SetRateLimitPolicy("suspicious");
        using var first = await limiter.AcquireAsync(ctx);
        using var second = await limiter.AcquireAsync(ctx);
        Assert.True(first.IsAcquired);
        Assert.False(second.IsAcquired);

        var plain = new DefaultHttpContext { RequestServices = app.Services };
        Assert.Null(limiter.GetStatistics(plain));
        plain.SetRateLimitPolicy("no-such-policy");
        using var none = await limiter.AcquireAsync(plain);
        Assert.True(none.IsAcquired);
    }

    [Fact]
    public void AddRateLimiting_InvalidConfiguration_FailsNamingKey()
    {
        using var sp = RateLimitTestHost.Services(new FakeTimeProvider(), o =>
        {
            o.Policies["bad name!"] = new RateLimitPolicyOptions { Limits = [new RateLimitRuleOptions { PermitLimit = 0 }] };
            o.DefaultPolicy = "missing";
        });
        var ex = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IOptions<RateLimitingOptions>>().Value);
        Assert.Contains(ex.Failures, f => f.Contains("ApiGuard:RateLimiting:Policies:bad name!:Limits:0:PermitLimit", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("ApiGuard:RateLimiting:DefaultPolicy 'missing'", StringComparison.Ordinal));
    }
}
