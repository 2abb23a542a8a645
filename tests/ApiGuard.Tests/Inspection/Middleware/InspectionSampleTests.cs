using System.Net;
using System.Text;
using System.Text.Json;
using ApiGuard.Monitoring;
using ApiGuard.Problems;
using ApiGuard.Sample;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace ApiGuard.Tests.Inspection.Middleware;

/// <summary>End-to-end acceptance through the sample app, with the real <see cref="ApiGuard.Inspection.PayloadInspector"/>.</summary>
public sealed class InspectionSampleTests
{
    private const string Attack = "/api/products?q=1'%20OR%20'1'='1";

    private static async Task<(WebApplication App, HttpClient Client, EventCollector Events)> StartAsync(params string[] args)
    {
        var events = new EventCollector();
        var app = SampleApp.Build(args, b =>
        {
            b.WebHost.UseTestServer();
            b.Services.AddSingleton<ISecurityEventObserver>(events);
        });
        await app.StartAsync();
        return (app, app.GetTestClient(), events);
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task Products_SqlInjectionInQuery_Returns403ProblemJson()
    {
        var (app, client, events) = await StartAsync();
        await using var _ = app;

        var response = await client.GetAsync(Attack);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(ApiGuardProblemWriter.ContentType, response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        using var doc = JsonDocument.Parse(text);
        Assert.Equal(ApiGuardProblemTypes.InjectionDetected, doc.RootElement.GetProperty("type").GetString());
        Assert.Equal(403, doc.RootElement.GetProperty("status").GetInt32());
        Assert.DoesNotContain("OR '1'", text, StringComparison.Ordinal);
        var sqli = events.Inspection.Where(e => e.Kind == "injection.sqli").ToArray();
        Assert.NotEmpty(sqli);
        Assert.All(sqli, e => Assert.Equal(SecurityAction.Blocked, e.Action));
        Assert.All(sqli, e => Assert.Equal("query:q", e.Location));
    }

    [Fact]
    public async Task Products_SameRequestInDetectOnly_Returns200AndWouldBlockEvent()
    {
        var (app, client, events) = await StartAsync("--ApiGuard:Inspection:Mode=DetectOnly");
        await using var _ = app;

        var response = await client.GetAsync(Attack);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sqli = events.Inspection.Where(e => e.Kind == "injection.sqli").ToArray();
        Assert.NotEmpty(sqli);
        Assert.All(sqli, e => Assert.Equal(SecurityAction.WouldBlock, e.Action));
        Assert.All(sqli, e => Assert.Equal("query:q", e.Location));
        Assert.All(sqli, e => Assert.True(e.Score >= 5));
    }

    [Theory]
    [InlineData("laptop")]
    [InlineData("O'Brien's")]
    [InlineData("USB-C 100 W")]
    public async Task Products_BenignSearch_Returns200(string q)
    {
        var (app, client, events) = await StartAsync();
        await using var _ = app;

        var response = await client.GetAsync("/api/products?q=" + Uri.EscapeDataString(q));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(events.Inspection, e => e.Action == SecurityAction.Blocked);
    }

    [Fact]
    public async Task CreateProduct_AttackInExcludedDescription_Passes_ButNotInName()
    {
        var (app, client, _) = await StartAsync();
        await using var __ = app;
        const string payload = "1' OR '1'='1'; DROP TABLE products; -- <script>alert(1)</script>";

        var excluded = await client.PostAsync("/api/products", Json(JsonSerializer.Serialize(new { name = "Mug", description = payload, price = 4.5 })));
        var inspected = await client.PostAsync("/api/products", Json(JsonSerializer.Serialize(new { name = payload, description = "fine", price = 4.5 })));
        var inTags = await client.PostAsync("/api/products", Json(JsonSerializer.Serialize(new { name = "Mug", tags = new[] { "ok", payload }, price = 4.5 })));

        Assert.Equal(HttpStatusCode.Created, excluded.StatusCode);
        Assert.Contains("DROP TABLE", JsonDocument.Parse(await excluded.Content.ReadAsStringAsync()).RootElement.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, inspected.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, inTags.StatusCode);
    }

    [Fact]
    public async Task CreateProduct_OversizeBody_Returns413ProblemPerConfiguredAction()
    {
        var (app, client, events) = await StartAsync("--ApiGuard:Inspection:MaxBytesInspected=4096");
        await using var _ = app;

        var response = await client.PostAsync("/api/products", Json(JsonSerializer.Serialize(new { name = "Big", description = new string('a', 10_000), price = 1 })));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(ApiGuardProblemWriter.ContentType, response.Content.Headers.ContentType?.MediaType);
        Assert.Single(events.Inspection, e => e.Kind == "inspection.oversize" && e.Action == SecurityAction.Blocked);
    }

    [Fact]
    public async Task CreateProduct_OversizeBodyWithInspectPrefix_PassesPrefixInspected()
    {
        var (app, client, events) = await StartAsync("--ApiGuard:Inspection:MaxBytesInspected=4096", "--ApiGuard:Inspection:OversizeAction=InspectPrefix");
        await using var _ = app;

        var response = await client.PostAsync("/api/products", Json(JsonSerializer.Serialize(new { name = "Big", description = new string('a', 10_000), price = 1 })));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Single(events.Inspection, e => e.Kind == "inspection.oversize" && e.Action == SecurityAction.Allowed);
    }

    [Fact]
    public async Task Explain_ReturnsExplainedVerdictWithLocationAndMaskedExcerpt()
    {
        var (app, client, _) = await StartAsync();
        await using var __ = app;

        var response = await client.PostAsync("/api/inspection/explain", Json("""{"user":{"name":"<script>alert(document.cookie)</script>"},"items":[{"note":"ok"},{"note":"../../../../etc/passwd"}]}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = doc.RootElement;
        Assert.True(root.GetProperty("wouldBlock").GetBoolean());
        var findings = root.GetProperty("findings").EnumerateArray().ToArray();
        Assert.Contains(findings, f => f.GetProperty("location").GetString() == "json:$.user.name" && f.GetProperty("category").GetString() == "Xss");
        Assert.Contains(findings, f => f.GetProperty("location").GetString() == "json:$.items[1].note" && f.GetProperty("category").GetString() == "Lfi");
        Assert.All(findings, f => Assert.True(f.GetProperty("excerpt").GetString()!.Length <= 49));
    }

    [Fact]
    public async Task Products_MalformedJson_Returns400Problem()
    {
        var (app, client, _) = await StartAsync();
        await using var __ = app;

        var response = await client.PostAsync("/api/products", Json("{\"name\": \"x\", "));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(ApiGuardProblemWriter.ContentType, response.Content.Headers.ContentType?.MediaType);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(ApiGuardProblemTypes.MalformedRequest, doc.RootElement.GetProperty("type").GetString());
    }
}
