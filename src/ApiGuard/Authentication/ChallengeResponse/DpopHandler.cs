using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Text.Json;
using ApiGuard.Monitoring;
using ApiGuard.Problems;
using ApiGuard.Replay;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Microsoft.Net.Http.Headers;

namespace ApiGuard.Authentication.ChallengeResponse;

/// <summary>
/// The DPoP (RFC 9449) resource-server handler: <c>Authorization: DPoP &lt;access token&gt;</c> plus one <c>DPoP</c> proof header.
/// The access token is validated (JWT via <see cref="DpopOptions.TokenValidationParameters"/>, or by <see cref="DpopEvents.OnValidateAccessToken"/>),
/// then the proof by <see cref="IDpopProofValidator"/> against the method, the URI the client saw, the token (<c>ath</c>) and its
/// <c>cnf.jkt</c>. Failures answer 401 with <c>WWW-Authenticate: DPoP error="…"</c>, a fresh <c>DPoP-Nonce</c> and a problem body,
/// and are published as <c>authentication.failed</c>. In DetectOnly mode (<see cref="DpopOptions.Mode"/>, <c>ApiGuard:Mode</c> or the
/// endpoint's mode for <c>challenge</c>) nothing is rejected: failures are published as <c>WouldBlock</c> and a request whose access token
/// is valid is authenticated; only a request without a valid access token stays unauthenticated (there is no principal to admit).
/// </summary>
internal sealed partial class DpopHandler : AuthenticationHandler<DpopOptions>
{
    private readonly IDpopProofValidator _validator;
    private readonly IServerNonceService _nonces;
    private readonly ISecurityEventPublisher _events;
    private readonly IOptionsMonitor<ApiGuardOptions> _guardOptions;
    private Failure? _failure;
    private bool _detectOnly;

    public DpopHandler(
        IOptionsMonitor<DpopOptions> options,
        ILoggerFactory logger,
        UrlEncoder encoder,
        IDpopProofValidator validator,
        IServerNonceService nonces,
        ISecurityEventPublisher events,
        IOptionsMonitor<ApiGuardOptions> guardOptions)
        : base(options, logger, encoder)
    {
        _validator = validator;
        _nonces = nonces;
        _events = events;
        _guardOptions = guardOptions;
    }

    private new DpopEvents Events => (DpopEvents)base.Events!;

