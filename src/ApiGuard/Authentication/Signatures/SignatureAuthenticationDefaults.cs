namespace ApiGuard.Authentication.Signatures;

/// <summary>Default values of RFC 9421 signature authentication.</summary>
public static class SignatureAuthenticationDefaults
{
    /// <summary>The default authentication scheme, <c>Signature</c>.</summary>
    public const string AuthenticationScheme = "Signature";

    /// <summary>The configuration section under <c>ApiGuard</c>: <c>Signatures</c>.</summary>
    public const string SectionName = "Signatures";

    /// <summary>The claim type holding the key id that verified the request: <c>apiguard:key_id</c>.</summary>
    public const string KeyIdClaimType = "apiguard:key_id";

    /// <summary>The claim type for each scope of the key's owner: <c>scope</c>.</summary>
    public const string ScopeClaimType = "scope";

    /// <summary>The replay-store scope for signature nonces (and signature values when there is no nonce).</summary>
    public const string ReplayScope = "sig-nonce";
}
