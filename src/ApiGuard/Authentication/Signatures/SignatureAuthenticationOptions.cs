using ApiGuard.Client.Signatures;
using Microsoft.AspNetCore.Authentication;

namespace ApiGuard.Authentication.Signatures;

/// <summary>Options of RFC 9421 signature authentication, bound from <c>ApiGuard:Signatures</c>.</summary>
public sealed class SignatureAuthenticationOptions : AuthenticationSchemeOptions
{
    /// <summary>Creates the options with default events.</summary>
    public SignatureAuthenticationOptions()
    {
        Events = new SignatureAuthenticationEvents();
    }

    /// <summary>The mode of the capability; <see langword="null"/> inherits <c>ApiGuard:Mode</c>.</summary>
    /// <value>Default: <see langword="null"/>.</value>
    public ApiGuardMode? Mode { get; set; }

    /// <summary>The default maximum age of a signature, from its <c>created</c>.</summary>
    /// <value>Default: 5 minutes. Allowed: 1 second to 1 day.</value>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The allowed clock difference between client and server.</summary>
    /// <value>Default: 30 seconds. Allowed: 0 to 10 minutes.</value>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Whether <c>created</c> is required.</summary>
    /// <value>Default: <see langword="true"/>.</value>
    public bool RequireCreated { get; set; } = true;

    /// <summary>The label to verify; <see langword="null"/> picks the first label that satisfies the policy.</summary>
    /// <value>Default: <see langword="null"/>.</value>
    public string? Label { get; set; }

    /// <summary>The longest accepted <c>Signature-Input</c> or <c>Signature</c> field value, in characters. Longer ones fail as malformed.</summary>
    /// <value>Default: 8192. Allowed: 256 to 65536.</value>
    public int MaxFieldLength { get; set; } = 8192;

    /// <summary>The largest body whose <c>Content-Digest</c> is checked (the body is buffered so the app can read it again).</summary>
    /// <value>Default: 10 MiB. Allowed: 1 KiB and more.</value>
    public long MaxDigestBodyBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>The policy for endpoints that do not select one.</summary>
    public SignaturePolicy DefaultPolicy { get; set; } = new();

    /// <summary>Named policies, selected with <c>.RequireSignature("name")</c>.</summary>
    public Dictionary<string, SignaturePolicy> Policies { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The events the handler raises; the application may hook them.</summary>
    public new SignatureAuthenticationEvents Events
    {
        get => (SignatureAuthenticationEvents)base.Events!;
        set => base.Events = value;
    }

    /// <summary>Checks the options; throws with a message naming the key and what is allowed.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public override void Validate()
    {
        base.Validate();
        var errors = GetErrors();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors));
        }
    }

    internal List<string> GetErrors()
    {
        const string Prefix = "ApiGuard:Signatures:";
        var errors = new List<string>();
        if (MaxAge < TimeSpan.FromSeconds(1) || MaxAge > TimeSpan.FromDays(1))
        {
            errors.Add($"{Prefix}MaxAge must be between 00:00:01 and 1.00:00:00 (was {MaxAge}).");
        }

        if (ClockSkew < TimeSpan.Zero || ClockSkew > TimeSpan.FromMinutes(10))
        {
            errors.Add($"{Prefix}ClockSkew must be between 00:00:00 and 00:10:00 (was {ClockSkew}).");
        }

        if (MaxFieldLength is < 256 or > 65536)
        {
            errors.Add($"{Prefix}MaxFieldLength must be between 256 and 65536 (was {MaxFieldLength}).");
        }

        if (MaxDigestBodyBytes < 1024)
        {
            errors.Add($"{Prefix}MaxDigestBodyBytes must be at least 1024 (was {MaxDigestBodyBytes}).");
        }

        if (Label is not null && (Label.Length == 0 || !(Label[0] is (>= 'a' and <= 'z') or '*')))
        {
            errors.Add($"{Prefix}Label must be a structured-field key (lowercase letter or '*' first), or unset.");
        }

        foreach (var (name, policy) in Policies.Select(p => (p.Key, p.Value)).Prepend(("(default)", DefaultPolicy)))
        {
            var key = name == "(default)" ? $"{Prefix}DefaultPolicy" : $"{Prefix}Policies:{name}";
            if (policy is null)
            {
                errors.Add($"{key} must not be null.");
                continue;
            }

            if (policy.MaxAge is { } age && (age < TimeSpan.FromSeconds(1) || age > TimeSpan.FromDays(1)))
            {
                errors.Add($"{key}:MaxAge must be between 00:00:01 and 1.00:00:00 (was {age}).");
            }

            foreach (var component in policy.RequiredComponents)
            {
                if (string.IsNullOrWhiteSpace(component) || component.Contains('"', StringComparison.Ordinal))
                {
                    errors.Add($"{key}:RequiredComponents entries must be component names such as 'content-type' or '@query' (was '{component}').");
                }
            }
        }

        return errors;
    }
}

/// <summary>One verification key in configuration (<c>ApiGuard:Signatures:Keys:N</c>).</summary>
public sealed class SignatureKeyOptions
{
    /// <summary>The <c>keyid</c>. Required, unique.</summary>
    public string? KeyId { get; set; }

    /// <summary>The owner's client id (several keys may share one, for rotation). Required.</summary>
    public string? ClientId { get; set; }

    /// <summary>The algorithm the key is pinned to: <c>hmac-sha256</c>, <c>ed25519</c>, <c>ecdsa-p256-sha256</c>, <c>ecdsa-p384-sha384</c>, <c>rsa-pss-sha512</c> or <c>rsa-v1_5-sha256</c>. Required.</summary>
    public string? Algorithm { get; set; }

    /// <summary>A public key in PEM (SPKI, PKCS#1).</summary>
    public string? Pem { get; set; }

    /// <summary>A file holding a PEM key (relative paths are resolved against the content root).</summary>
    public string? PemFile { get; set; }

    /// <summary>A JWK (JSON object).</summary>
    public string? Jwk { get; set; }

    /// <summary>A file holding a JWK.</summary>
    public string? JwkFile { get; set; }

    /// <summary>An <c>hmac-sha256</c> shared secret, base64 (at least 32 bytes decoded).</summary>
    public string? Secret { get; set; }

    /// <summary>A file holding an <c>hmac-sha256</c> secret in base64.</summary>
    public string? SecretFile { get; set; }

    /// <summary>Scopes granted to the owner.</summary>
    public List<string> Scopes { get; set; } = [];

    /// <summary>Not accepted before this instant.</summary>
    public DateTimeOffset? NotBefore { get; set; }

    /// <summary>Not accepted after this instant.</summary>
    public DateTimeOffset? NotAfter { get; set; }
}

/// <summary>The verification keys, bound from <c>ApiGuard:Signatures:Keys</c> and added in code.</summary>
public sealed class SignatureKeyStoreOptions
{
    /// <summary>Keys described in configuration.</summary>
    public List<SignatureKeyOptions> Keys { get; set; } = [];

    /// <summary>Keys created in code (for example with <see cref="SignatureKey.FromPem"/>).</summary>
    public List<SignatureClientKey> ClientKeys { get; } = [];
}
