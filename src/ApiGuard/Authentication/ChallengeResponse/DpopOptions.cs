using Microsoft.AspNetCore.Authentication;
using Microsoft.IdentityModel.Tokens;

namespace ApiGuard.Authentication.ChallengeResponse;

/// <summary>
/// Options of the DPoP (RFC 9449) resource-server authentication handler. ASP.NET Core binds them from
/// <c>Authentication:Schemes:DPoP</c>; they are validated at startup.
/// </summary>
public sealed class DpopOptions : AuthenticationSchemeOptions
{
    /// <summary>Creates the options with their defaults.</summary>
    public DpopOptions()
    {
        Events = new DpopEvents();
    }

    /// <summary>
    /// The mode of DPoP checks, overriding <c>ApiGuard:Mode</c> (endpoint metadata for <c>challenge</c> still wins). In DetectOnly a
    /// failed check is published as <c>WouldBlock</c> and the request goes on, authenticated when its access token is valid.
    /// </summary>
    /// <value>Default: <see langword="null"/> (inherit <c>ApiGuard:Mode</c>).</value>
    public ApiGuardMode? Mode { get; set; }

    /// <summary>The accepted proof algorithms, a subset of <see cref="DpopDefaults.SupportedAlgorithms"/>; advertised in <c>WWW-Authenticate</c> as <c>algs</c>.</summary>
    /// <value>Default: ES256, EdDSA, RS256, PS256.</value>
    public IList<string> Algorithms { get; set; } = [.. DpopDefaults.SupportedAlgorithms];

    /// <summary>How old a proof's <c>iat</c> may be.</summary>
    /// <value>Default: 60 seconds. Allowed: 1 second to 10 minutes.</value>
    public TimeSpan ProofLifetime { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How far in the future a proof's <c>iat</c> may be.</summary>
    /// <value>Default: 5 seconds. Allowed: 0 to 5 minutes.</value>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Whether proofs must carry a server nonce (RFC 9449 §9); a missing or stale one is answered with <c>use_dpop_nonce</c> and a fresh nonce.</summary>
    /// <value>Default: <see langword="true"/>.</value>
    public bool RequireNonce { get; set; } = true;

    /// <summary>Whether the access token must carry <c>cnf.jkt</c> (be bound to a DPoP key).</summary>
    /// <value>Default: <see langword="true"/>.</value>
    public bool RequireBoundAccessToken { get; set; } = true;

    /// <summary>
    /// How JWT access tokens are validated (issuer, audience, signing keys, lifetime), by <c>JsonWebTokenHandler</c>.
    /// Not used when <see cref="DpopEvents.OnValidateAccessToken"/> decides (for example for opaque tokens and introspection).
    /// </summary>
    public TokenValidationParameters TokenValidationParameters { get; set; } = new();

    /// <summary>The public origin for <c>htu</c>, overriding <c>ApiGuard:PublicOrigin</c> for this scheme.</summary>
    /// <value>Default: <see langword="null"/> (use <c>ApiGuard:PublicOrigin</c>, else the request's scheme and host).</value>
    public string? PublicOrigin { get; set; }

    /// <summary>The events, for custom access-token validation.</summary>
    public new DpopEvents Events
    {
        get => (DpopEvents)base.Events!;
        set => base.Events = value;
    }

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        var failures = DpopOptionsValidator.Check(this, DpopDefaults.AuthenticationScheme);
        if (failures.Count > 0)
        {
            throw new InvalidOperationException(string.Join(" ", failures));
        }
    }
}
