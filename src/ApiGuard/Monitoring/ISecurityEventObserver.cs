using Microsoft.AspNetCore.Http;

namespace ApiGuard.Monitoring;

/// <summary>
/// An in-process observer called synchronously, on the request path, for every published event
/// (after request fields are filled). Capabilities that learn from others' decisions (bots, brute force) implement it.
/// Implementations must be O(1), non-blocking and must not throw.
/// </summary>
public interface ISecurityEventObserver
{
    /// <summary>Observes one event. <paramref name="context"/> is the request, when the event came from one.</summary>
    void OnEvent(SecurityEvent securityEvent, HttpContext? context);
}
