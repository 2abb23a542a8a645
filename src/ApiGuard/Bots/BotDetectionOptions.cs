namespace ApiGuard.Bots;

/// <summary>Settings of behavioural bot detection, bound from <c>ApiGuard:Bots</c>.</summary>
public sealed class BotDetectionOptions
{
    /// <summary>The configuration section name under <c>ApiGuard</c>: <c>Bots</c>.</summary>
    public const string SectionName = "Bots";

    /// <summary>The mode of this capability, overriding the global mode; endpoint metadata and policies override it.</summary>
    /// <value>Default: <see langword="null"/> (the global <c>ApiGuard:Mode</c>).</value>
    public ApiGuardMode? Mode { get; set; }

    /// <summary>
    /// The most client profiles held at once. The table is allocated once at this size; when it is full the least valuable
    /// profile (no action in force, lowest score, least recently seen) of the bucket is evicted, so spoofed identities cannot exhaust memory.
    /// </summary>
    /// <value>Default: 16384. Allowed: 64 to 4194304 (rounded up to a power of two).</value>
    public int Capacity { get; set; } = 16_384;

    /// <summary>How many clients keep a timeline of their recent notable events (for the admin API).</summary>
    /// <value>Default: 1024. Allowed: 16 to 65536.</value>
    public int TimelineClients { get; set; } = 1024;

    /// <summary>How many events each timeline keeps (a ring buffer: the oldest is overwritten).</summary>
    /// <value>Default: 32. Allowed: 4 to 256.</value>
    public int TimelineLength { get; set; } = 32;

    /// <summary>The observation window: counters decay with this time constant and distinct counts are kept per window.</summary>
    /// <value>Default: 60 seconds. Allowed: 5 seconds to 1 hour.</value>
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Error ratios are judged only once a client made at least this many requests in the window.</summary>
    /// <value>Default: 20. Allowed: 1 to 100000.</value>
    public int MinRequestsForRatios { get; set; } = 20;

