namespace ApiGuard.RateLimiting;

/// <summary>The state of one limit of one partition (in memory). Its meaning depends on the algorithm.</summary>
internal struct LimitState
{
    /// <summary>GCRA: theoretical arrival time (ms). Windows: window index. Concurrency: unused.</summary>
    public double A;

    /// <summary>Windows: current window count. Concurrency: permits held.</summary>
    public double B;

    /// <summary>Sliding window: previous window count.</summary>
    public double C;

    /// <summary>Whether the state was ever written.</summary>
    public bool Set;
}

/// <summary>What a decision answered.</summary>
internal enum RateLimitDecisionSource
{
    /// <summary>The store decided (in memory, or Redis).</summary>
    Store = 0,

    /// <summary>A denial cached on this node answered without the store.</summary>
    CachedDenial = 1,

    /// <summary>The distributed store failed; the in-memory limiter decided.</summary>
    LocalFallback = 2,

    /// <summary>The distributed store failed; the request was allowed.</summary>
    FailOpen = 3,

    /// <summary>The distributed store failed; the request was rejected (503).</summary>
    FailClosed = 4,

    /// <summary>Approximate mode: decided on this node from its last view of the store.</summary>
    Approximate = 5,
}

/// <summary>The outcome of deciding all of a request's limits together.</summary>
internal readonly struct RateLimitDecision
{
    public RateLimitDecision(bool allowed, double retryAfterMs, int limitIndex, long remaining, double resetMs, RateLimitDecisionSource source, string? leaseId = null)
    {
        Allowed = allowed;
        RetryAfterMs = retryAfterMs;
        LimitIndex = limitIndex;
        Remaining = remaining;
        ResetMs = resetMs;
        Source = source;
        LeaseId = leaseId;
    }

    public bool Allowed { get; }

    /// <summary>When denied: how long until the request could be admitted (0 when unknown, as for concurrency).</summary>
    public double RetryAfterMs { get; }

    /// <summary>The limit reported in the <c>RateLimit</c> field: the one that denied, or the one with the fewest permits left.</summary>
    public int LimitIndex { get; }

    public long Remaining { get; }

    /// <summary>Time until the reported limit's quota is fully restored (window end for windows).</summary>
    public double ResetMs { get; }

    public RateLimitDecisionSource Source { get; }

    /// <summary>The concurrency lease id in the distributed store, if the policy has concurrency limits.</summary>
    public string? LeaseId { get; }

    public RateLimitDecision WithSource(RateLimitDecisionSource source) =>
        new(Allowed, RetryAfterMs, LimitIndex, Remaining, ResetMs, source, LeaseId);

    public static RateLimitDecision Open(RateLimitDecisionSource source) => new(true, 0, 0, 0, 0, source);
}

/// <summary>
/// The algorithms, in memory. The Redis script (<c>Scripts/ratelimit.lua</c>) implements the same arithmetic step for step,
/// with Redis server time instead of the app's clock.
/// </summary>
internal static class RateLimitMath
{
    private const double Epsilon = 1e-9;

    /// <summary>Decides every limit; writes the new states only when all admit (rejected requests consume nothing).</summary>
    public static RateLimitDecision Decide(CompiledRateLimit[] limits, LimitState[] states, double nowMs, long cost, RateLimitDecisionSource source)
    {
        Span<LimitState> next = limits.Length <= 8 ? stackalloc LimitState[8] : new LimitState[limits.Length];
        var allowed = true;
        double retry = 0;
        var index = 0;
        long remaining = long.MaxValue;
        double reset = 0;
        for (var i = 0; i < limits.Length; i++)
        {
            var ok = Evaluate(limits[i], states[i], nowMs, cost, out next[i], out var rem, out var rst, out var wait);
            if (!ok)
            {
                if (allowed || wait > retry)
                {
                    retry = wait;
                    index = i;
                    remaining = rem;
                    reset = rst;
                }

                allowed = false;
            }
            else if (allowed && rem < remaining)
            {
                index = i;
                remaining = rem;
                reset = rst;
            }
        }

        if (allowed)
        {
            for (var i = 0; i < limits.Length; i++)
            {
                states[i] = next[i];
            }
        }

        return new RateLimitDecision(allowed, allowed ? 0 : retry, index, remaining == long.MaxValue ? 0 : remaining, reset, source);
    }

    /// <summary>Returns concurrency permits.</summary>
    public static void Release(CompiledRateLimit[] limits, LimitState[] states, long cost)
    {
        for (var i = 0; i < limits.Length; i++)
        {
            if (limits[i].Algorithm == RateLimitAlgorithm.Concurrency)
            {
                states[i].B = Math.Max(0, states[i].B - cost);
            }
        }
    }

