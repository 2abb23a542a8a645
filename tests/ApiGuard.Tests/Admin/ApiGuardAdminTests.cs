using System.Security.Claims;
using System.Text;
using System.Text.Json;
using ApiGuard.Admin;
using ApiGuard.Bots;
using ApiGuard.Problems;
using ApiGuard.Tests.Bots;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace ApiGuard.Tests.Admin;

public sealed class ApiGuardAdminTests
{
    private const string Policy = "ApiGuardAdmin";
    private const string Attacker = "203.0.113.9";
    private const string AttackerId = "ip:" + Attacker;

    private static Task<BotTestHost> StartAsync() => BotTestHost.StartAsync(
        build: b => b.Services.AddAuthorizationBuilder().AddPolicy(Policy, p => p.RequireClaim(ClaimTypes.NameIdentifier, "ops-admin")),
        map: app => app.MapApiGuardAdmin(Policy));

    private static Task<HttpContext> AdminAsync(BotTestHost host, string method, string path, string? body = null, string principal = "ops-admin;Bearer") =>
        host.Server.SendAsync(c =>
        {
            c.Request.Method = method;
            var q = path.IndexOf('?', StringComparison.Ordinal);
            c.Request.Path = q < 0 ? path : path[..q];
            c.Request.QueryString = q < 0 ? QueryString.Empty : new QueryString(path[q..]);
            c.Connection.RemoteIpAddress = System.Net.IPAddress.Parse("192.0.2.200");
            c.Request.Headers["X-Test-Principal"] = principal;
            if (body is not null)
            {
                var bytes = Encoding.UTF8.GetBytes(body);
                c.Request.ContentType = "application/json";
                c.Request.ContentLength = bytes.Length;
                c.Request.Body = new MemoryStream(bytes);
            }
        });

