using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using ApiGuard.Monitoring;
using ApiGuard.Sample;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ApiGuard.Tests.BruteForce;

/// <summary>Collects every published event synchronously.</summary>
internal sealed class CollectingObserver : ISecurityEventObserver
{
    public ConcurrentQueue<SecurityEvent> Events { get; } = new();

    public void OnEvent(SecurityEvent securityEvent, HttpContext? context) => Events.Enqueue(securityEvent);

    public IEnumerable<SecurityEvent> OfKind(string kind) => Events.Where(e => e.Kind == kind);
}

/// <summary>The sample app on a TestServer, with a fake clock and an event collector.</summary>
internal sealed class BruteForceTestHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private BruteForceTestHost(WebApplication app, FakeTimeProvider time, CollectingObserver observer)
    {
        _app = app;
        Time = time;
        Observer = observer;
        Server = app.GetTestServer();
    }

    public TestServer Server { get; }

    public FakeTimeProvider Time { get; }

    public CollectingObserver Observer { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<BruteForceTestHost> StartSampleAsync(params string[] settings)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 10, 0, 0, TimeSpan.Zero));
        var observer = new CollectingObserver();
        var args = new List<string>
        {
            "--ApiGuard:BruteForce:Pair:DelayThreshold=3",
            "--ApiGuard:BruteForce:Pair:BlockThreshold=10",
            "--ApiGuard:BruteForce:Pair:MaxDelay=00:00:08",
            "--ApiGuard:BruteForce:Pair:BlockDuration=00:01:00",
            "--ApiGuard:BruteForce:Address:DelayThreshold=20",
            "--ApiGuard:BruteForce:Address:BlockThreshold=100",
            "--Logging:LogLevel:Default=Warning",

            // Isolate brute force: the sample's bot detection (which also scores authentication failures) and rate limiting
            // report only, so every 403/429 seen here is brute-force protection's.
            "--ApiGuard:Bots:Mode=DetectOnly",
            "--ApiGuard:RateLimiting:Mode=DetectOnly",
        };
        args.AddRange(settings.Select(s => "--" + s));
        var app = SampleApp.Build(args.ToArray(), builder =>
        {
            builder.WebHost.UseTestServer();
            builder.Services.AddSingleton<TimeProvider>(time);
            builder.Services.AddSingleton<ISecurityEventObserver>(observer);
        });
        await app.StartAsync();
        return new BruteForceTestHost(app, time, observer);
    }

    public Task<LoginResponse> LoginAsync(string ip, string username, string password) => LoginAsync(Server, ip, username, password);

    public static async Task<LoginResponse> LoginAsync(TestServer server, string ip, string username, string password)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new { username, password });
        var context = await server.SendAsync(c =>
        {
            c.Request.Method = HttpMethods.Post;
            c.Request.Path = "/api/login";
            c.Request.ContentType = "application/json";
            c.Request.ContentLength = body.Length;
            c.Request.Body = new MemoryStream(body);
            c.Connection.RemoteIpAddress = IPAddress.Parse(ip);
        });
        using var reader = new StreamReader(context.Response.Body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync();
        return new LoginResponse(context.Response.StatusCode, text, context.Response.Headers.RetryAfter.ToString(), context.Response.ContentType);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

internal sealed record LoginResponse(int Status, string Body, string RetryAfter, string? ContentType);
