using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ApiGuard.Tests.Authentication.Otp;
using ApiGuard.Tests.Authentication.Signatures;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace ApiGuard.Tests.Authentication.ChallengeResponse;

/// <summary>RFC 9421 signatures covering a server nonce: <c>RequireServerNoncesForSignatures()</c> on the signatures handler.</summary>
public sealed class SignatureServerNonceTests
{
    private static HttpRequestMessage Signed(SignatureTestHost host, string nonce)
    {
        // hmac-sha256 with the RFC 9421 test-shared-secret over @method and @target-uri, built here independently of ApiGuard.Client.
        var secret = Convert.FromBase64String(File.ReadAllText(Path.Combine(TestVectors.VectorsDirectory, "rfc9421", "keys", "test-shared-secret.b64")).Trim());
        var created = host.Time.GetUtcNow().ToUnixTimeSeconds();
        var parameters = $"(\"@method\" \"@target-uri\");created={created};keyid=\"test-shared-secret\";nonce=\"{nonce}\"";
        var signatureBase = $"\"@method\": GET\n\"@target-uri\": http://localhost/api/signed/items\n\"@signature-params\": {parameters}";
        var signature = Convert.ToBase64String(HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(signatureBase)));
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/signed/items");
        request.Headers.Add("Signature-Input", "sig1=" + parameters);
        request.Headers.Add("Signature", $"sig1=:{signature}:");
        return request;
    }

    private static async Task<string> GetNonceAsync(HttpClient client)
    {
        using var unsigned = await client.GetAsync("/api/signed/items");
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        return unsigned.Headers.GetValues("DPoP-Nonce").Single();
    }

    [Fact]
    public async Task SignedRequest_ServerNonceFrom401_AcceptedOnceThenRefused()
    {
        await using var host = await SignatureTestHost.StartAsync(guard: g => g.RequireServerNoncesForSignatures());
        using var client = host.App.GetTestClient();
        var nonce = await GetNonceAsync(client);

        using var accepted = await client.SendAsync(Signed(host, nonce));
        host.Time.Advance(TimeSpan.FromSeconds(1));
        using var again = await client.SendAsync(Signed(host, nonce));

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Single(accepted.Headers.GetValues("DPoP-Nonce"));
        Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
        Assert.Equal("nonce-required", (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("check").GetString());
    }

    [Fact]
    public async Task SignedRequest_ClientMadeNonce_RefusedWithNonceRequired()
    {
        await using var host = await SignatureTestHost.StartAsync(guard: g => g.RequireServerNoncesForSignatures());
        using var client = host.App.GetTestClient();

        using var response = await client.SendAsync(Signed(host, Convert.ToBase64String(RandomNumberGenerator.GetBytes(16))));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("nonce-required", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("check").GetString());
    }

    [Fact]
    public async Task SignedRequest_WithoutServerNonceRequirement_ClientNonceAccepted()
    {
        await using var host = await SignatureTestHost.StartAsync();
        using var client = host.App.GetTestClient();

        using var response = await client.SendAsync(Signed(host, "client-made-nonce"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
