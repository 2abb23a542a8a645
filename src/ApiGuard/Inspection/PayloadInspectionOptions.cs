using ApiGuard.Inspection.Exclusions;

namespace ApiGuard.Inspection;

/// <summary>What the inspection middleware does with a body larger than <see cref="PayloadInspectionOptions.MaxBytesInspected"/>.</summary>
public enum InspectionOversizeAction
{
    /// <summary>Only the first <see cref="PayloadInspectionOptions.MaxBytesInspected"/> bytes are inspected; the rest reaches the app uninspected. An event is reported.</summary>
    InspectPrefix = 0,

    /// <summary>The request is rejected with 413 <c>application/problem+json</c> (in DetectOnly: reported as would-block, and allowed uninspected).</summary>
    Reject413 = 1,

    /// <summary>The body is not inspected at all and an event is reported (path, query and headers are still inspected).</summary>
    SkipAndReport = 2,
}

/// <summary>Options of the payload inspection capability, bound from <c>ApiGuard:Inspection</c>.</summary>
public sealed class PayloadInspectionOptions
{
    /// <summary>The configuration section name relative to <c>ApiGuard</c>: <c>Inspection</c>.</summary>
    public const string SectionName = "Inspection";

    /// <summary>The default value of <see cref="MaxBytesInspected"/>: 1 MiB.</summary>
    public const int DefaultMaxBytesInspected = 1024 * 1024;

    /// <summary>The capability's own mode, overriding the global <c>ApiGuard:Mode</c>.</summary>
    /// <value>Default: <see langword="null"/> (inherit the global mode).</value>
    public ApiGuardMode? Mode { get; set; }

    /// <summary>The paranoia level handed to the inspector: 1 has the fewest false positives, 4 the most rules.</summary>
    /// <value>Default: 1. Allowed: 1 to 4.</value>
    public int ParanoiaLevel { get; set; } = 1;

    /// <summary>The anomaly score, summed over every finding of the request, at which the request is blocked.</summary>
    /// <value>Default: 5 (one critical finding). Allowed: 1 to 1000.</value>
    public int BlockThreshold { get; set; } = 5;

    /// <summary>Whether path segments are inspected (location <c>path:N</c>, N counted from 0).</summary>
    /// <value>Default: <see langword="true"/>.</value>
    public bool InspectPath { get; set; } = true;

    /// <summary>Whether query-string names and values are inspected (location <c>query:name</c>).</summary>
    /// <value>Default: <see langword="true"/>.</value>
    public bool InspectQuery { get; set; } = true;

    /// <summary>Whether bodies are inspected: JSON, form-urlencoded, multipart field values, XML and plain text.</summary>
    /// <value>Default: <see langword="true"/>.</value>
    public bool InspectBody { get; set; } = true;

    /// <summary>The headers inspected by default when <see cref="IncludeDefaultHeaders"/> is on: <c>User-Agent</c> and <c>Referer</c>.</summary>
    public static IReadOnlyList<string> DefaultHeaders { get; } = ["User-Agent", "Referer"];

    /// <summary>Whether the <see cref="DefaultHeaders"/> (<c>User-Agent</c>, <c>Referer</c>) are inspected.</summary>
    /// <value>Default: <see langword="true"/>.</value>
    public bool IncludeDefaultHeaders { get; set; } = true;

    /// <summary>
    /// Further request headers whose values are inspected (location <c>header:Name</c>), in addition to the <see cref="DefaultHeaders"/>.
    /// <c>Authorization</c> and <c>Cookie</c> are never inspected unless listed here.
    /// </summary>
    /// <value>Default: empty.</value>
    public List<string> Headers { get; set; } = [];

    /// <summary>The most body bytes inspected per request.</summary>
    /// <value>Default: 1,048,576 (1 MiB). Allowed: 1,024 to 268,435,456 (256 MiB).</value>
    public int MaxBytesInspected { get; set; } = DefaultMaxBytesInspected;

    /// <summary>What happens to a body larger than <see cref="MaxBytesInspected"/>.</summary>
    /// <value>Default: <see cref="InspectionOversizeAction.InspectPrefix"/>.</value>
    public InspectionOversizeAction OversizeAction { get; set; } = InspectionOversizeAction.InspectPrefix;

    /// <summary>The deepest JSON nesting accepted; deeper bodies are malformed (400 in Enforce).</summary>
    /// <value>Default: 64. Allowed: 1 to 256.</value>
    public int MaxJsonDepth { get; set; } = 64;

    /// <summary>The most findings kept (and published as events) per request; the score still counts every finding.</summary>
    /// <value>Default: 16. Allowed: 1 to 256.</value>
    public int MaxFindingsPerRequest { get; set; } = 16;

    /// <summary>
    /// Exclusions and field-type declarations, applied to every endpoint they match (in addition to those declared on
    /// endpoints with <c>WithInspectionExclusion</c> / <c>[InspectionExclusion]</c>).
    /// </summary>
    /// <value>Default: empty.</value>
    public List<InspectionExclusion> Exclusions { get; set; } = [];
}
