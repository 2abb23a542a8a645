namespace ApiGuard.Monitoring;

/// <summary>How serious a security event is.</summary>
public enum SecuritySeverity
{
    /// <summary>Informational: a normal decision worth recording.</summary>
    Info = 0,

    /// <summary>Low.</summary>
    Low = 1,

    /// <summary>Medium.</summary>
    Medium = 2,

    /// <summary>High.</summary>
    High = 3,

    /// <summary>Critical.</summary>
    Critical = 4,
}

/// <summary>What ApiGuard did about a request.</summary>
public enum SecurityAction
{
    /// <summary>The request was allowed (the event records an observation).</summary>
    Allowed = 0,

    /// <summary>The request was blocked.</summary>
    Blocked = 1,

    /// <summary>The request was throttled (rate limited or slowed).</summary>
    Throttled = 2,

    /// <summary>The client was challenged (asked for a proof, a nonce or an OTP).</summary>
    Challenged = 3,

    /// <summary>In DetectOnly mode: the request would have been blocked, and was allowed.</summary>
    WouldBlock = 4,
}

/// <summary>
/// One decision by an ApiGuard capability. Never holds secrets or raw credentials: client ids are log-safe,
/// excerpts are masked by the capability that reports them.
/// </summary>
public sealed record SecurityEvent
{
    /// <summary>When the decision was taken (from the app's <see cref="TimeProvider"/>).</summary>
    public DateTimeOffset Timestamp { get; init; }

    /// <summary>The capability that decided (see <see cref="ApiGuardCapabilities"/>).</summary>
    public required string Capability { get; init; }

    /// <summary>What happened, dotted and stable, for example <c>injection.sqli</c> or <c>ratelimit.exceeded</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>How serious it is.</summary>
    public SecuritySeverity Severity { get; init; }

    /// <summary>What ApiGuard did.</summary>
    public SecurityAction Action { get; init; }

    /// <summary>The log-safe client id (see <see cref="Identity.ClientIdentity.Id"/>).</summary>
    public string? ClientId { get; init; }

    /// <summary>The matched route template, for example <c>/api/orders/{id}</c>.</summary>
    public string? Route { get; init; }

    /// <summary>The HTTP method.</summary>
    public string? Method { get; init; }

    /// <summary>The rule or policy that decided, for example <c>942100</c> or <c>per-client</c>.</summary>
    public string? RuleId { get; init; }

    /// <summary>Where in the request the finding is, for example <c>query:q</c> or <c>json:$.user.name</c>.</summary>
    public string? Location { get; init; }

    /// <summary>A short human-readable reason. Never contains credentials or unmasked payloads.</summary>
    public string? Reason { get; init; }

    /// <summary>A numeric score, where the capability scores (inspection anomaly score, bot score).</summary>
    public double? Score { get; init; }

    /// <summary>The W3C trace id of the request, so the event can be joined to traces.</summary>
    public string? TraceId { get; init; }

    /// <summary>Further capability-specific, log-safe properties.</summary>
    public IReadOnlyDictionary<string, string>? Properties { get; init; }
}
