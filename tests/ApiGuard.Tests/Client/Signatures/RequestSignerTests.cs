using System.Text;
using ApiGuard.Client.Signatures;
using Microsoft.Extensions.Time.Testing;

namespace ApiGuard.Tests.Client.Signatures;

public sealed class RequestSignerTests
{
    private static readonly FakeTimeProvider s_time = new(DateTimeOffset.FromUnixTimeSeconds(1700000000));

    [Fact]
    public async Task SignAsync_GetWithoutBody_CoversMethodAndTargetUriWithoutDigest()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://api.example.com/orders?page=2");
        var signer = new RequestSigner(new SigningOptions { Key = TestKeys.Private("test-key-ed25519") }, s_time);

        var result = await signer.SignAsync(request);

        Assert.Null(result.ContentDigest);
        Assert.False(request.Headers.Contains("Content-Digest"));
        Assert.Matches("^sig1=\\(\"@method\" \"@target-uri\"\\);created=1700000000;nonce=\"[A-Za-z0-9_-]{22}\";keyid=\"test-key-ed25519\"$", result.SignatureInput);
        Assert.StartsWith("\"@method\": GET\n\"@target-uri\": https://api.example.com/orders?page=2\n", Encoding.UTF8.GetString(result.SignatureBase.Span), StringComparison.Ordinal);
        Assert.Equal(result.SignatureInput, Assert.Single(request.Headers.GetValues("Signature-Input")));
    }

    [Fact]
    public async Task SignAsync_TwiceWithNonce_NoncesDiffer()
    {
        var signer = new RequestSigner(new SigningOptions { Key = TestKeys.Private("test-shared-secret") }, s_time);

        var a = await signer.SignAsync(new HttpRequestMessage(HttpMethod.Post, "https://x.example/a") { Content = new StringContent("1") });
        var b = await signer.SignAsync(new HttpRequestMessage(HttpMethod.Post, "https://x.example/a") { Content = new StringContent("1") });

        Assert.NotEqual(a.SignatureInput, b.SignatureInput);
        Assert.Equal(a.ContentDigest, b.ContentDigest);
    }

    [Fact]
    public async Task SignAsync_ConfiguredAbsentField_IsSkipped()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://api.example.com/");
        var options = new SigningOptions { Key = TestKeys.Private("test-key-ecc-p256"), IncludeNonce = false, IncludeAlgorithm = true, ExpiresAfter = TimeSpan.FromMinutes(1), Tag = "t" };
        options.Components.Add("@method");
        options.Components.Add("x-not-there");

        var result = await new RequestSigner(options, s_time).SignAsync(request);

        Assert.Equal("sig1=(\"@method\");created=1700000000;expires=1700000060;keyid=\"test-key-ecc-p256\";alg=\"ecdsa-p256-sha256\";tag=\"t\"", result.SignatureInput);
        using var key = TestKeys.Public("test-key-ecc-p256");
        Assert.Null(MessageSignature.Verify(new HttpRequestMessageComponents(request), result.SignatureInput, result.Signature, "sig1", key));
    }

    [Fact]
    public void Constructor_PublicKeyOnly_Throws()
    {
        Assert.Throws<ArgumentException>(() => new RequestSigner(new SigningOptions { Key = TestKeys.Public("test-key-ed25519") }));
        Assert.Throws<ArgumentException>(() => new RequestSigner(new SigningOptions()));
    }

    [Theory]
    [InlineData("sig1=(\"@method\" \"@target-uri\");created;nonce=\"abc\";tag=\"t\"", "sig1", 2, true, "abc", true, "t")]
    [InlineData("b=(\"@authority\");nonce", "b", 1, false, null, true, null)]
    public void AcceptSignatureRequest_TryParse_ReadsLabelComponentsAndParameters(string field, string label, int count, bool created, string? nonce, bool nonceWanted, string? tag)
    {
        var asked = AcceptSignatureRequest.TryParse(field);

        Assert.NotNull(asked);
        Assert.Equal(label, asked.Label);
        Assert.Equal(count, asked.Components.Count);
        Assert.Equal(created, asked.Created);
        Assert.Equal(nonce, asked.Nonce);
        Assert.Equal(nonceWanted, asked.NonceWanted);
        Assert.Equal(tag, asked.Tag);
    }

    [Theory]
    [InlineData("sig1=:abc=:")]
    [InlineData("not a dictionary (")]
    [InlineData("")]
    public void AcceptSignatureRequest_TryParse_Invalid_ReturnsNull(string field)
    {
        Assert.Null(AcceptSignatureRequest.TryParse(field));
    }
}
