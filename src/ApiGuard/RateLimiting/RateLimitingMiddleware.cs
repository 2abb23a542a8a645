using System.Globalization;
using ApiGuard.Identity;
using ApiGuard.Monitoring;
using ApiGuard.Problems;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ApiGuard.RateLimiting;

/// <summary>
/// ApiGuard's rate-limiting stage: decides the request's policy, answers 429 (problem+json, <c>Retry-After</c>, <c>RateLimit</c>,
/// <c>RateLimit-Policy</c>) when a limit is exceeded, 503 when a <see cref="RateLimitFailureMode.FailClosed"/> policy's store is down.
/// In DetectOnly mode nothing is rejected and each would-be rejection is published as <see cref="SecurityAction.WouldBlock"/>.
/// </summary>
internal sealed partial class RateLimitingMiddleware
{
    private readonly RequestDelegate _next;
    private readonly ILogger<RateLimitingMiddleware> _logger;
    private readonly RateLimitingOptions _options;
    private readonly ApiGuardPartitionedRateLimiter _limiter;
    private readonly ApiGuardModeResolver _modes;
    private readonly ISecurityEventPublisher _events;
    private readonly IClientIdentityResolver _identity;
    private readonly RateLimitingMetrics _metrics;

    public RateLimitingMiddleware(RequestDelegate next, ILogger<RateLimitingMiddleware> logger, IOptions<RateLimitingOptions> options,
        RateLimitingMetrics metrics, ApiGuardPartitionedRateLimiter limiter, ApiGuardModeResolver modes, ISecurityEventPublisher events,
        IClientIdentityResolver identity)
    {
        _next = next;
        _logger = logger;
        _options = options.Value;
        _metrics = metrics;
        _limiter = limiter;
        _modes = modes;
        _events = events;
        _identity = identity;
    }

    public Task Invoke(HttpContext context)
    {
        if (_modes.IsDisabled(context, ApiGuardCapabilities.RateLimiting) || !_limiter.TrySelect(context, out var limiter, out var cost))
        {
            return _next(context);
        }

        return InvokeInternal(context, limiter, cost);
    }

    private async Task InvokeInternal(HttpContext context, ApiGuardRateLimiter limiter, int cost)
    {
        var decision = await limiter.DecideAsync(cost, context.RequestAborted).ConfigureAwait(false);
        var policy = limiter.Policy;
        if (decision.Allowed)
        {
            _metrics.Request(policy.Name, "allowed");
            if (_options.HeadersOnSuccess && decision.Source != RateLimitDecisionSource.FailOpen)
            {
                WriteHeaders(context.Response.Headers, policy, decision, _options.LegacyHeaders);
            }

            if (!policy.HasConcurrency || decision.Source == RateLimitDecisionSource.FailOpen)
            {
                await _next(context).ConfigureAwait(false);
                return;
            }

            try
            {
                await _next(context).ConfigureAwait(false);
            }
            finally
            {
                limiter.Release(cost, decision);
            }

            return;
        }

        var mode = _modes.Resolve(context, ApiGuardCapabilities.RateLimiting, _options.Mode);
        var failClosed = decision.Source == RateLimitDecisionSource.FailClosed;
        var limit = policy.Limits[Math.Clamp(decision.LimitIndex, 0, policy.Limits.Length - 1)];
        var retrySeconds = failClosed ? 1 : Math.Max(1, RateLimitLeases.ToSeconds(decision.RetryAfterMs));
        _events.Publish(new SecurityEvent
        {
            Capability = ApiGuardCapabilities.RateLimiting,
            Kind = failClosed ? "ratelimit.unavailable" : RateLimitingDefaults.ExceededEventKind,
            Severity = SecuritySeverity.Low,
            Action = mode == ApiGuardMode.DetectOnly ? SecurityAction.WouldBlock : SecurityAction.Throttled,
            ClientId = _identity.Resolve(context).Id,
            RuleId = policy.Name,
            Reason = failClosed
                ? "The rate-limit store is unavailable and the policy fails closed."
                : $"Limit '{limit.Name}' ({limit.Limit} per {limit.WindowSeconds} s) exceeded.",
            Properties = new Dictionary<string, string>
            {
                ["limit"] = limit.Name,
                ["retryAfterSeconds"] = retrySeconds.ToString(CultureInfo.InvariantCulture),
                ["source"] = decision.Source.ToString(),
            },
        }, context);

        if (mode == ApiGuardMode.DetectOnly)
        {
            _metrics.Request(policy.Name, "would_block");
            if (_options.HeadersOnSuccess && !failClosed)
            {
                WriteHeaders(context.Response.Headers, policy, decision, _options.LegacyHeaders);
            }

            await _next(context).ConfigureAwait(false);
            return;
        }

        _metrics.Request(policy.Name, failClosed ? "unavailable" : "throttled");
        RateLimitingLog.RateLimited(_logger, policy.Name, limit.Name, retrySeconds);
        var headers = context.Response.Headers;
        headers.RetryAfter = retrySeconds.ToString(CultureInfo.InvariantCulture);
        if (failClosed)
        {
            await ApiGuardProblemWriter.WriteAsync(context, new ApiGuardProblem(ApiGuardProblemTypes.ServiceUnavailable, StatusCodes.Status503ServiceUnavailable,
                "Service unavailable", "The request cannot be rate limited right now; retry later.")).ConfigureAwait(false);
            return;
        }

        WriteHeaders(headers, policy, decision, _options.LegacyHeaders);
        await WriteRejectionAsync(context, retrySeconds).ConfigureAwait(false);
    }

