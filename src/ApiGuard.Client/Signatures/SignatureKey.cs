using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Text.Json;

namespace ApiGuard.Client.Signatures;

/// <summary>
/// A key bound to one RFC 9421 algorithm (the algorithm is pinned by the key: a signature that names another <c>alg</c>
/// is rejected). Create one with <see cref="FromPem"/>, <see cref="FromJwk"/> or <see cref="FromSharedSecret"/>.
/// Instances are thread-safe.
/// </summary>
public abstract class SignatureKey : IDisposable
{
    /// <summary>The longest signature any supported algorithm makes (RSA 8192 bits), in bytes.</summary>
    public const int MaxSignatureLength = 1024;

    private protected SignatureKey(string keyId, string algorithm)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyId);
        KeyId = keyId;
        Algorithm = algorithm;
    }

    /// <summary>The key id (<c>keyid</c> signature parameter).</summary>
    public string KeyId { get; }

    /// <summary>The algorithm (a name from <see cref="SignatureAlgorithms"/>).</summary>
    public string Algorithm { get; }

    /// <summary>Whether the key holds private material and can sign.</summary>
    public abstract bool CanSign { get; }

    /// <summary>Verifies <paramref name="signature"/> over <paramref name="data"/> (the signature base). Never throws for bad input.</summary>
    public abstract bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature);

    /// <summary>Signs <paramref name="data"/> (the signature base).</summary>
    /// <exception cref="InvalidOperationException">The key has no private material.</exception>
    public abstract byte[] Sign(ReadOnlySpan<byte> data);

    /// <summary>Creates a key from PEM text (SPKI, PKCS#8, PKCS#1 or SEC1; PKCS#8 with the id-RSASSA-PSS OID is accepted).</summary>
    /// <param name="keyId">The key id.</param>
    /// <param name="algorithm">The algorithm the key is pinned to (not <c>hmac-sha256</c>: use <see cref="FromSharedSecret"/>).</param>
    /// <param name="pem">The PEM text.</param>
    /// <exception cref="ArgumentException">
    /// The algorithm is unknown or the PEM does not hold a key for it (for ECDSA: a key on another curve than the algorithm's,
    /// for example a P-256 key for <c>ecdsa-p384-sha384</c>).
    /// </exception>
    public static SignatureKey FromPem(string keyId, string algorithm, string pem)
    {
        ArgumentNullException.ThrowIfNull(pem);
        switch (algorithm)
        {
            case SignatureAlgorithms.Ed25519:
                return Ed25519SignatureKey.FromPem(keyId, pem);
            case SignatureAlgorithms.EcdsaP256Sha256:
            case SignatureAlgorithms.EcdsaP384Sha384:
                var ecdsa = ECDsa.Create();
                try
                {
                    ecdsa.ImportFromPem(pem);
                }
                catch (CryptographicException ex)
                {
                    ecdsa.Dispose();
                    throw new ArgumentException($"The PEM for key '{keyId}' is not an EC key.", nameof(pem), ex);
                }

                return EcdsaSignatureKey.Create(keyId, algorithm, ecdsa, HasPrivatePem(pem));
            case SignatureAlgorithms.RsaPssSha512:
            case SignatureAlgorithms.RsaV15Sha256:
                var rsa = RSA.Create();
                try
                {
                    ImportRsaPem(rsa, pem);
                }
                catch (Exception ex) when (ex is CryptographicException or AsnContentException)
                {
                    rsa.Dispose();
                    throw new ArgumentException($"The PEM for key '{keyId}' is not an RSA key.", nameof(pem), ex);
                }

                return new RsaSignatureKey(keyId, algorithm, rsa, HasPrivatePem(pem));
            case SignatureAlgorithms.HmacSha256:
                throw new ArgumentException("hmac-sha256 keys are shared secrets: use FromSharedSecret.", nameof(algorithm));
            default:
                throw new ArgumentException($"Unsupported algorithm '{algorithm}'. Allowed: {string.Join(", ", SignatureAlgorithms.All)}.", nameof(algorithm));
        }
    }

    /// <summary>Creates a key from a JWK (RFC 7517): <c>oct</c>, <c>OKP</c> (Ed25519), <c>EC</c> or <c>RSA</c>, public or private.</summary>
    /// <param name="keyId">The key id.</param>
    /// <param name="algorithm">The algorithm the key is pinned to.</param>
    /// <param name="json">The JWK JSON object.</param>
    /// <exception cref="ArgumentException">The JWK does not hold a key for the algorithm.</exception>
    public static SignatureKey FromJwk(string keyId, string algorithm, string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        string? Get(string name) => root.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
        byte[]? B(string name) => Get(name) is { } v ? Base64Url(v) : null;
        var kty = Get("kty");
        switch (algorithm)
        {
            case SignatureAlgorithms.HmacSha256 when kty == "oct":
                return FromSharedSecret(keyId, B("k") ?? throw new ArgumentException("The oct JWK has no 'k'.", nameof(json)));
            case SignatureAlgorithms.Ed25519 when kty == "OKP" && Get("crv") == "Ed25519":
                return Ed25519SignatureKey.FromRaw(keyId, B("x"), B("d"));
            case SignatureAlgorithms.EcdsaP256Sha256 or SignatureAlgorithms.EcdsaP384Sha384 when kty == "EC":
                var curve = algorithm == SignatureAlgorithms.EcdsaP256Sha256 ? ECCurve.NamedCurves.nistP256 : ECCurve.NamedCurves.nistP384;
                var expectedCrv = algorithm == SignatureAlgorithms.EcdsaP256Sha256 ? "P-256" : "P-384";
                if (Get("crv") != expectedCrv)
                {
                    throw new ArgumentException($"The EC JWK for key '{keyId}' is not on {expectedCrv}.", nameof(json));
                }

                var ecParameters = new ECParameters { Curve = curve, Q = new ECPoint { X = B("x"), Y = B("y") }, D = B("d") };
                ECDsa jwkEcdsa;
                try
                {
                    jwkEcdsa = ECDsa.Create(ecParameters);
                }
                catch (CryptographicException ex)
                {
                    throw new ArgumentException($"The EC JWK for key '{keyId}' does not hold a valid {expectedCrv} key.", nameof(json), ex);
                }

                return EcdsaSignatureKey.Create(keyId, algorithm, jwkEcdsa, ecParameters.D is not null);
            case SignatureAlgorithms.RsaPssSha512 or SignatureAlgorithms.RsaV15Sha256 when kty == "RSA":
                var rsaParameters = new RSAParameters
                {
                    Modulus = B("n"), Exponent = B("e"), D = B("d"), P = B("p"), Q = B("q"), DP = B("dp"), DQ = B("dq"), InverseQ = B("qi"),
                };
                return new RsaSignatureKey(keyId, algorithm, RSA.Create(rsaParameters), rsaParameters.D is not null);
            default:
                throw new ArgumentException($"The JWK (kty '{kty}') for key '{keyId}' does not fit algorithm '{algorithm}'.", nameof(json));
        }
    }

    /// <summary>Creates an <c>hmac-sha256</c> key from a shared secret (at least 32 bytes).</summary>
    /// <exception cref="ArgumentException">The secret is shorter than 32 bytes.</exception>
    public static SignatureKey FromSharedSecret(string keyId, ReadOnlySpan<byte> secret)
    {
        if (secret.Length < 32)
        {
            throw new ArgumentException("An hmac-sha256 secret must be at least 32 bytes.", nameof(secret));
        }

        return new HmacSignatureKey(keyId, secret.ToArray());
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the key material.</summary>
    protected virtual void Dispose(bool disposing)
    {
    }

    private static bool HasPrivatePem(string pem) => pem.Contains("PRIVATE KEY-----", StringComparison.Ordinal);

    private static void ImportRsaPem(RSA rsa, string pem)
    {
        try
        {
            rsa.ImportFromPem(pem);
        }
        catch (CryptographicException) when (PemEncoding.TryFind(pem, out var fields) && pem[fields.Label].SequenceEqual("PRIVATE KEY"))
        {
            // PKCS#8 with the id-RSASSA-PSS OID (1.2.840.113549.1.1.10), which .NET rejects: the inner key is plain PKCS#1.
            var der = Convert.FromBase64String(pem[fields.Base64Data].ToString());
            var reader = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
            reader.ReadInteger();
            var algorithm = reader.ReadSequence();
            var oid = algorithm.ReadObjectIdentifier();
            if (oid != "1.2.840.113549.1.1.10" && oid != "1.2.840.113549.1.1.1")
            {
                throw new CryptographicException("Not an RSA PKCS#8 key.");
            }

            rsa.ImportRSAPrivateKey(reader.ReadOctetString(), out _);
        }
    }

    internal static byte[] Base64Url(string value)
    {
        var s = value.Replace('-', '+').Replace('_', '/');
        s = s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '=');
        return Convert.FromBase64String(s);
    }
}

