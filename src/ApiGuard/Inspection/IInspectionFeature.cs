namespace ApiGuard.Inspection;

/// <summary>Which part of a field a finding is in.</summary>
public enum InspectionValuePart
{
    /// <summary>The field's value.</summary>
    Value = 0,

    /// <summary>The field's name (a query name, a JSON property name, a form field name).</summary>
    Name = 1,

    /// <summary>The file name of a multipart file field.</summary>
    FileName = 2,
}

/// <summary>What the inspection middleware decided for a request.</summary>
public enum InspectionOutcome
{
    /// <summary>The request was inspected and passed (no findings, or a score below the threshold).</summary>
    Passed = 0,

    /// <summary>The request was blocked: 403 for injection, 400 for a malformed body, 413 for an oversize body.</summary>
    Blocked = 1,

    /// <summary>DetectOnly: the request would have been blocked, and was allowed.</summary>
    WouldBlock = 2,
}

/// <summary>What happened to the request body.</summary>
public enum InspectionBodyStatus
{
    /// <summary>No body, a content type that is not inspected, or body inspection switched off.</summary>
    NotInspected = 0,

    /// <summary>The whole body was inspected.</summary>
    Inspected = 1,

    /// <summary>The body was larger than the limit and its prefix was inspected.</summary>
    PrefixInspected = 2,

    /// <summary>The body was larger than the limit and was not inspected.</summary>
    Skipped = 3,

    /// <summary>The body was larger than the limit and the request was rejected (413), or would have been.</summary>
    TooLarge = 4,

    /// <summary>The body was malformed (invalid JSON, invalid UTF-8, broken multipart).</summary>
    Malformed = 5,
}

/// <summary>One explained finding: which rule matched where, after which decodings, with a short masked excerpt.</summary>
public sealed record InspectionFindingDetail
{
    /// <summary>The rule id.</summary>
    public required int RuleId { get; init; }

    /// <summary>The injection family.</summary>
    public required InspectionCategory Category { get; init; }

    /// <summary>The anomaly score the finding adds.</summary>
    public required int Score { get; init; }

    /// <summary>The lowest paranoia level at which the rule is active.</summary>
    public int ParanoiaLevel { get; init; }

    /// <summary>Where: <c>query:q</c>, <c>json:$.user.name</c>, <c>header:X-Foo</c>, <c>path:2</c>, <c>form:name</c>, <c>body:xml</c>.</summary>
    public required string Location { get; init; }

    /// <summary>Whether the match is in the field's name or value.</summary>
    public InspectionValuePart Part { get; init; }

    /// <summary>The decoding layers applied before the match.</summary>
    public DecodingLayers Layers { get; init; }

    /// <summary>A short excerpt of the matched region (at most 48 characters), with secret-looking tokens masked; never the full payload.</summary>
    public required string Excerpt { get; init; }
}

/// <summary>
/// The payload inspector's verdict on the current request, available as <c>HttpContext.Features.Get&lt;IInspectionFeature&gt;()</c>
/// (or <c>context.GetInspectionResult()</c>) once the inspection middleware has run.
/// </summary>
public interface IInspectionFeature
{
    /// <summary>The mode inspection ran in for this request.</summary>
    ApiGuardMode Mode { get; }

    /// <summary>The request's anomaly score: the sum of every finding's score (after exclusions).</summary>
    int Score { get; }

    /// <summary>The score at which the request is blocked.</summary>
    int Threshold { get; }

    /// <summary>What was decided.</summary>
    InspectionOutcome Outcome { get; }

    /// <summary>What happened to the body.</summary>
    InspectionBodyStatus BodyStatus { get; }

    /// <summary>The number of value bytes (or characters) handed to the inspector.</summary>
    long BytesInspected { get; }

    /// <summary>The findings, up to <see cref="PayloadInspectionOptions.MaxFindingsPerRequest"/>.</summary>
    IReadOnlyList<InspectionFindingDetail> Findings { get; }
}
