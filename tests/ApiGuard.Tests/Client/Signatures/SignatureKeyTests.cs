using System.Security.Cryptography;
using System.Text;
using ApiGuard.Client.Signatures;

namespace ApiGuard.Tests.Client.Signatures;

public sealed class SignatureKeyTests
{
    private static readonly byte[] s_base = Encoding.ASCII.GetBytes("\"@method\": GET\n\"@signature-params\": (\"@method\");created=1");

    [Fact]
    public void FromPem_GeneratedP384_SignsAndVerifiesWith96ByteSignatures()
    {
        var (privateKey, publicKey) = TestKeys.GeneratedEcdsa("p384", SignatureAlgorithms.EcdsaP384Sha384, ECCurve.NamedCurves.nistP384);

        var signature = privateKey.Sign(s_base);

        Assert.Equal(96, signature.Length);
        Assert.True(publicKey.Verify(s_base, signature));
        Assert.False(publicKey.CanSign);
        signature[10] ^= 1;
        Assert.False(publicKey.Verify(s_base, signature));
    }

    [Theory]
    [InlineData(256, SignatureAlgorithms.EcdsaP384Sha384, "P-256", "P-384")]
    [InlineData(384, SignatureAlgorithms.EcdsaP256Sha256, "P-384", "P-256")]
    [InlineData(521, SignatureAlgorithms.EcdsaP384Sha384, "P-521", "P-384")]
    public void FromPem_CurveDisagreesWithAlgorithm_ThrowsNamingBoth(int bits, string algorithm, string actual, string wanted)
    {
        using var ecdsa = ECDsa.Create(bits switch { 256 => ECCurve.NamedCurves.nistP256, 384 => ECCurve.NamedCurves.nistP384, _ => ECCurve.NamedCurves.nistP521 });

        var fromPublic = Assert.Throws<ArgumentException>(() => SignatureKey.FromPem("k1", algorithm, ecdsa.ExportSubjectPublicKeyInfoPem()));
        var fromPrivate = Assert.Throws<ArgumentException>(() => SignatureKey.FromPem("k1", algorithm, ecdsa.ExportPkcs8PrivateKeyPem()));

        foreach (var ex in new[] { fromPublic, fromPrivate })
        {
            Assert.Contains($"Key 'k1' is on curve {actual}, but {algorithm} needs {wanted}", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void FromPem_RfcP256TestKeyAsP384_Throws()
    {
        var pem = File.ReadAllText(TestPaths.Vector("rfc9421", "keys", "test-key-ecc-p256.pub.pem"));

        Assert.Throws<ArgumentException>(() => SignatureKey.FromPem("test-key-ecc-p256", SignatureAlgorithms.EcdsaP384Sha384, pem));
        using var key = SignatureKey.FromPem("test-key-ecc-p256", SignatureAlgorithms.EcdsaP256Sha256, pem);
        Assert.Equal(SignatureAlgorithms.EcdsaP256Sha256, key.Algorithm);
    }

    [Fact]
    public void FromJwk_P256PointDeclaredP384_Throws()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var q = ecdsa.ExportParameters(false).Q;
        var jwk = $"{{\"kty\":\"EC\",\"crv\":\"P-384\",\"x\":\"{Base64Url(q.X!)}\",\"y\":\"{Base64Url(q.Y!)}\"}}";

        var ex = Assert.Throws<ArgumentException>(() => SignatureKey.FromJwk("k1", SignatureAlgorithms.EcdsaP384Sha384, jwk));
        Assert.Contains("not hold a valid P-384 key", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => SignatureKey.FromJwk("k1", SignatureAlgorithms.EcdsaP256Sha256, jwk));
    }

    [Fact]
    public void Verify_P256SignatureAgainstP384Key_ReturnsFalse()
    {
        var (signer, _) = TestKeys.GeneratedEcdsa("k1", SignatureAlgorithms.EcdsaP256Sha256, ECCurve.NamedCurves.nistP256);
        var (_, verifier) = TestKeys.GeneratedEcdsa("k1", SignatureAlgorithms.EcdsaP384Sha384, ECCurve.NamedCurves.nistP384);

        var signature = signer.Sign(s_base);

        Assert.Equal(64, signature.Length);
        Assert.False(verifier.Verify(s_base, signature));
        Assert.False(verifier.Verify(s_base, [.. signature, .. signature[..32]]));
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
