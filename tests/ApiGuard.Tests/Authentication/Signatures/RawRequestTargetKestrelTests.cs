using System.Net;
using ApiGuard.Client.Signatures;
using ApiGuard.Tests.Client.Signatures;

namespace ApiGuard.Tests.Authentication.Signatures;

/// <summary>
/// <c>@target-uri</c>, <c>@path</c> and <c>@query</c> come from the raw request target on a real Kestrel server: targets whose
/// percent-encodings decoding would change (<c>%41</c> is <c>A</c> in the decoded path) verify when signed as sent, by
/// ApiGuard.Client and by the independent http-message-signatures, and fail when the signed target differs from the sent one.
/// </summary>
public sealed class RawRequestTargetKestrelTests
{
    private const string EncodedTarget = "/api/signed/items/a%2Fb%41?q=a%20b&x=%41&y=%2B";

    // The server decodes the path (%41 becomes A; %2F stays encoded) and the query value (%20 becomes a space).
    private const string DecodedAnswer = "|a%2FbA|a b";

    [Theory]
    [InlineData("test-shared-secret")]
    [InlineData("test-key-ed25519")]
    [InlineData("test-key-ecc-p256")]
    public async Task ApiGuardClientSigns_EncodedPathAndQuery_KestrelVerifiesRawTarget(string keyId)
    {
        await using var host = await SignatureKestrelHost.StartAsync();
        var signer = new RequestSigner(new SigningOptions { Key = TestKeys.Private(keyId) });
        using var client = new HttpClient(new SigningHandler(signer) { InnerHandler = new SocketsHttpHandler() });

        using var response = await client.GetAsync(Exact(host.BaseUrl + EncodedTarget));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("client-" + keyId + DecodedAnswer, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("test-shared-secret")]
    [InlineData("test-key-ed25519")]
    [InlineData("test-key-ecc-p256")]
    public async Task NodeSigns_EncodedPathAndQuery_KestrelVerifiesRawTarget(string keyId)
    {
        await using var host = await SignatureKestrelHost.StartAsync();

        var result = await NodeInterop.SignAndSendAsync(host.BaseUrl + EncodedTarget, keyId);

        Assert.Equal(200, result.GetProperty("status").GetInt32());
        Assert.Equal("client-" + keyId + DecodedAnswer, result.GetProperty("body").GetString());
    }

    [Theory]
    [InlineData("/api/signed/items/bA?q=1", "/api/signed/items/b%41?q=1")]
    [InlineData("/api/signed/items/b?x=A", "/api/signed/items/b?x=%41")]
    [InlineData("/api/signed/items/b%2Fc?q=a%20b", "/api/signed/items/b%2fc?q=a%20b")]
    public async Task SignedTargetDiffersFromSentRawTarget_SameDecodedRequest_FailsBadSignature(string signedTarget, string sentTarget)
    {
        await using var host = await SignatureKestrelHost.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, Exact(host.BaseUrl + signedTarget));
        await new RequestSigner(new SigningOptions { Key = TestKeys.Private("test-key-ed25519") }).SignAsync(request);
        request.RequestUri = Exact(host.BaseUrl + sentTarget);
        using var client = new HttpClient(new SocketsHttpHandler());

        using var response = await client.SendAsync(request);

        await SignatureAuthenticationHandlerTests.AssertProblemAsync(response, HttpStatusCode.Unauthorized, SignatureChecks.BadSignature);
    }

    /// <summary>A URI sent and signed exactly as written (no canonicalisation of percent-encodings).</summary>
    private static Uri Exact(string url) => new(url, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
}
