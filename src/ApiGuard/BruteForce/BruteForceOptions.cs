namespace ApiGuard.BruteForce;

/// <summary>What the guard does when its shared store (for example Redis) cannot answer.</summary>
public enum BruteForceStoreFailurePolicy
{
    /// <summary>Count in a local in-memory store until the shared store answers again (protection per instance, never a 500).</summary>
    FallbackToLocal = 0,

    /// <summary>Allow the attempt without counting it.</summary>
    FailOpen = 1,

    /// <summary>Refuse the attempt with a 503 problem.</summary>
    FailClosed = 2,
}

/// <summary>
/// Settings of brute-force and credential-stuffing protection (configuration section <c>ApiGuard:BruteForce</c>).
/// Failures are counted in separate sliding windows per (client address, account) pair, per client address and per account.
/// </summary>
public sealed class BruteForceOptions
{
    /// <summary>The configuration section name below <c>ApiGuard</c>: <c>BruteForce</c>.</summary>
    public const string SectionName = "BruteForce";

    /// <summary>The capability's own mode, overriding the global mode (endpoint metadata still wins).</summary>
    /// <value>Default: <see langword="null"/> (inherit the global mode).</value>
    public ApiGuardMode? Mode { get; set; }

    /// <summary>
    /// Limits of one (client address, account) pair. This is the level that blocks first, so a guessing client is stopped
    /// long before the account as a whole is affected.
    /// </summary>
    /// <value>Default: delays from 3 failures in 15 minutes (1 s doubling to 30 s), a 15-minute block from 10.</value>
    public BruteForceLimitOptions Pair { get; set; } = new()
    {
        Window = TimeSpan.FromMinutes(15),
        DelayThreshold = 3,
        BlockThreshold = 10,
        InitialDelay = TimeSpan.FromSeconds(1),
        MaxDelay = TimeSpan.FromSeconds(30),
        BlockDuration = TimeSpan.FromMinutes(15),
    };

    /// <summary>Limits of one client address (IPv6 grouped by prefix) over all accounts it tries.</summary>
    /// <value>Default: delays from 20 failures in 15 minutes (1 s doubling to 60 s), a 30-minute block from 100.</value>
    public BruteForceLimitOptions Address { get; set; } = new()
    {
        Window = TimeSpan.FromMinutes(15),
        DelayThreshold = 20,
        BlockThreshold = 100,
        InitialDelay = TimeSpan.FromSeconds(1),
        MaxDelay = TimeSpan.FromSeconds(60),
        BlockDuration = TimeSpan.FromMinutes(30),
    };

    /// <summary>The account-wide level: marks an account under attack, and blocks it (except for known-good clients) only far above the pair level; see <see cref="BruteForceAccountOptions"/>.</summary>
    public BruteForceAccountOptions Account { get; set; } = new();

    /// <summary>Pattern detection (credential stuffing, password spraying).</summary>
    public BruteForcePatternOptions Patterns { get; set; } = new();

    /// <summary>
    /// How long a successful login from a client address marks the (address, account) pair as known-good. Known-good pairs
    /// are not slowed by the address or account levels (their own pair counter still applies).
    /// </summary>
    /// <value>Default: 30 days. Allowed: 1 second to 365 days.</value>
    public TimeSpan TrustDuration { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// An optional secret (base64, at least 16 bytes) keying the HMAC that turns account names and addresses into store keys.
    /// Without it a plain domain-separated SHA-256 is used: still never the raw name, but guessable offline from the store.
    /// Every instance sharing a store must use the same value.
    /// </summary>
    /// <value>Default: <see langword="null"/>.</value>
    public string? KeySecret { get; set; }

    /// <summary>What to do when the shared store cannot answer.</summary>
    /// <value>Default: <see cref="BruteForceStoreFailurePolicy.FallbackToLocal"/>.</value>
    public BruteForceStoreFailurePolicy StoreFailurePolicy { get; set; } = BruteForceStoreFailurePolicy.FallbackToLocal;

    /// <summary>The most counters the in-memory store holds; past it the entries closest to expiry are evicted.</summary>
    /// <value>Default: 100,000. Allowed: 100 to 10,000,000.</value>
    public int MaxEntries { get; set; } = 100_000;

    /// <summary>
    /// The most authentication failures observed from other ApiGuard handlers (events of kind <c>authentication.failed</c>)
    /// being recorded at once; past it observations are dropped and counted (metric <c>apiguard.bruteforce.observations.dropped</c>).
    /// </summary>
    /// <value>Default: 1,000. Allowed: 1 to 100,000.</value>
    public int MaxPendingObservations { get; set; } = 1_000;

    /// <summary>
    /// Whether the middleware checks the client address on every endpoint (not only those marked with
    /// <c>RequireBruteForceProtection()</c>), so an address blocked for guessing credentials is refused everywhere.
    /// </summary>
    /// <value>Default: <see langword="false"/>.</value>
    public bool CheckAddressOnAllEndpoints { get; set; }
}

/// <summary>The progressive limits of one counting level.</summary>
public sealed class BruteForceLimitOptions
{
    /// <summary>The sliding window failures are counted over (two fixed buckets, the older one weighted by overlap).</summary>
    /// <value>Allowed: 1 second to 7 days.</value>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>From this many failures in the window, each further failure imposes a delay before the next attempt.</summary>
    /// <value>Allowed: 1 to 1,000,000.</value>
    public int DelayThreshold { get; set; } = 5;

