using System.Globalization;
using ApiGuard.Authentication.Otp;
using ApiGuard.Identity;
using ApiGuard.Problems;
using ApiGuard.RateLimiting;
using ApiGuard.Replay;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ApiGuard.Bots;

/// <summary>
/// Stage <c>Bans</c>: before the request, refuses banned (403 with <c>Retry-After</c>) and challenged (401 with
/// <c>WWW-Authenticate</c>) clients and marks throttled ones (<see cref="IBotDecisionFeature"/>); after it, records the
/// response in the client's behaviour profile and reports any change of action. A challenged authenticated principal gets
/// through with a verified credential, or, when OTP step-up is registered (<c>AddOtp()</c>), with a valid one-time password in
/// its header, which lifts the challenge.
/// </summary>
internal sealed class BotDetectionMiddleware
{
    private readonly RequestDelegate _next;
    private readonly ILogger _logger;
    private readonly BotDetectionOptions _options;
    private readonly BehaviourProfileTable _table;
    private readonly BotClientClassifier _classifier;
    private readonly IClientIdentityResolver _identity;
    private readonly ApiGuardModeResolver _modes;
    private readonly IBanList _bans;
    private readonly BotDecisionReporter _reporter;
    private readonly BotMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly string[] _objectIdParameters;
    private readonly IOtpVerifier? _otp;
    private readonly IOptionsMonitor<OtpOptions>? _otpOptions;

    public BotDetectionMiddleware(
        RequestDelegate next,
        ILogger<BotDetectionMiddleware> logger,
        IOptions<BotDetectionOptions> options,
        BotMetrics metrics,
        BehaviourProfileTable table,
        BotClientClassifier classifier,
        IClientIdentityResolver identity,
        ApiGuardModeResolver modes,
        IBanList bans,
        BotDecisionReporter reporter,
        TimeProvider time,
        IServiceProvider services)
    {
        _next = next;
        _logger = logger;
        _options = options.Value;
        _metrics = metrics;
        _table = table;
        _classifier = classifier;
        _identity = identity;
        _modes = modes;
        _bans = bans;
        _reporter = reporter;
        _time = time;
        _objectIdParameters = table.ObjectIdParameters;
        _otp = services.GetService<IOtpVerifier>();
        _otpOptions = _otp is null ? null : services.GetService<IOptionsMonitor<OtpOptions>>();
    }

    public Task Invoke(HttpContext context)
    {
        if (_modes.IsDisabled(context, ApiGuardCapabilities.Bots))
        {
            return _next(context);
        }

        return InvokeInternal(context);
    }

