using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace ApiGuard.Monitoring;

/// <summary>
/// Metrics of the event pipeline. Each capability gets a counter <c>apiguard.&lt;capability&gt;.decisions</c>;
/// the pipeline itself reports <c>apiguard.events.dropped</c> and <c>apiguard.events.published</c>.
/// </summary>
internal sealed class SecurityEventMetrics
{
    private readonly Meter _meter;
    private readonly ConcurrentDictionary<string, Counter<long>> _decisions = new(StringComparer.Ordinal);
    private readonly Counter<long> _published;
    private readonly Counter<long> _dropped;

    public SecurityEventMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(ApiGuardTelemetryTags.MeterName);
        _published = _meter.CreateCounter<long>("apiguard.events.published", "{event}", "Security events published by ApiGuard capabilities.");
        _dropped = _meter.CreateCounter<long>("apiguard.events.dropped", "{event}", "Security events dropped because a queue was full.");
    }

    public Meter Meter => _meter;

    public void Decision(SecurityEvent e)
    {
        _published.Add(1);
        var counter = _decisions.GetOrAdd(e.Capability, static (c, meter) =>
            meter.CreateCounter<long>($"apiguard.{c}.decisions", "{decision}", $"Decisions reported by the ApiGuard {c} capability."), _meter);
        if (counter.Enabled)
        {
            DecisionCore(counter, e);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void DecisionCore(Counter<long> counter, SecurityEvent e)
    {
        var tags = new TagList
        {
            { ApiGuardTelemetryTags.Kind, e.Kind },
            { ApiGuardTelemetryTags.Action, e.Action.ToTagValue() },
            { ApiGuardTelemetryTags.Severity, e.Severity.ToTagValue() },
        };
        if (e.Route is not null)
        {
            tags.Add(ApiGuardTelemetryTags.Route, e.Route);
        }

        counter.Add(1, tags);
    }

    public void Dropped(string sink, long count = 1)
    {
        if (_dropped.Enabled)
        {
            _dropped.Add(count, new KeyValuePair<string, object?>(ApiGuardTelemetryTags.Sink, sink));
        }
    }
}
