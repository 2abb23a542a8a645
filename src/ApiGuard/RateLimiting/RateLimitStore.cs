namespace ApiGuard.RateLimiting;

/// <summary>
/// Where partitions' limits are decided: in memory (the default) or in Redis (<c>UseRedis()</c> replaces it).
/// A store never throws for a decision: failures are answered by the policy's <see cref="RateLimitFailureMode"/>.
/// </summary>
internal abstract class RateLimitStore
{
    /// <summary>Whether <see cref="TryDecide"/> answers synchronously, without the network.</summary>
    public abstract bool IsLocal { get; }

    /// <summary>Decides synchronously when the store can without the network; false otherwise.</summary>
    public abstract bool TryDecide(ApiGuardRateLimiter partition, long cost, out RateLimitDecision decision);

    /// <summary>Decides, within the store's time budget.</summary>
    public abstract ValueTask<RateLimitDecision> DecideAsync(ApiGuardRateLimiter partition, long cost, CancellationToken cancellationToken);

    /// <summary>Returns the concurrency permits of a lease.</summary>
    public abstract void Release(ApiGuardRateLimiter partition, long cost, in RateLimitDecision decision);
}

/// <summary>The in-memory store: each partition's state lives on its limiter, decided under a lock on the app's <see cref="TimeProvider"/>.</summary>
internal sealed class InMemoryRateLimitStore : RateLimitStore
{
    private readonly TimeProvider _timeProvider;

    public InMemoryRateLimitStore(TimeProvider timeProvider)
    {
        _timeProvider = timeProvider;
    }

    public override bool IsLocal => true;

    public override bool TryDecide(ApiGuardRateLimiter partition, long cost, out RateLimitDecision decision)
    {
        decision = DecideLocal(partition, cost, RateLimitDecisionSource.Store);
        return true;
    }

    public RateLimitDecision DecideLocal(ApiGuardRateLimiter partition, long cost, RateLimitDecisionSource source)
    {
        var now = NowMs(_timeProvider);
        lock (partition.Gate)
        {
            return RateLimitMath.Decide(partition.Policy.Limits, partition.States, now, cost, source);
        }
    }

    public override ValueTask<RateLimitDecision> DecideAsync(ApiGuardRateLimiter partition, long cost, CancellationToken cancellationToken) =>
        ValueTask.FromResult(DecideLocal(partition, cost, RateLimitDecisionSource.Store));

    public override void Release(ApiGuardRateLimiter partition, long cost, in RateLimitDecision decision)
    {
        lock (partition.Gate)
        {
            RateLimitMath.Release(partition.Policy.Limits, partition.States, cost);
        }
    }

    /// <summary>Unix time in milliseconds, with sub-millisecond precision, from <paramref name="timeProvider"/>.</summary>
    public static double NowMs(TimeProvider timeProvider) =>
        (timeProvider.GetUtcNow().UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / (double)TimeSpan.TicksPerMillisecond;
}
