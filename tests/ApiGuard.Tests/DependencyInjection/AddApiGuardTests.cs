using System.Net;
using ApiGuard.Endpoints;
using ApiGuard.Monitoring;
using ApiGuard.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ApiGuard.Tests.DependencyInjection;

public sealed class AddApiGuardTests
{
    private static async Task<WebApplication> StartAsync(Dictionary<string, string?>? config, Action<IApiGuardBuilder>? guard = null, Action<WebApplication>? map = null)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(config ?? []);
        var g = builder.Services.AddApiGuard(builder.Configuration.GetSection("ApiGuard"));
        guard?.Invoke(g);
        var app = builder.Build();
        app.UseRouting();
        app.UseApiGuard();
        app.MapGet("/ok", () => "ok");
        map?.Invoke(app);
        await app.StartAsync();
        return app;
    }

    /// <summary>One setting; a webhook setting comes with a valid receiver, so only the setting under test is wrong.</summary>
    private static Dictionary<string, string?> ConfigWith(string key, string value)
    {
        var config = new Dictionary<string, string?> { [key] = value };
        if (key.StartsWith("ApiGuard:Webhooks", StringComparison.Ordinal))
        {
            config.TryAdd("ApiGuard:Webhooks:Endpoints:0:Url", "http://127.0.0.1:9/hook");
            config.TryAdd("ApiGuard:Webhooks:Endpoints:0:Secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        }

        return config;
    }

    [Theory]
    [InlineData("ApiGuard:Mode", "Sometimes", "ApiGuard:Mode")]
    [InlineData("ApiGuard:ClientIdentity:TrustedProxies:0", "not-a-network", "ApiGuard:ClientIdentity:TrustedProxies:0")]
    [InlineData("ApiGuard:ClientIdentity:IPv6PrefixLength", "200", "ApiGuard:ClientIdentity:IPv6PrefixLength")]
    [InlineData("ApiGuard:PublicOrigin", "https://api.example.com/path", "ApiGuard:PublicOrigin")]
    [InlineData("ApiGuard:Events:Capacity", "1", "ApiGuard:Events:Capacity")]
    [InlineData("ApiGuard:Webhooks:Endpoints:0:Url", "ftp://x", "ApiGuard:Webhooks:Endpoints:0:Url")]
    public async Task Start_InvalidOption_HostRefusesWithKeyInMessage(string key, string value, string expectedKey)
    {
        var ex = await Record.ExceptionAsync(() => StartAsync(ConfigWith(key, value)));
        Assert.NotNull(ex);
        var message = ex is OptionsValidationException ove ? string.Join("\n", ove.Failures) : ex.ToString();
        Assert.Contains(expectedKey, message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ApiGuard:Mode", "Sometimes", "Enforce, DetectOnly")]
    [InlineData("ApiGuard:Events:MinimumLogSeverity", "Loud", "Info, Low, Medium, High, Critical")]
    [InlineData("ApiGuard:Policies:strict:Mode", "Strictest", "Enforce, DetectOnly")]
    [InlineData("ApiGuard:Webhooks:MinimumSeverity", "Urgent", "Info, Low, Medium, High, Critical")]
    public async Task Start_InvalidEnumOption_HostRefusesNamingKeyValueAndAllowedValues(string key, string value, string allowed)
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(ConfigWith(key, value)));

        var failure = Assert.Single(ex.Failures);
        Assert.Equal($"{key} has the value '{value}'; allowed values are {allowed}.", failure);
    }

    [Fact]
    public async Task Start_EnumOptionAnyCase_Binds()
    {
        await using var app = await StartAsync(new() { ["ApiGuard:Mode"] = "detectonly", ["ApiGuard:Events:MinimumLogSeverity"] = "high" });
        var options = app.Services.GetRequiredService<IOptions<ApiGuardOptions>>().Value;
        Assert.Equal(ApiGuardMode.DetectOnly, options.Mode);
        Assert.Equal(SecuritySeverity.High, options.Events.MinimumLogSeverity);
    }

    [Fact]
    public async Task Start_ValidConfiguration_Starts()
    {
        await using var app = await StartAsync(new()
        {
            ["ApiGuard:Mode"] = "DetectOnly",
            ["ApiGuard:ClientIdentity:TrustedProxies:0"] = "10.0.0.0/8",
            ["ApiGuard:PublicOrigin"] = "https://api.example.com",
        });
        var options = app.Services.GetRequiredService<IOptions<ApiGuardOptions>>().Value;
        Assert.Equal(ApiGuardMode.DetectOnly, options.Mode);
        Assert.Equal("10.0.0.0/8", Assert.Single(options.ClientIdentity.TrustedProxies));
    }

    [Fact]
    public void AddApiGuard_CalledTwice_RegistersServicesOnceAndAppliesBothConfigurations()
    {
        var services = new ServiceCollection();
        services.AddApiGuard(o => o.Mode = ApiGuardMode.DetectOnly).AddTestCapability().AddTestCapability();
        services.AddApiGuard(o => o.PublicOrigin = "https://x.example").AddWebhookAlerts().AddWebhookAlerts();
        Assert.Single(services, d => d.ServiceType == typeof(ApiGuard.DependencyInjection.ApiGuardPipelineEntry));
        Assert.Single(services, d => d.ServiceType == typeof(IClientIdentityResolverMarker) || d.ServiceType == typeof(ApiGuard.Identity.IClientIdentityResolver));
        Assert.Equal(2, services.Count(d => d.ServiceType == typeof(ISecurityEventSink)));
        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<ApiGuardOptions>>().Value;
        Assert.Equal(ApiGuardMode.DetectOnly, options.Mode);
        Assert.Equal("https://x.example", options.PublicOrigin);
    }

    private interface IClientIdentityResolverMarker;

    [Fact]
    public void UseApiGuard_WithoutAddApiGuard_ThrowsClearMessage()
    {
        var app = new ApplicationBuilder(new ServiceCollection().BuildServiceProvider());
        var ex = Assert.Throws<InvalidOperationException>(() => app.UseApiGuard());
        Assert.Contains("AddApiGuard", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Enforce_BlockingCapability_Returns403ProblemAndPublishesBlocked()
    {
        var sink = new CollectingSink();
        await using var app = await StartAsync(null, g => g.AddTestCapability().Services.AddSingleton<ISecurityEventSink>(sink));
        using var client = app.GetTestClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/ok");
        request.Headers.Add("X-Test-Block", "1");
        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"type\":\"https://apiguard.dev/problems/injection-detected\"", body, StringComparison.Ordinal);
        Assert.Contains("\"traceId\"", body, StringComparison.Ordinal);
        Assert.DoesNotContain("X-Test-Block", body, StringComparison.Ordinal);
        var e = await sink.WaitForAsync(e => e.Kind == "test.block");
        Assert.Equal(SecurityAction.Blocked, e.Action);
        Assert.Equal("/ok", e.Route);
        Assert.Equal("GET", e.Method);
        Assert.NotNull(e.TraceId);
    }

    [Fact]
    public async Task DetectOnly_Global_NeverBlocksAndReportsWouldBlock()
    {
        var sink = new CollectingSink();
        await using var app = await StartAsync(new() { ["ApiGuard:Mode"] = "DetectOnly" }, g => g.AddTestCapability().Services.AddSingleton<ISecurityEventSink>(sink));
        using var client = app.GetTestClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/ok");
        request.Headers.Add("X-Test-Block", "1");
        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var e = await sink.WaitForAsync(e => e.Kind == "test.block");
        Assert.Equal(SecurityAction.WouldBlock, e.Action);
    }

    [Fact]
    public async Task EndpointMetadata_ModeDisableAndPolicy_OverrideGlobalMode()
    {
        var sink = new CollectingSink();
        await using var app = await StartAsync(
            new()
            {
                ["ApiGuard:Policies:lenient:Mode"] = "DetectOnly",
                ["ApiGuard:Policies:off:DisabledCapabilities:0"] = "inspection",
            },
            g => g.AddTestCapability().Services.AddSingleton<ISecurityEventSink>(sink),
            a =>
            {
                a.MapGet("/detect", () => "d").WithApiGuardMode(ApiGuardMode.DetectOnly, ApiGuardCapabilities.Inspection);
                a.MapGet("/other-capability", () => "o").WithApiGuardMode(ApiGuardMode.DetectOnly, ApiGuardCapabilities.RateLimiting);
                a.MapGet("/disabled", () => "x").DisableApiGuard();
                a.MapGet("/disabled-one", () => "x").DisableApiGuard(ApiGuardCapabilities.Inspection);
                a.MapGet("/lenient", () => "l").WithApiGuardPolicy("lenient");
                a.MapGet("/off", () => "l").WithApiGuardPolicy("off");
            });
        using var client = app.GetTestClient();
        client.DefaultRequestHeaders.Add("X-Test-Block", "1");

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/detect")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/other-capability")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/disabled")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/disabled-one")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/lenient")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/off")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/ok")).StatusCode);

        await sink.WaitForAsync(e => e.Route == "/lenient" && e.Action == SecurityAction.WouldBlock);
        await sink.WaitForAsync(e => e.Route == "/detect" && e.Action == SecurityAction.WouldBlock);
        Assert.DoesNotContain(sink.Events, e => e.Route is "/disabled" or "/disabled-one" or "/off");
    }

    [Fact]
    public void ModeResolver_AttributeMetadata_ResolvesMostSpecificFirst()
    {
        var options = Options.Create(new ApiGuardOptions { Mode = ApiGuardMode.Enforce });
        var resolver = new ApiGuardModeResolver(new StaticOptionsMonitor<ApiGuardOptions>(options.Value));
        var context = new DefaultHttpContext();
        context.SetEndpoint(new Endpoint(_ => Task.CompletedTask, new EndpointMetadataCollection(
            new ApiGuardModeAttribute(ApiGuardMode.DetectOnly),
            new ApiGuardModeAttribute(ApiGuardMode.Enforce, ApiGuardCapabilities.Bots)), "e"));

        Assert.Equal(ApiGuardMode.DetectOnly, resolver.Resolve(context, ApiGuardCapabilities.Inspection));
        Assert.Equal(ApiGuardMode.Enforce, resolver.Resolve(context, ApiGuardCapabilities.Bots));
        Assert.Equal(ApiGuardMode.DetectOnly, resolver.Resolve(new DefaultHttpContext(), ApiGuardCapabilities.Bots, ApiGuardMode.DetectOnly));
        Assert.Equal(ApiGuardMode.Enforce, resolver.Resolve(new DefaultHttpContext(), ApiGuardCapabilities.Bots));
    }
}

internal sealed class StaticOptionsMonitor<T>(T value) : IOptionsMonitor<T>
{
    public T CurrentValue => value;

    public T Get(string? name) => value;

    public IDisposable? OnChange(Action<T, string?> listener) => null;
}