    /// <summary>How long a throttle lasts once decided (renewed while the score stays high).</summary>
    /// <value>Default: 5 minutes. Allowed: 1 second to 1 day.</value>
    public TimeSpan ThrottleDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a challenge lasts once decided.</summary>
    /// <value>Default: 5 minutes. Allowed: 1 second to 1 day.</value>
    public TimeSpan ChallengeDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a ban lasts (the ban list entry's TTL; the 403 carries it as <c>Retry-After</c>).</summary>
    /// <value>Default: 15 minutes. Allowed: 1 second to 30 days.</value>
    public TimeSpan BlockDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The rate-limit policy a throttled client is moved to (<see cref="IBotDecisionFeature.RateLimitPolicy"/>).</summary>
    /// <value>Default: <c>bots-throttled</c>.</value>
    public string ThrottlePolicy { get; set; } = "bots-throttled";

    /// <summary>The <c>WWW-Authenticate</c> value of a challenge (401): how the client proves itself.</summary>
    /// <value>Default: <c>DPoP algs="ES256 EdDSA"</c>: come back with a DPoP-bound (verified) credential.</value>
    public string ChallengeAuthenticate { get; set; } = "DPoP algs=\"ES256 EdDSA\"";

    /// <summary>The most bans the in-memory ban list holds (expired bans are swept first).</summary>
    /// <value>Default: 100000. Allowed: 16 to 10000000.</value>
    public int MaxBans { get; set; } = 100_000;

    /// <summary>
    /// Authentication types (the scheme names ApiGuard's handlers and ASP.NET Core's certificate handler put on the identity)
    /// that make a client <see cref="ClientClass.Verified"/>.
    /// </summary>
    /// <value>Default: <c>Signature</c>, <c>DPoP</c>, <c>Certificate</c>.</value>
    public List<string> VerifiedAuthenticationTypes { get; set; } = ["Signature", "DPoP", "Certificate"];

    /// <summary>
    /// Allow-listed automation clients, by client id: <c>apikey:&lt;first 16 hex digits of SHA-256(key)&gt;</c> or
    /// <c>principal:&lt;name&gt;</c>. Only API-key and principal ids qualify (addresses and claimed signing key ids never do).
    /// </summary>
    public List<string> VerifiedClients { get; set; } = [];

    /// <summary>Route parameters treated as object ids for enumeration: <c>id</c> and any name ending in <c>Id</c> (case-insensitive) when empty.</summary>
    public List<string> ObjectIdParameters { get; set; } = [];

    /// <summary>Expectations of anonymous clients.</summary>
    public BotClassOptions Anonymous { get; set; } = BotClassOptions.CreateAnonymous();

    /// <summary>Expectations of known clients (API key or principal).</summary>
    public BotClassOptions Known { get; set; } = BotClassOptions.CreateKnown();

    /// <summary>Expectations of verified clients (signature, DPoP, certificate or allow-listed).</summary>
    public BotClassOptions Verified { get; set; } = BotClassOptions.CreateVerified();

    /// <summary>Business-flow rules, added in code with <see cref="AddFlowRule"/>.</summary>
    public IList<BotFlowRule> FlowRules { get; } = new List<BotFlowRule>();

    /// <summary>
    /// Adds a business-flow rule and returns it for fluent configuration, for example
    /// <c>AddFlowRule("orders-without-cart").On("POST", "/api/orders").WithoutPrior("GET", "/api/cart").MoreThan(5).Within(TimeSpan.FromMinutes(10))</c>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null or empty.</exception>
    public BotFlowRule AddFlowRule(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var rule = new BotFlowRule(name);
        FlowRules.Add(rule);
        return rule;
    }

    internal BotClassOptions For(ClientClass clientClass) => clientClass switch
    {
        ClientClass.Verified => Verified,
        ClientClass.Known => Known,
        _ => Anonymous,
    };
}

/// <summary>
/// What is expected of one client class. Each limit is per <see cref="BotDetectionOptions.Window"/> (counts decay with it);
/// 0 switches that check off. A signal above its limit adds <c>30 × min(value / limit, 3)</c> points to the score.
/// </summary>
public sealed class BotClassOptions
{
    /// <summary>Sustained requests per second (averaged over the window).</summary>
    public double MaxRequestsPerSecond { get; set; }

    /// <summary>Requests in about one second.</summary>
    public double MaxBurstPerSecond { get; set; }

    /// <summary>Share of 401/403/404/5xx responses (0 to 1), judged after <see cref="BotDetectionOptions.MinRequestsForRatios"/> requests.</summary>
    public double MaxErrorRatio { get; set; }

    /// <summary>Share of 404 responses (0 to 1), judged after <see cref="BotDetectionOptions.MinRequestsForRatios"/> requests.</summary>
    public double MaxNotFoundRatio { get; set; }

    /// <summary>Share of 429 responses (0 to 1), judged after <see cref="BotDetectionOptions.MinRequestsForRatios"/> requests.</summary>
    public double MaxTooManyRequestsRatio { get; set; }

    /// <summary>Share of 401 responses (0 to 1), judged after <see cref="BotDetectionOptions.MinRequestsForRatios"/> requests.</summary>
    public double MaxUnauthorizedRatio { get; set; }

    /// <summary>Share of 403 responses (0 to 1), judged after <see cref="BotDetectionOptions.MinRequestsForRatios"/> requests.</summary>
    public double MaxForbiddenRatio { get; set; }

    /// <summary>Share of 5xx responses (0 to 1), judged after <see cref="BotDetectionOptions.MinRequestsForRatios"/> requests.</summary>
    public double MaxServerErrorRatio { get; set; }

    /// <summary>Distinct route templates called. Allowed: 0 to 100 (approximate count).</summary>
    public double MaxDistinctRoutes { get; set; }

    /// <summary>Authentication failures.</summary>
    public double MaxAuthFailures { get; set; }

    /// <summary>403 responses.</summary>
    public double MaxForbidden { get; set; }

