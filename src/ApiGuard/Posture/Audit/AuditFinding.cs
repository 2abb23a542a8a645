using ApiGuard.Monitoring;

namespace ApiGuard.Posture.Audit;

/// <summary>One finding of the startup endpoint audit.</summary>
/// <param name="Id">The stable finding id (see <see cref="AuditFindingIds"/>), for example <c>APIG-POSTURE-002</c>.</param>
/// <param name="Severity">How serious it is.</param>
/// <param name="Title">What is wrong, in one line.</param>
/// <param name="RoutePattern">The endpoint's route pattern, or <see langword="null"/> for an application-wide finding.</param>
/// <param name="DisplayName">The endpoint's display name, or <see langword="null"/>.</param>
/// <param name="Fix">How to fix it, in one line.</param>
public sealed record AuditFinding(string Id, SecuritySeverity Severity, string Title, string? RoutePattern, string? DisplayName, string Fix)
{
    /// <summary>The key an allow-list or <c>SuppressedFindings</c> entry matches: <c>id</c> or <c>id@route</c>.</summary>
    public string Key => RoutePattern is null ? Id : Id + "@" + RoutePattern;

    /// <summary>Whether an allow-list entry (<c>id</c> or <c>id@route</c>, case-insensitive) accepts this finding.</summary>
    public bool IsMatchedBy(string entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var at = entry.IndexOf('@', StringComparison.Ordinal);
        if (at < 0)
        {
            return string.Equals(entry.Trim(), Id, StringComparison.OrdinalIgnoreCase);
        }

        return string.Equals(entry[..at].Trim(), Id, StringComparison.OrdinalIgnoreCase)
            && string.Equals(entry[(at + 1)..].Trim(), RoutePattern, StringComparison.OrdinalIgnoreCase);
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"{Id} ({Severity}) {Title}: {(RoutePattern is null ? "(application)" : RoutePattern + " [" + DisplayName + "]")}. Fix: {Fix}";
}

/// <summary>The result of the startup endpoint audit.</summary>
public sealed class EndpointAuditResult
{
    /// <summary>Creates a result.</summary>
    public EndpointAuditResult(IReadOnlyList<AuditFinding> findings, IReadOnlyList<AuditFinding> suppressed, int endpointsChecked, bool pipelineInspected, DateTimeOffset completedAt)
    {
        Findings = findings;
        Suppressed = suppressed;
        EndpointsChecked = endpointsChecked;
        PipelineInspected = pipelineInspected;
        CompletedAt = completedAt;
    }

    /// <summary>The findings that are not suppressed, most severe first.</summary>
    public IReadOnlyList<AuditFinding> Findings { get; }

    /// <summary>The findings that <c>ApiGuard:Posture:Audit:SuppressedFindings</c> accepted.</summary>
    public IReadOnlyList<AuditFinding> Suppressed { get; }

    /// <summary>How many route endpoints were checked.</summary>
    public int EndpointsChecked { get; }

    /// <summary>Whether the built middleware pipeline was inspected (developer exception page, HTTPS redirection, HSTS).</summary>
    public bool PipelineInspected { get; }

    /// <summary>When the audit ran.</summary>
    public DateTimeOffset CompletedAt { get; }
}

/// <summary>The queryable report of the startup endpoint audit.</summary>
public interface IEndpointAuditReport
{
    /// <summary>The audit result; runs the audit first if it has not run yet (for example before the host started).</summary>
    EndpointAuditResult GetResult();
}

/// <summary>The stable ids of the audit's findings.</summary>
public static class AuditFindingIds
{
    /// <summary>An endpoint has no authorization metadata, no explicit <c>AllowAnonymous</c>, and there is no fallback policy.</summary>
    public const string NoAuthorizationMetadata = "APIG-POSTURE-001";

    /// <summary>An anonymous endpoint accepts POST, PUT, PATCH or DELETE.</summary>
    public const string AnonymousWrite = "APIG-POSTURE-002";

    /// <summary>A login-like endpoint has no brute-force or rate-limit protection.</summary>
    public const string LoginWithoutThrottling = "APIG-POSTURE-003";

    /// <summary>A route with an object id parameter (<c>{id}</c>, <c>{orderId}</c>) is reachable anonymously.</summary>
    public const string AnonymousObjectRoute = "APIG-POSTURE-004";

    /// <summary>The developer exception page is in the pipeline outside Development.</summary>
    public const string DeveloperExceptionPage = "APIG-POSTURE-005";

    /// <summary>Detailed errors are switched on outside Development.</summary>
    public const string DetailedErrors = "APIG-POSTURE-006";

    /// <summary>A CORS policy allows any origin together with credentials.</summary>
    public const string CorsAnyOriginWithCredentials = "APIG-POSTURE-007";

    /// <summary>Neither HTTPS redirection nor HSTS (or one of them) is in the pipeline outside Development.</summary>
    public const string NoHttps = "APIG-POSTURE-008";

    /// <summary>ApiGuard runs in DetectOnly mode in Production.</summary>
    public const string DetectOnlyInProduction = "APIG-POSTURE-009";

    /// <summary>Kestrel sends its <c>Server</c> header outside Development.</summary>
    public const string ServerHeader = "APIG-POSTURE-010";
}