    private static JsonElement Json(HttpContext context)
    {
        using var doc = JsonDocument.Parse(context.Response.Body);
        return doc.RootElement.Clone();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public async Task MapApiGuardAdmin_NoPolicyNamed_Throws(string? policy)
    {
        await using var host = await BotTestHost.StartAsync(map: app =>
            Assert.ThrowsAny<ArgumentException>(() => app.MapApiGuardAdmin(policy!)));
        Assert.NotNull(host.Services.GetRequiredService<IApiGuardAdmin>());
    }

    [Fact]
    public async Task Endpoints_CallerWithoutThePolicy_Refused()
    {
        await using var host = await StartAsync();
        var anonymous = await host.Server.SendAsync(c =>
        {
            c.Request.Method = "GET";
            c.Request.Path = "/apiguard/admin/offenders";
        });
        Assert.Equal(StatusCodes.Status401Unauthorized, anonymous.Response.StatusCode);
        var user = await AdminAsync(host, "GET", "/apiguard/admin/offenders", principal: "alice;Bearer");
        Assert.Equal(StatusCodes.Status403Forbidden, user.Response.StatusCode);
        var ban = await AdminAsync(host, "POST", "/apiguard/admin/bans", "{\"clientId\":\"ip:1.2.3.4\"}", principal: "alice;Bearer");
        Assert.Equal(StatusCodes.Status403Forbidden, ban.Response.StatusCode);
        Assert.Null(await host.Services.GetRequiredService<IBanList>().GetAsync("ip:1.2.3.4"));
    }

    [Fact]
    public async Task Endpoints_Admin_ListsOffendersShowsTimelineBansAndUnbans()
    {
        await using var host = await StartAsync();
        for (var i = 0; i < 8; i++)
        {
            await host.SendAsync("GET", $"/wp-{i}.php", Attacker);
            host.Time.Advance(TimeSpan.FromMilliseconds(200));
        }

        var offenders = Json(await AdminAsync(host, "GET", "/apiguard/admin/offenders?top=5"));
        var top = offenders[0];
        Assert.Equal(AttackerId, top.GetProperty("clientId").GetString());
        Assert.Equal("Anonymous", top.GetProperty("clientClass").GetString());
        Assert.Contains("route-scanning", top.GetProperty("explanation")[0].GetString(), StringComparison.Ordinal);

        var client = await AdminAsync(host, "GET", $"/apiguard/admin/clients/{AttackerId}");
        Assert.Equal(200, client.Response.StatusCode);
        var report = Json(client);
        Assert.Equal(AttackerId, report.GetProperty("clientId").GetString());
        var timeline = report.GetProperty("timeline");
        Assert.True(timeline.GetArrayLength() >= 8);
        Assert.Contains(timeline.EnumerateArray(), t => t.GetProperty("route").GetString() == "/wp-7.php" && t.GetProperty("statusCode").GetInt32() == 404);
        Assert.Equal(404, (await AdminAsync(host, "GET", "/apiguard/admin/clients/ip:192.0.2.99")).Response.StatusCode);

        // Ban another client by hand: refused everywhere at once, with an event.
        var created = await AdminAsync(host, "POST", "/apiguard/admin/bans", "{\"clientId\":\"ip:198.51.100.5\",\"durationSeconds\":600,\"reason\":\"ticket 42\"}");
        Assert.Equal(StatusCodes.Status201Created, created.Response.StatusCode);
        Assert.Equal("admin", Json(created).GetProperty("source").GetString());
        var refused = await host.SendAsync("GET", "/api/products", "198.51.100.5");
        Assert.Equal(StatusCodes.Status403Forbidden, refused.Response.StatusCode);
        Assert.Contains(host.Observer.Bots, e => e.Kind == "bot.banned" && e.ClientId == "ip:198.51.100.5" && e.Reason == "ticket 42");
        var bans = Json(await AdminAsync(host, "GET", "/apiguard/admin/bans"));
        Assert.Contains(bans.EnumerateArray(), b => b.GetProperty("clientId").GetString() == "ip:198.51.100.5");

        // Unban: served again.
        Assert.Equal(StatusCodes.Status204NoContent, (await AdminAsync(host, "DELETE", "/apiguard/admin/bans/ip:198.51.100.5")).Response.StatusCode);
        Assert.Equal(200, (await host.SendAsync("GET", "/api/products", "198.51.100.5")).Response.StatusCode);
        Assert.Contains(host.Observer.Bots, e => e.Kind == "bot.unbanned" && e.ClientId == "ip:198.51.100.5");
        Assert.Equal(StatusCodes.Status404NotFound, (await AdminAsync(host, "DELETE", "/apiguard/admin/bans/ip:198.51.100.5")).Response.StatusCode);
    }

    [Fact]
    public async Task Endpoints_BannedOperator_CanStillUseTheAdminEndpoints()
    {
        await using var host = await StartAsync();
        await host.Services.GetRequiredService<IApiGuardAdmin>().BanAsync("principal:ops-admin", TimeSpan.FromHours(1), "oops");
        Assert.Equal(403, (await host.SendAsync("GET", "/api/products", "192.0.2.200", r => r.Headers["X-Test-Principal"] = "ops-admin;Bearer")).Response.StatusCode);

        Assert.Equal(StatusCodes.Status204NoContent, (await AdminAsync(host, "DELETE", "/apiguard/admin/bans/principal:ops-admin")).Response.StatusCode);
        Assert.Equal(200, (await host.SendAsync("GET", "/api/products", "192.0.2.200", r => r.Headers["X-Test-Principal"] = "ops-admin;Bearer")).Response.StatusCode);
    }

    [Fact]
    public async Task Unban_BotBlockedClient_ServedAgain()
    {
        await using var host = await StartAsync();
        for (var i = 0; i < 20; i++)
        {
            await host.SendAsync("GET", $"/scan-{i}", Attacker);
            host.Time.Advance(TimeSpan.FromMilliseconds(100));
        }

        Assert.Equal(403, (await host.SendAsync("GET", "/api/products", Attacker)).Response.StatusCode);
        var admin = host.Services.GetRequiredService<IApiGuardAdmin>();
        Assert.True(await admin.UnbanAsync(AttackerId), string.Join(" | ", host.Observer.Bots.Select(e => e.Kind + " " + e.Action + " " + e.Reason)) + " bans=" + (await admin.GetBansAsync(10)).Count);
        Assert.Equal(200, (await host.SendAsync("GET", "/api/products", Attacker)).Response.StatusCode);
        var report = await admin.GetClientAsync(AttackerId);
        Assert.NotNull(report);
        Assert.Null(report.Ban);
        Assert.Contains(report.Timeline, t => t.Kind == "admin.unbanned");
        Assert.Contains(report.Timeline, t => t.Kind == "bot.blocked");
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"clientId\":\"\"}")]
    [InlineData("{\"clientId\":\"ip:1.2.3.4\",\"durationSeconds\":0}")]
    [InlineData("{\"clientId\":\"ip:1.2.3.4\",\"durationSeconds\":99999999}")]
    public async Task PostBan_BadBody_400Problem(string body)
    {
        await using var host = await StartAsync();
        var response = await AdminAsync(host, "POST", "/apiguard/admin/bans", body);
        Assert.Equal(StatusCodes.Status400BadRequest, response.Response.StatusCode);
        Assert.Equal(ApiGuardProblemWriter.ContentType, response.Response.ContentType);
        Assert.Equal(ApiGuardProblemTypes.MalformedRequest, Json(response).GetProperty("type").GetString());
    }

    [Fact]
    public async Task PostBan_OversizedBody_413Problem()
    {
        await using var host = await StartAsync();
        var response = await AdminAsync(host, "POST", "/apiguard/admin/bans", "{\"clientId\":\"" + new string('a', 10_000) + "\"}");
        Assert.Equal(StatusCodes.Status413PayloadTooLarge, response.Response.StatusCode);
    }

    [Fact]
    public async Task GetOffenders_BadTop_400Problem()
    {
        await using var host = await StartAsync();
        Assert.Equal(400, (await AdminAsync(host, "GET", "/apiguard/admin/offenders?top=0")).Response.StatusCode);
        Assert.Equal(400, (await AdminAsync(host, "GET", "/apiguard/admin/offenders?top=x")).Response.StatusCode);
    }

    [Fact]
    public async Task BanAsync_BadArguments_Throw()
    {
        await using var host = await StartAsync();
        var admin = host.Services.GetRequiredService<IApiGuardAdmin>();
        await Assert.ThrowsAsync<ArgumentException>(async () => await admin.BanAsync("", TimeSpan.FromMinutes(1), "x"));
        await Assert.ThrowsAsync<ArgumentException>(async () => await admin.BanAsync("ip:1.2.3.4", TimeSpan.Zero, "x"));
        await Assert.ThrowsAsync<ArgumentException>(async () => await admin.BanAsync("ip:1.2.3.4", TimeSpan.FromMinutes(1), new string('x', 201)));
    }
}
