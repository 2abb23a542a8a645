using ApiGuard.Monitoring;
using Microsoft.Extensions.Logging;

namespace ApiGuard.Posture;

/// <summary>Log messages of the posture capability (event ids 8000–8999).</summary>
internal static partial class PostureLog
{
    [LoggerMessage(ApiGuardEventIds.PostureBase + 0, LogLevel.Warning,
        "ApiGuard audit {FindingId} ({Severity}) {Title}: {Endpoint}. Fix: {Fix}", EventName = "AuditFinding")]
    public static partial void AuditFinding(ILogger logger, string findingId, SecuritySeverity severity, string title, string endpoint, string fix);

    [LoggerMessage(ApiGuardEventIds.PostureBase + 1, LogLevel.Information,
        "ApiGuard audit checked {Endpoints} endpoints: {Findings} findings, {Suppressed} suppressed, pipeline inspected: {PipelineInspected}.", EventName = "AuditCompleted")]
    public static partial void AuditCompleted(ILogger logger, int endpoints, int findings, int suppressed, bool pipelineInspected);

    [LoggerMessage(ApiGuardEventIds.PostureBase + 2, LogLevel.Error, "ApiGuard audit failed.", EventName = "AuditFailed")]
    public static partial void AuditFailed(ILogger logger, Exception exception);

    [LoggerMessage(ApiGuardEventIds.PostureBase + 3, LogLevel.Debug,
        "ApiGuard audit could not inspect the middleware pipeline (no built pipeline was captured); pipeline checks were skipped.", EventName = "PipelineNotInspected")]
    public static partial void PipelineNotInspected(ILogger logger);

    [LoggerMessage(ApiGuardEventIds.PostureBase + 100, LogLevel.Debug,
        "ApiGuard response leak scan of {Bytes} bytes found {Matches} matches.", EventName = "LeakScan")]
    public static partial void LeakScan(ILogger logger, int bytes, int matches);

    [LoggerMessage(ApiGuardEventIds.PostureBase + 101, LogLevel.Warning,
        "ApiGuard withheld a {StatusCode} response that leaked {Kind}; a 500 problem was sent instead.", EventName = "ResponseWithheld")]
    public static partial void ResponseWithheld(ILogger logger, int statusCode, string kind);

    [LoggerMessage(ApiGuardEventIds.PostureBase + 102, LogLevel.Debug,
        "ApiGuard could not withhold a leaking response because it had already started; it was redacted instead.", EventName = "WithholdTooLate")]
    public static partial void WithholdTooLate(ILogger logger);

    [LoggerMessage(ApiGuardEventIds.PostureBase + 200, LogLevel.Warning,
        "ApiGuard outbound guard blocked a request from client '{ClientName}' to host '{Host}': {Reason}.", EventName = "OutboundBlocked")]
    public static partial void OutboundBlocked(ILogger logger, string clientName, string host, string reason);

    [LoggerMessage(ApiGuardEventIds.PostureBase + 201, LogLevel.Error,
        "ApiGuard outbound guard of client '{ClientName}' refuses to send: {Problem}. The primary handler was replaced after AddApiGuardOutboundGuard(), so the connect-time address check would not run.", EventName = "OutboundPrimaryHandlerReplaced")]
    public static partial void OutboundPrimaryHandlerReplaced(ILogger logger, string clientName, string problem);

    [LoggerMessage(ApiGuardEventIds.PostureBase + 300, LogLevel.Information,
        "ApiGuard route inventory: the table of unmatched path shapes is full ({Capacity}); further shapes are counted as overflow.", EventName = "InventoryFull")]
    public static partial void InventoryFull(ILogger logger, int capacity);
}
