using ApiGuard.Monitoring;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ApiGuard.BruteForce;

/// <summary>
/// Counts every <c>authentication.failed</c> event that ApiGuard's authentication handlers publish (signatures, OTP, DPoP…):
/// per client address, and per account when the event names a client or key id. O(1) and non-throwing on the request path.
/// Events whose action is <see cref="SecurityAction.Challenged"/> are protocol challenges (a DPoP nonce to fetch, an OTP to
/// send), not failed credentials, and are not counted.
/// </summary>
internal sealed class BruteForceEventObserver : ISecurityEventObserver
{
    private readonly IServiceProvider _services;
    private BruteForceGuard? _guard;

    // The guard depends on the publisher, which depends on the observers: resolve it on first use.
    public BruteForceEventObserver(IServiceProvider services)
    {
        _services = services;
    }

    public void OnEvent(SecurityEvent securityEvent, HttpContext? context)
    {
        if (!string.Equals(securityEvent.Kind, BruteForceDefaults.AuthenticationFailedKind, StringComparison.Ordinal) ||
            securityEvent.Action == SecurityAction.Challenged ||
            string.Equals(securityEvent.Capability, ApiGuardCapabilities.BruteForce, StringComparison.Ordinal))
        {
            return;
        }

        BruteForceGuard guard;
        try
        {
            guard = _guard ??= _services.GetRequiredService<BruteForceGuard>();
        }
        catch (ObjectDisposedException)
        {
            return; // the host is shutting down
        }

        guard.Observe(securityEvent, context);
    }
}