internal sealed class HmacSignatureKey(string keyId, byte[] secret) : SignatureKey(keyId, SignatureAlgorithms.HmacSha256)
{
    private readonly byte[] _secret = secret;

    public override bool CanSign => true;

    public override bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(_secret, data, mac);
        return signature.Length == 32 && CryptographicOperations.FixedTimeEquals(mac, signature);
    }

    public override byte[] Sign(ReadOnlySpan<byte> data) => HMACSHA256.HashData(_secret, data);

    protected override void Dispose(bool disposing) => CryptographicOperations.ZeroMemory(_secret);
}

internal sealed class EcdsaSignatureKey : SignatureKey
{
    private const string P256Oid = "1.2.840.10045.3.1.7";
    private const string P384Oid = "1.3.132.0.34";
    private readonly ECDsa _ecdsa;
    private readonly bool _hasPrivate;
    private readonly HashAlgorithmName _hash;
    private readonly int _length;

    private EcdsaSignatureKey(string keyId, string algorithm, ECDsa ecdsa, bool hasPrivate)
        : base(keyId, algorithm)
    {
        _ecdsa = ecdsa;
        _hasPrivate = hasPrivate;
        _hash = algorithm == SignatureAlgorithms.EcdsaP256Sha256 ? HashAlgorithmName.SHA256 : HashAlgorithmName.SHA384;
        _length = algorithm == SignatureAlgorithms.EcdsaP256Sha256 ? 64 : 96;
    }

