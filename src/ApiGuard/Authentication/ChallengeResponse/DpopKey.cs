using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace ApiGuard.Authentication.ChallengeResponse;

/// <summary>
/// The public key of a DPoP proof, from its <c>jwk</c> header (parsed by Microsoft.IdentityModel's <see cref="JsonWebKey"/>):
/// checks it suits the algorithm, verifies signatures (BCL for ECDSA and RSA, NSec for Ed25519) and computes its RFC 7638 thumbprint.
/// </summary>
internal static class DpopKey
{
    /// <summary>Whether <paramref name="jwk"/> is a public key usable with <paramref name="alg"/>.</summary>
    public static bool IsSuitable(JsonWebKey jwk, string alg)
    {
        if (!string.IsNullOrEmpty(jwk.D) || !string.IsNullOrEmpty(jwk.P) || !string.IsNullOrEmpty(jwk.Q) || !string.IsNullOrEmpty(jwk.DP) ||
            !string.IsNullOrEmpty(jwk.DQ) || !string.IsNullOrEmpty(jwk.QI) || !string.IsNullOrEmpty(jwk.K))
        {
            return false; // a private or symmetric key in the header
        }

        return alg switch
        {
            "ES256" => jwk.Kty == "EC" && jwk.Crv == "P-256" && DecodedLength(jwk.X) == 32 && DecodedLength(jwk.Y) == 32,
            "EdDSA" => jwk.Kty == "OKP" && jwk.Crv == "Ed25519" && DecodedLength(jwk.X) == 32,
            "RS256" or "PS256" => jwk.Kty == "RSA" && DecodedLength(jwk.N) is >= 256 and <= 1024 && DecodedLength(jwk.E) is > 0 and <= 8,
            _ => false,
        };
    }

    /// <summary>Verifies <paramref name="signature"/> over <paramref name="data"/>. <paramref name="jwk"/> must have passed <see cref="IsSuitable"/>.</summary>
    public static bool Verify(JsonWebKey jwk, string alg, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        switch (alg)
        {
            case "ES256":
            {
                if (signature.Length != 64)
                {
                    return false;
                }

                using var ecdsa = ECDsa.Create(new ECParameters
                {
                    Curve = ECCurve.NamedCurves.nistP256,
                    Q = new ECPoint { X = Base64UrlEncoder.DecodeBytes(jwk.X), Y = Base64UrlEncoder.DecodeBytes(jwk.Y) },
                });
                return ecdsa.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
            }

            case "EdDSA":
            {
                if (signature.Length != 64 ||
                    !NSec.Cryptography.PublicKey.TryImport(NSec.Cryptography.SignatureAlgorithm.Ed25519, Base64UrlEncoder.DecodeBytes(jwk.X), NSec.Cryptography.KeyBlobFormat.RawPublicKey, out var key) ||
                    key is null)
                {
                    return false;
                }

                return NSec.Cryptography.SignatureAlgorithm.Ed25519.Verify(key, data, signature);
            }

            case "RS256":
            case "PS256":
            {
                using var rsa = RSA.Create(new RSAParameters { Modulus = Base64UrlEncoder.DecodeBytes(jwk.N), Exponent = Base64UrlEncoder.DecodeBytes(jwk.E) });
                if (rsa.KeySize < 2048 || signature.Length != rsa.KeySize / 8)
                {
                    return false;
                }

                return rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, alg == "RS256" ? RSASignaturePadding.Pkcs1 : RSASignaturePadding.Pss);
            }

            default:
                return false;
        }
    }

    /// <summary>The RFC 7638 thumbprint: base64url(SHA-256) of the required members in lexicographic order, without whitespace.</summary>
    public static string Thumbprint(JsonWebKey jwk)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            switch (jwk.Kty)
            {
                case "EC":
                    writer.WriteString("crv", jwk.Crv);
                    writer.WriteString("kty", jwk.Kty);
                    writer.WriteString("x", jwk.X);
                    writer.WriteString("y", jwk.Y);
                    break;
                case "OKP":
                    writer.WriteString("crv", jwk.Crv);
                    writer.WriteString("kty", jwk.Kty);
                    writer.WriteString("x", jwk.X);
                    break;
                default:
                    writer.WriteString("e", jwk.E);
                    writer.WriteString("kty", jwk.Kty);
                    writer.WriteString("n", jwk.N);
                    break;
            }

            writer.WriteEndObject();
        }

        return Base64UrlEncoder.Encode(SHA256.HashData(buffer.WrittenSpan));
    }

    /// <summary>base64url(SHA-256(ASCII(<paramref name="accessToken"/>))), the <c>ath</c> claim value.</summary>
    public static string AccessTokenHash(string accessToken) => Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(accessToken)));

    private static int DecodedLength(string? base64Url)
    {
        if (string.IsNullOrEmpty(base64Url) || base64Url.Length > 2048)
        {
            return -1;
        }

        try
        {
            return Base64UrlEncoder.DecodeBytes(base64Url).Length;
        }
        catch (FormatException)
        {
            return -1;
        }
    }
}
