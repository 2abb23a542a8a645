using System.Collections.Concurrent;

namespace ApiGuard.RateLimiting;

/// <summary>
/// The partitions in memory, bounded: partitions idle longer than the idle timeout are evicted, and when the table reaches its cap
/// the least recently used are evicted (and counted) so that a flood of distinct keys cannot exhaust memory.
/// </summary>
internal sealed class RateLimitPartitionTable
{
    private readonly ConcurrentDictionary<(CompiledRateLimitPolicy Policy, string Key), ApiGuardRateLimiter> _partitions = new();
    private readonly Func<(CompiledRateLimitPolicy Policy, string Key), ApiGuardRateLimiter> _create;
    private readonly int _capacity;
    private readonly TimeSpan _idleTimeout;
    private readonly TimeProvider _timeProvider;
    private readonly RateLimitingMetrics _metrics;
    private readonly Lock _sweepLock = new();
    private long _lastSweep;

    public RateLimitPartitionTable(int capacity, TimeSpan idleTimeout, TimeProvider timeProvider, RateLimitingMetrics metrics,
        Func<(CompiledRateLimitPolicy Policy, string Key), ApiGuardRateLimiter> create)
    {
        _capacity = capacity;
        _idleTimeout = idleTimeout;
        _timeProvider = timeProvider;
        _metrics = metrics;
        _create = create;
        _lastSweep = timeProvider.GetTimestamp();
    }

    public int Count => _partitions.Count;

    public long Evicted { get; private set; }

    public ApiGuardRateLimiter GetOrAdd(CompiledRateLimitPolicy policy, string key)
    {
        if (_partitions.TryGetValue((policy, key), out var existing))
        {
            return existing;
        }

        if (_partitions.Count >= _capacity || _timeProvider.GetElapsedTime(Volatile.Read(ref _lastSweep)) > _idleTimeout)
        {
            Sweep();
        }

        return _partitions.GetOrAdd((policy, key), _create);
    }

    /// <summary>Evicts idle partitions, then, if still at the cap, the least recently used down to 90% of it.</summary>
    public void Sweep()
    {
        if (!_sweepLock.TryEnter())
        {
            return;
        }

        try
        {
            var now = _timeProvider.GetTimestamp();
            Volatile.Write(ref _lastSweep, now);
            long idle = 0;
            foreach (var (key, limiter) in _partitions)
            {
                if (!limiter.HasLeasesOutstanding && _timeProvider.GetElapsedTime(limiter.LastUsedTimestamp, now) > _idleTimeout &&
                    _partitions.TryRemove(new KeyValuePair<(CompiledRateLimitPolicy, string), ApiGuardRateLimiter>(key, limiter)))
                {
                    idle++;
                }
            }

            long overflow = 0;
            if (_partitions.Count >= _capacity)
            {
                var target = _capacity * 9 / 10;
                var byAge = _partitions.ToArray();
                Array.Sort(byAge, static (a, b) => a.Value.LastUsedTimestamp.CompareTo(b.Value.LastUsedTimestamp));
                for (var i = 0; i < byAge.Length && _partitions.Count > target; i++)
                {
                    if (_partitions.TryRemove(byAge[i]))
                    {
                        overflow++;
                    }
                }
            }

            if (idle + overflow > 0)
            {
                Evicted += idle + overflow;
                _metrics.Evicted(idle, overflow);
            }
        }
        finally
        {
            _sweepLock.Exit();
        }
    }
}
