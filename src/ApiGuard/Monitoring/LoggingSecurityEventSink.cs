using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ApiGuard.Monitoring;

/// <summary>Writes security events to <see cref="ILogger"/> with stable EventIds (category <c>ApiGuard.SecurityEvents</c>).</summary>
internal sealed partial class LoggingSecurityEventSink : ISecurityEventSink
{
    private readonly ILogger _logger;
    private readonly SecuritySeverity _minimum;

    public LoggingSecurityEventSink(ILoggerFactory loggerFactory, IOptions<ApiGuardOptions> options)
    {
        _logger = loggerFactory.CreateLogger("ApiGuard.SecurityEvents");
        _minimum = options.Value.Events.MinimumLogSeverity;
    }

    public ValueTask WriteAsync(IReadOnlyList<SecurityEvent> events, CancellationToken cancellationToken)
    {
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            if (e.Severity < _minimum)
            {
                continue;
            }

            switch (e.Severity)
            {
                case >= SecuritySeverity.High:
                    LogHigh(_logger, e.Capability, e.Kind, e.Action, e.Severity, e.ClientId, e.Method, e.Route, e.RuleId, e.Location, e.Reason, e.TraceId);
                    break;
                case SecuritySeverity.Medium:
                    LogMedium(_logger, e.Capability, e.Kind, e.Action, e.Severity, e.ClientId, e.Method, e.Route, e.RuleId, e.Location, e.Reason, e.TraceId);
                    break;
                default:
                    LogLow(_logger, e.Capability, e.Kind, e.Action, e.Severity, e.ClientId, e.Method, e.Route, e.RuleId, e.Location, e.Reason, e.TraceId);
                    break;
            }
        }

        return ValueTask.CompletedTask;
    }

    private const string Template =
        "ApiGuard {Capability} {Kind}: {Action} ({Severity}) client={ClientId} {Method} {Route} rule={RuleId} at={Location} reason={Reason} trace={TraceId}";

    [LoggerMessage(ApiGuardEventIds.SecurityEventLow, LogLevel.Information, Template, EventName = "SecurityEvent")]
    private static partial void LogLow(ILogger logger, string capability, string kind, SecurityAction action, SecuritySeverity severity, string? clientId, string? method, string? route, string? ruleId, string? location, string? reason, string? traceId);

    [LoggerMessage(ApiGuardEventIds.SecurityEventMedium, LogLevel.Warning, Template, EventName = "SecurityEventMedium")]
    private static partial void LogMedium(ILogger logger, string capability, string kind, SecurityAction action, SecuritySeverity severity, string? clientId, string? method, string? route, string? ruleId, string? location, string? reason, string? traceId);

    [LoggerMessage(ApiGuardEventIds.SecurityEventHigh, LogLevel.Error, Template, EventName = "SecurityEventHigh")]
    private static partial void LogHigh(ILogger logger, string capability, string kind, SecurityAction action, SecuritySeverity severity, string? clientId, string? method, string? route, string? ruleId, string? location, string? reason, string? traceId);
}
