using ApiGuard.BruteForce;
using ApiGuard.Identity;
using ApiGuard.Monitoring;
using ApiGuard.Problems;
using ApiGuard.Replay;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ApiGuard.Authentication.Otp;

/// <summary>
/// Step-up: on endpoints marked <c>.RequireOtp()</c>, the authenticated principal must present a valid, unused one-time password.
/// Runs at <see cref="DependencyInjection.ApiGuardStage.StepUp"/>, after <c>UseAuthentication()</c>.
/// When the endpoint names its own authentication schemes, they are authenticated here first (results are cached per request).
/// With brute-force protection registered, a principal (on its address) that failed too often is refused with 429 and
/// <c>Retry-After</c> before its code is checked, and a valid code clears its failures.
/// </summary>
internal sealed partial class OtpMiddleware
{
    private readonly RequestDelegate _next;
    private readonly ILogger<OtpMiddleware> _logger;
    private readonly IOptionsMonitor<OtpOptions> _options;
    private readonly OtpMetrics _metrics;
    private readonly ApiGuardModeResolver _modes;
    private readonly IOtpVerifier _verifier;
    private readonly IClientIdentityResolver _identities;
    private readonly ISecurityEventPublisher _events;
    private readonly IBruteForceGuard? _bruteForce;

    public OtpMiddleware(
        RequestDelegate next,
        ILogger<OtpMiddleware> logger,
        IOptionsMonitor<OtpOptions> options,
        OtpMetrics metrics,
        ApiGuardModeResolver modes,
        IOtpVerifier verifier,
        IClientIdentityResolver identities,
        ISecurityEventPublisher events,
        IServiceProvider services)
    {
        _next = next;
        _logger = logger;
        _options = options;
        _metrics = metrics;
        _modes = modes;
        _verifier = verifier;
        _identities = identities;
        _events = events;
        _bruteForce = services.GetService<IBruteForceGuard>();
    }

    public Task Invoke(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        if (endpoint?.Metadata.GetMetadata<IRequireOtpMetadata>() is null || _modes.IsDisabled(context, ApiGuardCapabilities.Otp))
        {
            return _next(context);
        }

        return InvokeInternal(context, endpoint);
    }

    private async Task InvokeInternal(HttpContext context, Endpoint endpoint)
    {
        var options = _options.CurrentValue;
        var canChallenge = false;
        if (context.User.Identity?.IsAuthenticated != true)
        {
            canChallenge = await AuthenticateForEndpointAsync(context, endpoint).ConfigureAwait(false);
        }

        var mode = _modes.Resolve(context, ApiGuardCapabilities.Otp, options.Mode);
        if (context.User.Identity?.IsAuthenticated != true)
        {
            if (canChallenge)
            {
                // Authorization challenges with the endpoint's own scheme first; the OTP is asked for once the principal is known.
                await _next(context).ConfigureAwait(false);
                return;
            }

            await FailAsync(context, options, mode, "otp-unauthenticated", "no authenticated principal", missing: true).ConfigureAwait(false);
            if (mode == ApiGuardMode.DetectOnly)
            {
                await _next(context).ConfigureAwait(false);
            }

            return;
        }

        var code = context.Request.Headers[options.HeaderName];
        if (code.Count == 0 || string.IsNullOrWhiteSpace(code[0]))
        {
            _metrics.Verified("missing");
            await FailAsync(context, options, mode, "otp-missing", "no one-time password", missing: true).ConfigureAwait(false);
            if (mode == ApiGuardMode.DetectOnly)
            {
                await _next(context).ConfigureAwait(false);
            }

            return;
        }

        var subject = options.SubjectSelector is { } selector ? selector(context)
            : options.SubjectClaimType is { } claimType ? context.User.FindFirst(claimType)?.Value
            : GetSubject(context);

        // Failed codes are counted by brute-force protection (it observes the authentication.failed events below, keyed by the
        // principal's client id and the address); refuse here, before the code is checked or consumed, while it imposes a wait.
        var account = _bruteForce is null ? null : BruteForceGuard.AccountOf(_identities.Resolve(context).Id);
        if (_bruteForce is not null)
        {
            var decision = await _bruteForce.CheckAsync(context, account, context.RequestAborted).ConfigureAwait(false);
            if (!decision.IsAllowed)
            {
                _metrics.Verified("throttled");
                Log.Throttled(_logger, (long)Math.Ceiling(decision.RetryAfter.TotalSeconds));
                await _bruteForce.WriteRejectionAsync(context, decision).ConfigureAwait(false);
                return;
            }
        }

        OtpVerificationResult result;
        try
        {
            result = subject is null || code.Count != 1
                ? OtpVerificationResult.Invalid
                : await _verifier.VerifyAsync(subject, code[0]!.Trim(), context.RequestAborted).ConfigureAwait(false);
        }
        catch (ApiGuardStoreUnavailableException ex)
        {
            _metrics.Verified("unavailable");
            Log.StoreUnavailable(_logger, ex);
            context.Response.Headers.RetryAfter = "1";
            await ApiGuardProblemWriter.WriteAsync(context, new ApiGuardProblem(
                ApiGuardProblemTypes.ServiceUnavailable, StatusCodes.Status503ServiceUnavailable, "Service unavailable",
                "The one-time password could not be checked right now. Retry shortly.")).ConfigureAwait(false);
            return;
        }

        if (result == OtpVerificationResult.Valid)
        {
            _metrics.Verified("valid");
            Log.Verified(_logger, context.Request.Path);
            _events.Publish(new SecurityEvent
            {
                Capability = ApiGuardCapabilities.Otp,
                Kind = "authentication.succeeded",
                Severity = SecuritySeverity.Info,
                Action = SecurityAction.Allowed,
                RuleId = "otp-valid",
            }, context);
            if (_bruteForce is not null && account is not null)
            {
                await _bruteForce.RecordSuccessAsync(context, account, context.RequestAborted).ConfigureAwait(false);
            }

            await _next(context).ConfigureAwait(false);
            return;
        }

        var replayed = result == OtpVerificationResult.Replayed;
        _metrics.Verified(replayed ? "replayed" : "invalid");
        await FailAsync(context, options, mode, replayed ? "otp-replayed" : "otp-invalid", replayed ? "code already used" : "code not accepted", missing: false).ConfigureAwait(false);
        if (mode == ApiGuardMode.DetectOnly)
        {
            await _next(context).ConfigureAwait(false);
        }
    }

