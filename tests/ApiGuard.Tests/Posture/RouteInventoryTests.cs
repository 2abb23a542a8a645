using System.Net;
using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Text.Json;
using ApiGuard.Monitoring;
using ApiGuard.Posture.Inventory;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ApiGuard.Tests.Posture;

public sealed class RouteInventoryTests
{
    private static async Task<WebApplication> StartAsync(Action<ApiGuard.Posture.PostureOptions>? configure = null, TimeProvider? time = null)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }

        builder.Services.AddSingleton<PostureEventCollector>();
        builder.Services.AddSingleton<ISecurityEventObserver>(sp => sp.GetRequiredService<PostureEventCollector>());
        builder.Services.AddAuthentication(HeaderAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, HeaderAuthenticationHandler>(HeaderAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorizationBuilder().AddPolicy("posture-admin", p => p.RequireRole("admin"));
        builder.Services.AddApiGuard().AddPosture(configure);
        var app = builder.Build();
        app.UseRouting();
        app.UseAuthentication();
        app.UseApiGuard();
        app.UseAuthorization();
        app.MapGet("/api/orders/{id:int}", (int id) => Results.Ok(new { id })).AllowAnonymous();
        app.MapGet("/api/orders", () => Results.Ok(Array.Empty<int>())).AllowAnonymous();
        app.MapGet("/api/v1/orders", () => Results.Ok(Array.Empty<int>())).AllowAnonymous().Deprecated("2026-12-31");
        app.MapApiGuardPosture("posture-admin");
        await app.StartAsync();
        return app;
    }

    [Fact]
    public async Task Snapshot_RequestsPerRouteTemplate_AreCounted()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 10, 0, 0, TimeSpan.Zero));
        await using var app = await StartAsync(time: time);
        using var client = app.GetTestClient();

        await client.GetAsync("/api/orders/1");
        await client.GetAsync("/api/orders/2");
        time.Advance(TimeSpan.FromMinutes(5));
        await client.GetAsync("/api/orders/3");
        await client.GetAsync("/api/orders");

        var snapshot = app.Services.GetRequiredService<IRouteInventory>().GetSnapshot();
        var byId = snapshot.Routes.Single(r => r.RoutePattern == "/api/orders/{id:int}");
        Assert.Equal(3, byId.Requests);
        Assert.Equal(time.GetUtcNow(), byId.LastSeen);
        Assert.Equal(["GET"], byId.Methods);
        Assert.Equal(1, snapshot.Routes.Single(r => r.RoutePattern == "/api/orders").Requests);
        var neverCalled = snapshot.Routes.Single(r => r.RoutePattern == "/api/v1/orders");
        Assert.Equal(0, neverCalled.Requests);
        Assert.Null(neverCalled.LastSeen);
        Assert.Equal(snapshot.Routes.OrderByDescending(r => r.Requests).Select(r => r.RoutePattern), snapshot.Routes.Select(r => r.RoutePattern));
    }

    [Fact]
    public async Task Snapshot_UnmatchedRequests_GroupedByPathShape()
    {
        await using var app = await StartAsync();
        using var client = app.GetTestClient();

        foreach (var path in new[] { "/wp-admin/setup-config.php", "/wp-admin/install.php", "/wp-admin/js/x.js", "/.env", "/api/users/123", "/api/users/456", "/api/orders/abc" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(path)).StatusCode);
        }

        var unmatched = app.Services.GetRequiredService<IRouteInventory>().GetSnapshot().Unmatched.ToDictionary(u => u.Shape, u => u.Requests);
        Assert.Equal(2, unmatched["/api/users/*"]);
        Assert.Equal(1, unmatched["/wp-admin/setup-config.php"]);
        Assert.Equal(1, unmatched["/wp-admin/js/*"]);
        Assert.Equal(1, unmatched["/.env"]);
        Assert.Equal(1, unmatched["/api/orders/*"]);
    }

    [Theory]
    [InlineData("/", 2, "/")]
    [InlineData("/orders/123", 2, "/orders/{n}")]
    [InlineData("/orders/123/items/9", 2, "/orders/{n}/*")]
    [InlineData("/files/3f2504e0-4f89-11d3-9a0c-0305e82c3301", 2, "/files/{guid}")]
    [InlineData("/blobs/deadbeefdeadbeefdeadbeef", 2, "/blobs/{hex}")]
    [InlineData("/backup-2024-01-31.zip", 1, "/backup-{n}-{n}-{n}.zip")]
    [InlineData("/WP-Admin/", 2, "/wp-admin/")]
    [InlineData("/wp-admin/a/b", 1, "/wp-admin/*")]
    public void PathShape_NormalizesVariableParts(string path, int segments, string expected)
    {
        Assert.Equal(expected, PathShape.Of(path, segments));
    }

    [Fact]
    public async Task Snapshot_UnmatchedTableFull_CountsOverflow()
    {
        await using var app = await StartAsync(o => o.Inventory.MaxUnmatchedShapes = 3);
        using var client = app.GetTestClient();

        for (var i = 0; i < 6; i++)
        {
            await client.GetAsync($"/probe{(char)('a' + i)}");
        }

        await client.GetAsync("/probea");

        var snapshot = app.Services.GetRequiredService<IRouteInventory>().GetSnapshot();
        Assert.Equal(3, snapshot.Unmatched.Count);
        Assert.Equal(2, snapshot.Unmatched.Single(u => u.Shape == "/probea").Requests);
        Assert.Equal(3, snapshot.UnmatchedOverflow);
    }

    [Fact]
    public async Task DeprecatedEndpoint_StillCalled_ReportedOnceAndCounted()
    {
        await using var app = await StartAsync();
        using var client = app.GetTestClient();

        await client.GetAsync("/api/v1/orders");
        await client.GetAsync("/api/v1/orders");

        var route = app.Services.GetRequiredService<IRouteInventory>().GetSnapshot().Routes.Single(r => r.RoutePattern == "/api/v1/orders");
        Assert.True(route.Deprecated);
        Assert.Equal(2, route.Requests);
        var e = Assert.Single(app.Services.GetRequiredService<PostureEventCollector>().Events, e => e.Kind == "inventory.deprecated-called");
        Assert.Equal("/api/v1/orders", e.Route);
    }

    [Fact]
    public async Task MapApiGuardPosture_WithoutThePolicy_IsRefused()
    {
        await using var app = await StartAsync();
        using var client = app.GetTestClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/apiguard/posture/inventory")).StatusCode);
        using var user = new HttpRequestMessage(HttpMethod.Get, "/apiguard/posture/audit");
        user.Headers.Add(HeaderAuthenticationHandler.Header, "user");
        Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsync(user)).StatusCode);
    }

    [Fact]
    public async Task MapApiGuardPosture_WithThePolicy_ServesInventoryAndAudit()
    {
        await using var app = await StartAsync();
        using var client = app.GetTestClient();
        await client.GetAsync("/api/orders/5");
        await client.GetAsync("/wp-login.php");

        using var inventoryRequest = new HttpRequestMessage(HttpMethod.Get, "/apiguard/posture/inventory");
        inventoryRequest.Headers.Add(HeaderAuthenticationHandler.Header, "admin");
        using var inventory = await client.SendAsync(inventoryRequest);
        using var auditRequest = new HttpRequestMessage(HttpMethod.Get, "/apiguard/posture/audit");
        auditRequest.Headers.Add(HeaderAuthenticationHandler.Header, "admin");
        using var audit = await client.SendAsync(auditRequest);

        Assert.Equal(HttpStatusCode.OK, inventory.StatusCode);
        using var inv = JsonDocument.Parse(await inventory.Content.ReadAsStringAsync());
        var orders = inv.RootElement.GetProperty("routes").EnumerateArray().Single(r => r.GetProperty("route").GetString() == "/api/orders/{id:int}");
        Assert.Equal(1, orders.GetProperty("requests").GetInt64());
        Assert.Contains(inv.RootElement.GetProperty("unmatched").EnumerateArray(), u => u.GetProperty("shape").GetString() == "/wp-login.php");

        Assert.Equal(HttpStatusCode.OK, audit.StatusCode);
        using var aud = JsonDocument.Parse(await audit.Content.ReadAsStringAsync());
        var findings = aud.RootElement.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("id").GetString() + "@" + f.GetProperty("route").GetString()).ToArray();
        Assert.Contains("APIG-POSTURE-004@/api/orders/{id:int}", findings);
        Assert.True(aud.RootElement.GetProperty("pipelineInspected").GetBoolean());
    }

    /// <summary>Authenticates a request carrying <c>X-Test-Role</c> as a user in that role.</summary>
    private sealed class HeaderAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        public const string SchemeName = "TestHeader";
        public const string Header = "X-Test-Role";

        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            if (!Request.Headers.TryGetValue(Header, out var role))
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "tester"), new Claim(ClaimTypes.Role, role.ToString())], SchemeName);
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
        }
    }
}
