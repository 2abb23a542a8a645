using ApiGuard.Bots;
using ApiGuard.Monitoring;
using ApiGuard.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ApiGuard.Tests.Bots;

/// <summary>
/// Each scoring signal, end to end through the real middleware (TestServer, FakeTimeProvider): a client showing the signal and
/// a control client sending the same traffic without it, side by side on one server. The signal must raise the score, name
/// its reason and change the action (with a <c>bots</c> event); the control must score lower and see no action.
/// </summary>
public sealed class BotDetectionMiddlewareSignalTests
{
    private const string SignalIp = "203.0.113.40";
    private const string ControlIp = "203.0.113.41";

    private static BotProfileSnapshot Profile(BotTestHost host, string ip) =>
        host.Services.GetRequiredService<BehaviourProfileTable>().GetSnapshot("ip:" + ip)!;

    private static List<SecurityEvent> BotEvents(BotTestHost host, string ip) =>
        host.Observer.Bots.Where(e => e.ClientId == "ip:" + ip).ToList();

    /// <summary>The signal client carries the reason and the action, with an event naming the reason; the control neither.</summary>
    private static void AssertSignalMovesScoreAndDecision(BotTestHost host, BotReasons reason, BotAction action)
    {
        var signal = Profile(host, SignalIp);
        var control = Profile(host, ControlIp);
        Assert.Equal(signal.TotalRequests, control.TotalRequests); // the same traffic
        Assert.True((signal.Reasons & reason) != 0, $"signal reasons: {signal.Reasons}");
        Assert.True((control.Reasons & reason) == 0, $"control reasons: {control.Reasons}");
        Assert.True(signal.Score >= 30 && signal.Score > control.Score, $"signal {signal.Score}, control {control.Score}");
        Assert.Equal(action, signal.Action);
        Assert.Equal(BotAction.Allow, control.Action);
        Assert.Contains(signal.Explanation, line => line.StartsWith(BotReasonCodes.ToCode(reason) + ": ", StringComparison.Ordinal));

        var changed = Assert.Single(BotEvents(host, SignalIp));
        Assert.Equal(BotDecisionReporter.KindOf(action), changed.Kind);
        Assert.Contains(BotReasonCodes.ToCode(reason), changed.Properties!["reasons"].Split(','));
        Assert.Contains(BotReasonCodes.ToCode(reason) + ": ", changed.Reason, StringComparison.Ordinal);
        Assert.Empty(BotEvents(host, ControlIp));
    }

    /// <summary>Sends <paramref name="count"/> GETs from the signal client (path by index) and as many to /api/products from the control, 100 ms apart.</summary>
    private static async Task SendGetsAsync(BotTestHost host, int count, Func<int, string> signalPath)
    {
        for (var i = 0; i < count; i++)
        {
            await host.SendAsync("GET", signalPath(i), SignalIp);
            await host.SendAsync("GET", "/api/products", ControlIp);
            host.Time.Advance(TimeSpan.FromMilliseconds(100));
        }
    }

    private static Task<BotTestHost> StartWithRateLimitAsync(ApiGuardMode rateLimitMode, Action<BotDetectionOptions>? configure = null) =>
        BotTestHost.StartAsync(
            configure,
            build: b => b.Services.AddApiGuard().AddRateLimiting(o =>
            {
                o.Mode = rateLimitMode;
                o.Policies["tight"] = new RateLimitPolicyOptions
                {
                    Limits = [new RateLimitRuleOptions { PermitLimit = 1, Window = TimeSpan.FromMinutes(10) }],
                };
            }),
            map: app =>
            {
                app.MapGet("/api/limited", () => Results.Ok()).RequireApiGuardRateLimit("tight");
                app.MapGet("/api/unlimited", () => Results.Ok());
            });

    [Fact]
    public async Task Invoke_RateLimitRejections_RaiseScoreAndThrottle()
    {
        // The 429 share has its own reason: switched off here so that the rejections alone are scored.
        await using var host = await StartWithRateLimitAsync(ApiGuardMode.Enforce, o => o.Anonymous.MaxTooManyRequestsRatio = 0);
        for (var i = 0; i < 30; i++)
        {
            await host.SendAsync("GET", "/api/limited", SignalIp);
            await host.SendAsync("GET", "/api/unlimited", ControlIp);
            host.Time.Advance(TimeSpan.FromMilliseconds(300));
        }

        Assert.Equal(29, host.Observer.Events.Count(e => e.Kind == "ratelimit.exceeded" && e.ClientId == "ip:" + SignalIp));
        AssertSignalMovesScoreAndDecision(host, BotReasons.RateLimited, BotAction.Throttle);
        Assert.True(Profile(host, SignalIp).RateLimitRejections > 20);
        Assert.Equal(0, Profile(host, ControlIp).RateLimitRejections);
    }

