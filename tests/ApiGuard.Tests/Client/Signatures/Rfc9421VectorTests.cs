using System.Text;
using System.Text.Json;
using ApiGuard.Client.Signatures;

namespace ApiGuard.Tests.Client.Signatures;

public sealed class Rfc9421VectorTests
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var c in Index().RootElement.GetProperty("cases").EnumerateArray())
        {
            data.Add(c.GetProperty("name").GetString()!);
        }

        return data;
    }

    [Fact]
    public void Index_HasTwentyCases()
    {
        Assert.Equal(20, Index().RootElement.GetProperty("cases").GetArrayLength());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Verify_RfcCase_MatchesExpectedResult(string name)
    {
        var c = Case(name);
        var (message, signatureInput, signature) = Load(c);
        using var key = TestKeys.Public(c.GetProperty("keyid").GetString()!);
        var label = c.GetProperty("label").GetString()!;

        var check = MessageSignature.Verify(message, signatureInput, signature, label, key);

        if (c.GetProperty("expected_verify").GetBoolean())
        {
            Assert.Null(check);
        }
        else
        {
            Assert.Equal(SignatureChecks.BadSignature, check);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void CreateSignatureBase_RfcCase_ReproducesPrintedBase(string name)
    {
        var c = Case(name);
        var (message, signatureInput, _) = Load(c);
        var label = c.GetProperty("label").GetString()!;
        var expected = File.ReadAllText(TestPaths.Vector("rfc9421", c.GetProperty("signature_base").GetString()!));

        Assert.True(MessageSignature.TryCreateSignatureBase(message, signatureInput, label, out var signatureBase, out var check), check);

        // For negative cases the file holds the base of the altered message, which the printed signature does not match.
        Assert.Equal(expected, Encoding.UTF8.GetString(signatureBase));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Sign_RfcBase_DeterministicReproducesValueElseRoundTrips(string name)
    {
        var c = Case(name);
        var keyId = c.GetProperty("keyid").GetString()!;
        var signatureBase = File.ReadAllBytes(TestPaths.Vector("rfc9421", c.GetProperty("signature_base").GetString()!));
        using var privateKey = TestKeys.Private(keyId);
        using var publicKey = TestKeys.Public(keyId);

        var signature = privateKey.Sign(signatureBase);

        if (!c.GetProperty("expected_verify").GetBoolean())
        {
            // The printed value was made over the original message, not over this (altered) base.
            Assert.NotEqual(c.GetProperty("signature_b64").GetString(), Convert.ToBase64String(signature));
        }
        else if (c.GetProperty("deterministic").GetBoolean())
        {
            Assert.True(SignatureAlgorithms.IsDeterministic(privateKey.Algorithm));
            Assert.Equal(c.GetProperty("signature_b64").GetString(), Convert.ToBase64String(signature));
        }
        else
        {
            Assert.False(SignatureAlgorithms.IsDeterministic(privateKey.Algorithm));
            Assert.NotEqual(c.GetProperty("signature_b64").GetString(), Convert.ToBase64String(signature));
        }

        Assert.True(publicKey.Verify(signatureBase, signature));
        signature[0] ^= 1;
        Assert.False(publicKey.Verify(signatureBase, signature));
    }

    [Fact]
    public void FromJwk_RfcJwks_VerifyTheSameSignaturesAsPem()
    {
        foreach (var c in Index().RootElement.GetProperty("cases").EnumerateArray())
        {
            if (!c.GetProperty("expected_verify").GetBoolean() || c.GetProperty("keyid").GetString() == "test-shared-secret")
            {
                continue;
            }

            var keyId = c.GetProperty("keyid").GetString()!;
            using var key = SignatureKey.FromJwk(keyId, TestKeys.AlgorithmOf(keyId), File.ReadAllText(TestPaths.Vector("rfc9421", "keys", keyId + ".pub.jwk.json")));
            var signatureBase = File.ReadAllBytes(TestPaths.Vector("rfc9421", c.GetProperty("signature_base").GetString()!));
            Assert.True(key.Verify(signatureBase, Convert.FromBase64String(c.GetProperty("signature_b64").GetString()!)), c.GetProperty("name").GetString());
        }
    }

    [Fact]
    public void FromPem_RsaPssOidPrivateKey_IsAccepted()
    {
        using var key = SignatureKey.FromPem("test-key-rsa-pss", SignatureAlgorithms.RsaPssSha512, File.ReadAllText(TestPaths.Vector("rfc9421", "keys", "test-key-rsa-pss.priv.pem")));
        using var derived = SignatureKey.FromPem("test-key-rsa-pss", SignatureAlgorithms.RsaPssSha512, File.ReadAllText(TestPaths.Vector("rfc9421", "keys", "test-key-rsa-pss.priv.rsaEncryption.pkcs8.pem")));
        var data = "base"u8.ToArray();
        Assert.True(derived.Verify(data, key.Sign(data)));
    }

    internal static JsonDocument Index() => JsonDocument.Parse(File.ReadAllText(TestPaths.Vector("rfc9421", "index.json")));

    private static JsonElement Case(string name) =>
        Index().RootElement.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name).Clone();

    private static (TestHttpMessage Message, string SignatureInput, string Signature) Load(JsonElement c)
    {
        var message = TestHttpMessage.Load(TestPaths.Vector("rfc9421", c.GetProperty("signed_message").GetString()!));
        if (c.TryGetProperty("request_message", out var request))
        {
            message.Request = TestHttpMessage.Load(TestPaths.Vector("rfc9421", request.GetString()!));
        }

        return (message, message.Header("signature-input")!.Trim(), message.Header("signature")!.Trim());
    }
}
