using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace ApiGuard.Tests.DependencyInjection;

/// <summary>The README's quick start: every capability on its defaults, in one app, with no configuration at all.</summary>
public sealed class QuickStartTests
{
    [Fact]
    public async Task QuickStart_EveryCapabilityOnDefaults_StartsServesAndBlocks()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddAuthentication();
        builder.Services.AddAuthorization();
        builder.Services.AddApiGuard(builder.Configuration.GetSection("ApiGuard"))
            .AddPayloadInspection()
            .AddSignatureAuthentication()
            .AddOtp()
            .AddChallengeResponse()
            .AddBruteForceProtection()
            .AddRateLimiting()
            .AddBotDetection()
            .AddPosture()
            .AddWebhookAlerts()
            .AddPayloadInspection()
            .AddRateLimiting();
        await using var app = builder.Build();
        app.UseRouting();
        app.UseAuthentication();
        app.UseApiGuard();
        app.UseAuthorization();
        app.MapGet("/health", () => "ok").DisableApiGuard();
        app.MapGet("/api/products", (string? q) => Results.Ok(new { q })).AllowAnonymous();
        await app.StartAsync();
        using var client = app.GetTestClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/products?q=blue%20mug")).StatusCode);
        var attack = await client.GetAsync("/api/products?q=1'%20OR%20'1'='1");
        Assert.Equal(HttpStatusCode.Forbidden, attack.StatusCode);
        Assert.Equal("application/problem+json", attack.Content.Headers.ContentType?.MediaType);
    }
}
