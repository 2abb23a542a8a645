using System.Diagnostics;
using ApiGuard.Monitoring;
using ApiGuard.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace ApiGuard.Tests.Monitoring;

public sealed class SecurityEventPublisherTests
{
    private static ServiceProvider Build(Action<ApiGuardOptions>? configure = null, FakeTimeProvider? time = null, Action<IServiceCollection>? more = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time ?? new FakeTimeProvider(DateTimeOffset.Parse("2026-01-02T03:04:05Z", System.Globalization.CultureInfo.InvariantCulture)));
        services.AddApiGuard(configure ?? (_ => { }));
        more?.Invoke(services);
        return services.BuildServiceProvider();
    }

    private static SecurityEvent Event(string capability = ApiGuardCapabilities.RateLimiting) => new()
    {
        Capability = capability,
        Kind = "ratelimit.exceeded",
        Severity = SecuritySeverity.Medium,
        Action = SecurityAction.Throttled,
        RuleId = "per-client",
    };

    [Fact]
    public void Publish_WithContext_FillsRequestFieldsAndCountsMetric()
    {
        using var provider = Build();
        var metrics = provider.GetRequiredService<SecurityEventMetrics>();
        using var decisions = new MetricCollector<long>(metrics.Meter, "apiguard.ratelimiting.decisions");
        var publisher = provider.GetRequiredService<SecurityEventPublisher>();
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Connection.RemoteIpAddress = System.Net.IPAddress.Parse("192.0.2.5");

        Assert.True(publisher.Publish(Event(), context));

        Assert.True(publisher.Reader.TryRead(out var e));
        Assert.Equal("ip:192.0.2.5", e.ClientId);
        Assert.Equal("POST", e.Method);
        Assert.Equal(DateTimeOffset.Parse("2026-01-02T03:04:05Z", System.Globalization.CultureInfo.InvariantCulture), e.Timestamp);
        Assert.NotNull(e.TraceId);
        var m = Assert.Single(decisions.GetMeasurementSnapshot());
        Assert.Equal(1, m.Value);
        Assert.Equal("throttled", m.Tags["apiguard.action"]);
        Assert.Equal("medium", m.Tags["apiguard.severity"]);
        Assert.Equal("ratelimit.exceeded", m.Tags["apiguard.kind"]);
    }

    [Fact]
    public void Publish_ChannelFull_DropsAndCountsWithoutBlocking()
    {
        using var provider = Build(o => o.Events.Capacity = 16);
        var metrics = provider.GetRequiredService<SecurityEventMetrics>();
        using var dropped = new MetricCollector<long>(metrics.Meter, "apiguard.events.dropped");
        var publisher = provider.GetRequiredService<SecurityEventPublisher>();

        var accepted = Enumerable.Range(0, 100).Count(_ => publisher.Publish(Event()));

        Assert.Equal(16, accepted);
        Assert.Equal(84, publisher.Dropped);
        Assert.Equal(84, dropped.GetMeasurementSnapshot().Sum(m => m.Value));
    }

    [Fact]
    public void Publish_WithActivity_TagsDecision()
    {
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "test",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        using var source = new ActivitySource("test");
        using var provider = Build();
        var publisher = provider.GetRequiredService<ISecurityEventPublisher>();

        using var activity = source.StartActivity("request")!;
        publisher.Publish(Event(), new DefaultHttpContext());

        Assert.Equal("throttled", activity.GetTagItem("apiguard.ratelimiting.action"));
        var evt = Assert.Single(activity.Events);
        Assert.Equal("apiguard.decision", evt.Name);
        Assert.Contains(evt.Tags, t => t.Key == "apiguard.rule" && (string?)t.Value == "per-client");
    }

    [Fact]
    public void Publish_Observers_SeeCompletedEventSynchronously()
    {
        var observer = new RecordingObserver();
        using var provider = Build(more: s => s.AddSingleton<ISecurityEventObserver>(observer));
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = System.Net.IPAddress.Parse("192.0.2.9");

        provider.GetRequiredService<ISecurityEventPublisher>().Publish(Event(), context);

        var (e, ctx) = Assert.Single(observer.Seen);
        Assert.Equal("ip:192.0.2.9", e.ClientId);
        Assert.Same(context, ctx);
    }

    [Fact]
    public async Task LoggingSink_WritesStableEventIdsWithoutSecrets()
    {
        var collector = new FakeLogCollector();
        using var provider = Build(more: s => s.AddLogging(b => b.AddProvider(new FakeLoggerProvider(collector))));
        var sink = provider.GetServices<ISecurityEventSink>().OfType<LoggingSecurityEventSink>().Single();

        // Properties are the one place a careless capability could put a credential; the log must not carry them.
        const string secret = "sk_live_51HqLyjWDarjtT1zdp7dc";
        await sink.WriteAsync(
            [Event() with
            {
                ClientId = "apikey:abcd",
                Severity = SecuritySeverity.High,
                Properties = new Dictionary<string, string> { ["authorization"] = "Bearer " + secret, ["apiKey"] = secret },
            }],
            CancellationToken.None);

        var record = Assert.Single(collector.GetSnapshot(), r => r.Category == "ApiGuard.SecurityEvents");
        Assert.Equal(ApiGuardEventIds.SecurityEventHigh, record.Id.Id);
        Assert.Equal(LogLevel.Error, record.Level);
        Assert.Contains("ratelimit.exceeded", record.Message, StringComparison.Ordinal);
        Assert.Contains("client=apikey:abcd", record.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, record.Message, StringComparison.Ordinal);
        Assert.All(record.StructuredState!, kv => Assert.DoesNotContain(secret, kv.Value ?? string.Empty, StringComparison.Ordinal));
    }

    private sealed class RecordingObserver : ISecurityEventObserver
    {
        public List<(SecurityEvent, HttpContext?)> Seen { get; } = [];

        public void OnEvent(SecurityEvent securityEvent, HttpContext? context) => Seen.Add((securityEvent, context));
    }
}