    [Fact]
    public async Task Invoke_RateLimitEventsWithoutRejections_RaiseScoreAndThrottle()
    {
        // Rate limiting in DetectOnly lets every request through (200) and only reports: the events alone move the score.
        await using var host = await StartWithRateLimitAsync(ApiGuardMode.DetectOnly);
        for (var i = 0; i < 30; i++)
        {
            Assert.Equal(200, (await host.SendAsync("GET", "/api/limited", SignalIp)).Response.StatusCode);
            Assert.Equal(200, (await host.SendAsync("GET", "/api/unlimited", ControlIp)).Response.StatusCode);
            host.Time.Advance(TimeSpan.FromMilliseconds(300));
        }

        Assert.All(
            host.Observer.Events.Where(e => e.Kind == "ratelimit.exceeded"),
            e => Assert.Equal(SecurityAction.WouldBlock, e.Action));
        AssertSignalMovesScoreAndDecision(host, BotReasons.RateLimited, BotAction.Throttle);
        Assert.Equal(0, Profile(host, SignalIp).TooManyRequestsRatio);
    }

    [Fact]
    public async Task Invoke_BruteForceEvents_RaiseScoreAndThrottle()
    {
        // Both clients fail the same logins (401, authentication failures alike, their own limit off here); only the signal
        // client's endpoint is brute-force protected, whose refusals are reported as bruteforce.* events.
        await using var host = await BotTestHost.StartAsync(
            o => o.Anonymous.MaxAuthFailures = 0,
            build: b => b.Services.AddApiGuard().AddBruteForceProtection(),
            map: app =>
            {
                static IResult SignIn(HttpContext c) =>
                    c.Request.Headers["X-Test-Password"] == "correct" ? Results.Ok() : Results.StatusCode(StatusCodes.Status401Unauthorized);
                app.MapPost("/api/signin", SignIn).RequireBruteForceProtection(c => c.Request.Headers["X-Account"].ToString());
                app.MapPost("/api/signin-unprotected", SignIn);
            });
        for (var i = 0; i < 8; i++)
        {
            await host.SendAsync("POST", "/api/signin", SignalIp, r => r.Headers["X-Account"] = "alice");
            await host.SendAsync("POST", "/api/signin-unprotected", ControlIp, r => r.Headers["X-Account"] = "alice");
            host.Time.Advance(TimeSpan.FromMilliseconds(200));
        }

        var bruteForce = host.Observer.Events.Where(e => e.Capability == ApiGuardCapabilities.BruteForce).ToList();
        Assert.True(bruteForce.Count > 2, $"{bruteForce.Count} brute-force events");
        Assert.All(bruteForce, e => Assert.Equal("ip:" + SignalIp, e.ClientId));
        AssertSignalMovesScoreAndDecision(host, BotReasons.BruteForce, BotAction.Throttle);
        Assert.Equal(0, Profile(host, ControlIp).BruteForceEvents);
    }

    [Fact]
    public async Task Invoke_ServerErrors_RaiseScoreAndThrottle()
    {
        // One request in four fails with a 500 (a share below the error-ratio and 5xx-ratio limits): the count of 5xx is what scores.
        await using var host = await BotTestHost.StartAsync();
        await SendGetsAsync(host, 90, i => i % 4 == 0 ? "/api/fail" : "/api/products");

        AssertSignalMovesScoreAndDecision(host, BotReasons.ServerErrors, BotAction.Throttle);
        Assert.Equal(BotReasons.ServerErrors, Profile(host, SignalIp).Reasons);
        Assert.Equal(0, Profile(host, ControlIp).Score);
    }

