namespace ApiGuard.Authentication.ChallengeResponse;

/// <summary>Constants of DPoP (RFC 9449) authentication.</summary>
public static class DpopDefaults
{
    /// <summary>The default authentication scheme name, and the <c>Authorization</c> / <c>WWW-Authenticate</c> scheme: <c>DPoP</c>.</summary>
    public const string AuthenticationScheme = "DPoP";

    /// <summary>The request header carrying the proof: <c>DPoP</c>.</summary>
    public const string ProofHeaderName = "DPoP";

    /// <summary>The JOSE <c>typ</c> of a proof: <c>dpop+jwt</c>.</summary>
    public const string ProofType = "dpop+jwt";

    /// <summary>The replay-store scope of proof <c>jti</c>s: <c>dpop-jti</c>.</summary>
    public const string JtiReplayScope = "dpop-jti";

    /// <summary>The largest proof accepted, in characters.</summary>
    public const int MaxProofLength = 8192;

    /// <summary>The signature algorithms ApiGuard verifies: ES256, EdDSA (Ed25519), RS256 and PS256.</summary>
    public static IReadOnlyList<string> SupportedAlgorithms { get; } = ["ES256", "EdDSA", "RS256", "PS256"];
}

/// <summary>The RFC 9449 error a failed DPoP check answers with.</summary>
public enum DpopError
{
    /// <summary>No error: the proof is valid.</summary>
    None = 0,

    /// <summary><c>invalid_dpop_proof</c>: the proof is missing, malformed, badly signed, stale, replayed or for another request.</summary>
    InvalidProof = 1,

    /// <summary><c>use_dpop_nonce</c>: the proof must carry a fresh server nonce (one is sent in <c>DPoP-Nonce</c>).</summary>
    UseNonce = 2,

    /// <summary><c>invalid_token</c>: the access token is invalid or is not bound to the proof's key.</summary>
    InvalidToken = 3,
}
