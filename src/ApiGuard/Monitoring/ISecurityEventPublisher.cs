using Microsoft.AspNetCore.Http;

namespace ApiGuard.Monitoring;

/// <summary>
/// Where capabilities report their decisions. Publishing never blocks a request: events go into a bounded
/// in-process channel, and when it is full the event is dropped and the drop is counted
/// (metric <c>apiguard.events.dropped</c>). Metrics and the current <see cref="System.Diagnostics.Activity"/> are updated
/// synchronously, so they see every event even when the channel is full.
/// </summary>
public interface ISecurityEventPublisher
{
    /// <summary>Publishes an event. Request fields left empty (client, route, method, trace id, timestamp) are filled from <paramref name="context"/>.</summary>
    /// <returns><see langword="false"/> when the event could not be queued for the sinks (it was dropped and counted).</returns>
    bool Publish(SecurityEvent securityEvent, HttpContext? context = null);
}

/// <summary>A destination for security events (a SIEM, a queue, a file). Register with <c>AddSecurityEventSink&lt;T&gt;()</c>.</summary>
public interface ISecurityEventSink
{
    /// <summary>Writes a batch of events. Called from a background loop, never on a request path; exceptions are logged and counted.</summary>
    ValueTask WriteAsync(IReadOnlyList<SecurityEvent> events, CancellationToken cancellationToken);
}
