using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ApiGuard.Problems;
using ApiGuard.Sample;
using Microsoft.AspNetCore.Builder;

namespace ApiGuard.Tests.Authentication.ChallengeResponse;

/// <summary>
/// Interop: proofs made by the npm package <c>jose</c> (6.2.17) against the sample running on real Kestrel (127.0.0.1, free port):
/// challenge → token (bound to the proof's key) → protected resource; then each RFC 9449 failure.
/// </summary>
public sealed class DpopInteropTests
{
    [Theory]
    [InlineData("ES256")]
    [InlineData("EdDSA")]
    [InlineData("RS256")]
    [InlineData("PS256")]
    public async Task SampleProfile_JoseProofs_AcceptedAndEachBadProofRejectedWithRfcError(string alg)
    {
        var port = FreePort();
        var origin = $"http://127.0.0.1:{port}";
        await using var app = SampleApp.Build(["--urls", origin, "--contentRoot", AppContext.BaseDirectory]);
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(origin) };
        var tokenUri = origin + "/api/dpop/token";
        var profileUri = origin + "/api/dpop/profile";

        // Challenge, then a token bound to a jose key.
        var firstNonce = await ChallengeAsync(http);
        var key = await JoseProofMaker.MakeAsync(alg, null, new JoseProofMaker.ProofSpec("POST", tokenUri, firstNonce));
        using var tokenRequest = new HttpRequestMessage(HttpMethod.Post, "/api/dpop/token");
        tokenRequest.Headers.Add("DPoP", key.Proofs[0]);
        using var tokenResponse = await http.SendAsync(tokenRequest);
        Assert.Equal(HttpStatusCode.OK, tokenResponse.StatusCode);
        var token = (await tokenResponse.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()!;
        var nonceFromToken = tokenResponse.Headers.GetValues("DPoP-Nonce").Single();

        var fresh = new string[7];
        for (var i = 0; i < fresh.Length; i++)
        {
            fresh[i] = await ChallengeAsync(http);
        }

        var proofs = await JoseProofMaker.MakeAsync(alg, key.PrivateJwk,
            new("GET", profileUri, nonceFromToken, token, Jti: "jti-valid"),   // 0 valid
            new("GET", profileUri, fresh[0], token, Jti: "jti-valid"),         // 1 replayed jti (fresh nonce)
            new("POST", profileUri, fresh[1], token),                          // 2 wrong htm
            new("GET", origin + "/api/other", fresh[2], token),                // 3 wrong htu
            new("GET", profileUri, fresh[3], token, IatOffset: -600),          // 4 stale iat
            new("GET", profileUri, null, token),                               // 5 missing nonce
            new("GET", profileUri, firstNonce, token),                         // 6 old (used) nonce
            new("GET", profileUri, fresh[4], "another-access-token"));         // 7 mismatched ath

        using var ok = await GetProfileAsync(http, token, proofs.Proofs[0]);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("demo-client", (await ok.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sub").GetString());
        var nextNonce = ok.Headers.GetValues("DPoP-Nonce").Single();

        using (var literalReplay = await GetProfileAsync(http, token, proofs.Proofs[0]))
        {
            await AssertRejectedAsync(literalReplay, "invalid_dpop_proof");
        }

        await AssertRejectedAsync(await GetProfileAsync(http, token, proofs.Proofs[1]), "invalid_dpop_proof");
        await AssertRejectedAsync(await GetProfileAsync(http, token, proofs.Proofs[2]), "invalid_dpop_proof");
        await AssertRejectedAsync(await GetProfileAsync(http, token, proofs.Proofs[3]), "invalid_dpop_proof");
        await AssertRejectedAsync(await GetProfileAsync(http, token, proofs.Proofs[4]), "invalid_dpop_proof");
        await AssertRejectedAsync(await GetProfileAsync(http, token, proofs.Proofs[5]), "use_dpop_nonce");
        await AssertRejectedAsync(await GetProfileAsync(http, token, proofs.Proofs[6]), "use_dpop_nonce");
        await AssertRejectedAsync(await GetProfileAsync(http, token, proofs.Proofs[7]), "invalid_dpop_proof");

        // The nonce handed out on the 200 is good for the next request: no extra round trip.
        var next = await JoseProofMaker.MakeAsync(alg, key.PrivateJwk, new JoseProofMaker.ProofSpec("GET", profileUri, nextNonce, token));
        using var again = await GetProfileAsync(http, token, next.Proofs[0]);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);

        // A token bound to another key is refused even with a valid proof from this key.
        var other = await JoseProofMaker.MakeAsync(alg, null, new JoseProofMaker.ProofSpec("GET", profileUri, fresh[5], token));
        await AssertRejectedAsync(await GetProfileAsync(http, token, other.Proofs[0]), "invalid_token");
        await app.StopAsync();
    }

    [Fact]
    public async Task SampleProfile_NoAuthorization_ChallengesWithAlgsAndNonce()
    {
        var origin = $"http://127.0.0.1:{FreePort()}";
        await using var app = SampleApp.Build(["--urls", origin, "--contentRoot", AppContext.BaseDirectory]);
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(origin) };

        using var response = await http.GetAsync("/api/dpop/profile");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("DPoP algs=\"ES256 EdDSA RS256 PS256\"", response.Headers.WwwAuthenticate.ToString());
        Assert.Equal(55, response.Headers.GetValues("DPoP-Nonce").Single().Length);
        Assert.Equal(ApiGuardProblemWriter.ContentType, response.Content.Headers.ContentType?.MediaType);
        await app.StopAsync();
    }

    private static async Task<HttpResponseMessage> GetProfileAsync(HttpClient http, string token, string proof)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/dpop/profile");
        request.Headers.TryAddWithoutValidation("Authorization", "DPoP " + token);
        request.Headers.Add("DPoP", proof);
        return await http.SendAsync(request);
    }

    private static async Task AssertRejectedAsync(HttpResponseMessage response, string error)
    {
        using (response)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            var challenge = response.Headers.WwwAuthenticate.ToString();
            Assert.StartsWith("DPoP error=\"" + error + "\"", challenge, StringComparison.Ordinal);
            Assert.Single(response.Headers.GetValues("DPoP-Nonce"));
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(ApiGuardProblemTypes.ProofInvalid, body.GetProperty("type").GetString());
            Assert.Equal(error, body.GetProperty("error").GetString());
        }
    }

    private static async Task<string> ChallengeAsync(HttpClient http)
    {
        using var response = await http.PostAsync("/api/challenge", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var nonce = body.GetProperty("nonce").GetString()!;
        Assert.Equal(nonce, response.Headers.GetValues("DPoP-Nonce").Single());
        return nonce;
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
