using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;
using NSec.Cryptography;

namespace ApiGuard.Tests.Authentication.ChallengeResponse;

/// <summary>Makes DPoP proofs in tests: a key per algorithm, the public JWK, and signed proof JWTs with any claims.</summary>
internal sealed class DpopProofFactory : IDisposable
{
    private readonly ECDsa? _ecdsa;
    private readonly RSA? _rsa;
    private readonly Key? _ed25519;

    public DpopProofFactory(string alg = "ES256")
    {
        Alg = alg;
        switch (alg)
        {
            case "ES256":
                _ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
                var p = _ecdsa.ExportParameters(false);
                PublicJwk = new JsonObject { ["kty"] = "EC", ["crv"] = "P-256", ["x"] = Base64UrlEncoder.Encode(p.Q.X), ["y"] = Base64UrlEncoder.Encode(p.Q.Y) };
                break;
            case "EdDSA":
                _ed25519 = Key.Create(SignatureAlgorithm.Ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
                PublicJwk = new JsonObject { ["kty"] = "OKP", ["crv"] = "Ed25519", ["x"] = Base64UrlEncoder.Encode(_ed25519.PublicKey.Export(KeyBlobFormat.RawPublicKey)) };
                break;
            default:
                _rsa = RSA.Create(2048);
                var r = _rsa.ExportParameters(false);
                PublicJwk = new JsonObject { ["kty"] = "RSA", ["n"] = Base64UrlEncoder.Encode(r.Modulus), ["e"] = Base64UrlEncoder.Encode(r.Exponent) };
                break;
        }
    }

    public string Alg { get; }

    public JsonObject PublicJwk { get; }

    /// <summary>The RFC 7638 thumbprint, computed here independently of ApiGuard.</summary>
    public string Thumbprint
    {
        get
        {
            var members = PublicJwk.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => $"\"{m.Key}\":\"{m.Value}\"");
            return Base64UrlEncoder.Encode(SHA256.HashData(Encoding.UTF8.GetBytes("{" + string.Join(",", members) + "}")));
        }
    }

    public static string Ath(string accessToken) => Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(accessToken)));

    public string Create(string htm, string htu, DateTimeOffset iat, string? nonce = null, string? accessToken = null, string? jti = null,
        Action<JsonObject>? header = null, Action<JsonObject>? payload = null)
    {
        var h = new JsonObject { ["typ"] = "dpop+jwt", ["alg"] = Alg, ["jwk"] = PublicJwk.DeepClone() };
        header?.Invoke(h);
        var claims = new JsonObject
        {
            ["jti"] = jti ?? Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(12)),
            ["htm"] = htm,
            ["htu"] = htu,
            ["iat"] = iat.ToUnixTimeSeconds(),
        };
        if (nonce is not null)
        {
            claims["nonce"] = nonce;
        }

        if (accessToken is not null)
        {
            claims["ath"] = Ath(accessToken);
        }

        payload?.Invoke(claims);
        var input = Base64UrlEncoder.Encode(h.ToJsonString()) + "." + Base64UrlEncoder.Encode(claims.ToJsonString());
        return input + "." + Base64UrlEncoder.Encode(Sign(Encoding.ASCII.GetBytes(input)));
    }

    private byte[] Sign(byte[] data) => Alg switch
    {
        "ES256" => _ecdsa!.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation),
        "EdDSA" => SignatureAlgorithm.Ed25519.Sign(_ed25519!, data),
        "PS256" => _rsa!.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pss),
        _ => _rsa!.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
    };

    public void Dispose()
    {
        _ecdsa?.Dispose();
        _rsa?.Dispose();
        _ed25519?.Dispose();
    }
}
