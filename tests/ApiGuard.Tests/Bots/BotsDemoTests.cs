using System.Net;
using ApiGuard.Sample;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;

namespace ApiGuard.Tests.Bots;

public sealed class BotsDemoTests
{
    [Fact]
    public async Task Sample_Default_DetectOnlyReportsTheWalkWithoutRefusing()
    {
        await using var app = SampleApp.Build([], b => b.WebHost.UseTestServer());
        await app.StartAsync();
        using var client = app.GetTestClient();
        for (var id = 1; id <= 60; id++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/orders/{id}")).StatusCode);
        }

        using var offenders = new HttpRequestMessage(HttpMethod.Get, "/apiguard/admin/offenders") { Headers = { { "X-Admin-Key", "demo-admin-key-change-me" } } };
        var body = await (await client.SendAsync(offenders)).Content.ReadAsStringAsync();
        Assert.Contains("\"actionDetectOnly\":true", body, StringComparison.Ordinal);
        Assert.Contains("sequential-ids", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sample_AdminEndpoints_RequireTheDemoAdminKey()
    {
        await using var app = SampleApp.Build([], b => b.WebHost.UseTestServer());
        await app.StartAsync();
        using var client = app.GetTestClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/apiguard/admin/offenders")).StatusCode);
        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/apiguard/admin/offenders") { Headers = { { "X-Admin-Key", "guess" } } };
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(wrong)).StatusCode);
        using var right = new HttpRequestMessage(HttpMethod.Get, "/apiguard/admin/offenders") { Headers = { { "X-Admin-Key", "demo-admin-key-change-me" } } };
        var response = await client.SendAsync(right);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Sample_OrderWalk_AnonymousStoppedAutomationKeyNot()
    {
        // The sample runs bot detection in DetectOnly (so the other demos are not disturbed); this is the documented switch.
        await using var app = SampleApp.Build(["--ApiGuard:Bots:Mode=Enforce"], b => b.WebHost.UseTestServer());
        await app.StartAsync();
        using var client = app.GetTestClient();

        // The registered automation client (X-Api-Key: demo-automation-key is allow-listed as verified) walks freely.
        for (var id = 1; id <= 300; id++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/orders/{id}") { Headers = { { "X-Api-Key", "demo-automation-key" } } };
            Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(request)).StatusCode);
        }

        // An anonymous client walking the same route is stopped: throttled onto the sample's stricter 'bots-throttled'
        // rate-limit policy (429), then challenged (401) or blocked (403).
        HttpStatusCode last = HttpStatusCode.OK;
        for (var id = 1; id <= 60 && last == HttpStatusCode.OK; id++)
        {
            last = (await client.GetAsync($"/api/orders/{id}")).StatusCode;
        }

        Assert.True(last is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized or HttpStatusCode.TooManyRequests, last.ToString());
    }
}