    /// <summary>Pins <paramref name="ecdsa"/> to <paramref name="algorithm"/>; a key on another curve is refused (and disposed).</summary>
    /// <exception cref="ArgumentException">The key's curve is not the one <paramref name="algorithm"/> names.</exception>
    public static EcdsaSignatureKey Create(string keyId, string algorithm, ECDsa ecdsa, bool hasPrivate)
    {
        var (wantedOid, wantedName) = algorithm == SignatureAlgorithms.EcdsaP256Sha256 ? (P256Oid, "P-256") : (P384Oid, "P-384");
        var actual = CurveName(ecdsa);
        if (actual != wantedName)
        {
            ecdsa.Dispose();
            throw new ArgumentException($"Key '{keyId}' is on curve {actual}, but {algorithm} needs {wantedName} ({wantedOid}).", nameof(ecdsa));
        }

        return new EcdsaSignatureKey(keyId, algorithm, ecdsa, hasPrivate);
    }

    private static string CurveName(ECDsa ecdsa)
    {
        ECCurve curve;
        try
        {
            curve = ecdsa.ExportParameters(false).Curve;
        }
        catch (CryptographicException)
        {
            return "unknown";
        }

        return (curve.Oid?.Value, curve.Oid?.FriendlyName) switch
        {
            (P256Oid, _) or (null, "nistP256" or "ECDSA_P256" or "secp256r1" or "prime256v1") => "P-256",
            (P384Oid, _) or (null, "nistP384" or "ECDSA_P384" or "secp384r1") => "P-384",
            ("1.3.132.0.35", _) => "P-521",
            (var oid, var name) => name ?? oid ?? (curve.IsExplicit ? "explicit" : "unknown"),
        };
    }

    public override bool CanSign => _hasPrivate;

    public override bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        // The curve was checked at creation; the sizes are checked again so a wrong-length signature never reaches the curve.
        if (signature.Length != _length || _ecdsa.KeySize != (_length * 4))
        {
            return false;
        }

