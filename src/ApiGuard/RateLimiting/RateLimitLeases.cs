using System.Threading.RateLimiting;

namespace ApiGuard.RateLimiting;

/// <summary>ApiGuard's leases. Plain successes and failures are cached statics, so deciding allocates no lease.</summary>
internal static class RateLimitLeases
{
    private const int CachedSeconds = 3600;
    private static readonly ApiGuardLease?[] s_failed = new ApiGuardLease?[CachedSeconds + 1];

    /// <summary>An acquired lease with nothing to return.</summary>
    public static readonly RateLimitLease Success = new ApiGuardLease(true, null);

    /// <summary>A failed lease without a retry time (concurrency, or a store that rejected without one).</summary>
    public static readonly RateLimitLease FailedNoRetry = new ApiGuardLease(false, null);

    /// <summary>A failed lease carrying <see cref="MetadataName.RetryAfter"/> of <paramref name="seconds"/> whole seconds (cached up to an hour).</summary>
    public static RateLimitLease Failed(int seconds)
    {
        if (seconds <= 0)
        {
            return FailedNoRetry;
        }

        if (seconds > CachedSeconds)
        {
            return new ApiGuardLease(false, TimeSpan.FromSeconds(seconds));
        }

        return s_failed[seconds] ?? CreateFailed(seconds);
    }

    /// <summary>Whole seconds, rounded up, of a retry time in milliseconds (at least 1 when positive).</summary>
    public static int ToSeconds(double ms) => ms <= 0 ? 0 : ms >= int.MaxValue / 2 * 1000.0 ? int.MaxValue / 2 : (int)Math.Ceiling(ms / 1000);

    private static ApiGuardLease CreateFailed(int seconds)
    {
        var lease = new ApiGuardLease(false, TimeSpan.FromSeconds(seconds));
        return Interlocked.CompareExchange(ref s_failed[seconds], lease, null) ?? lease;
    }

    private sealed class ApiGuardLease(bool isAcquired, TimeSpan? retryAfter) : RateLimitLease
    {
        private static readonly string[] s_retryAfterNames = [MetadataName.RetryAfter.Name];

        public override bool IsAcquired { get; } = isAcquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : s_retryAfterNames;

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            if (retryAfter is { } r && metadataName == MetadataName.RetryAfter.Name)
            {
                metadata = r;
                return true;
            }

            metadata = null;
            return false;
        }
    }
}

/// <summary>A lease holding concurrency permits until disposed.</summary>
internal sealed class ConcurrencyLease : RateLimitLease
{
    private readonly ApiGuardRateLimiter _limiter;
    private readonly long _cost;
    private readonly RateLimitDecision _decision;
    private int _disposed;

    public ConcurrencyLease(ApiGuardRateLimiter limiter, long cost, in RateLimitDecision decision)
    {
        _limiter = limiter;
        _cost = cost;
        _decision = decision;
    }

    public override bool IsAcquired => true;

    public override IEnumerable<string> MetadataNames => [];

    public override bool TryGetMetadata(string metadataName, out object? metadata)
    {
        metadata = null;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _limiter.Release(_cost, _decision);
        }
    }
}
