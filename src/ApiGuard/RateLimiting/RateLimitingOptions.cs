using Microsoft.AspNetCore.Http;

namespace ApiGuard.RateLimiting;

/// <summary>The algorithm of one limit.</summary>
public enum RateLimitAlgorithm
{
    /// <summary>
    /// Generic cell rate algorithm: a token bucket with continuous refill. <see cref="RateLimitRuleOptions.PermitLimit"/> permits
    /// per <see cref="RateLimitRuleOptions.Window"/>, bursts up to <see cref="RateLimitRuleOptions.Burst"/>. One number of state.
    /// </summary>
    Gcra = 0,

    /// <summary>Sliding-window counter: the previous window's count weighted by its overlap, plus the current window's count.</summary>
    SlidingWindow = 1,

    /// <summary>Fixed window aligned to wall-clock boundaries (UTC): a daily window starts at midnight UTC; see <see cref="RateLimitRuleOptions.CalendarMonth"/> for monthly quotas.</summary>
    FixedWindow = 2,

    /// <summary>At most <see cref="RateLimitRuleOptions.PermitLimit"/> requests in flight; permits return when the lease is disposed.</summary>
    Concurrency = 3,
}

/// <summary>What a policy does when its distributed store (Redis) cannot answer within the time budget.</summary>
public enum RateLimitFailureMode
{
    /// <summary>Decide with an in-memory limiter with the same policy on this node (default).</summary>
    LocalFallback = 0,

    /// <summary>Allow the request.</summary>
    FailOpen = 1,

    /// <summary>Reject the request with 503 (problem type <c>service-unavailable</c>).</summary>
    FailClosed = 2,
}

/// <summary>What a policy counts requests by.</summary>
public enum RateLimitPartitionBy
{
    /// <summary>The client identity from <c>IClientIdentityResolver</c> (principal, API key hash, signing key id, else IP).</summary>
    Client = 0,

    /// <summary>The client address only (IPv6 grouped by prefix), ignoring principals and keys.</summary>
    Address = 1,

    /// <summary>The endpoint (route pattern), shared by every client.</summary>
    Endpoint = 2,

    /// <summary>The client and the endpoint together.</summary>
    ClientAndEndpoint = 3,

    /// <summary>One partition for every request.</summary>
    Global = 4,

    /// <summary>The value returned by <see cref="RateLimitPolicyOptions.PartitionKey"/> (code only).</summary>
    Custom = 5,
}

/// <summary>One limit of a policy, for example 10 per second or 1,000 per day.</summary>
public sealed class RateLimitRuleOptions
{
    /// <summary>The limit's name, shown in the <c>RateLimit-Policy</c> and <c>RateLimit</c> response fields and part of its Redis key.</summary>
    /// <value>Default: <see langword="null"/>: the policy name for the first limit, the policy name and the limit's position (<c>api-2</c>) for the others.</value>
    public string? Name { get; set; }

    /// <summary>The algorithm.</summary>
    /// <value>Default: <see cref="RateLimitAlgorithm.Gcra"/>.</value>
    public RateLimitAlgorithm Algorithm { get; set; } = RateLimitAlgorithm.Gcra;

    /// <summary>Permits per <see cref="Window"/> (requests in flight for <see cref="RateLimitAlgorithm.Concurrency"/>).</summary>
    /// <value>Default: 100. Allowed: 1 to 1,000,000,000.</value>
    public long PermitLimit { get; set; } = 100;

    /// <summary>The window (the refill period for GCRA). Ignored by <see cref="RateLimitAlgorithm.Concurrency"/> and by calendar-month windows.</summary>
    /// <value>Default: 1 minute. Allowed: 1 ms to 366 days.</value>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>GCRA only: the largest burst, in permits.</summary>
    /// <value>Default: <see langword="null"/>, meaning <see cref="PermitLimit"/>. Allowed: 1 to 1,000,000,000.</value>
    public long? Burst { get; set; }

    /// <summary>Fixed window only: the window is the calendar month (UTC), for monthly quotas; <see cref="Window"/> is ignored.</summary>
    /// <value>Default: <see langword="false"/>.</value>
    public bool CalendarMonth { get; set; }