    private async Task InvokeInternal(HttpContext context)
    {
        var identity = _identity.Resolve(context);
        var clientId = identity.Id;
        var clientClass = _classifier.Classify(context, identity);
        var addressId = BotClientClassifier.AddressIdOf(_identity, context, identity, clientClass);
        var detectOnly = _modes.Resolve(context, ApiGuardCapabilities.Bots, _options.Mode) == ApiGuardMode.DetectOnly;

        var sharedListAnswered = true;
        try
        {
            // An unproven client is refused when either its claimed identity or its address is banned.
            var ban = await LookupBanAsync(clientId, context.RequestAborted).ConfigureAwait(false);
            if (ban is null && addressId is not null)
            {
                ban = await LookupBanAsync(addressId, context.RequestAborted).ConfigureAwait(false);
            }

            if (ban is not null)
            {
                _metrics.Rejected(BotAction.Block, detectOnly);
                if (!detectOnly)
                {
                    await WriteBlockedAsync(context, ban.Until).ConfigureAwait(false);
                    return;
                }
            }
        }
        catch (ApiGuardStoreUnavailableException ex)
        {
            sharedListAnswered = false;
            BotLog.BanListUnavailable(_logger, "get", ex);
            _metrics.StoreError("get");
        }

        var steppingUp = false;
        if (TryGetAction(clientId, addressId, out var state))
        {
            switch (state.Action)
            {
                case BotAction.Block when !state.Shared || !sharedListAnswered:
                    _metrics.Rejected(BotAction.Block, detectOnly);
                    if (!detectOnly)
                    {
                        await WriteBlockedAsync(context, DateTimeOffset.FromUnixTimeMilliseconds(state.UntilMs)).ConfigureAwait(false);
                        return;
                    }

                    break;
                case BotAction.Challenge when clientClass != ClientClass.Verified:
                    if (!detectOnly && identity.IsAuthenticated && _otp is not null)
                    {
                        var stepUp = await TryStepUpAsync(context, identity).ConfigureAwait(false);
                        if (stepUp == StepUp.Passed)
                        {
                            await _reporter.ReportChallengePassedAsync(context, clientId, clientClass, "otp").ConfigureAwait(false);
                            break;
                        }

                        // On an endpoint that asks for the OTP itself, the step-up stage checks the code (once); a success lifts the challenge.
                        steppingUp = stepUp == StepUp.Deferred;
                        if (steppingUp)
                        {
                            break;
                        }
                    }

                    _metrics.Rejected(BotAction.Challenge, detectOnly);
                    if (!detectOnly)
                    {
                        // A challenged client that keeps going without proving itself keeps its profile growing (toward a block).
                        await RecordAsync(context, clientId, addressId, clientClass, StatusCodes.Status401Unauthorized, detectOnly).ConfigureAwait(false);
                        await WriteChallengeAsync(context, identity.IsAuthenticated && _otp is not null).ConfigureAwait(false);
                        return;
                    }

                    break;
                case BotAction.Throttle when !detectOnly:
                    context.Features.Set<IBotDecisionFeature>(
                        new BotDecisionFeature(BotAction.Throttle, clientClass, state.Score, state.Reasons, _options.ThrottlePolicy));

                    // The rate limiter (next stage) counts this request under the stricter policy, when that policy is configured.
                    context.SetRateLimitPolicy(_options.ThrottlePolicy);
                    break;
            }
        }

        var status = StatusCodes.Status500InternalServerError;
        try
        {
            await _next(context).ConfigureAwait(false);
            status = context.Response.StatusCode;
        }
        finally
        {
            if (steppingUp && status < 400)
            {
                await _reporter.ReportChallengePassedAsync(context, clientId, clientClass, "otp").ConfigureAwait(false);
            }

            await RecordAsync(context, clientId, addressId, clientClass, status, detectOnly).ConfigureAwait(false);
        }
    }

    private enum StepUp
    {
        Failed,
        Passed,
        Deferred,
    }

    /// <summary>Checks the one-time password a challenged principal presents (once: a used code is never accepted again).</summary>
    private async ValueTask<StepUp> TryStepUpAsync(HttpContext context, ClientIdentity identity)
    {
        var options = _otpOptions!.CurrentValue;
        var code = context.Request.Headers[options.HeaderName];
        if (code.Count != 1 || string.IsNullOrWhiteSpace(code[0]))
        {
            return StepUp.Failed;
        }

        if (context.GetEndpoint()?.Metadata.GetMetadata<IRequireOtpMetadata>() is not null)
        {
            return StepUp.Deferred;
        }

        var subject = options.SubjectSelector is { } selector ? selector(context)
            : options.SubjectClaimType is { } claimType ? context.User.FindFirst(claimType)?.Value
            : identity.Id["principal:".Length..];
        if (string.IsNullOrEmpty(subject))
        {
            return StepUp.Failed;
        }

        try
        {
            return await _otp!.VerifyAsync(subject, code[0]!.Trim(), context.RequestAborted).ConfigureAwait(false) == OtpVerificationResult.Valid
                ? StepUp.Passed
                : StepUp.Failed;
        }
        catch (ApiGuardStoreUnavailableException ex)
        {
            BotLog.StepUpUnavailable(_logger, ex);
            _metrics.StoreError("otp");
            return StepUp.Failed;
        }
    }

    private async ValueTask<BanEntry?> LookupBanAsync(string clientId, CancellationToken cancellationToken)
    {
        var lookup = await _bans.LookupAsync(clientId, cancellationToken).ConfigureAwait(false);
        if (lookup.LiftedAt is { } lifted)
        {
            // Lifted on some node: this node forgets what it held against the client before then (its actions included).
            _table.ResetIfBefore(clientId, lifted.ToUnixTimeMilliseconds());
        }

        return lookup.Ban;
    }

