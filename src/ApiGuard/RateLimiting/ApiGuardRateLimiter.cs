using System.Runtime.CompilerServices;
using System.Threading.RateLimiting;

namespace ApiGuard.RateLimiting;

/// <summary>
/// The <see cref="RateLimiter"/> of one partition (one policy, one key), backed by the registered store (in memory, or Redis
/// after <c>UseRedis()</c>). All of the policy's limits are decided together; a rejected request consumes none of them.
/// <para>
/// <see cref="RateLimiter.AttemptAcquire(int)"/> answers without the network: from a denial cached on this node until its
/// retry time, or from the in-memory store. With a distributed store and no cached denial it returns a failed lease without
/// <see cref="MetadataName.RetryAfter"/> ("not decidable synchronously"); <see cref="RateLimiter.AcquireAsync(int, CancellationToken)"/>
/// then makes the one round trip. Failed leases carry <see cref="MetadataName.RetryAfter"/> in whole seconds.
/// </para>
/// Instances are owned by <see cref="ApiGuardPartitionedRateLimiter"/>; disposing one has no effect.
/// </summary>
public sealed class ApiGuardRateLimiter : RateLimiter
{
    private readonly RateLimitStore _store;
    private readonly TimeProvider _timeProvider;
    private readonly RateLimitingMetrics? _metrics;
    private long _deniedUntil;
    private long _deniedCost;
    private int _deniedIndex;
    private long _lastUsed;
    private long _held;
    private long _successful;
    private long _failed;
    private long _lastRemaining;

    internal ApiGuardRateLimiter(CompiledRateLimitPolicy policy, string partitionKey, RateLimitStore store, TimeProvider timeProvider, RateLimitingMetrics? metrics)
    {
        Policy = policy;
        PartitionKey = partitionKey;
        _store = store;
        _timeProvider = timeProvider;
        _metrics = metrics;
        States = new LimitState[policy.Limits.Length];
        _lastUsed = timeProvider.GetTimestamp();
        _lastRemaining = policy.MaxPermits;
    }

    /// <summary>The policy name.</summary>
    public string PolicyName => Policy.Name;

    /// <summary>The partition key (for example a client id). Never sent to Redis as is: keys carry a hash of it.</summary>
    public string PartitionKey { get; }

    internal CompiledRateLimitPolicy Policy { get; }

    /// <summary>In-memory state (the in-memory store, and the local fallback of a distributed store).</summary>
    internal LimitState[] States { get; }

    internal object Gate => States;

    /// <summary>Data the store caches per partition (the Redis store keeps the partition's keys here).</summary>
#pragma warning disable SA1401, CA1051 // Set once with Interlocked.CompareExchange by the store.
    internal object? StoreData;
#pragma warning restore SA1401, CA1051

    internal long LastUsedTimestamp => Volatile.Read(ref _lastUsed);

    internal bool HasLeasesOutstanding => Volatile.Read(ref _held) > 0;

    /// <inheritdoc />
    public override TimeSpan? IdleDuration => HasLeasesOutstanding ? null : _timeProvider.GetElapsedTime(LastUsedTimestamp);

    /// <inheritdoc />
    public override RateLimiterStatistics? GetStatistics() => new()
    {
        CurrentAvailablePermits = Volatile.Read(ref _lastRemaining),
        CurrentQueuedCount = 0,
        TotalSuccessfulLeases = Volatile.Read(ref _successful),
        TotalFailedLeases = Volatile.Read(ref _failed),
    };

    /// <inheritdoc />
    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        Validate(permitCount);
        var now = _timeProvider.GetTimestamp();
        Volatile.Write(ref _lastUsed, now);
        if (TryGetCachedDenial(permitCount, now, out var seconds))
        {
            Interlocked.Increment(ref _failed);
            _metrics?.CachedDenial(Policy.Name);
            return RateLimitLeases.Failed(seconds);
        }

        if (permitCount == 0)
        {
            return RateLimitLeases.Success;
        }

        if (!_store.TryDecide(this, permitCount, out var decision))
        {
            // Not decidable without the network: AcquireAsync makes the round trip.
            return RateLimitLeases.FailedNoRetry;
        }

