using System.Collections.Concurrent;
using ApiGuard.Authentication.Signatures;
using ApiGuard.Client.Signatures;
using ApiGuard.Monitoring;
using ApiGuard.Tests.Client.Signatures;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ApiGuard.Tests.Authentication.Signatures;

/// <summary>A TestServer app with signature authentication, the RFC 9421 test keys and a fake clock.</summary>
internal sealed class SignatureTestHost : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 1, 15, 12, 0, 0, TimeSpan.Zero);

    private SignatureTestHost(WebApplication app, FakeTimeProvider time, EventCollector events)
    {
        App = app;
        Time = time;
        Events = events;
    }

    public WebApplication App { get; }

    public FakeTimeProvider Time { get; }

    public EventCollector Events { get; }

    public IServiceProvider Services => App.Services;

    public static async Task<SignatureTestHost> StartAsync(
        Action<SignatureAuthenticationOptions>? configure = null,
        Action<IServiceCollection>? services = null,
        Action<Microsoft.Extensions.DependencyInjection.IApiGuardBuilder>? guard = null,
        Action<ApiGuardOptions>? apiGuard = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        var time = new FakeTimeProvider(Start);
        var events = new EventCollector();
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddSingleton<ISecurityEventObserver>(events);
        var apiGuardBuilder = builder.Services.AddApiGuard(o => apiGuard?.Invoke(o));
        apiGuardBuilder.AddSignatureAuthentication(configure, keys =>
        {
            keys.ClientKeys.Add(new SignatureClientKey(TestKeys.Public("test-shared-secret"), "hmac-client", ["orders:write"]));
            keys.ClientKeys.Add(new SignatureClientKey(TestKeys.Public("test-key-ed25519"), "ed-client", ["orders:read", "orders:write"]));
            keys.ClientKeys.Add(new SignatureClientKey(TestKeys.Public("test-key-ecc-p256"), "ec-client"));
            keys.ClientKeys.Add(new SignatureClientKey(TestKeys.Public("test-key-rsa-pss"), "rsa-client"));
        });
        guard?.Invoke(apiGuardBuilder);
        services?.Invoke(builder.Services);

        var app = builder.Build();
        app.UseRouting();
        app.UseAuthentication();
        app.UseApiGuard();
        app.UseAuthorization();
        app.MapPost("/api/signed/echo", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            var client = context.User.FindFirst(ApiGuard.Identity.DefaultClientIdentityResolver.ClientIdClaimType)?.Value;
            var scopes = string.Join(' ', context.User.FindAll("scope").Select(c => c.Value));
            return Results.Text($"{client}|{scopes}|{body}");
        }).RequireSignature();
        app.MapGet("/api/signed/items", (HttpContext context) => Results.Text(context.User.Identity?.Name ?? "anonymous")).RequireSignature();
        app.MapGet("/api/signed/strict", () => "ok").RequireSignature(p =>
        {
            p.RequiredComponents.Add("x-request-id");
            p.Tag = "app-1";
        });
        await app.StartAsync();
        return new SignatureTestHost(app, time, events);
    }

    /// <summary>An HttpClient over the TestServer that signs with <paramref name="key"/>.</summary>
    public HttpClient CreateClient(SignatureKey key, Action<SigningOptions>? configure = null, TimeProvider? clock = null)
    {
        var options = new SigningOptions { Key = key };
        configure?.Invoke(options);
        var handler = new SigningHandler(new RequestSigner(options, clock ?? Time)) { InnerHandler = App.GetTestServer().CreateHandler() };
        return new HttpClient(handler) { BaseAddress = new Uri("http://localhost") };
    }

    public HttpClient CreateUnsignedClient() => App.GetTestClient();

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}

internal sealed class EventCollector : ISecurityEventObserver
{
    public ConcurrentQueue<SecurityEvent> Events { get; } = new();

    public void OnEvent(SecurityEvent securityEvent, HttpContext? context) => Events.Enqueue(securityEvent);
}
