using System.Net;
using ApiGuard.BruteForce;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace ApiGuard.Tests.BruteForce;

public sealed class BruteForceMiddlewareTests
{
    private static async Task<WebApplication> StartAsync(Action<BruteForceOptions>? configure = null)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 10, 0, 0, TimeSpan.Zero)));
        builder.Services.AddApiGuard().AddBruteForceProtection(o =>
        {
            o.Pair.DelayThreshold = 2;
            o.Pair.BlockThreshold = 4;
            configure?.Invoke(o);
        });
        var app = builder.Build();
        app.UseRouting();
        app.UseApiGuard();

        // A PIN check whose outcome the middleware records from the status code.
        app.MapPost("/pin/{user}", (string user, HttpContext c) =>
                c.Request.Headers["X-Pin"] == "1234" ? Results.Ok() : Results.Unauthorized())
            .RequireBruteForceProtection(c => c.Request.RouteValues["user"] as string);
        app.MapGet("/open", () => Results.Ok());
        app.MapGet("/unguarded", () => Results.Ok()).RequireBruteForceProtection(c => "someone").DisableApiGuard(ApiGuardCapabilities.BruteForce);
        await app.StartAsync();
        return app;
    }

    private static Task<HttpContext> SendAsync(WebApplication app, string method, string path, string ip, string? pin = null) =>
        app.GetTestServer().SendAsync(c =>
        {
            c.Request.Method = method;
            c.Request.Path = path;
            c.Connection.RemoteIpAddress = IPAddress.Parse(ip);
            if (pin is not null)
            {
                c.Request.Headers["X-Pin"] = pin;
            }
        });

    [Fact]
    public async Task Invoke_SelectorEndpoint_RecordsFailuresFromStatusAndRefusesEarly()
    {
        await using var app = await StartAsync();
        var statuses = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            statuses.Add((await SendAsync(app, "POST", "/pin/alice", "198.51.100.66", "0000")).Response.StatusCode);
        }

        var correctPinWhileDelayed = await SendAsync(app, "POST", "/pin/alice", "198.51.100.66", "1234");
        var otherUser = await SendAsync(app, "POST", "/pin/bob", "198.51.100.66", "1234");

        Assert.Equal(new[] { 401, 401, 429 }, statuses);
        Assert.Equal(429, correctPinWhileDelayed.Response.StatusCode);
        Assert.Equal("1", correctPinWhileDelayed.Response.Headers.RetryAfter.ToString());
        Assert.Equal(200, otherUser.Response.StatusCode);
    }

    [Fact]
    public async Task Invoke_SuccessRecorded_ClearsPair()
    {
        await using var app = await StartAsync();
        await SendAsync(app, "POST", "/pin/alice", "198.51.100.66", "0000");
        await SendAsync(app, "POST", "/pin/alice", "198.51.100.66", "1234");
        var afterSuccess = new List<int>();
        for (var i = 0; i < 2; i++)
        {
            afterSuccess.Add((await SendAsync(app, "POST", "/pin/alice", "198.51.100.66", "0000")).Response.StatusCode);
        }

        Assert.Equal(new[] { 401, 401 }, afterSuccess); // the earlier failure no longer counts
    }

    [Fact]
    public async Task Invoke_UnmarkedEndpoint_NotChecked_UnlessCheckAddressOnAllEndpoints()
    {
        await using var app = await StartAsync(o =>
        {
            o.Address.DelayThreshold = 1;
            o.Address.BlockThreshold = 2;
        });
        await SendAsync(app, "POST", "/pin/alice", "198.51.100.66", "0000");
        await SendAsync(app, "POST", "/pin/alice", "198.51.100.66", "0000");

        Assert.Equal(200, (await SendAsync(app, "GET", "/open", "198.51.100.66")).Response.StatusCode);
        Assert.Equal(200, (await SendAsync(app, "GET", "/unguarded", "198.51.100.66")).Response.StatusCode);

        await using var strict = await StartAsync(o =>
        {
            o.Address.DelayThreshold = 1;
            o.Address.BlockThreshold = 2;
            o.CheckAddressOnAllEndpoints = true;
        });
        await SendAsync(strict, "POST", "/pin/alice", "198.51.100.66", "0000");
        await SendAsync(strict, "POST", "/pin/alice", "198.51.100.66", "0000");

        Assert.Equal(429, (await SendAsync(strict, "GET", "/open", "198.51.100.66")).Response.StatusCode);
        Assert.Equal(200, (await SendAsync(strict, "GET", "/open", "203.0.113.7")).Response.StatusCode);
    }
}
