using System.Net;
using ApiGuard.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ApiGuard.Tests.RateLimiting;

public sealed class AspNetCoreRateLimiterTests
{
    private static async Task<WebApplication> StartAsync(Action<IServiceCollection> services, Action<WebApplication> map)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddSingleton<TimeProvider>(new FakeTimeProvider());
        builder.Services.AddApiGuard().AddRateLimiting(o => o.Policies["api"] = new RateLimitPolicyOptions
        {
            Limits = [new RateLimitRuleOptions { PermitLimit = 3, Window = TimeSpan.FromMinutes(1) }],
        });
        services(builder.Services);
        var app = builder.Build();
        app.UseRouting();
        app.UseRateLimiter();
        map(app);
        await app.StartAsync();
        return app;
    }

    [Fact]
    public async Task RequireRateLimiting_ApiGuardPolicy_RejectsWithProblemAndRetryAfter()
    {
        await using var app = await StartAsync(
            s => s.AddRateLimiter(o => o.AddApiGuardPolicy("api")),
            a => a.MapGet("/x", () => "ok").RequireRateLimiting("api"));
        var client = app.GetTestClient();
        for (var i = 0; i < 3; i++)
        {
            using var ok = await client.GetAsync(new Uri("/x", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using var rejected = await client.GetAsync(new Uri("/x", UriKind.Relative));
        Assert.Equal(HttpStatusCode.TooManyRequests, rejected.StatusCode);
        Assert.Equal("20", rejected.Headers.GetValues("Retry-After").Single());
        Assert.Equal("application/problem+json", rejected.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task GlobalLimiter_ApiGuard_UsesEndpointPolicy()
    {
        await using var app = await StartAsync(
            s => s.AddRateLimiter(_ => { }).UseApiGuardGlobalLimiter(),
            a =>
            {
                a.MapGet("/limited", () => "ok").RequireApiGuardRateLimit("api");
                a.MapGet("/open", () => "ok");
            });
        var client = app.GetTestClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var r = await client.GetAsync(new Uri("/limited", UriKind.Relative));
            statuses.Add(r.StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        using var open = await client.GetAsync(new Uri("/open", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, open.StatusCode);
    }
}