        try
        {
            return _ecdsa.VerifyData(data, signature, _hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    public override byte[] Sign(ReadOnlySpan<byte> data)
    {
        if (!_hasPrivate)
        {
            throw new InvalidOperationException($"Key '{KeyId}' has no private part.");
        }

        return _ecdsa.SignData(data.ToArray(), _hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    protected override void Dispose(bool disposing) => _ecdsa.Dispose();
}

internal sealed class RsaSignatureKey(string keyId, string algorithm, RSA rsa, bool hasPrivate) : SignatureKey(keyId, algorithm)
{
    private readonly bool _pss = algorithm == SignatureAlgorithms.RsaPssSha512;

    public override bool CanSign => hasPrivate;

    public override bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        try
        {
            return _pss
                ? rsa.VerifyData(data, signature, HashAlgorithmName.SHA512, RSASignaturePadding.Pss)
                : rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    public override byte[] Sign(ReadOnlySpan<byte> data)
    {
        if (!hasPrivate)
        {
            throw new InvalidOperationException($"Key '{KeyId}' has no private part.");
        }

        var bytes = data.ToArray();
        return _pss
            ? rsa.SignData(bytes, HashAlgorithmName.SHA512, RSASignaturePadding.Pss)
            : rsa.SignData(bytes, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    }

    protected override void Dispose(bool disposing) => rsa.Dispose();
}

internal sealed class Ed25519SignatureKey : SignatureKey
{
    private static readonly NSec.Cryptography.SignatureAlgorithm s_algorithm = NSec.Cryptography.SignatureAlgorithm.Ed25519;
    private readonly NSec.Cryptography.PublicKey _publicKey;
    private readonly NSec.Cryptography.Key? _privateKey;

    private Ed25519SignatureKey(string keyId, NSec.Cryptography.PublicKey publicKey, NSec.Cryptography.Key? privateKey)
        : base(keyId, SignatureAlgorithms.Ed25519)
    {
        _publicKey = publicKey;
        _privateKey = privateKey;
    }

    public override bool CanSign => _privateKey is not null;

    public static Ed25519SignatureKey FromPem(string keyId, string pem)
    {
        var text = System.Text.Encoding.ASCII.GetBytes(pem.Trim());
        if (pem.Contains("PRIVATE KEY-----", StringComparison.Ordinal))
        {
            var key = NSec.Cryptography.Key.Import(s_algorithm, text, NSec.Cryptography.KeyBlobFormat.PkixPrivateKeyText);
            return new Ed25519SignatureKey(keyId, key.PublicKey, key);
        }

        if (!NSec.Cryptography.PublicKey.TryImport(s_algorithm, text, NSec.Cryptography.KeyBlobFormat.PkixPublicKeyText, out var publicKey) || publicKey is null)
        {
            throw new ArgumentException($"The PEM for key '{keyId}' is not an Ed25519 key.", nameof(pem));
        }

        return new Ed25519SignatureKey(keyId, publicKey, null);
    }

    public static Ed25519SignatureKey FromRaw(string keyId, byte[]? x, byte[]? d)
    {
        if (d is not null)
        {
            var key = NSec.Cryptography.Key.Import(s_algorithm, d, NSec.Cryptography.KeyBlobFormat.RawPrivateKey);
            return new Ed25519SignatureKey(keyId, key.PublicKey, key);
        }

        if (x is null)
        {
            throw new ArgumentException($"The OKP JWK for key '{keyId}' has no 'x'.");
        }

        return new Ed25519SignatureKey(keyId, NSec.Cryptography.PublicKey.Import(s_algorithm, x, NSec.Cryptography.KeyBlobFormat.RawPublicKey), null);
    }

    public override bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) =>
        signature.Length == s_algorithm.SignatureSize && s_algorithm.Verify(_publicKey, data, signature);

    public override byte[] Sign(ReadOnlySpan<byte> data) =>
        _privateKey is null ? throw new InvalidOperationException($"Key '{KeyId}' has no private part.") : s_algorithm.Sign(_privateKey, data);

    protected override void Dispose(bool disposing) => _privateKey?.Dispose();
}
