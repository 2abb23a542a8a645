using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using ApiGuard.Monitoring;

namespace ApiGuard.RateLimiting;

/// <summary>Rate-limiting metrics on the <c>ApiGuard</c> meter (<c>apiguard.ratelimiting.*</c>).</summary>
internal sealed class RateLimitingMetrics
{
    public const string PolicyTag = "apiguard.ratelimiting.policy";
    public const string ResultTag = "apiguard.ratelimiting.result";
    public const string ReasonTag = "apiguard.ratelimiting.reason";
    private readonly Counter<long> _requests;
    private readonly Counter<long> _cachedDenials;
    private readonly Counter<long> _storeErrors;
    private readonly Counter<long> _fallbacks;
    private readonly Counter<long> _evicted;

    public RateLimitingMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(ApiGuardTelemetryTags.MeterName);
        _requests = meter.CreateCounter<long>("apiguard.ratelimiting.requests", "{request}", "Requests decided by ApiGuard rate limiting, by policy and result.");
        _cachedDenials = meter.CreateCounter<long>("apiguard.ratelimiting.cached_denials", "{request}", "Rejections answered from a denial cached on this node, without the store.");
        _storeErrors = meter.CreateCounter<long>("apiguard.ratelimiting.store.errors", "{error}", "Distributed store calls that failed or exceeded the time budget.");
        _fallbacks = meter.CreateCounter<long>("apiguard.ratelimiting.fallbacks", "{decision}", "Decisions taken by the failure mode because the distributed store was unavailable.");
        _evicted = meter.CreateCounter<long>("apiguard.ratelimiting.partitions.evicted", "{partition}", "Partitions evicted from memory, idle or over the cap.");
    }

    public void Request(string policy, string result)
    {
        if (_requests.Enabled)
        {
            RequestCore(policy, result);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void RequestCore(string policy, string result) =>
        _requests.Add(1, new TagList { { PolicyTag, policy }, { ResultTag, result } });

    public void CachedDenial(string policy)
    {
        if (_cachedDenials.Enabled)
        {
            _cachedDenials.Add(1, new KeyValuePair<string, object?>(PolicyTag, policy));
        }
    }

    public void StoreError(string errorType)
    {
        if (_storeErrors.Enabled)
        {
            _storeErrors.Add(1, new KeyValuePair<string, object?>(ApiGuardTelemetryTags.ErrorType, errorType));
        }
    }

    public void Fallback(string policy, RateLimitFailureMode mode)
    {
        if (_fallbacks.Enabled)
        {
            FallbackCore(policy, mode);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void FallbackCore(string policy, RateLimitFailureMode mode) =>
        _fallbacks.Add(1, new TagList { { PolicyTag, policy }, { ReasonTag, mode.ToString() } });

    public void Evicted(long idle, long overflow)
    {
        if (!_evicted.Enabled)
        {
            return;
        }

        if (idle > 0)
        {
            _evicted.Add(idle, new KeyValuePair<string, object?>(ReasonTag, "idle"));
        }

        if (overflow > 0)
        {
            _evicted.Add(overflow, new KeyValuePair<string, object?>(ReasonTag, "capacity"));
        }
    }
}
