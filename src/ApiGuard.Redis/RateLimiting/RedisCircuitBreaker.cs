namespace ApiGuard.Redis.RateLimiting;

/// <summary>
/// A circuit breaker on the app's <see cref="TimeProvider"/>: after <c>threshold</c> consecutive failures it opens for the break
/// duration (calls skip Redis), then lets one probe call through; a success closes it, a failure opens it again.
/// </summary>
internal sealed class RedisCircuitBreaker
{
    private readonly int _threshold;
    private readonly TimeSpan _breakDuration;
    private readonly TimeProvider _timeProvider;
    private int _failures;
    private long _openedAt;
    private int _probing;
    private int _open;

    public RedisCircuitBreaker(int threshold, TimeSpan breakDuration, TimeProvider timeProvider)
    {
        _threshold = threshold;
        _breakDuration = breakDuration;
        _timeProvider = timeProvider;
    }

    public bool IsOpen => Volatile.Read(ref _open) == 1;

    /// <summary>Whether a call may go to Redis now (closed, or the one half-open probe).</summary>
    public bool TryEnter()
    {
        if (Volatile.Read(ref _open) == 0)
        {
            return true;
        }

        if (_timeProvider.GetElapsedTime(Volatile.Read(ref _openedAt)) < _breakDuration)
        {
            return false;
        }

        return Interlocked.CompareExchange(ref _probing, 1, 0) == 0;
    }

    /// <summary>Records a success; returns true when it closed an open breaker.</summary>
    public bool OnSuccess()
    {
        Volatile.Write(ref _failures, 0);
        Volatile.Write(ref _probing, 0);
        return Interlocked.Exchange(ref _open, 0) == 1;
    }

    /// <summary>Records a failure; returns true when it opened the breaker.</summary>
    public bool OnFailure()
    {
        var failures = Interlocked.Increment(ref _failures);
        if (Volatile.Read(ref _open) == 1)
        {
            // A failed probe: stay open for another break.
            Volatile.Write(ref _openedAt, _timeProvider.GetTimestamp());
            Volatile.Write(ref _probing, 0);
            return false;
        }

        if (failures >= _threshold)
        {
            Volatile.Write(ref _openedAt, _timeProvider.GetTimestamp());
            Volatile.Write(ref _probing, 0);
            return Interlocked.Exchange(ref _open, 1) == 0;
        }

        return false;
    }
}
