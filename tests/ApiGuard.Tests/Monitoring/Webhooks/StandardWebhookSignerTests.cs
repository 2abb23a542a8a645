using System.Text;
using System.Text.Json;
using ApiGuard.Monitoring.Webhooks;
using ApiGuard.Tests.Infrastructure;

namespace ApiGuard.Tests.Monitoring.Webhooks;

public sealed class StandardWebhookSignerTests
{
    public static TheoryData<string> VectorNames()
    {
        var data = new TheoryData<string>();
        foreach (var v in Load().RootElement.GetProperty("vectors").EnumerateArray())
        {
            data.Add(v.GetProperty("name").GetString()!);
        }

        return data;
    }

    private static JsonDocument Load() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Shared, "vectors", "standard-webhooks.json")));

    [Theory]
    [MemberData(nameof(VectorNames))]
    public void Verify_SharedVector_MatchesExpectation(string name)
    {
        using var doc = Load();
        var v = doc.RootElement.GetProperty("vectors").EnumerateArray().Single(x => x.GetProperty("name").GetString() == name);
        Assert.True(StandardWebhookSigner.TryDecodeSecret(v.GetProperty("secret").GetString(), out var key));
        var id = v.GetProperty("webhook_id").GetString()!;
        var ts = v.GetProperty("webhook_timestamp").GetInt64();
        var body = Encoding.UTF8.GetBytes(v.GetProperty("payload").GetString()!);

        if (v.TryGetProperty("expected_signature_header", out var expected))
        {
            Assert.Equal(expected.GetString(), StandardWebhookSigner.Sign(key, id, ts, body));
            Assert.True(StandardWebhookSigner.Verify(key, id, ts, body, expected.GetString()!));
        }
        else
        {
            Assert.Equal(v.GetProperty("expected_verify").GetBoolean(), StandardWebhookSigner.Verify(key, id, ts, body, v.GetProperty("signature_header").GetString()!));
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("whsec_not base64!")]
    [InlineData("whsec_AAAA")]
    [InlineData("whsec_AAAAAAAAAAAAAAAAAAAAAA==")] // 16 bytes
    [InlineData("whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")] // 23 bytes
    [InlineData("whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")] // 65 bytes
    public void TryDecodeSecret_Invalid_False(string? secret) => Assert.False(StandardWebhookSigner.TryDecodeSecret(secret, out _));

    [Theory]
    [InlineData(24)]
    [InlineData(64)]
    public void TryDecodeSecret_LengthAtTheBounds_True(int bytes)
    {
        Assert.True(StandardWebhookSigner.TryDecodeSecret("whsec_" + Convert.ToBase64String(new byte[bytes]), out var key));
        Assert.Equal(bytes, key.Length);
    }

    [Fact]
    public void Validator_ShortSecret_MessageStatesTheLengthsTheCodeAccepts()
    {
        var options = new WebhookAlertOptions();
        options.Endpoints.Add(new WebhookEndpointOptions { Url = "https://hooks.example.com/", Secret = "whsec_" + Convert.ToBase64String(new byte[StandardWebhookSigner.MinSecretBytes - 1]) });

        var result = new WebhookAlertOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("ApiGuard:Webhooks:Endpoints:0:Secret", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("base64 of 24 to 64 bytes", result.FailureMessage, StringComparison.Ordinal);
    }
}