    /// <summary>404 responses for routes that do not exist.</summary>
    public double MaxRouteScans { get; set; }

    /// <summary>Distinct object ids on one <c>{id}</c> route template. Allowed: 0 to 500 (approximate count).</summary>
    public double MaxDistinctObjectIds { get; set; }

    /// <summary>Object ids that follow the previous one in sequence (gap of 1 to 3).</summary>
    public double MaxSequentialIds { get; set; }

    /// <summary>Injection findings.</summary>
    public double MaxInjectionFindings { get; set; }

    /// <summary>Rate-limit rejections.</summary>
    public double MaxRateLimitRejections { get; set; }

    /// <summary>Brute-force decisions.</summary>
    public double MaxBruteForceEvents { get; set; }

    /// <summary>5xx responses.</summary>
    public double MaxServerErrors { get; set; }

    /// <summary>Requests with unusual methods.</summary>
    public double MaxUnusualMethods { get; set; }

    /// <summary>The score at which the client is throttled; 0 never throttles.</summary>
    public double ThrottleScore { get; set; } = 30;

    /// <summary>The score at which the client is challenged; 0 never challenges.</summary>
    public double ChallengeScore { get; set; } = 60;

    /// <summary>The score at which the client is blocked; 0 never blocks.</summary>
    public double BlockScore { get; set; } = 90;

    internal static BotClassOptions CreateAnonymous() => new()
    {
        MaxRequestsPerSecond = 10,
        MaxBurstPerSecond = 30,
        MaxErrorRatio = 0.5,
        MaxNotFoundRatio = 0.4,
        MaxTooManyRequestsRatio = 0.3,
        MaxUnauthorizedRatio = 0.5,
        MaxForbiddenRatio = 0.5,
        MaxServerErrorRatio = 0.3,
        MaxDistinctRoutes = 30,
        MaxAuthFailures = 5,
        MaxForbidden = 10,
        MaxRouteScans = 5,
        MaxDistinctObjectIds = 30,
        MaxSequentialIds = 10,
        MaxInjectionFindings = 2,
        MaxRateLimitRejections = 20,
        MaxBruteForceEvents = 2,
        MaxServerErrors = 20,
        MaxUnusualMethods = 3,
    };

    internal static BotClassOptions CreateKnown() => new()
    {
        MaxRequestsPerSecond = 30,
        MaxBurstPerSecond = 100,
        MaxErrorRatio = 0.6,
        MaxNotFoundRatio = 0.5,
        MaxTooManyRequestsRatio = 0.5,
        MaxUnauthorizedRatio = 0.6,
        MaxForbiddenRatio = 0.6,
        MaxServerErrorRatio = 0.4,
        MaxDistinctRoutes = 50,
        MaxAuthFailures = 10,
        MaxForbidden = 20,
        MaxRouteScans = 10,
        MaxDistinctObjectIds = 60,
        MaxSequentialIds = 20,
        MaxInjectionFindings = 3,
        MaxRateLimitRejections = 40,
        MaxBruteForceEvents = 3,
        MaxServerErrors = 40,
        MaxUnusualMethods = 5,
    };

    // Verified integrations are bot-like by design: volume, bursts, breadth of routes, object cardinality, 404 lookups and
    // sequential walks are never held against them. What still counts is what no integration does: failing to authenticate, scanning, injecting, fuzzing.
    internal static BotClassOptions CreateVerified() => new()
    {
        MaxErrorRatio = 0.8,
        MaxUnauthorizedRatio = 0.5,
        MaxAuthFailures = 20,
        MaxForbidden = 100,
        MaxRouteScans = 20,
        MaxInjectionFindings = 5,
        MaxRateLimitRejections = 0,
        MaxBruteForceEvents = 5,
        MaxServerErrors = 200,
        MaxUnusualMethods = 20,
        ThrottleScore = 0,
        ChallengeScore = 60,
        BlockScore = 120,
    };
}