    /// <summary>From this many failures in the window the client is blocked for <see cref="BlockDuration"/>. 0 never blocks.</summary>
    /// <value>Allowed: 0, or a value above <see cref="DelayThreshold"/>.</value>
    public int BlockThreshold { get; set; } = 20;

    /// <summary>The delay imposed at <see cref="DelayThreshold"/>; it doubles with each further failure.</summary>
    /// <value>Allowed: 1 millisecond to <see cref="MaxDelay"/>.</value>
    public TimeSpan InitialDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The cap of the doubling delay.</summary>
    /// <value>Allowed: <see cref="InitialDelay"/> to 1 day.</value>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a block lasts.</summary>
    /// <value>Allowed: 1 second to 7 days.</value>
    public TimeSpan BlockDuration { get; set; } = TimeSpan.FromMinutes(15);
}

/// <summary>
/// The account-wide level. Following OWASP's advice against account lockout (which hands attackers a denial of service),
/// reaching <see cref="UnderAttackThreshold"/> does not block the account: it marks it under attack, and then clients without
/// a good history for the account get their pair delays from <see cref="UntrustedPairDelayThreshold"/> failures instead of
/// the pair's own threshold. Only a distributed attack far larger than any single client's allowance, reaching
/// <see cref="BlockThreshold"/>, blocks the account for <see cref="BlockDuration"/>, and then only for clients without a good
/// history for it: a known-good client (a recent successful login from its address) still gets in, so the owner is not locked out.
/// </summary>
public sealed class BruteForceAccountOptions
{
    /// <summary>The sliding window of the account counter.</summary>
    /// <value>Default: 1 hour. Allowed: 1 second to 7 days.</value>
    public TimeSpan Window { get; set; } = TimeSpan.FromHours(1);

    /// <summary>From this many failures in the window (from all clients) the account is under attack.</summary>
    /// <value>Default: 50. Allowed: 1 to 1,000,000, and above <c>Pair:BlockThreshold</c> so one client's pair is blocked before the account is affected.</value>
    public int UnderAttackThreshold { get; set; } = 50;

    /// <summary>While the account is under attack, the pair delay threshold for clients with no good history.</summary>
    /// <value>Default: 1 (every failure of an unknown client is followed by a doubling delay). Allowed: 1 to <c>Pair:DelayThreshold</c>.</value>
    public int UntrustedPairDelayThreshold { get; set; } = 1;

    /// <summary>
    /// From this many failures in the window (from all clients) the account is blocked for <see cref="BlockDuration"/> for
    /// every client without a good history for it. 0 never blocks the account.
    /// </summary>
    /// <value>
    /// Default: 200 (twenty times the pair's block threshold). Allowed: 0, or a value of at least <see cref="UnderAttackThreshold"/>
    /// and above <c>Pair:BlockThreshold</c> (so a single attacking client's pair is blocked long before the account) up to 1,000,000.
    /// </value>
    public int BlockThreshold { get; set; } = 200;

    /// <summary>How long an account block lasts.</summary>
    /// <value>Default: 15 minutes. Allowed: 1 second to 7 days.</value>
    public TimeSpan BlockDuration { get; set; } = TimeSpan.FromMinutes(15);
}

/// <summary>Detection of attack patterns, reported as security events (never as blocks by themselves).</summary>
public sealed class BruteForcePatternOptions
{
    /// <summary>
    /// Credential stuffing: a client address failing on at least this many distinct accounts within the address window
    /// (an approximate distinct count of fixed, small memory). 0 disables.
    /// </summary>
    /// <value>Default: 10. Allowed: 0 to 1,000.</value>
    public int StuffingDistinctAccounts { get; set; } = 10;

    /// <summary>
    /// Password spraying: an account failing from at least this many distinct client addresses within the account window. 0 disables.
    /// </summary>
    /// <value>Default: 10. Allowed: 0 to 1,000.</value>
    public int SprayingDistinctClients { get; set; } = 10;
}