    /// <summary>The strongest enforced action in force against the client id or its address.</summary>
    private bool TryGetAction(string clientId, string? addressId, out BotActionState state)
    {
        var found = _table.TryGetAction(clientId, out state) && !state.DetectOnly;
        if (addressId is not null && _table.TryGetAction(addressId, out var byAddress) && !byAddress.DetectOnly &&
            (!found || byAddress.Action > state.Action))
        {
            state = byAddress;
            found = true;
        }

        return found;
    }

    private async ValueTask RecordAsync(HttpContext context, string clientId, string? addressId, ClientClass clientClass, int status, bool detectOnly)
    {
        var observation = Observe(context, clientId, clientClass, status);
        var decision = _table.Record(in observation, detectOnly);
        if (decision.Changed)
        {
            await _reporter.ReportAsync(context, clientId, decision).ConfigureAwait(false);
        }

        if (addressId is not null)
        {
            var byAddress = observation.WithClient(addressId);
            decision = _table.Record(in byAddress, detectOnly);
            if (decision.Changed)
            {
                await _reporter.ReportAsync(context, addressId, decision).ConfigureAwait(false);
            }
        }
    }

    private RequestObservation Observe(HttpContext context, string clientId, ClientClass clientClass, int status)
    {
        var endpoint = context.GetEndpoint() as RouteEndpoint;
        string? objectId = null;
        RouteValueDictionary? values = null;
        if (endpoint is not null)
        {
            values = context.Request.RouteValues;
            var parameters = endpoint.RoutePattern.Parameters;
            for (var i = 0; i < parameters.Count; i++)
            {
                var p = parameters[i];
                if (!p.IsCatchAll && IsObjectIdParameter(p.Name) && values.TryGetValue(p.Name, out var v) && v is string s)
                {
                    objectId = s;
                    break;
                }
            }
        }

        return new RequestObservation(clientId, clientClass, context.Request.Method, endpoint?.RoutePattern.RawText,
            endpoint is null ? context.Request.Path.Value : null, status, objectId, values);
    }

    private bool IsObjectIdParameter(string name)
    {
        if (_objectIdParameters.Length > 0)
        {
            foreach (var candidate in _objectIdParameters)
            {
                if (string.Equals(candidate, name, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }

            return false;
        }

        return string.Equals(name, "id", StringComparison.OrdinalIgnoreCase) ||
            (name.Length > 2 && name.EndsWith("Id", StringComparison.Ordinal)) ||
            name.EndsWith("_id", StringComparison.OrdinalIgnoreCase);
    }

    private Task WriteBlockedAsync(HttpContext context, DateTimeOffset until)
    {
        var seconds = Math.Max(1, (long)Math.Ceiling((until - _time.GetUtcNow()).TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return ApiGuardProblemWriter.WriteAsync(context, new ApiGuardProblem(
            ApiGuardProblemTypes.ClientBlocked,
            StatusCodes.Status403Forbidden,
            "Client blocked",
            "This client is blocked for a while after unusual behaviour. Retry after the time in Retry-After.")
        {
            Extensions = [new("action", "block")],
        });
    }

    private Task WriteChallengeAsync(HttpContext context, bool offerOtp)
    {
        var otpHeader = offerOtp ? _otpOptions!.CurrentValue.HeaderName : null;
        context.Response.Headers.WWWAuthenticate = otpHeader is null
            ? _options.ChallengeAuthenticate
            : new Microsoft.Extensions.Primitives.StringValues([
                _options.ChallengeAuthenticate,
                $"{OtpDefaults.ChallengeScheme} realm=\"ApiGuard\", header=\"{otpHeader}\", error=\"step_up_required\"",
            ]);
        return ApiGuardProblemWriter.WriteAsync(context, new ApiGuardProblem(
            ApiGuardProblemTypes.ClientBlocked,
            StatusCodes.Status401Unauthorized,
            "Client verification required",
            otpHeader is null
                ? "Unusual behaviour was seen from this client. Authenticate with a verified credential (HTTP message signature, DPoP or client certificate) to continue."
                : $"Unusual behaviour was seen from this client. Authenticate with a verified credential (HTTP message signature, DPoP or client certificate), or send a one-time password in the {otpHeader} header, to continue.")
        {
            Extensions = [new("action", "challenge")],
        });
    }
}
