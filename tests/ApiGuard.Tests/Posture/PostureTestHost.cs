using ApiGuard.Monitoring;
using Microsoft.AspNetCore.Http;

namespace ApiGuard.Tests.Posture;

/// <summary>Collects posture events synchronously (an <see cref="ISecurityEventObserver"/>), for assertions.</summary>
internal sealed class PostureEventCollector : ISecurityEventObserver
{
    private readonly List<SecurityEvent> _events = [];
    private readonly SemaphoreSlim _signal = new(0);

    public IReadOnlyList<SecurityEvent> Events
    {
        get
        {
            lock (_events)
            {
                return _events.ToArray();
            }
        }
    }

    public void OnEvent(SecurityEvent securityEvent, HttpContext? context)
    {
        if (securityEvent.Capability == ApiGuardCapabilities.Posture)
        {
            lock (_events)
            {
                _events.Add(securityEvent);
            }

            _signal.Release();
        }
    }

    /// <summary>
    /// Waits until at least <paramref name="count"/> events arrived. In Report mode the scan runs when the app has finished
    /// writing, which the client can observe before the server-side pipeline returns, so tests wait for the event.
    /// </summary>
    public async Task<IReadOnlyList<SecurityEvent>> WaitForAsync(int count)
    {
        while (Events.Count < count)
        {
            if (!await _signal.WaitAsync(TimeSpan.FromSeconds(10)))
            {
                break;
            }
        }

        return Events;
    }
}