    protected override Task<object> CreateEventsAsync() => Task.FromResult<object>(new DpopEvents());

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string authorization = Request.Headers.Authorization.ToString();
        if (!authorization.StartsWith(DpopDefaults.AuthenticationScheme + " ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var modes = Context.RequestServices.GetService<ApiGuardModeResolver>();
        _detectOnly = (modes?.Resolve(Context, ApiGuardCapabilities.ChallengeResponse, Options.Mode) ?? Options.Mode ?? _guardOptions.CurrentValue.Mode) == ApiGuardMode.DetectOnly;
        var accessToken = authorization[(DpopDefaults.AuthenticationScheme.Length + 1)..].Trim();
        var proofs = Request.Headers[DpopDefaults.ProofHeaderName];
        if (accessToken.Length == 0 || accessToken.Length > 16384)
        {
            return Fail(DpopError.InvalidToken, "token", "The access token is missing or too large.", principal: null);
        }

        // In DetectOnly the token is validated first, so a request with a bad or missing proof still authenticates its principal.
        var proofMissing = proofs.Count != 1 || string.IsNullOrEmpty(proofs[0]);
        if (proofMissing && !_detectOnly)
        {
            return Fail(DpopError.InvalidProof, "header", ProofHeaderRequired, principal: null);
        }

        ClaimsPrincipal? principal = null;
        try
        {
            (principal, var thumbprint, var tokenError) = await ValidateAccessTokenAsync(accessToken).ConfigureAwait(false);
            if (principal is null)
            {
                return Fail(DpopError.InvalidToken, "token", tokenError ?? "The access token is not valid.", principal: null);
            }

            if (thumbprint is null && Options.RequireBoundAccessToken)
            {
                return Fail(DpopError.InvalidToken, "jkt", "The access token is not bound to a DPoP key.", principal);
            }

            if (proofMissing)
            {
                return Fail(DpopError.InvalidProof, "header", ProofHeaderRequired, principal);
            }

            var result = await _validator.ValidateAsync(new DpopProofValidationRequest
            {
                Proof = proofs[0]!,
                Method = Request.Method,
                Uri = DpopProofValidator.GetRequestUri(Request, Options.PublicOrigin ?? _guardOptions.CurrentValue.PublicOrigin),
                AccessToken = accessToken,
                ExpectedThumbprint = thumbprint,
                RequireNonce = Options.RequireNonce,
                Algorithms = Options.Algorithms as IReadOnlyCollection<string> ?? [.. Options.Algorithms],
                ProofLifetime = Options.ProofLifetime,
                ClockSkew = Options.ClockSkew,
            }, Context, Context.RequestAborted).ConfigureAwait(false);
            if (!result.IsValid)
            {
                return Fail(result.Error, result.Check!, result.Description!, principal);
            }

            _events.Publish(new SecurityEvent
            {
                Capability = ApiGuardCapabilities.ChallengeResponse,
                Kind = "authentication.succeeded",
                Severity = SecuritySeverity.Info,
                Action = SecurityAction.Allowed,
                RuleId = "dpop",
            }, Context);
            return Succeed(principal);
        }
        catch (ApiGuardStoreUnavailableException ex)
        {
            Log.StoreUnavailable(Logger, ex);
            if (_detectOnly && principal is not null)
            {
                return Fail(DpopError.None, "store", "The replay store is unavailable.", principal);
            }

            _failure = new Failure(DpopError.None, "store", "unavailable", Unavailable: true);
            return AuthenticateResult.Fail("The replay store is unavailable.");
        }
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (_failure is { Unavailable: true })
        {
            Response.Headers.RetryAfter = "1";
            await ApiGuardProblemWriter.WriteAsync(Context, new ApiGuardProblem(
                ApiGuardProblemTypes.ServiceUnavailable, StatusCodes.Status503ServiceUnavailable, "Service unavailable",
                "The DPoP proof could not be checked right now. Retry shortly.")).ConfigureAwait(false);
            return;
        }

        var algs = string.Join(' ', Options.Algorithms);
        var challenge = _failure is { } f
            ? $"{DpopDefaults.AuthenticationScheme} error=\"{ErrorCode(f.Error)}\", error_description=\"{f.Description}\", algs=\"{algs}\""
            : $"{DpopDefaults.AuthenticationScheme} algs=\"{algs}\"";
        Response.Headers.Append(HeaderNames.WWWAuthenticate, challenge);
        Response.Headers[ChallengeResponseDefaults.NonceHeaderName] = _nonces.Issue(Context);
        await ApiGuardProblemWriter.WriteAsync(Context, new ApiGuardProblem(
            ApiGuardProblemTypes.ProofInvalid,
            StatusCodes.Status401Unauthorized,
            _failure is null ? "DPoP proof required" : "DPoP proof rejected",
            _failure?.Description ?? "Send a DPoP-bound access token with 'Authorization: DPoP <token>' and a DPoP proof.")
        {
            Extensions = _failure is { } failure ? [new("error", ErrorCode(failure.Error))] : null,
        }).ConfigureAwait(false);
    }

    private async Task<(ClaimsPrincipal? Principal, string? Thumbprint, string? Error)> ValidateAccessTokenAsync(string accessToken)
    {
        var context = new DpopAccessTokenContext(Context, Scheme, Options, accessToken);
        await Events.ValidateAccessToken(context).ConfigureAwait(false);
        if (context.Result is { } decided)
        {
            return decided.Succeeded && context.Principal is not null
                ? (context.Principal, context.JwkThumbprint, null)
                : (null, null, "The access token is not valid.");
        }

        var handler = new JsonWebTokenHandler { MapInboundClaims = false };
        var parameters = Options.TokenValidationParameters.Clone();
        parameters.AuthenticationType ??= Scheme.Name;
        var validation = await handler.ValidateTokenAsync(accessToken, parameters).ConfigureAwait(false);
        if (!validation.IsValid || validation.SecurityToken is not JsonWebToken jwt)
        {
            Log.TokenRejected(Logger, validation.Exception?.GetType().Name ?? "invalid");
            return (null, null, "The access token is not valid.");
        }

        string? thumbprint = null;
        if (jwt.TryGetPayloadValue<JsonElement>("cnf", out var cnf) && cnf.ValueKind == JsonValueKind.Object &&
            cnf.TryGetProperty("jkt", out var jkt) && jkt.ValueKind == JsonValueKind.String)
        {
            thumbprint = jkt.GetString();
        }

        return (new ClaimsPrincipal(validation.ClaimsIdentity), thumbprint, null);
    }

    /// <summary>
    /// Reports a failed check. Enforced: a 401 follows (see <see cref="HandleChallengeAsync"/>). DetectOnly: nothing is rejected,
    /// the failure is published as <see cref="SecurityAction.WouldBlock"/>, and a principal whose access token is valid is authenticated.
    /// </summary>
    private AuthenticateResult Fail(DpopError error, string check, string description, ClaimsPrincipal? principal)
    {
        _failure = new Failure(error, check, description, Unavailable: false);
        Log.ProofRejected(Logger, ErrorCode(error), check, _detectOnly);
        var nonce = error == DpopError.UseNonce;
        _events.Publish(new SecurityEvent
        {
            Capability = ApiGuardCapabilities.ChallengeResponse,
            Kind = "authentication.failed",
            Severity = nonce ? SecuritySeverity.Low : SecuritySeverity.Medium,
            Action = _detectOnly ? SecurityAction.WouldBlock : nonce ? SecurityAction.Challenged : SecurityAction.Blocked,
            RuleId = "dpop-" + check,
            Reason = description,
        }, Context);
        return _detectOnly && principal is not null ? Succeed(principal) : AuthenticateResult.Fail(description);
    }

    /// <summary>Authenticates <paramref name="principal"/> and hands out the next nonce on the successful response.</summary>
    private AuthenticateResult Succeed(ClaimsPrincipal principal)
    {
        Response.OnStarting(static state =>
        {
            var (context, nonces) = ((HttpContext, IServerNonceService))state;
            if (context.Response.StatusCode is >= 200 and < 300 && !context.Response.Headers.ContainsKey(ChallengeResponseDefaults.NonceHeaderName))
            {
                context.Response.Headers[ChallengeResponseDefaults.NonceHeaderName] = nonces.Issue(context);
            }

            return Task.CompletedTask;
        }, (Context, _nonces));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
    }

    private static string ErrorCode(DpopError error) => error switch
    {
        DpopError.UseNonce => "use_dpop_nonce",
        DpopError.InvalidToken => "invalid_token",
        _ => "invalid_dpop_proof",
    };

    private const string ProofHeaderRequired = "Exactly one DPoP proof header is required.";

    private sealed record Failure(DpopError Error, string Check, string Description, bool Unavailable);

    private static partial class Log
    {
        [LoggerMessage(ApiGuardEventIds.OtpBase + 200, LogLevel.Information, "DPoP authentication failed: {Error} ({Check}); detect-only: {DetectOnly}.", EventName = "DpopRejected")]
        public static partial void ProofRejected(ILogger logger, string error, string check, bool detectOnly);

        [LoggerMessage(ApiGuardEventIds.OtpBase + 201, LogLevel.Debug, "DPoP access token rejected: {Reason}.", EventName = "DpopTokenRejected")]
        public static partial void TokenRejected(ILogger logger, string reason);

        [LoggerMessage(ApiGuardEventIds.OtpBase + 202, LogLevel.Warning, "The replay store is unavailable; the DPoP proof could not be checked (503, or allowed in DetectOnly when the access token is valid).", EventName = "DpopStoreUnavailable")]
        public static partial void StoreUnavailable(ILogger logger, Exception exception);
    }
}