        return Complete(decision, permitCount);
    }

    /// <inheritdoc />
    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        Validate(permitCount);
        if (permitCount == 0)
        {
            return ValueTask.FromResult(AttemptAcquireCore(0));
        }

        var now = _timeProvider.GetTimestamp();
        Volatile.Write(ref _lastUsed, now);
        if (TryGetCachedDenial(permitCount, now, out var seconds))
        {
            Interlocked.Increment(ref _failed);
            _metrics?.CachedDenial(Policy.Name);
            return ValueTask.FromResult(RateLimitLeases.Failed(seconds));
        }

        var pending = _store.DecideAsync(this, permitCount, cancellationToken);
        if (pending.IsCompletedSuccessfully)
        {
            return ValueTask.FromResult(Complete(pending.Result, permitCount));
        }

        return AwaitLease(pending, permitCount);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<RateLimitLease> AwaitLease(ValueTask<RateLimitDecision> pending, int permitCount) =>
        Complete(await pending.ConfigureAwait(false), permitCount);

    /// <summary>Decides (cached denial, else the store) and records the outcome; never throws except on cancellation.</summary>
    internal ValueTask<RateLimitDecision> DecideAsync(long cost, CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetTimestamp();
        Volatile.Write(ref _lastUsed, now);
        if (TryGetCachedDenial(cost, now, out var seconds))
        {
            Interlocked.Increment(ref _failed);
            _metrics?.CachedDenial(Policy.Name);
            return ValueTask.FromResult(new RateLimitDecision(false, seconds * 1000.0, CachedDenialIndex(), 0, seconds * 1000.0, RateLimitDecisionSource.CachedDenial));
        }

        var pending = _store.DecideAsync(this, cost, cancellationToken);
        if (pending.IsCompletedSuccessfully)
        {
            var d = pending.Result;
            Record(d, cost);
            return ValueTask.FromResult(d);
        }

        return AwaitDecision(pending, cost);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<RateLimitDecision> AwaitDecision(ValueTask<RateLimitDecision> pending, long cost)
    {
        var d = await pending.ConfigureAwait(false);
        Record(d, cost);
        return d;
    }

    internal RateLimitLease ToLease(in RateLimitDecision decision, long cost)
    {
        if (!decision.Allowed)
        {
            return decision.Source == RateLimitDecisionSource.FailClosed
                ? RateLimitLeases.Failed(1)
                : RateLimitLeases.Failed(RateLimitLeases.ToSeconds(decision.RetryAfterMs));
        }

        if (Policy.HasConcurrency && decision.Source != RateLimitDecisionSource.FailOpen)
        {
            Interlocked.Add(ref _held, cost);
            return new ConcurrencyLease(this, cost, decision);
        }

        return RateLimitLeases.Success;
    }

    internal void Release(long cost, in RateLimitDecision decision)
    {
        Interlocked.Add(ref _held, -cost);
        _store.Release(this, cost, decision);
    }

    internal bool TryGetCachedDenial(long cost, long now, out int seconds)
    {
        var until = Volatile.Read(ref _deniedUntil);
        if (until != 0 && now < until && cost >= Volatile.Read(ref _deniedCost))
        {
            var left = _timeProvider.GetElapsedTime(now, until);
            seconds = Math.Max(1, (int)Math.Ceiling(left.TotalSeconds));
            return true;
        }

        seconds = 0;
        return false;
    }

    private RateLimitLease Complete(in RateLimitDecision decision, long cost)
    {
        Record(decision, cost);
        return ToLease(decision, cost);
    }

    private void Record(in RateLimitDecision decision, long cost)
    {
        if (decision.Allowed)
        {
            Interlocked.Increment(ref _successful);
            if (decision.Source is RateLimitDecisionSource.Store or RateLimitDecisionSource.LocalFallback or RateLimitDecisionSource.Approximate)
            {
                Volatile.Write(ref _lastRemaining, decision.Remaining);
            }

            return;
        }

        Interlocked.Increment(ref _failed);
        Volatile.Write(ref _lastRemaining, decision.Remaining);
        if (decision.RetryAfterMs > 0 && decision.Source is RateLimitDecisionSource.Store or RateLimitDecisionSource.LocalFallback)
        {
            // Cache the denial until its retry time: until then this partition costs no store call for this cost or more.
            var until = _timeProvider.GetTimestamp() + (long)(decision.RetryAfterMs * _timeProvider.TimestampFrequency / 1000.0);
            Volatile.Write(ref _deniedCost, cost);
            Volatile.Write(ref _deniedIndex, decision.LimitIndex);
            Volatile.Write(ref _deniedUntil, until);
        }
    }

    private int CachedDenialIndex() => Volatile.Read(ref _deniedIndex);

    private void Validate(int permitCount)
    {
        if (permitCount < 0 || permitCount > Policy.MaxPermits)
        {
            throw new ArgumentOutOfRangeException(nameof(permitCount), permitCount,
                $"{permitCount} permits exceed the most policy '{Policy.Name}' can grant ({Policy.MaxPermits}).");
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        // Owned by the partitioned limiter.
    }

    /// <inheritdoc />
    protected override ValueTask DisposeAsyncCore() => ValueTask.CompletedTask;
}
