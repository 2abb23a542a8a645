namespace ApiGuard.BruteForce;

/// <summary>
/// What the brute-force guard decided for an attempt. It never depends on whether the account exists, so answering with it
/// reveals nothing about accounts.
/// </summary>
public sealed class BruteForceDecision
{
    /// <summary>An allowed attempt with nothing to report.</summary>
    public static readonly BruteForceDecision Allowed = new(true, TimeSpan.Zero, BruteForceScope.None, blocked: false, accountUnderAttack: false, wouldBlock: false, storeUnavailable: false);

    internal BruteForceDecision(bool isAllowed, TimeSpan retryAfter, BruteForceScope scope, bool blocked, bool accountUnderAttack, bool wouldBlock, bool storeUnavailable)
    {
        IsAllowed = isAllowed;
        RetryAfter = retryAfter;
        Scope = scope;
        IsBlocked = blocked;
        AccountUnderAttack = accountUnderAttack;
        WouldBlock = wouldBlock;
        StoreUnavailable = storeUnavailable;
    }

    /// <summary>Whether the attempt may go ahead (always <see langword="true"/> in DetectOnly mode).</summary>
    public bool IsAllowed { get; }

    /// <summary>How long the client must wait before the next attempt; zero when it need not.</summary>
    public TimeSpan RetryAfter { get; }

    /// <summary>The level imposing the wait.</summary>
    public BruteForceScope Scope { get; }

    /// <summary>Whether the wait is a temporary block rather than a progressive delay.</summary>
    public bool IsBlocked { get; }

    /// <summary>
    /// Whether the account is under attack from many clients. The guard already tightens limits for unknown clients; an
    /// application may also ask such clients for a second factor or a CAPTCHA.
    /// </summary>
    public bool AccountUnderAttack { get; }

    /// <summary>In DetectOnly mode: the attempt would have been refused, and was allowed.</summary>
    public bool WouldBlock { get; }

    /// <summary>The store could not answer and the failure policy is <see cref="BruteForceStoreFailurePolicy.FailClosed"/> (answer 503).</summary>
    public bool StoreUnavailable { get; }
}
