using System.Net;
using System.Text;
using System.Text.Json;
using ApiGuard.Monitoring;
using ApiGuard.Posture;
using ApiGuard.Posture.Leaks;
using ApiGuard.Problems;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ApiGuard.Tests.Posture;

public sealed class ResponseLeakMiddlewareTests
{
    private const string Card = "4111 1111 1111 1111";
    private static readonly string s_leakingJson = JsonSerializer.Serialize(new { id = 7, card = Card, note = "hello" });

    private static async Task<WebApplication> StartAsync(Action<PostureOptions>? configure, Action<WebApplication> map, Action<ApiGuardOptions>? guard = null)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<PostureEventCollector>();
        builder.Services.AddSingleton<ISecurityEventObserver>(sp => sp.GetRequiredService<PostureEventCollector>());
        builder.Services.AddApiGuard(guard ?? (_ => { })).AddResponseLeakDetection(configure);
        var app = builder.Build();
        app.UseApiGuard();
        map(app);
        await app.StartAsync();
        return app;
    }

    private static IReadOnlyList<SecurityEvent> Events(WebApplication app) => app.Services.GetRequiredService<PostureEventCollector>().Events;

    private static Task<IReadOnlyList<SecurityEvent>> WaitForEvents(WebApplication app, int count = 1) => app.Services.GetRequiredService<PostureEventCollector>().WaitForAsync(count);

    private static void MapLeaks(WebApplication app)
    {
        // Written with an explicit Content-Length through the Stream API.
        app.MapGet("/stream", async (HttpContext ctx) =>
        {
            var bytes = Encoding.UTF8.GetBytes(s_leakingJson);
            ctx.Response.ContentType = "application/json";
            ctx.Response.ContentLength = bytes.Length;
            await ctx.Response.Body.WriteAsync(bytes.AsMemory(0, 20));
            await ctx.Response.Body.WriteAsync(bytes.AsMemory(20));
        });

        // Written through BodyWriter (Results.Json).
        app.MapGet("/json", () => Results.Json(new { id = 7, card = Card, note = "hello" }));
        app.MapGet("/clean", () => Results.Json(new { id = 7, note = "nothing to see" }));
        app.MapGet("/feature", (HttpContext ctx) => ctx.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpResponseBodyFeature>()!.GetType().Name);
    }

    [Fact]
    public async Task Report_LeakingResponse_PassesUnchangedAndPublishesMaskedEvent()
    {
        await using var app = await StartAsync(null, MapLeaks);
        using var collector = new MetricCollector<long>(app.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), "ApiGuard", "apiguard.posture.leaks.detected");
        using var client = app.GetTestClient();

        var body = await client.GetStringAsync("/stream");

        Assert.Equal(s_leakingJson, body);
        var e = Assert.Single(await WaitForEvents(app));
        Assert.Equal("leak.card-number", e.Kind);
        Assert.Equal(SecurityAction.Allowed, e.Action);
        Assert.Equal(SecuritySeverity.High, e.Severity);
        Assert.Equal("/stream", e.Route);
        Assert.Contains("ending 1111", e.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("4111", e.Reason + e.Location + string.Join(",", e.Properties!.Values), StringComparison.Ordinal);
        var measurement = Assert.Single(collector.GetMeasurementSnapshot());
        Assert.Equal("leak.card-number", measurement.Tags[ApiGuard.Monitoring.ApiGuardTelemetryTags.Kind]);
    }

    [Fact]
    public async Task Report_CleanResponse_PublishesNothing()
    {
        await using var app = await StartAsync(null, MapLeaks);
        using var client = app.GetTestClient();

        Assert.Contains("nothing to see", await client.GetStringAsync("/clean"), StringComparison.Ordinal);
        _ = await client.GetStringAsync("/stream");

        // Events arrive in request order: the only one is the later leaking response's.
        Assert.Equal("/stream", Assert.Single(await WaitForEvents(app)).Route);
    }

    [Theory]
    [InlineData("/stream")]
    [InlineData("/json")]
    public async Task Redact_LeakingResponse_MasksInPlaceKeepingLength(string path)
    {
        await using var app = await StartAsync(o => o.Leaks.Action = LeakAction.Redact, MapLeaks);
        using var client = app.GetTestClient();

        using var response = await client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(s_leakingJson.Length, body.Length);
        Assert.DoesNotContain("4111", body, StringComparison.Ordinal);
        Assert.Contains("\"card\":\"**** **** **** ****\"", body, StringComparison.Ordinal);
        if (path == "/stream")
        {
            Assert.Equal(s_leakingJson.Length, response.Content.Headers.ContentLength);
        }

        using var doc = JsonDocument.Parse(body);
        Assert.Equal("hello", doc.RootElement.GetProperty("note").GetString());
        Assert.Equal(SecurityAction.Blocked, Assert.Single(Events(app)).Action);
    }

    [Fact]
    public async Task Withhold_LeakingResponse_Returns500ProblemWithoutTheLeak()
    {
        await using var app = await StartAsync(o => o.Leaks.Action = LeakAction.Withhold, MapLeaks);
        using var client = app.GetTestClient();

        using var response = await client.GetAsync("/stream");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(ApiGuardProblemWriter.ContentType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(ApiGuardProblemTypes.ResponseWithheld, JsonDocument.Parse(body).RootElement.GetProperty("type").GetString());
        Assert.DoesNotContain("4111", body, StringComparison.Ordinal);
        Assert.DoesNotContain("hello", body, StringComparison.Ordinal);
        var e = Assert.Single(Events(app));
        Assert.Equal(SecurityAction.Blocked, e.Action);
        Assert.Contains("withheld", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Withhold_CleanResponse_IsUntouched()
    {
        await using var app = await StartAsync(o => o.Leaks.Action = LeakAction.Withhold, MapLeaks);
        using var client = app.GetTestClient();

        using var response = await client.GetAsync("/clean");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("nothing to see", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Redact_BodyLargerThanCap_StreamsThroughIntactAndScansTheCap()
    {
        var big = new StringBuilder("{\"items\":[");
        for (var i = 0; i < 5000; i++)
        {
            big.Append(i == 0 ? "" : ",").Append("{\"id\":").Append(i).Append(",\"name\":\"item ").Append(i).Append("\"}");
        }

        var payload = big.Append("]}").ToString();
        await using var app = await StartAsync(o => { o.Leaks.Action = LeakAction.Redact; o.Leaks.MaxScanBytes = 1024; }, app =>
            app.MapGet("/big", async (HttpContext ctx) =>
            {
                ctx.Response.ContentType = "application/json";
                var bytes = Encoding.UTF8.GetBytes(payload);
                for (var offset = 0; offset < bytes.Length; offset += 700)
                {
                    await ctx.Response.Body.WriteAsync(bytes.AsMemory(offset, Math.Min(700, bytes.Length - offset)));
                }
            }));
        using var client = app.GetTestClient();

        Assert.Equal(payload, await client.GetStringAsync("/big"));
        Assert.Empty(Events(app));
    }

    [Fact]
    public async Task Report_LeakSplitAcrossWrites_IsFound()
    {
        await using var app = await StartAsync(null, app =>
            app.MapGet("/split", async (HttpContext ctx) =>
            {
                ctx.Response.ContentType = "text/plain";
                await ctx.Response.WriteAsync("key: -----BEGIN RSA PRI");
                await ctx.Response.Body.FlushAsync();
                await ctx.Response.WriteAsync("VATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----\n");
            }));
        using var client = app.GetTestClient();

        _ = await client.GetStringAsync("/split");

        Assert.Equal("leak.private-key", Assert.Single(await WaitForEvents(app)).Kind);
    }

    [Fact]
    public async Task Redact_DetectOnlyMode_LeavesBodyAndReportsWouldBlock()
    {
        await using var app = await StartAsync(o => o.Leaks.Action = LeakAction.Redact, MapLeaks, g => g.Mode = ApiGuardMode.DetectOnly);
        using var client = app.GetTestClient();

        Assert.Equal(s_leakingJson, await client.GetStringAsync("/stream"));

        Assert.Equal(SecurityAction.WouldBlock, Assert.Single(await WaitForEvents(app)).Action);
    }

    [Fact]
    public async Task SampleRateZero_LeakingResponse_IsNotScanned()
    {
        await using var app = await StartAsync(o => o.Leaks.SampleRate = 0, MapLeaks);
        using var client = app.GetTestClient();

        var feature = await client.GetStringAsync("/feature");

        Assert.NotEqual(nameof(LeakScanningBody), feature);
        Assert.Empty(Events(app));
    }

    [Fact]
    public async Task SampleRateOne_ResponseBodyIsWatched()
    {
        await using var app = await StartAsync(null, MapLeaks);
        using var client = app.GetTestClient();

        Assert.Equal(nameof(LeakScanningBody), await client.GetStringAsync("/feature"));
    }

    [Fact]
    public async Task SampleRateHalf_ScansEverySecondResponse()
    {
        await using var app = await StartAsync(o => o.Leaks.SampleRate = 0.5, MapLeaks);
        using var client = app.GetTestClient();

        for (var i = 0; i < 10; i++)
        {
            _ = await client.GetStringAsync("/stream");
        }

        Assert.Equal(5, (await WaitForEvents(app, 5)).Count);
    }

    [Fact]
    public async Task AllowResponseLeaks_EndpointReturningAJwtOnPurpose_IsNotReported()
    {
        var jwt = Data.LeakCorpus.MakeJwt(new Random(3), 1);
        await using var app = await StartAsync(null, app =>
        {
            app.MapPost("/token", () => Results.Json(new { access_token = jwt })).AllowResponseLeaks(LeakType.Jwt);
            app.MapGet("/me", () => Results.Json(new { session = jwt }));
        });
        using var client = app.GetTestClient();

        _ = await client.PostAsync("/token", null);
        Assert.Empty(Events(app));
        _ = await client.GetStringAsync("/me");
        Assert.Equal("leak.jwt", Assert.Single(await WaitForEvents(app)).Kind);
    }

    [Fact]
    public async Task DisclosureHeaders_ReportedOnceAndRemovedWhenRedacting()
    {
        await using var app = await StartAsync(o => o.Leaks.Action = LeakAction.Redact, app =>
            app.MapGet("/powered", (HttpContext ctx) =>
            {
                ctx.Response.Headers["X-Powered-By"] = "PHP/5.6.40";
                return Results.Json(new { ok = true });
            }));
        using var client = app.GetTestClient();

        using var first = await client.GetAsync("/powered");
        using var second = await client.GetAsync("/powered");

        Assert.False(first.Headers.Contains("X-Powered-By"));
        Assert.False(second.Headers.Contains("X-Powered-By"));
        var e = Assert.Single(Events(app));
        Assert.Equal("leak.header", e.Kind);
        Assert.Equal(SecuritySeverity.Low, e.Severity);
    }

    [Fact]
    public async Task AddResponseLeakDetector_CustomDetectorFromDI_RedactsAndReportsUnderItsName()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<PostureEventCollector>();
        builder.Services.AddSingleton<ISecurityEventObserver>(sp => sp.GetRequiredService<PostureEventCollector>());
        builder.Services.AddSingleton(new InternalHostSuffix(".corp.internal"));
        builder.Services.AddApiGuard()
            .AddResponseLeakDetection(o => o.Leaks.Action = LeakAction.Redact)
            .AddResponseLeakDetector<InternalHostDetector>();
        await using var app = builder.Build();
        app.UseApiGuard();
        app.MapGet("/upstream", () => Results.Json(new { upstream = "db01.corp.internal", status = "ok" }));
        await app.StartAsync();
        using var client = app.GetTestClient();

        var body = await client.GetStringAsync("/upstream");

        Assert.DoesNotContain(".corp.internal", body, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(body);
        Assert.Equal("ok", doc.RootElement.GetProperty("status").GetString());
        var e = Assert.Single(Events(app));
        Assert.Equal("leak.internal-host", e.Kind);
        Assert.Equal(SecuritySeverity.Low, e.Severity);
        Assert.Equal(SecurityAction.Blocked, e.Action);
    }

    internal sealed record InternalHostSuffix(string Value);

    /// <summary>A custom detector resolved from DI with its own dependency.</summary>
    internal sealed class InternalHostDetector(InternalHostSuffix suffix) : IResponseLeakDetector
    {
        public string Name => "internal-host";

        public SecuritySeverity Severity => SecuritySeverity.Low;

        public int FindNext(ReadOnlySpan<char> text, int start, out int length)
        {
            length = suffix.Value.Length;
            var i = text[start..].IndexOf(suffix.Value, StringComparison.Ordinal);
            return i < 0 ? -1 : start + i;
        }
    }

    [Fact]
    public async Task Options_InvalidMaxScanBytes_FailsStartupNamingTheKey()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(o => o.Leaks.MaxScanBytes = 10, MapLeaks));
        Assert.Contains("ApiGuard:Posture:Leaks:MaxScanBytes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SampleDebugLeak_IsRedacted()
    {
        await using var app = ApiGuard.Sample.SampleApp.Build([], b =>
        {
            b.WebHost.UseTestServer();
            b.Logging.ClearProviders();
        });
        await app.StartAsync();
        using var client = app.GetTestClient();

        var body = await client.GetStringAsync("/api/debug/leak");

        Assert.DoesNotContain("AKIAIOSFODNN7EXAMPLE", body, StringComparison.Ordinal);
        Assert.DoesNotContain("4111 1111", body, StringComparison.Ordinal);
        Assert.DoesNotContain("OrderService.GetLatest", body, StringComparison.Ordinal);
        Assert.Contains("\"awsKeyId\":\"********************\"", body, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(body);
        Assert.Equal("Unhandled exception", doc.RootElement.GetProperty("error").GetString());
    }
}
