namespace ApiGuard.BruteForce;

/// <summary>Which counting level a brute-force decision comes from.</summary>
public enum BruteForceScope
{
    /// <summary>No level: the attempt is allowed.</summary>
    None = 0,

    /// <summary>The (client address, account) pair.</summary>
    Pair = 1,

    /// <summary>The client address over every account.</summary>
    Address = 2,

    /// <summary>The account over every client.</summary>
    Account = 3,
}

/// <summary>
/// What a brute-force store counts for one attempt: hashes only, never raw account names or addresses.
/// Build it with the guard's hasher; a <see langword="null"/> part is not counted (for example no account for an anonymous failure).
/// </summary>
public readonly record struct BruteForceKey
{
    /// <summary>Creates a key.</summary>
    /// <param name="address">The hash of the client address key, or <see langword="null"/>.</param>
    /// <param name="account">The hash of the normalised account name, or <see langword="null"/>.</param>
    /// <param name="pair">The hash of the (address, account) pair; required when both others are set.</param>
    public BruteForceKey(string? address, string? account, string? pair)
    {
        Address = address;
        Account = account;
        Pair = address is not null && account is not null ? pair ?? throw new ArgumentNullException(nameof(pair)) : null;
    }

    /// <summary>The lower-case hex hash of the client address key (IPv6 grouped by prefix).</summary>
    public string? Address { get; }

    /// <summary>The lower-case hex hash of the normalised account name.</summary>
    public string? Account { get; }

    /// <summary>The lower-case hex hash of the (address, account) pair.</summary>
    public string? Pair { get; }
}

/// <summary>Whether, and until when, the next attempt for a key must wait.</summary>
public readonly record struct BruteForceState
{
    /// <summary>When the next attempt is allowed, as Unix milliseconds; at or before now means allowed.</summary>
    public long RetryAtUnixMs { get; init; }

    /// <summary>The level imposing the wait, or <see cref="BruteForceScope.None"/>.</summary>
    public BruteForceScope Scope { get; init; }

    /// <summary>Whether the wait is a temporary block rather than a progressive delay.</summary>
    public bool Blocked { get; init; }

    /// <summary>Whether the account is under attack (its account-wide counter reached the threshold).</summary>
    public bool AccountUnderAttack { get; init; }

    /// <summary>Whether the pair has a recent successful login (a known-good client for this account).</summary>
    public bool Trusted { get; init; }
}

/// <summary>The outcome of recording one failure.</summary>
public readonly record struct BruteForceFailureResult
{
    /// <summary>The state for the next attempt, after this failure.</summary>
    public BruteForceState State { get; init; }

    /// <summary>Failures of the pair in its sliding window, this one included.</summary>
    public int PairFailures { get; init; }

    /// <summary>Failures of the address in its sliding window, this one included.</summary>
    public int AddressFailures { get; init; }

    /// <summary>Failures of the account in its sliding window, this one included.</summary>
    public int AccountFailures { get; init; }

    /// <summary>The level that this failure newly blocked, or <see cref="BruteForceScope.None"/>.</summary>
    public BruteForceScope NewBlock { get; init; }

    /// <summary>The approximate number of distinct accounts the address failed on in its window.</summary>
    public int DistinctAccounts { get; init; }

    /// <summary>Whether this failure made the address cross the credential-stuffing threshold (reported once per window).</summary>
    public bool StuffingDetected { get; init; }

    /// <summary>The approximate number of distinct addresses the account failed from in its window.</summary>
    public int DistinctAddresses { get; init; }

    /// <summary>Whether this failure made the account cross the password-spraying threshold (reported once per window).</summary>
    public bool SprayingDetected { get; init; }
}

/// <summary>
/// Where brute-force counters live. The in-memory store is the default (bounded, expiring); <c>UseRedis()</c> replaces it
/// with a Redis store whose every operation is one atomic script, so several app instances share the counters.
/// Implementations apply <see cref="BruteForceOptions"/> themselves, so that check and update are atomic.
/// </summary>
public interface IBruteForceStore
{
    /// <summary>Reads the state for the next attempt of <paramref name="key"/>.</summary>
    /// <exception cref="Replay.ApiGuardStoreUnavailableException">The store cannot answer.</exception>
    ValueTask<BruteForceState> GetStateAsync(BruteForceKey key, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Counts one failure of <paramref name="key"/> at every level it has, and updates delays, blocks and patterns.</summary>
    /// <exception cref="Replay.ApiGuardStoreUnavailableException">The store cannot answer.</exception>
    ValueTask<BruteForceFailureResult> RecordFailureAsync(BruteForceKey key, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Records a successful login: clears the pair's counter and marks the pair known-good for <see cref="BruteForceOptions.TrustDuration"/>.</summary>
    /// <exception cref="Replay.ApiGuardStoreUnavailableException">The store cannot answer.</exception>
    ValueTask RecordSuccessAsync(BruteForceKey key, DateTimeOffset now, CancellationToken cancellationToken = default);
}
