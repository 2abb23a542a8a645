namespace ApiGuard.Authentication.ChallengeResponse;

/// <summary>Server-nonce settings, bound from <c>ApiGuard:ChallengeResponse</c>.</summary>
public sealed class ServerNonceOptions
{
    /// <summary>The configuration section name under <c>ApiGuard</c>: <c>ChallengeResponse</c>.</summary>
    public const string SectionName = "ChallengeResponse";

    /// <summary>How long an issued nonce can be used.</summary>
    /// <value>Default: 2 minutes. Allowed: 5 seconds to 1 hour.</value>
    public TimeSpan NonceLifetime { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The base64 key (at least 32 bytes) that signs nonces. Instances behind one load balancer must share it; otherwise leave it empty
    /// and a random key is made at startup (nonces then die with the process).
    /// </summary>
    /// <value>Default: <see langword="null"/> (random per process).</value>
    public string? SigningKey { get; set; }

    /// <summary>Whether a nonce is bound to the client address it was issued to (after trusted-proxy processing; IPv6 by prefix).</summary>
    /// <value>Default: <see langword="true"/>.</value>
    public bool BindToClientAddress { get; set; } = true;

    /// <summary>Whether every 401 response carries a fresh nonce in <c>DPoP-Nonce</c>.</summary>
    /// <value>Default: <see langword="true"/>.</value>
    public bool EmitOnUnauthorized { get; set; } = true;

    /// <summary>Whether every successful (2xx) response carries a fresh nonce, so clients never pay an extra round trip.</summary>
    /// <value>Default: <see langword="true"/>.</value>
    public bool EmitOnSuccess { get; set; } = true;
}

/// <summary>Constants of the challenge-response capability.</summary>
public static class ChallengeResponseDefaults
{
    /// <summary>The response header carrying a fresh server nonce (RFC 9449 §8): <c>DPoP-Nonce</c>.</summary>
    public const string NonceHeaderName = "DPoP-Nonce";

    /// <summary>The default route of the challenge endpoint: <c>/api/challenge</c>.</summary>
    public const string ChallengePattern = "/api/challenge";

    /// <summary>The replay-store scope of consumed server nonces: <c>srv-nonce</c>.</summary>
    public const string NonceReplayScope = "srv-nonce";
}
