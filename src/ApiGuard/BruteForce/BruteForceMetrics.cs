using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using ApiGuard.Monitoring;

namespace ApiGuard.BruteForce;

/// <summary>
/// Metrics of brute-force protection: <c>apiguard.bruteforce.failures</c>, <c>apiguard.bruteforce.rejections</c>,
/// <c>apiguard.bruteforce.patterns</c>, <c>apiguard.bruteforce.store.errors</c> and <c>apiguard.bruteforce.observations.dropped</c>.
/// </summary>
internal sealed class BruteForceMetrics
{
    private readonly Counter<long> _failures;
    private readonly Counter<long> _rejections;
    private readonly Counter<long> _patterns;
    private readonly Counter<long> _storeErrors;
    private readonly Counter<long> _observationsDropped;

    public BruteForceMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(ApiGuardTelemetryTags.MeterName);
        _failures = meter.CreateCounter<long>("apiguard.bruteforce.failures", "{failure}", "Authentication failures counted by brute-force protection.");
        _rejections = meter.CreateCounter<long>("apiguard.bruteforce.rejections", "{request}", "Attempts refused (or, in DetectOnly mode, that would have been) by brute-force protection.");
        _patterns = meter.CreateCounter<long>("apiguard.bruteforce.patterns", "{detection}", "Credential-stuffing and password-spraying detections.");
        _storeErrors = meter.CreateCounter<long>("apiguard.bruteforce.store.errors", "{error}", "Brute-force store calls that failed and fell back to the failure policy.");
        _observationsDropped = meter.CreateCounter<long>("apiguard.bruteforce.observations.dropped", "{failure}", "Observed authentication failures dropped because too many were pending.");
    }

    public void Failure(string source)
    {
        if (_failures.Enabled)
        {
            FailureCore(source);
        }
    }

    public void Rejection(BruteForceScope scope, SecurityAction action)
    {
        if (_rejections.Enabled)
        {
            RejectionCore(scope, action);
        }
    }

    public void Pattern(string kind)
    {
        if (_patterns.Enabled)
        {
            PatternCore(kind);
        }
    }

    public void StoreError(string errorType)
    {
        if (_storeErrors.Enabled)
        {
            StoreErrorCore(errorType);
        }
    }

    public void ObservationDropped()
    {
        if (_observationsDropped.Enabled)
        {
            _observationsDropped.Add(1);
        }
    }

    internal static string ScopeTag(BruteForceScope scope) => scope switch
    {
        BruteForceScope.Pair => "pair",
        BruteForceScope.Address => "address",
        BruteForceScope.Account => "account",
        _ => "none",
    };

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void FailureCore(string source) =>
        _failures.Add(1, new KeyValuePair<string, object?>("apiguard.source", source));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void RejectionCore(BruteForceScope scope, SecurityAction action)
    {
        var tags = new TagList
        {
            { ApiGuardTelemetryTags.Rule, ScopeTag(scope) },
            { ApiGuardTelemetryTags.Action, action.ToTagValue() },
        };
        _rejections.Add(1, tags);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void PatternCore(string kind) =>
        _patterns.Add(1, new KeyValuePair<string, object?>(ApiGuardTelemetryTags.Kind, kind));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void StoreErrorCore(string errorType) =>
        _storeErrors.Add(1, new KeyValuePair<string, object?>(ApiGuardTelemetryTags.ErrorType, errorType));
}
