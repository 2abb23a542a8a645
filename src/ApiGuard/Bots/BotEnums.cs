namespace ApiGuard.Bots;

/// <summary>The class of a client, which decides what behaviour is expected of it.</summary>
public enum ClientClass
{
    /// <summary>Neither authenticated nor holding an API key: judged most strictly.</summary>
    Anonymous = 0,

    /// <summary>Identified by an API key or an authenticated principal.</summary>
    Known = 1,

    /// <summary>
    /// Authenticated by a strong machine credential (HTTP message signature, DPoP or client certificate), or an allow-listed
    /// automation client. High volume is its normal behaviour and is never held against it.
    /// </summary>
    Verified = 2,
}

/// <summary>What ApiGuard does about a client, from mildest to strongest.</summary>
public enum BotAction
{
    /// <summary>The client is served normally.</summary>
    Allow = 0,

    /// <summary>The client is moved to a stricter rate-limit policy (see <see cref="IBotDecisionFeature.RateLimitPolicy"/>).</summary>
    Throttle = 1,

    /// <summary>The client must prove itself (re-authenticate with a verified credential or step up) before it is served again.</summary>
    Challenge = 2,

    /// <summary>The client is banned for a time: every request is answered 403 with <c>Retry-After</c>.</summary>
    Block = 3,
}

/// <summary>The reasons that raised a client's score. Each has a log-safe code (see <see cref="BotReasonCodes"/>).</summary>
[Flags]
public enum BotReasons
{
    /// <summary>Nothing unusual.</summary>
    None = 0,

    /// <summary>Sustained request rate above the class's expectation.</summary>
    HighRate = 1 << 0,

    /// <summary>One-second burst above the class's expectation.</summary>
    Burst = 1 << 1,

    /// <summary>Share of 401/403/404/5xx responses above the class's expectation.</summary>
    ErrorRatio = 1 << 2,

    /// <summary>Authentication failures (401 responses or <c>authentication.failed</c> events).</summary>
    AuthFailures = 1 << 3,

    /// <summary>403 responses: probing objects or functions the client may not use.</summary>
    Forbidden = 1 << 4,

    /// <summary>404 responses for routes that do not exist (no endpoint matched): route scanning.</summary>
    RouteScanning = 1 << 5,

    /// <summary>Many distinct object ids on one <c>{id}</c> route: BOLA enumeration (OWASP API1).</summary>
    Enumeration = 1 << 6,

    /// <summary>Object ids walked in sequence (1, 2, 3, …).</summary>
    SequentialIds = 1 << 7,

    /// <summary>Injection findings reported by payload inspection (<c>injection.*</c> events).</summary>
    Injection = 1 << 8,

    /// <summary>Rate-limit rejections (<c>ratelimit.exceeded</c> events or 429 responses).</summary>
    RateLimited = 1 << 9,

    /// <summary>Brute-force decisions (<c>bruteforce.*</c> events).</summary>
    BruteForce = 1 << 10,

    /// <summary>Server errors (5xx): often a fuzzer.</summary>
    ServerErrors = 1 << 11,

    /// <summary>Unusual HTTP methods (TRACE, PROPFIND, …).</summary>
    UnusualMethods = 1 << 12,

    /// <summary>A business-flow rule matched (see <see cref="BotFlowRule"/>).</summary>
    FlowRule = 1 << 13,

    /// <summary>Many distinct route templates called in the window: crawling the API's surface.</summary>
    DistinctRoutes = 1 << 14,

    /// <summary>Share of 404 responses above the class's expectation: guessing objects or paths.</summary>
    NotFoundRatio = 1 << 15,

    /// <summary>Share of 429 responses above the class's expectation: ignoring rate limits.</summary>
    TooManyRequestsRatio = 1 << 16,

    /// <summary>Share of 401 responses above the class's expectation: mostly failing to authenticate.</summary>
    UnauthorizedRatio = 1 << 17,

    /// <summary>Share of 403 responses above the class's expectation: mostly asking for what it may not have.</summary>
    ForbiddenRatio = 1 << 18,

    /// <summary>Share of 5xx responses above the class's expectation: mostly breaking the API (fuzzing).</summary>
    ServerErrorRatio = 1 << 19,
}

/// <summary>The stable, log-safe codes of <see cref="BotReasons"/>, as used in events and the admin API.</summary>
public static class BotReasonCodes
{
    /// <summary>The code of one reason, for example <c>enumeration</c>.</summary>
    public static string ToCode(BotReasons reason) => reason switch
    {
        BotReasons.HighRate => "high-rate",
        BotReasons.Burst => "burst",
        BotReasons.ErrorRatio => "error-ratio",
        BotReasons.AuthFailures => "auth-failures",
        BotReasons.Forbidden => "forbidden",
        BotReasons.RouteScanning => "route-scanning",
        BotReasons.Enumeration => "enumeration",
        BotReasons.SequentialIds => "sequential-ids",
        BotReasons.Injection => "injection",
        BotReasons.RateLimited => "rate-limited",
        BotReasons.BruteForce => "brute-force",
        BotReasons.ServerErrors => "server-errors",
        BotReasons.UnusualMethods => "unusual-methods",
        BotReasons.FlowRule => "flow-rule",
        BotReasons.DistinctRoutes => "distinct-routes",
        BotReasons.NotFoundRatio => "not-found-ratio",
        BotReasons.TooManyRequestsRatio => "too-many-requests-ratio",
        BotReasons.UnauthorizedRatio => "unauthorized-ratio",
        BotReasons.ForbiddenRatio => "forbidden-ratio",
        BotReasons.ServerErrorRatio => "server-error-ratio",
        _ => "none",
    };

    /// <summary>The codes of every reason set in <paramref name="reasons"/>, in a stable order.</summary>
    public static IReadOnlyList<string> ToCodes(BotReasons reasons)
    {
        var list = new List<string>();
        for (var rest = (uint)reasons; rest != 0; rest &= rest - 1)
        {
            list.Add(ToCode((BotReasons)(1u << System.Numerics.BitOperations.TrailingZeroCount(rest))));
        }

        return list;
    }
}
