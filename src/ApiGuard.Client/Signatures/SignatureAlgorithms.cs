namespace ApiGuard.Client.Signatures;

/// <summary>The RFC 9421 §3.3 algorithm names ApiGuard supports.</summary>
public static class SignatureAlgorithms
{
    /// <summary>HMAC using SHA-256 (RFC 9421 §3.3.3); key: a shared secret of at least 32 bytes.</summary>
    public const string HmacSha256 = "hmac-sha256";

    /// <summary>EdDSA using curve edwards25519 (RFC 9421 §3.3.6).</summary>
    public const string Ed25519 = "ed25519";

    /// <summary>ECDSA using curve P-256 and SHA-256 (RFC 9421 §3.3.4); signature r‖s, 64 bytes.</summary>
    public const string EcdsaP256Sha256 = "ecdsa-p256-sha256";

    /// <summary>ECDSA using curve P-384 and SHA-384 (RFC 9421 §3.3.5); signature r‖s, 96 bytes.</summary>
    public const string EcdsaP384Sha384 = "ecdsa-p384-sha384";

    /// <summary>RSASSA-PSS using SHA-512, MGF1-SHA-512, salt 64 bytes (RFC 9421 §3.3.1).</summary>
    public const string RsaPssSha512 = "rsa-pss-sha512";

    /// <summary>RSASSA-PKCS1-v1_5 using SHA-256 (RFC 9421 §3.3.2).</summary>
    public const string RsaV15Sha256 = "rsa-v1_5-sha256";

    /// <summary>Every supported name.</summary>
    public static IReadOnlyList<string> All { get; } = [HmacSha256, Ed25519, EcdsaP256Sha256, EcdsaP384Sha384, RsaPssSha512, RsaV15Sha256];

    /// <summary>Whether <paramref name="algorithm"/> is a supported name (case-sensitive, as RFC 9421 registers them).</summary>
    public static bool IsSupported(string? algorithm) => algorithm is HmacSha256 or Ed25519 or EcdsaP256Sha256 or EcdsaP384Sha384 or RsaPssSha512 or RsaV15Sha256;

    /// <summary>Whether <paramref name="algorithm"/> produces the same signature every time for the same key and input.</summary>
    public static bool IsDeterministic(string algorithm) => algorithm is HmacSha256 or Ed25519 or RsaV15Sha256;
}
