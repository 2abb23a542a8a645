namespace ApiGuard.Monitoring;

/// <summary>The tag names ApiGuard puts on metrics and activities, in one place.</summary>
public static class ApiGuardTelemetryTags
{
    /// <summary>The capability (<c>apiguard.capability</c>).</summary>
    public const string Capability = "apiguard.capability";

    /// <summary>The event kind (<c>apiguard.kind</c>).</summary>
    public const string Kind = "apiguard.kind";

    /// <summary>The action (<c>apiguard.action</c>).</summary>
    public const string Action = "apiguard.action";

    /// <summary>The severity (<c>apiguard.severity</c>).</summary>
    public const string Severity = "apiguard.severity";

    /// <summary>The rule or policy id (<c>apiguard.rule</c>).</summary>
    public const string Rule = "apiguard.rule";

    /// <summary>The client id (<c>apiguard.client</c>); on activities only, never on metrics (unbounded cardinality).</summary>
    public const string Client = "apiguard.client";

    /// <summary>The route template (<c>http.route</c>).</summary>
    public const string Route = "http.route";

    /// <summary>The sink name (<c>apiguard.sink</c>).</summary>
    public const string Sink = "apiguard.sink";

    /// <summary>The error type (<c>error.type</c>).</summary>
    public const string ErrorType = "error.type";

    /// <summary>The name of the <see cref="System.Diagnostics.Metrics.Meter"/>: <c>ApiGuard</c>.</summary>
    public const string MeterName = "ApiGuard";

    internal static string ToTagValue(this SecurityAction action) => action switch
    {
        SecurityAction.Allowed => "allowed",
        SecurityAction.Blocked => "blocked",
        SecurityAction.Throttled => "throttled",
        SecurityAction.Challenged => "challenged",
        SecurityAction.WouldBlock => "would_block",
        _ => "unknown",
    };

    internal static string ToTagValue(this SecuritySeverity severity) => severity switch
    {
        SecuritySeverity.Info => "info",
        SecuritySeverity.Low => "low",
        SecuritySeverity.Medium => "medium",
        SecuritySeverity.High => "high",
        SecuritySeverity.Critical => "critical",
        _ => "unknown",
    };
}
