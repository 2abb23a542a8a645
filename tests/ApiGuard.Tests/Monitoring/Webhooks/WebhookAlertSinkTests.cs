using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using ApiGuard.Monitoring;
using ApiGuard.Monitoring.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ApiGuard.Tests.Monitoring.Webhooks;

public sealed class WebhookAlertSinkTests
{
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    /// <summary>A real Kestrel receiver on 127.0.0.1 that verifies signatures and can fail the first N requests.</summary>
    private sealed class Receiver : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private int _failuresLeft;

        private Receiver(WebApplication app, int failFirst)
        {
            _app = app;
            _failuresLeft = failFirst;
        }

        public ConcurrentQueue<(bool Valid, string Id, JsonDocument Body)> Received { get; } = new();

        public int Attempts;

        public string Url => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/hooks";

        public static async Task<Receiver> StartAsync(int failFirst = 0, TimeSpan? delay = null)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var receiver = new Receiver(app, failFirst);
            Assert.True(StandardWebhookSigner.TryDecodeSecret(Secret, out var key));
            app.MapPost("/hooks", async (HttpContext ctx) =>
            {
                Interlocked.Increment(ref receiver.Attempts);
                if (delay is { } d)
                {
                    await Task.Delay(d);
                }

                if (Interlocked.Decrement(ref receiver._failuresLeft) >= 0)
                {
                    return Results.StatusCode(500);
                }

                using var ms = new MemoryStream();
                await ctx.Request.Body.CopyToAsync(ms);
                var body = ms.ToArray();
                var id = ctx.Request.Headers["webhook-id"].ToString();
                var ts = long.Parse(ctx.Request.Headers["webhook-timestamp"].ToString(), System.Globalization.CultureInfo.InvariantCulture);
                var valid = StandardWebhookSigner.Verify(key, id, ts, body, ctx.Request.Headers["webhook-signature"].ToString());
                receiver.Received.Enqueue((valid, id, JsonDocument.Parse(body)));
                return Results.NoContent();
            });
            await app.StartAsync();
            return receiver;
        }

        public ValueTask DisposeAsync() => _app.DisposeAsync();
    }

    private static IHost BuildGuardHost(string url, Action<WebhookAlertOptions>? configure = null, Action<IServiceCollection>? services = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        services?.Invoke(builder.Services);
        builder.Services.AddApiGuard().AddWebhookAlerts(o =>
        {
            o.Endpoints.Add(new WebhookEndpointOptions { Url = url, Secret = Secret });
            o.InitialBackoff = TimeSpan.FromMilliseconds(20);
            o.MaxBackoff = TimeSpan.FromMilliseconds(100);
            configure?.Invoke(o);
        });
        return builder.Build();
    }

    private static SecurityEvent Event(SecuritySeverity severity, string kind = "test.alert") => new()
    {
        Capability = ApiGuardCapabilities.Inspection,
        Kind = kind,
        Severity = severity,
        Action = SecurityAction.Blocked,
        ClientId = "ip:192.0.2.1",
    };

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(50);
        }

        Assert.True(condition(), "condition not met within 10 s");
    }

    [Fact]
    public async Task Publish_HighSeverityEvents_DeliversSignedBatchToRealReceiverAndFiltersBySeverity()
    {
        await using var receiver = await Receiver.StartAsync();
        using var host = BuildGuardHost(receiver.Url);
        await host.StartAsync();
        var publisher = host.Services.GetRequiredService<ISecurityEventPublisher>();

        publisher.Publish(Event(SecuritySeverity.Low, "ignored.low"));
        publisher.Publish(Event(SecuritySeverity.High, "sent.high"));
        publisher.Publish(Event(SecuritySeverity.Critical, "sent.critical"));

        await WaitUntilAsync(() => receiver.Received.Sum(r => r.Body.RootElement.GetProperty("data").GetProperty("events").GetArrayLength()) >= 2);
        await host.StopAsync();

        Assert.All(receiver.Received, r => Assert.True(r.Valid));
        var kinds = receiver.Received.SelectMany(r => r.Body.RootElement.GetProperty("data").GetProperty("events").EnumerateArray())
            .Select(e => e.GetProperty("kind").GetString()).ToList();
        Assert.Contains("sent.high", kinds);
        Assert.Contains("sent.critical", kinds);
        Assert.DoesNotContain("ignored.low", kinds);
        var first = receiver.Received.First().Body.RootElement;
        Assert.Equal("apiguard.security_events", first.GetProperty("type").GetString());
        Assert.Equal("blocked", first.GetProperty("data").GetProperty("events")[0].GetProperty("action").GetString()!.ToLowerInvariant());
    }

    [Fact]
    public async Task Deliver_ReceiverFailsTwiceWith500_RetriesWithSameIdThenDelivers()
    {
        await using var receiver = await Receiver.StartAsync(failFirst: 2);
        using var host = BuildGuardHost(receiver.Url);
        await host.StartAsync();
        var sink = host.Services.GetRequiredService<WebhookAlertSink>();

        host.Services.GetRequiredService<ISecurityEventPublisher>().Publish(Event(SecuritySeverity.High));

        await WaitUntilAsync(() => !receiver.Received.IsEmpty);
        await host.StopAsync();
        Assert.Equal(3, receiver.Attempts);
        Assert.Equal(2, sink.FailedAttempts);
        Assert.Equal(1, sink.Delivered);
        Assert.True(Assert.Single(receiver.Received).Valid);
    }

    [Fact]
    public async Task Deliver_HandlerThrowsUnexpectedException_CountsFailureAndKeepsDelivering()
    {
        await using var receiver = await Receiver.StartAsync();
        var failures = new FailuresLeft { Count = 1 };
        using var host = BuildGuardHost(
            receiver.Url,
            o => o.MaxAttempts = 1,
            s => s.AddHttpClient(WebhookAlertSink.HttpClientName).AddHttpMessageHandler(() => new ThrowingHandler(failures)));
        await host.StartAsync();
        var sink = host.Services.GetRequiredService<WebhookAlertSink>();
        var publisher = host.Services.GetRequiredService<ISecurityEventPublisher>();

        publisher.Publish(Event(SecuritySeverity.High, "lost.to.handler"));
        await WaitUntilAsync(() => sink.FailedAttempts == 1);
        publisher.Publish(Event(SecuritySeverity.High, "delivered.after"));
        await WaitUntilAsync(() => !receiver.Received.IsEmpty && sink.Delivered == 1); // the receiver sees the POST before the sink counts it

        Assert.False(sink.ExecuteTask!.IsCompleted);
        Assert.Equal(1, sink.Delivered);
        var kinds = receiver.Received.SelectMany(r => r.Body.RootElement.GetProperty("data").GetProperty("events").EnumerateArray())
            .Select(e => e.GetProperty("kind").GetString());
        Assert.Equal(["delivered.after"], kinds);
        await host.StopAsync();
    }

    private sealed class FailuresLeft
    {
        public int Count;
    }

    /// <summary>Throws an exception that is neither an HTTP error nor a cancellation, for the first N requests.</summary>
    private sealed class ThrowingHandler(FailuresLeft failures) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Interlocked.Decrement(ref failures.Count) >= 0
                ? throw new InvalidOperationException("handler bug")
                : base.SendAsync(request, cancellationToken);
    }

    [Fact]
    public async Task WriteAsync_QueueFull_DropsAreCountedInMetric()
    {
        await using var receiver = await Receiver.StartAsync(delay: TimeSpan.FromSeconds(2));
        using var host = BuildGuardHost(receiver.Url, o =>
        {
            o.QueueCapacity = 5;
            o.MaxBatchSize = 1;
        });
        var metrics = host.Services.GetRequiredService<SecurityEventMetrics>();
        using var dropped = new MetricCollector<long>(metrics.Meter, "apiguard.events.dropped");
        await host.StartAsync();
        var sink = host.Services.GetRequiredService<WebhookAlertSink>();

        // Write straight to the sink (the dispatcher's path) so the test does not depend on dispatcher timing.
        var batch = Enumerable.Range(0, 50).Select(_ => Event(SecuritySeverity.High)).ToArray();
        await sink.WriteAsync(batch, CancellationToken.None);

        Assert.InRange(sink.Dropped, 50 - 5 - 1, 50 - 5);
        var total = dropped.GetMeasurementSnapshot().Where(m => Equals(m.Tags["apiguard.sink"], "webhook")).Sum(m => m.Value);
        Assert.Equal(sink.Dropped, total);
        await host.StopAsync();
    }

    [Fact]
    public void Backoff_GrowsExponentiallyWithJitterUnderCap()
    {
        var o = new WebhookAlertOptions { InitialBackoff = TimeSpan.FromMilliseconds(100), MaxBackoff = TimeSpan.FromMilliseconds(1000) };
        using var host = BuildGuardHost("http://127.0.0.1:1/", x =>
        {
            x.InitialBackoff = o.InitialBackoff;
            x.MaxBackoff = o.MaxBackoff;
        });
        var sink = host.Services.GetRequiredService<WebhookAlertSink>();
        for (var attempt = 1; attempt <= 8; attempt++)
        {
            var ceiling = Math.Min(1000, 100 * Math.Pow(2, attempt - 1));
            var samples = Enumerable.Range(0, 200).Select(_ => sink.Backoff(attempt).TotalMilliseconds).ToArray();
            Assert.All(samples, s => Assert.InRange(s, 1, ceiling));
            Assert.True(samples.Distinct().Count() > 10, "jitter expected");
        }
    }
}
