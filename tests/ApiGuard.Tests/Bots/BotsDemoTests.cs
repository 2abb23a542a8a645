using System.Net;
using ApiGuard.Sample;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;

namespace ApiGuard.Tests.Bots;

public sealed class BotsDemoTests
{
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
        await using var app = SampleApp.Build([], b => b.WebHost.UseTestServer());
        await app.StartAsync();
        using var client = app.GetTestClient();

        // The registered automation client (X-Api-Key: demo-automation-key is allow-listed as verified) walks freely.
        for (var id = 1; id <= 300; id++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/orders/{id}") { Headers = { { "X-Api-Key", "demo-automation-key" } } };
            Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(request)).StatusCode);
        }

        // An anonymous client walking the same route is stopped.
        HttpStatusCode last = HttpStatusCode.OK;
        for (var id = 1; id <= 60 && last == HttpStatusCode.OK; id++)
        {
            last = (await client.GetAsync($"/api/orders/{id}")).StatusCode;
        }

        Assert.True(last is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized, last.ToString());
    }
}