    [Fact]
    public async Task Invoke_ServerErrorShare_RaisesScoreAndThrottles()
    {
        // Half the responses are 500s but too few of them (15) for the count limit (20): their share is what scores.
        await using var host = await BotTestHost.StartAsync(o => o.Anonymous.MaxErrorRatio = 0);
        await SendGetsAsync(host, 30, i => i % 2 == 0 ? "/api/fail" : "/api/products");

        AssertSignalMovesScoreAndDecision(host, BotReasons.ServerErrorRatio, BotAction.Throttle);
        var signal = Profile(host, SignalIp);
        Assert.Equal(BotReasons.ServerErrorRatio, signal.Reasons);
        Assert.InRange(signal.ServerErrorRatio, 0.45, 0.55);
        Assert.Equal(0, Profile(host, ControlIp).ServerErrorRatio);
    }

    [Fact]
    public async Task Invoke_ErrorRatio_RaisesScoreAndThrottles()
    {
        // Two responses in three are errors, of three kinds each under its own limit (403, 500, 404 on a route that exists):
        // only their share is over the limit (50% for anonymous clients).
        string[] errors = ["/api/orders/7", "/api/fail", "/api/products/5000"];
        await using var host = await BotTestHost.StartAsync();
        await SendGetsAsync(host, 30, i => i % 3 == 2 ? "/api/products" : errors[i * 2 / 3 % 3]);

        AssertSignalMovesScoreAndDecision(host, BotReasons.ErrorRatio, BotAction.Throttle);
        var signal = Profile(host, SignalIp);
        Assert.Equal(BotReasons.ErrorRatio, signal.Reasons);
        Assert.InRange(signal.ErrorRatio, 0.6, 0.7);
        Assert.Equal(0, Profile(host, ControlIp).ErrorRatio);
    }

    [Fact]
    public async Task Invoke_UnusualMethods_RaiseScoreAndThrottle()
    {
        // Method fuzzing (TRACE, PROPFIND, DEBUG, …) against routes that exist; the control sends GETs to the same routes.
        string[] methods = ["TRACE", "PROPFIND", "DEBUG", "TRACK", "CONNECT", "MKCOL"];
        await using var host = await BotTestHost.StartAsync();
        for (var i = 0; i < methods.Length; i++)
        {
            var path = i % 2 == 0 ? "/api/products" : "/api/inventory";
            await host.SendAsync(methods[i], path, SignalIp);
            await host.SendAsync("GET", path, ControlIp);
            host.Time.Advance(TimeSpan.FromMilliseconds(500));
        }

        AssertSignalMovesScoreAndDecision(host, BotReasons.UnusualMethods, BotAction.Throttle);
        Assert.Equal(BotReasons.UnusualMethods, Profile(host, SignalIp).Reasons);
        Assert.Equal(0, Profile(host, ControlIp).UnusualMethods);
    }

    [Fact]
    public async Task Invoke_RequestRateTooHigh_RaisesScoreAndThrottles()
    {
        // 20 requests/s sustained for a minute (no burst over 30 in a second) against 5 requests/s: anonymous clients are
        // expected to stay under 10 requests/s over the window.
        await using var host = await BotTestHost.StartAsync();
        for (var tick = 0; tick < 1200; tick++)
        {
            await host.SendAsync("GET", "/api/products", SignalIp);
            if (tick % 4 == 0)
            {
                await host.SendAsync("GET", "/api/products", ControlIp);
            }

            host.Time.Advance(TimeSpan.FromMilliseconds(50));
        }

        var signal = Profile(host, SignalIp);
        var control = Profile(host, ControlIp);
        Assert.Equal(BotReasons.HighRate, signal.Reasons);
        Assert.InRange(signal.RequestsPerSecond, 10, 20);
        Assert.True(signal.BurstPerSecond < 30, $"burst {signal.BurstPerSecond}");
        Assert.Equal(BotAction.Throttle, signal.Action);
        Assert.InRange(control.RequestsPerSecond, 1, 10);
        Assert.Equal(BotReasons.None, control.Reasons);
        Assert.Equal(0, control.Score);
        Assert.Equal(BotAction.Allow, control.Action);

        var changed = Assert.Single(BotEvents(host, SignalIp));
        Assert.Equal("bot.throttled", changed.Kind);
        Assert.Equal("high-rate", changed.Properties!["reasons"]);
        Assert.StartsWith("high-rate: ", changed.Reason, StringComparison.Ordinal);
        Assert.Empty(BotEvents(host, ControlIp));
    }
}
