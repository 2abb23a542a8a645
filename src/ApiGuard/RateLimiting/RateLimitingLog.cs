using Microsoft.Extensions.Logging;

namespace ApiGuard.RateLimiting;

/// <summary>Rate-limiting log messages (EventIds 5000–5999).</summary>
internal static partial class RateLimitingLog
{
    [LoggerMessage(5001, LogLevel.Debug, "Request rate limited by policy '{Policy}' (limit '{Limit}'); retry after {RetryAfterSeconds} s.", EventName = "RateLimited")]
    public static partial void RateLimited(ILogger logger, string policy, string limit, int retryAfterSeconds);

    [LoggerMessage(5002, LogLevel.Warning, "The rate-limit store failed ({ErrorType}); policy '{Policy}' decides with {FailureMode}.", EventName = "StoreUnavailable")]
    public static partial void StoreUnavailable(ILogger logger, string errorType, string policy, RateLimitFailureMode failureMode);

    [LoggerMessage(5003, LogLevel.Warning, "The rate-limit store circuit breaker opened after {Failures} consecutive failures; decisions skip the store for {BreakDuration}.", EventName = "CircuitOpened")]
    public static partial void CircuitOpened(ILogger logger, int failures, TimeSpan breakDuration);

    [LoggerMessage(5004, LogLevel.Information, "The rate-limit store answered again; circuit breaker closed.", EventName = "CircuitClosed")]
    public static partial void CircuitClosed(ILogger logger);

    [LoggerMessage(5005, LogLevel.Warning, "Endpoint '{Endpoint}' names rate-limit policy '{Policy}', which is not configured; the request is not rate limited.", EventName = "UnknownPolicy")]
    public static partial void UnknownPolicy(ILogger logger, string endpoint, string policy);

    [LoggerMessage(5006, LogLevel.Debug, "The rate-limit script was not cached on the Redis server; it was loaded again.", EventName = "ScriptReloaded")]
    public static partial void ScriptReloaded(ILogger logger);

    [LoggerMessage(5007, LogLevel.Warning, "The rate-limit store could not return concurrency permits ({ErrorType}); they expire with the lease timeout.", EventName = "ReleaseFailed")]
    public static partial void ReleaseFailed(ILogger logger, string errorType);
}