    private string? GetSubject(HttpContext context)
    {
        var identity = _identities.Resolve(context);
        if (!identity.IsAuthenticated)
        {
            return null;
        }

        const string prefix = "principal:";
        return identity.Id.StartsWith(prefix, StringComparison.Ordinal) ? identity.Id[prefix.Length..] : identity.Id;
    }

    /// <summary>
    /// Authenticates the endpoint's own schemes, as the authorization middleware would (handlers cache the result).
    /// Returns whether authorization will be able to challenge an anonymous caller (the endpoint requires authorization and a challenge scheme exists).
    /// </summary>
    private static async Task<bool> AuthenticateForEndpointAsync(HttpContext context, Endpoint endpoint)
    {
        var authorizeData = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>();
        var policies = endpoint.Metadata.GetOrderedMetadata<AuthorizationPolicy>();
        if ((authorizeData.Count == 0 && policies.Count == 0) || endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null)
        {
            return false;
        }

        var provider = context.RequestServices.GetService<IAuthorizationPolicyProvider>();
        var evaluator = context.RequestServices.GetService<IPolicyEvaluator>();
        if (provider is null || evaluator is null)
        {
            return false;
        }

        var policy = await AuthorizationPolicy.CombineAsync(provider, authorizeData, policies).ConfigureAwait(false);
        if (policy is null)
        {
            return false;
        }

        if (policy.AuthenticationSchemes.Count > 0)
        {
            await evaluator.AuthenticateAsync(policy, context).ConfigureAwait(false);
            return true;
        }

        var schemes = context.RequestServices.GetService<IAuthenticationSchemeProvider>();
        return schemes is not null && await schemes.GetDefaultChallengeSchemeAsync().ConfigureAwait(false) is not null;
    }

    private async Task FailAsync(HttpContext context, OtpOptions options, ApiGuardMode mode, string ruleId, string reason, bool missing)
    {
        var detectOnly = mode == ApiGuardMode.DetectOnly;
        Log.Rejected(_logger, ruleId, detectOnly);
        _events.Publish(new SecurityEvent
        {
            Capability = ApiGuardCapabilities.Otp,
            Kind = "authentication.failed",
            Severity = missing ? SecuritySeverity.Low : SecuritySeverity.Medium,
            Action = detectOnly ? SecurityAction.WouldBlock : missing ? SecurityAction.Challenged : SecurityAction.Blocked,
            RuleId = ruleId,
            Reason = reason,
        }, context);
        if (detectOnly)
        {
            return;
        }

        // The same answer whether the code was wrong, used, or the subject has no secret at all.
        var error = missing ? "otp_required" : "invalid_otp";
        context.Response.Headers.WWWAuthenticate =
            $"{OtpDefaults.ChallengeScheme} realm=\"ApiGuard\", header=\"{options.HeaderName}\", error=\"{error}\", error_description=\"A one-time password is required\"";
        await ApiGuardProblemWriter.WriteAsync(context, new ApiGuardProblem(
            ApiGuardProblemTypes.OtpRequired,
            StatusCodes.Status401Unauthorized,
            "One-time password required",
            missing
                ? $"This operation requires a one-time password in the {options.HeaderName} header."
                : "The one-time password was not accepted. Send a current code that has not been used before.")).ConfigureAwait(false);
    }

    private static partial class Log
    {
        [LoggerMessage(ApiGuardEventIds.OtpBase + 1, LogLevel.Debug, "One-time password accepted for {Path}.", EventName = "OtpVerified")]
        public static partial void Verified(ILogger logger, PathString path);

        [LoggerMessage(ApiGuardEventIds.OtpBase + 2, LogLevel.Information, "One-time password step-up failed ({RuleId}); detect-only: {DetectOnly}.", EventName = "OtpRejected")]
        public static partial void Rejected(ILogger logger, string ruleId, bool detectOnly);

        [LoggerMessage(ApiGuardEventIds.OtpBase + 3, LogLevel.Warning, "The OTP secret or replay store is unavailable; the request was refused with 503.", EventName = "OtpStoreUnavailable")]
        public static partial void StoreUnavailable(ILogger logger, Exception exception);

        [LoggerMessage(ApiGuardEventIds.OtpBase + 4, LogLevel.Information, "One-time password step-up refused by brute-force protection (retry after {RetryAfterSeconds} s).", EventName = "OtpThrottled")]
        public static partial void Throttled(ILogger logger, long retryAfterSeconds);
    }
}
