using System.Diagnostics;
using System.Threading.Channels;
using ApiGuard.Identity;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ApiGuard.Monitoring;

/// <summary>The default publisher: fills request fields, updates metrics and the activity, queues for the sinks.</summary>
internal sealed partial class SecurityEventPublisher : ISecurityEventPublisher
{
    private readonly Channel<SecurityEvent> _channel;
    private readonly SecurityEventMetrics _metrics;
    private readonly IClientIdentityResolver _identity;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ISecurityEventObserver[] _observers;
    private readonly bool _tagActivities;
    private long _dropped;

    public SecurityEventPublisher(
        IOptions<ApiGuardOptions> options,
        SecurityEventMetrics metrics,
        IClientIdentityResolver identity,
        TimeProvider time,
        IEnumerable<ISecurityEventObserver> observers,
        ILogger<SecurityEventPublisher> logger)
    {
        _observers = observers.ToArray();
        var events = options.Value.Events;
        _channel = Channel.CreateBounded<SecurityEvent>(new BoundedChannelOptions(events.Capacity)
        {
            FullMode = BoundedChannelFullMode.Wait, // TryWrite then fails fast when full, so the drop can be counted
            SingleReader = true,
            SingleWriter = false,
        });
        _tagActivities = events.TagActivities;
        _metrics = metrics;
        _identity = identity;
        _time = time;
        _logger = logger;
    }

    public ChannelReader<SecurityEvent> Reader => _channel.Reader;

    /// <summary>Events dropped because the channel was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public bool Publish(SecurityEvent securityEvent, HttpContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(securityEvent);
        var e = Complete(securityEvent, context);
        _metrics.Decision(e);
        if (_tagActivities)
        {
            TagActivity(e);
        }

        foreach (var observer in _observers)
        {
            observer.OnEvent(e, context);
        }

        if (_channel.Writer.TryWrite(e))
        {
            return true;
        }

        if (Interlocked.Increment(ref _dropped) == 1 || _dropped % 1000 == 0)
        {
            Log.Dropped(_logger, _dropped);
        }

        _metrics.Dropped("channel");
        return false;
    }

    private SecurityEvent Complete(SecurityEvent e, HttpContext? context)
    {
        var needsTime = e.Timestamp == default;
        if (context is null)
        {
            return needsTime ? e with { Timestamp = _time.GetUtcNow(), TraceId = e.TraceId ?? ApiGuardTraceId.Current(null) } : e;
        }

        if (!needsTime && e.ClientId is not null && e.Route is not null && e.Method is not null && e.TraceId is not null)
        {
            return e;
        }

        return e with
        {
            Timestamp = needsTime ? _time.GetUtcNow() : e.Timestamp,
            ClientId = e.ClientId ?? _identity.Resolve(context).Id,
            Route = e.Route ?? GetRoute(context),
            Method = e.Method ?? context.Request.Method,
            TraceId = e.TraceId ?? ApiGuardTraceId.Current(context),
        };
    }

    internal static string? GetRoute(HttpContext context) =>
        (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;

    private static void TagActivity(SecurityEvent e)
    {
        var activity = Activity.Current;
        if (activity is null || !activity.IsAllDataRequested)
        {
            return;
        }

        activity.SetTag($"apiguard.{e.Capability}.action", e.Action.ToTagValue());
        if (e.RuleId is not null)
        {
            activity.SetTag($"apiguard.{e.Capability}.rule", e.RuleId);
        }

        activity.AddEvent(new ActivityEvent("apiguard.decision", tags: new ActivityTagsCollection
        {
            { ApiGuardTelemetryTags.Capability, e.Capability },
            { ApiGuardTelemetryTags.Kind, e.Kind },
            { ApiGuardTelemetryTags.Action, e.Action.ToTagValue() },
            { ApiGuardTelemetryTags.Severity, e.Severity.ToTagValue() },
            { ApiGuardTelemetryTags.Rule, e.RuleId },
            { ApiGuardTelemetryTags.Client, e.ClientId },
        }));
    }

    private static partial class Log
    {
        [LoggerMessage(ApiGuardEventIds.SecurityEventDropped, LogLevel.Warning,
            "The ApiGuard event channel is full; {Dropped} events dropped so far. Sinks are slower than the event rate.",
            EventName = "SecurityEventDropped")]
        public static partial void Dropped(ILogger logger, long dropped);
    }
}
