namespace ApiGuard.Authentication.ChallengeResponse;

/// <summary>What a DPoP proof is checked against.</summary>
public sealed class DpopProofValidationRequest
{
    /// <summary>The value of the single <c>DPoP</c> request header.</summary>
    public required string Proof { get; init; }

    /// <summary>The request method the <c>htm</c> claim must equal, for example <c>GET</c>.</summary>
    public required string Method { get; init; }

    /// <summary>The absolute request URI (as the client saw it) that <c>htu</c> must match after normalisation; query and fragment are ignored.</summary>
    public required string Uri { get; init; }

    /// <summary>The access token presented with the proof; when set, the proof's <c>ath</c> must be its SHA-256 hash.</summary>
    public string? AccessToken { get; init; }

    /// <summary>The <c>cnf.jkt</c> of the access token; when set, the proof's key must have this RFC 7638 thumbprint.</summary>
    public string? ExpectedThumbprint { get; init; }

    /// <summary>Whether the proof must carry a server nonce issued by <see cref="IServerNonceService"/>.</summary>
    /// <value>Default: <see langword="true"/>. A nonce present when not required is still checked.</value>
    public bool RequireNonce { get; init; } = true;

    /// <summary>The accepted <c>alg</c> values, a subset of <see cref="DpopDefaults.SupportedAlgorithms"/>.</summary>
    /// <value>Default: all of them.</value>
    public IReadOnlyCollection<string> Algorithms { get; init; } = DpopDefaults.SupportedAlgorithms;

    /// <summary>How old <c>iat</c> may be.</summary>
    /// <value>Default: 60 seconds.</value>
    public TimeSpan ProofLifetime { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How far in the future <c>iat</c> may be.</summary>
    /// <value>Default: 5 seconds.</value>
    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromSeconds(5);
}

/// <summary>The outcome of checking a DPoP proof.</summary>
public sealed class DpopProofValidationResult
{
    private DpopProofValidationResult(DpopError error, string? check, string? description, string? thumbprint)
    {
        Error = error;
        Check = check;
        Description = description;
        JwkThumbprint = thumbprint;
    }

    /// <summary>Whether every check passed.</summary>
    public bool IsValid => Error == DpopError.None;

    /// <summary>The RFC 9449 error, or <see cref="DpopError.None"/>.</summary>
    public DpopError Error { get; }

    /// <summary>The failed check, log-safe: <c>header</c>, <c>typ</c>, <c>alg</c>, <c>jwk</c>, <c>signature</c>, <c>claims</c>, <c>htm</c>, <c>htu</c>, <c>iat</c>, <c>ath</c>, <c>jkt</c>, <c>nonce</c> or <c>jti</c>.</summary>
    public string? Check { get; }

    /// <summary>A fixed description of the failure, safe to return to the client.</summary>
    public string? Description { get; }

    /// <summary>The RFC 7638 thumbprint (base64url SHA-256) of the proof's key, once the proof's signature verified.</summary>
    public string? JwkThumbprint { get; }

    internal static DpopProofValidationResult Success(string thumbprint) => new(DpopError.None, null, null, thumbprint);

    internal static DpopProofValidationResult Fail(DpopError error, string check, string description, string? thumbprint = null) =>
        new(error, check, description, thumbprint);
}
