using ApiGuard.Monitoring;
using Microsoft.AspNetCore.Http;

namespace ApiGuard.Bots;

/// <summary>
/// Learns from other capabilities' events, synchronously and in O(1): <c>authentication.failed</c>, <c>injection.*</c>,
/// <c>ratelimit.exceeded</c> and <c>bruteforce.*</c> raise the client's counters. Never throws.
/// </summary>
internal sealed class BotEventObserver : ISecurityEventObserver
{
    private readonly BehaviourProfileTable _table;

    public BotEventObserver(BehaviourProfileTable table)
    {
        _table = table;
    }

    private static readonly object s_injectionCounted = new();

    public void OnEvent(SecurityEvent securityEvent, HttpContext? context)
    {
        if (securityEvent.ClientId is not { Length: > 0 } clientId ||
            string.Equals(securityEvent.Capability, ApiGuardCapabilities.Bots, StringComparison.Ordinal))
        {
            return;
        }

        var kind = securityEvent.Kind;
        ObservedSignal signal;
        if (string.Equals(kind, "authentication.failed", StringComparison.Ordinal))
        {
            signal = ObservedSignal.AuthenticationFailed;
        }
        else if (kind.StartsWith("injection.", StringComparison.Ordinal))
        {
            // One request with several findings (SQLi and XSS in one payload) is one injection attempt.
            if (context is not null && !context.Items.TryAdd(s_injectionCounted, null))
            {
                return;
            }

            signal = ObservedSignal.Injection;
        }
        else if (string.Equals(kind, "ratelimit.exceeded", StringComparison.Ordinal))
        {
            signal = ObservedSignal.RateLimited;
        }
        else if (kind.StartsWith("bruteforce.", StringComparison.Ordinal))
        {
            signal = ObservedSignal.BruteForce;
        }
        else
        {
            return;
        }

        _table.RecordSignal(clientId, signal, kind, securityEvent.Method, securityEvent.Route, securityEvent.RuleId);
    }
}
