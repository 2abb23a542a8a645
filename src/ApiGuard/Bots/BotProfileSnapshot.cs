namespace ApiGuard.Bots;

/// <summary>A point-in-time copy of one client's behaviour profile, with its score explained. Counts are per window (decayed).</summary>
public sealed class BotProfileSnapshot
{
    /// <summary>The client id (log-safe).</summary>
    public required string ClientId { get; init; }

    /// <summary>The client's class.</summary>
    public ClientClass ClientClass { get; init; }

    /// <summary>When the profile was created.</summary>
    public DateTimeOffset FirstSeen { get; init; }

    /// <summary>The client's last request or event.</summary>
    public DateTimeOffset LastSeen { get; init; }

    /// <summary>Requests recorded since the profile was created.</summary>
    public long TotalRequests { get; init; }

    /// <summary>Sustained request rate over the window.</summary>
    public double RequestsPerSecond { get; init; }

    /// <summary>Request rate over about one second.</summary>
    public double BurstPerSecond { get; init; }

    /// <summary>Share of 401/403/404/5xx responses in the window.</summary>
    public double ErrorRatio { get; init; }

    /// <summary>Authentication failures in the window (the larger of 401 responses and <c>authentication.failed</c> events).</summary>
    public double AuthFailures { get; init; }

    /// <summary>403 responses in the window.</summary>
    public double Forbidden { get; init; }

    /// <summary>404 responses in the window.</summary>
    public double NotFound { get; init; }

    /// <summary>Share of 404 responses in the window.</summary>
    public double NotFoundRatio { get; init; }

    /// <summary>Share of 429 responses in the window.</summary>
    public double TooManyRequestsRatio { get; init; }

    /// <summary>Share of 401 responses in the window.</summary>
    public double UnauthorizedRatio { get; init; }

    /// <summary>Share of 403 responses in the window.</summary>
    public double ForbiddenRatio { get; init; }

    /// <summary>Share of 5xx responses in the window.</summary>
    public double ServerErrorRatio { get; init; }

    /// <summary>404 responses for routes that do not exist, in the window.</summary>
    public double RouteScans { get; init; }

    /// <summary>Approximate distinct route templates used in the window.</summary>
    public double DistinctRoutes { get; init; }

    /// <summary>Approximate distinct object ids on <see cref="ObjectIdRoute"/> in the window.</summary>
    public double DistinctObjectIds { get; init; }

    /// <summary>The <c>{id}</c> route with the most distinct object ids.</summary>
    public string? ObjectIdRoute { get; init; }

    /// <summary>Object ids that followed the previous one in sequence, in the window.</summary>
    public double SequentialIds { get; init; }

    /// <summary>Injection findings reported by inspection, in the window.</summary>
    public double InjectionFindings { get; init; }

    /// <summary>Rate-limit rejections, in the window.</summary>
    public double RateLimitRejections { get; init; }

    /// <summary>Brute-force decisions, in the window.</summary>
    public double BruteForceEvents { get; init; }

    /// <summary>5xx responses, in the window.</summary>
    public double ServerErrors { get; init; }

    /// <summary>Requests with unusual methods, in the window.</summary>
    public double UnusualMethods { get; init; }

    /// <summary>The score.</summary>
    public double Score { get; init; }

    /// <summary>The reasons behind the score.</summary>
    public BotReasons Reasons { get; init; }

    /// <summary>Each reason in words, with its value and the class's limit, for example <c>enumeration: 57 distinct ids on /api/orders/{id} (limit 30)</c>.</summary>
    public IReadOnlyList<string> Explanation { get; internal set; } = [];

    /// <summary>The flow rule that matched last, if any.</summary>
    public string? FlowRule { get; init; }

    /// <summary>The action in force.</summary>
    public BotAction Action { get; init; }

    /// <summary>Until when the action is in force.</summary>
    public DateTimeOffset? ActionUntil { get; init; }

    /// <summary>Whether the action was decided in DetectOnly mode (reported, not enforced).</summary>
    public bool ActionDetectOnly { get; init; }
}

/// <summary>One entry of a client's timeline: a notable request, another capability's event, or a bot decision.</summary>
/// <param name="Timestamp">When it happened.</param>
/// <param name="Kind"><c>request</c>, an event kind such as <c>authentication.failed</c>, or a decision such as <c>bot.blocked</c>.</param>
/// <param name="Method">The HTTP method.</param>
/// <param name="Route">The route template, or the requested path (at most 200 characters) when no endpoint matched.</param>
/// <param name="StatusCode">The response status, for requests.</param>
/// <param name="Detail">The rule id or the decision's reasons.</param>
public sealed record BotTimelineEntry(DateTimeOffset Timestamp, string Kind, string? Method, string? Route, int StatusCode, string? Detail);