    /// <summary>Concurrency only: how long a lease that was never released (a crashed node) keeps its permit in Redis.</summary>
    /// <value>Default: 1 minute. Allowed: 1 s to 1 day.</value>
    public TimeSpan LeaseTimeout { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>A named rate-limit policy: what requests are counted by, and the limits they must all pass.</summary>
public sealed class RateLimitPolicyOptions
{
    /// <summary>The limits, decided together: a request is admitted only when every limit admits it, and a rejected request consumes none of them.</summary>
    /// <value>Default: empty; a policy needs at least one limit (or one per tier).</value>
    public List<RateLimitRuleOptions> Limits { get; set; } = [];

    /// <summary>What requests are counted by.</summary>
    /// <value>Default: <see cref="RateLimitPartitionBy.Client"/>.</value>
    public RateLimitPartitionBy PartitionBy { get; set; } = RateLimitPartitionBy.Client;

    /// <summary>
    /// Per-tier limits (for example <c>free</c>, <c>pro</c>), used instead of <see cref="Limits"/> for clients whose tier
    /// <c>IRateLimitTierResolver</c> reports. Clients without a known tier get <see cref="Limits"/>.
    /// </summary>
    public Dictionary<string, List<RateLimitRuleOptions>> Tiers { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>What to do when the distributed store cannot answer.</summary>
    /// <value>Default: <see cref="RateLimitFailureMode.LocalFallback"/>.</value>
    public RateLimitFailureMode FailureMode { get; set; } = RateLimitFailureMode.LocalFallback;

    /// <summary>The cost, in permits, of one request under this policy when the endpoint does not set one.</summary>
    /// <value>Default: 1. Allowed: 1 to 1,000,000.</value>
    public int Cost { get; set; } = 1;

    /// <summary>
    /// Approximate mode for very hot keys (distributed store only): each node admits against its last view of the shared state,
    /// counts locally, and pushes its count to the store every <see cref="ApproximateSyncInterval"/>. Saves round trips; may
    /// over-admit by up to what the nodes admit between two syncs. Not used with concurrency limits.
    /// </summary>
    /// <value>Default: <see langword="false"/>.</value>
    public bool Approximate { get; set; }

    /// <summary>How often an approximate partition synchronises with the store.</summary>
    /// <value>Default: 100 ms. Allowed: 1 ms to 10 s.</value>
    public TimeSpan ApproximateSyncInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The partition key for <see cref="RateLimitPartitionBy.Custom"/> (code only). Returning <see langword="null"/> exempts the request.</summary>
    public Func<HttpContext, string?>? PartitionKey { get; set; }
}

/// <summary>Rate-limiting settings, bound from <c>ApiGuard:RateLimiting</c>.</summary>
public sealed class RateLimitingOptions
{
    /// <summary>The configuration section name below <c>ApiGuard</c>: <c>RateLimiting</c>.</summary>
    public const string SectionName = "RateLimiting";

    /// <summary>The capability's mode, overriding the global mode.</summary>
    /// <value>Default: <see langword="null"/> (inherit <c>ApiGuard:Mode</c>).</value>
    public ApiGuardMode? Mode { get; set; }

    /// <summary>The policy applied to requests whose endpoint selects none.</summary>
    /// <value>Default: <see langword="null"/>: only endpoints that select a policy are limited.</value>
    public string? DefaultPolicy { get; set; }

    /// <summary>The policies, by name. Endpoints select one with <c>.RequireApiGuardRateLimit("name")</c> or <c>.WithApiGuardPolicy("name")</c>.</summary>
    public Dictionary<string, RateLimitPolicyOptions> Policies { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The most partitions (policy and key) held in memory; past it the least recently used are evicted and counted.</summary>
    /// <value>Default: 100,000. Allowed: 16 to 100,000,000.</value>
    public int MaxPartitions { get; set; } = 100_000;

    /// <summary>A partition unused for this long is evicted (its in-memory state is dropped; Redis state expires on its own).</summary>
    /// <value>Default: 10 minutes. Allowed: 1 s to 1 day.</value>
    public TimeSpan PartitionIdleTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Also send the legacy <c>X-RateLimit-Limit</c>, <c>X-RateLimit-Remaining</c> and <c>X-RateLimit-Reset</c> headers.</summary>
    /// <value>Default: <see langword="false"/>.</value>
    public bool LegacyHeaders { get; set; }

    /// <summary>Send the <c>RateLimit-Policy</c> and <c>RateLimit</c> fields on admitted responses too (always sent on 429).</summary>
    /// <value>Default: <see langword="true"/>.</value>
    public bool HeadersOnSuccess { get; set; } = true;

    /// <summary>Consecutive store failures that open the circuit breaker (decisions then skip the store).</summary>
    /// <value>Default: 3. Allowed: 1 to 1,000.</value>
    public int CircuitBreakerFailureThreshold { get; set; } = 3;

    /// <summary>How long the breaker stays open before one probe call is let through.</summary>
    /// <value>Default: 1 second. Allowed: 10 ms to 5 minutes.</value>
    public TimeSpan CircuitBreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Clients (by <c>ClientIdentity.Id</c>, for example <c>apikey:…</c>) and their tier, read by the default <c>IRateLimitTierResolver</c>.</summary>
    public Dictionary<string, string> ClientTiers { get; set; } = new(StringComparer.Ordinal);
}
