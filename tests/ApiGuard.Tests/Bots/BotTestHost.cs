using System.Collections.Concurrent;
using System.Net;
using System.Security.Claims;
using System.Text.Encodings.Web;
using ApiGuard.Bots;
using ApiGuard.Monitoring;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ApiGuard.Tests.Bots;

/// <summary>Captures every security event synchronously (an observer, as other capabilities would see them).</summary>
internal sealed class CapturingObserver : ISecurityEventObserver
{
    public ConcurrentQueue<SecurityEvent> Events { get; } = new();

    public void OnEvent(SecurityEvent securityEvent, HttpContext? context) => Events.Enqueue(securityEvent);

    public IReadOnlyList<SecurityEvent> Bots => Events.Where(e => e.Capability == ApiGuardCapabilities.Bots).ToList();
}

/// <summary>
/// Test authentication: <c>X-Test-Principal: name;authType</c> signs the request in as <c>name</c> with that authentication type
/// (for example <c>Signature</c>, as ApiGuard's signature handler would).
/// </summary>
internal sealed class TestAuthHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Test";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers["X-Test-Principal"].ToString();
        if (string.IsNullOrEmpty(header))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var parts = header.Split(';');
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, parts[0])], parts.Length > 1 ? parts[1] : "Bearer");
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}

/// <summary>A TestServer app with bot detection, a few API routes and a FakeTimeProvider.</summary>
internal sealed class BotTestHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private BotTestHost(WebApplication app, FakeTimeProvider time, CapturingObserver observer)
    {
        _app = app;
        Time = time;
        Observer = observer;
        Server = app.GetTestServer();
    }

    public FakeTimeProvider Time { get; }

    public CapturingObserver Observer { get; }

    public TestServer Server { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>Client addresses (<c>ip:…</c>) whose request carried a throttle decision when it reached the endpoint.</summary>
    public ConcurrentDictionary<string, int> Throttled { get; } = new();

    public static async Task<BotTestHost> StartAsync(
        Action<BotDetectionOptions>? configure = null,
        ApiGuardMode mode = ApiGuardMode.Enforce,
        Action<WebApplicationBuilder>? build = null,
        Action<WebApplication>? map = null)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 10, 0, 0, TimeSpan.Zero));
        var observer = new CapturingObserver();
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddSingleton<ISecurityEventObserver>(observer);
        builder.Services.AddAuthentication(TestAuthHandler.SchemeName).AddScheme<AuthenticationSchemeOptions, TestAuthHandler>(TestAuthHandler.SchemeName, null);
        builder.Services.AddAuthorization();
        builder.Services.AddApiGuard(o => o.Mode = mode).AddBotDetection(configure);
        build?.Invoke(builder);

        var app = builder.Build();
        BotTestHost? host = null;

        // Buffer each response so that TestServer hands it back only when the whole pipeline (bot bookkeeping included)
        // has finished: the tests then see every decision the request caused.
        app.Use(async (context, next) =>
        {
            var original = context.Response.Body;
            using var buffer = new MemoryStream();
            context.Response.Body = buffer;
            try
            {
                await next(context);
            }
            finally
            {
                context.Response.Body = original;
            }

            buffer.Position = 0;
            await buffer.CopyToAsync(original);
        });
        app.UseRouting();
        app.UseAuthentication();
        app.UseApiGuard();
        app.Use((context, next) =>
        {
            if (context.Features.Get<IBotDecisionFeature>() is { Action: BotAction.Throttle })
            {
                host!.Throttled.AddOrUpdate(context.RequestServices.GetRequiredService<ApiGuard.Identity.IClientIdentityResolver>().ResolveAddress(context).Id, 1, (_, n) => n + 1);
            }

            return next(context);
        });
        app.UseAuthorization();
        MapApi(app);
        map?.Invoke(app);
        host = new BotTestHost(app, time, observer);
        await app.StartAsync();
        return host;
    }

    private static void MapApi(WebApplication app)
    {
        app.MapGet("/api/products", () => Results.Ok(new[] { 1, 2, 3 }));
        app.MapGet("/api/products/{id:int}", (int id) => id <= 1000 ? Results.Ok(new { id }) : Results.NotFound());
        app.MapGet("/api/inventory", () => Results.Ok(new { items = 3 }));
        app.MapPost("/api/stock", () => Results.NoContent());
        app.MapGet("/api/cart", () => Results.Ok());
        app.MapPost("/api/orders", () => Results.Created("/api/orders/1", null));
        app.MapGet("/api/accounts/{accountId}", (string accountId) => Results.Ok(new { accountId }));
        app.MapGet("/api/fail", () => Results.StatusCode(500));

        // Orders: served to authenticated clients; anonymous callers get 403 (not their order).
        app.MapGet("/api/orders/{id:long}", (long id, HttpContext context) =>
            context.User.Identity?.IsAuthenticated == true ? Results.Ok(new { id }) : Results.StatusCode(StatusCodes.Status403Forbidden));

        // Login: a wrong password is reported as authentication.failed (as an authentication handler would) and answered 401.
        app.MapPost("/api/login", (HttpContext context, ISecurityEventPublisher events) =>
        {
            if (context.Request.Headers["X-Test-Password"] == "correct")
            {
                return Results.Ok();
            }

            events.Publish(new SecurityEvent
            {
                Capability = ApiGuardCapabilities.Core,
                Kind = "authentication.failed",
                Severity = SecuritySeverity.Low,
                Action = SecurityAction.Blocked,
                RuleId = "password",
            }, context);
            return Results.StatusCode(StatusCodes.Status401Unauthorized);
        });
    }

    /// <summary>Sends one request from <paramref name="ip"/>, advancing nothing.</summary>
    public Task<HttpContext> SendAsync(string method, string path, string ip, Action<HttpRequest>? headers = null) =>
        Server.SendAsync(c =>
        {
            c.Request.Method = method;
            c.Request.Path = path;
            c.Connection.RemoteIpAddress = IPAddress.Parse(ip);
            headers?.Invoke(c.Request);
        });

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
