using System.Text;
using ApiGuard.Client.Signatures;
using Microsoft.Extensions.Logging;
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

    [Theory]
    [InlineData("test-shared-secret", "test-shared-secret.b64")]
    [InlineData("test-key-ed25519", "test-key-ed25519.priv.pem")]
    [InlineData("test-key-rsa-pss", "test-key-rsa-pss.priv.pem")]
    public async Task SignAsync_DebugLogging_LogsBaseAsEvent3500WithoutKeyMaterial(string keyId, string keyFile)
    {
        var logs = new TestLogCollector();
        using var factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(logs));
        var signer = new RequestSigner(new SigningOptions { Key = TestKeys.Private(keyId) }, s_time, factory.CreateLogger<RequestSigner>());
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://api.example.com/orders?id=7") { Content = new StringContent("{\"a\":1}", Encoding.UTF8, "application/json") };

        var result = await signer.SignAsync(request);

        var entry = Assert.Single(logs.Entries, e => e.EventId == 3500);
        Assert.Equal(LogLevel.Debug, entry.Level);
        var signatureBase = Encoding.UTF8.GetString(result.SignatureBase.Span);
        Assert.Contains("\"@method\": POST\n", signatureBase, StringComparison.Ordinal);
        Assert.Contains("\"@signature-params\": (\"@method\" \"@target-uri\" \"content-digest\" \"content-type\")", signatureBase, StringComparison.Ordinal);
        Assert.EndsWith(signatureBase, entry.Message, StringComparison.Ordinal);
        Assert.StartsWith("Client signature base for label sig1:", entry.Message, StringComparison.Ordinal);
        foreach (var secretPart in KeyMaterial(keyFile))
        {
            Assert.DoesNotContain(logs.Entries, e => e.Message.Contains(secretPart, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task SignAsync_InformationLogging_LogsNoBase()
    {
        var logs = new TestLogCollector();
        using var factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Information).AddProvider(logs));
        var signer = new RequestSigner(new SigningOptions { Key = TestKeys.Private("test-key-ed25519") }, s_time, factory.CreateLogger<RequestSigner>());

        await signer.SignAsync(new HttpRequestMessage(HttpMethod.Get, "https://api.example.com/orders"));

        Assert.Empty(logs.Entries);
    }

    /// <summary>Pieces of the key file long enough to identify it: the base64 secret, or each base64 line of a PEM (in 16-character slices).</summary>
    private static IEnumerable<string> KeyMaterial(string keyFile)
    {
        var text = File.ReadAllText(TestPaths.Vector("rfc9421", "keys", keyFile)).Trim();
        var lines = text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith("-----", StringComparison.Ordinal));
        return lines.SelectMany(l => Enumerable.Range(0, l.Length / 16).Select(i => l.Substring(i * 16, 16))).Append("PRIVATE KEY");
    }
}
