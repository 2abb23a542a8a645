using System.Security.Cryptography;
using ApiGuard.Client.Signatures;

namespace ApiGuard.Tests.Client.Signatures;

/// <summary>The RFC 9421 test keys from the shared vectors.</summary>
internal static class TestKeys
{
    public static string AlgorithmOf(string keyId) => keyId switch
    {
        "test-shared-secret" => SignatureAlgorithms.HmacSha256,
        "test-key-ed25519" => SignatureAlgorithms.Ed25519,
        "test-key-ecc-p256" => SignatureAlgorithms.EcdsaP256Sha256,
        "test-key-rsa-pss" => SignatureAlgorithms.RsaPssSha512,
        "test-key-rsa" => SignatureAlgorithms.RsaV15Sha256,
        _ => throw new ArgumentOutOfRangeException(nameof(keyId)),
    };

    public static SignatureKey Public(string keyId, string? algorithm = null)
    {
        if (keyId == "test-shared-secret")
        {
            return Private(keyId);
        }

        return SignatureKey.FromPem(keyId, algorithm ?? AlgorithmOf(keyId), File.ReadAllText(TestPaths.Vector("rfc9421", "keys", keyId + ".pub.pem")));
    }

    public static SignatureKey Private(string keyId, string? algorithm = null)
    {
        if (keyId == "test-shared-secret")
        {
            return SignatureKey.FromSharedSecret(keyId, Convert.FromBase64String(File.ReadAllText(TestPaths.Vector("rfc9421", "keys", "test-shared-secret.b64")).Trim()));
        }

        return SignatureKey.FromPem(keyId, algorithm ?? AlgorithmOf(keyId), File.ReadAllText(TestPaths.Vector("rfc9421", "keys", keyId + ".priv.pem")));
    }

    /// <summary>A fresh ECDSA key pair on <paramref name="curve"/>, loaded through PEM as <paramref name="algorithm"/>.</summary>
    public static (SignatureKey Signing, SignatureKey Verifying) GeneratedEcdsa(string keyId, string algorithm, ECCurve curve)
    {
        using var ecdsa = ECDsa.Create(curve);
        return (SignatureKey.FromPem(keyId, algorithm, ecdsa.ExportPkcs8PrivateKeyPem()), SignatureKey.FromPem(keyId, algorithm, ecdsa.ExportSubjectPublicKeyInfoPem()));
    }
}