    /// <summary>One limit. Returns whether it admits <paramref name="cost"/> permits, the state it would leave, and what to report.</summary>
    public static bool Evaluate(CompiledRateLimit limit, in LimitState state, double now, long cost, out LimitState next, out long remaining, out double resetMs, out double waitMs)
    {
        next = state;
        next.Set = true;
        switch (limit.Algorithm)
        {
            case RateLimitAlgorithm.Gcra:
                {
                    // GCRA: emission interval T = window / limit; delay tolerance tau = T * burst.
                    var t = limit.WindowMs / limit.Limit;
                    var tau = t * limit.Burst;
                    var tat = state.Set && state.A > now ? state.A : now;
                    var newTat = tat + (t * cost);
                    var allowAt = newTat - tau;
                    if (now < allowAt)
                    {
                        waitMs = allowAt - now;
                        remaining = Math.Max(0, (long)Math.Floor(((tau - (tat - now)) / t) + Epsilon));
                        resetMs = tat - now;
                        return false;
                    }

                    next.A = newTat;
                    waitMs = 0;
                    remaining = Math.Max(0, (long)Math.Floor(((tau - (newTat - now)) / t) + Epsilon));
                    resetMs = newTat - now;
                    return true;
                }

            case RateLimitAlgorithm.SlidingWindow:
                {
                    var win = limit.WindowMs;
                    var idx = Math.Floor(now / win);
                    double c = 0, p = 0;
                    if (state.Set && state.A == idx)
                    {
                        c = state.B;
                        p = state.C;
                    }
                    else if (state.Set && state.A == idx - 1)
                    {
                        p = state.B;
                    }

                    var elapsed = now - (idx * win);
                    var estimate = (p * (win - elapsed) / win) + c;
                    resetMs = win - elapsed;
                    if (estimate + cost > limit.Limit + Epsilon)
                    {
                        remaining = Math.Max(0, (long)Math.Floor(limit.Limit - estimate + Epsilon));
                        waitMs = SlidingWait(limit.Limit, win, elapsed, c, p, estimate, cost);
                        return false;
                    }

                    next.A = idx;
                    next.B = c + cost;
                    next.C = p;
                    waitMs = 0;
                    remaining = Math.Max(0, (long)Math.Floor(limit.Limit - estimate - cost + Epsilon));
                    return true;
                }

            case RateLimitAlgorithm.FixedWindow:
                {
                    WindowBounds(limit, now, out var idx, out var end);
                    var c = state.Set && state.A == idx ? state.B : 0;
                    resetMs = end - now;
                    if (c + cost > limit.Limit)
                    {
                        remaining = Math.Max(0, (long)(limit.Limit - c));
                        waitMs = end - now;
                        return false;
                    }

                    next.A = idx;
                    next.B = c + cost;
                    waitMs = 0;
                    remaining = (long)(limit.Limit - c - cost);
                    return true;
                }

            default:
                {
                    var held = state.B;
                    resetMs = 0;
                    waitMs = 0;
                    if (held + cost > limit.Limit)
                    {
                        remaining = Math.Max(0, (long)(limit.Limit - held));
                        return false;
                    }

                    next.B = held + cost;
                    remaining = (long)(limit.Limit - held - cost);
                    return true;
                }
        }
    }

    /// <summary>The wall-clock window containing <paramref name="now"/> (Unix ms): its index and its end.</summary>
    public static void WindowBounds(CompiledRateLimit limit, double now, out double index, out double endMs)
    {
        if (limit.CalendarMonth)
        {
            var date = DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Floor(now)).UtcDateTime;
            index = (date.Year * 12) + date.Month - 1;
            var nextMonth = new DateTimeOffset(date.Year, date.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(1);
            endMs = nextMonth.ToUnixTimeMilliseconds();
            return;
        }

        index = Math.Floor(now / limit.WindowMs);
        endMs = (index + 1) * limit.WindowMs;
    }

    private static double SlidingWait(long limit, double win, double elapsed, double c, double p, double estimate, long cost)
    {
        // Within this window the estimate falls at p / win per ms.
        var excess = estimate + cost - limit;
        if (p > 0)
        {
            var d = excess * win / p;
            if (elapsed + d <= win)
            {
                return d;
            }
        }

        if (cost > limit)
        {
            return win * 2;
        }

        // Next window: previous count = c, falling at c / win per ms.
        var e2 = c <= limit - cost ? 0 : win * (1 - ((limit - cost) / c));
        return (win - elapsed) + e2;
    }
}
