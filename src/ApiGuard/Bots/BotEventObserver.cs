using ApiGuard.Identity;
using ApiGuard.Monitoring;
using Microsoft.AspNetCore.Http;

namespace ApiGuard.Bots;

/// <summary>
/// Learns from other capabilities' events, synchronously and in O(1): <c>authentication.failed</c>, <c>injection.*</c>,
/// <c>ratelimit.exceeded</c> and <c>bruteforce.*</c> raise the client's counters, and those of its address too when the client
/// did not prove who it is (as the middleware records its requests). Never throws.
/// </summary>
internal sealed class BotEventObserver : ISecurityEventObserver
{
    private readonly BehaviourProfileTable _table;
    private readonly IClientIdentityResolver _identity;
    private readonly BotClientClassifier _classifier;

    public BotEventObserver(BehaviourProfileTable table, IClientIdentityResolver identity, BotClientClassifier classifier)
    {
        _table = table;
        _identity = identity;
        _classifier = classifier;
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
        if (context is not null && AddressIdOf(context, clientId) is { } addressId)
        {
            _table.RecordSignal(addressId, signal, kind, securityEvent.Method, securityEvent.Route, securityEvent.RuleId);
        }
    }

    private string? AddressIdOf(HttpContext context, string clientId)
    {
        var identity = _identity.Resolve(context);
        return string.Equals(identity.Id, clientId, StringComparison.Ordinal)
            ? BotClientClassifier.AddressIdOf(_identity, context, identity, _classifier.Classify(context, identity))
            : null;
    }
}