    /// <summary>Writes the 429 problem response.</summary>
    internal static Task WriteRejectionAsync(HttpContext context, int retrySeconds) =>
        ApiGuardProblemWriter.WriteAsync(context, new ApiGuardProblem(ApiGuardProblemTypes.RateLimited, StatusCodes.Status429TooManyRequests,
            "Too many requests", "The rate limit was exceeded; retry after the time in the Retry-After header.")
        {
            Extensions = [new("retryAfter", retrySeconds.ToString(CultureInfo.InvariantCulture))],
        });

    /// <summary>
    /// Writes <c>RateLimit-Policy</c> (every limit of the policy) and <c>RateLimit</c> (the limit closest to rejecting the request),
    /// as in draft-ietf-httpapi-ratelimit-headers: <c>RateLimit-Policy: "default";q=10;w=10</c>, <c>RateLimit: "default";r=0;t=7</c>.
    /// </summary>
    internal static void WriteHeaders(IHeaderDictionary headers, CompiledRateLimitPolicy policy, in RateLimitDecision decision, bool legacy)
    {
        var limit = policy.Limits[Math.Clamp(decision.LimitIndex, 0, policy.Limits.Length - 1)];
        var remaining = Math.Max(0, decision.Remaining);
        var t = decision.Allowed ? RateLimitLeases.ToSeconds(decision.ResetMs) : Math.Max(1, RateLimitLeases.ToSeconds(decision.RetryAfterMs));
        headers[RateLimitingDefaults.PolicyHeader] = policy.PolicyHeader;
        headers[RateLimitingDefaults.RateLimitHeader] = string.Create(CultureInfo.InvariantCulture, $"\"{limit.Name}\";r={remaining};t={t}");
        if (legacy)
        {
            headers[RateLimitingDefaults.LegacyLimitHeader] = limit.Limit.ToString(CultureInfo.InvariantCulture);
            headers[RateLimitingDefaults.LegacyRemainingHeader] = remaining.ToString(CultureInfo.InvariantCulture);
            headers[RateLimitingDefaults.LegacyResetHeader] = t.ToString(CultureInfo.InvariantCulture);
        }
    }
}

/// <summary>Constants of ApiGuard rate limiting.</summary>
public static class RateLimitingDefaults
{
    /// <summary>The <c>RateLimit-Policy</c> response field (draft-ietf-httpapi-ratelimit-headers).</summary>
    public const string PolicyHeader = "RateLimit-Policy";

    /// <summary>The <c>RateLimit</c> response field (draft-ietf-httpapi-ratelimit-headers).</summary>
    public const string RateLimitHeader = "RateLimit";

    /// <summary>Legacy <c>X-RateLimit-Limit</c>.</summary>
    public const string LegacyLimitHeader = "X-RateLimit-Limit";

    /// <summary>Legacy <c>X-RateLimit-Remaining</c>.</summary>
    public const string LegacyRemainingHeader = "X-RateLimit-Remaining";

    /// <summary>Legacy <c>X-RateLimit-Reset</c> (seconds until reset).</summary>
    public const string LegacyResetHeader = "X-RateLimit-Reset";

    /// <summary>The event kind of a rejection: <c>ratelimit.exceeded</c>.</summary>
    public const string ExceededEventKind = "ratelimit.exceeded";
}
