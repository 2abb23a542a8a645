using System.Net;

namespace ApiGuard.Tests.Authentication.Signatures;

/// <summary>
/// What a real Kestrel server with default limits does with an oversized <c>Signature</c> field: Kestrel itself answers
/// 431 before the app (and ApiGuard) runs. The sample raises the limit so ApiGuard answers its 401 problem instead
/// (<c>SignaturesDemoTests.SignedEcho_100KBSignatureHeaderOnKestrel_ReturnsProblemNever431Or500</c>).
/// </summary>
public sealed class SignatureKestrelLimitsTests
{
    [Fact]
    public async Task HugeSignatureHeader_DefaultKestrelLimits_Answers431BeforeTheApp()
    {
        await using var host = await SignatureKestrelHost.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, host.BaseUrl + "/api/signed/items");
        request.Headers.TryAddWithoutValidation("Signature-Input", "sig1=(\"@method\");created=1;keyid=\"test-key-ed25519\"");
        request.Headers.TryAddWithoutValidation("Signature", "sig1=:" + new string('A', 100 * 1024) + ":");
        using var client = new HttpClient();

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
        Assert.NotEqual("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
