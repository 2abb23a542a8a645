using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using ApiGuard.Authentication.ChallengeResponse;
using ApiGuard.Monitoring;
using ApiGuard.Problems;
using ApiGuard.Tests.BruteForce;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ApiGuard.Tests.Authentication.ChallengeResponse;

/// <summary>
/// The DPoP handler on a TestServer app of its own (<c>GET /api/dpop/profile</c> requiring the DPoP scheme): DetectOnly from every
/// source of mode, and <c>htu</c> checked against the configured public origin behind a proxy.
/// </summary>
public sealed class DpopHandlerTests : IDisposable
{
    private const string Issuer = "dpop-handler-tests";
    private const string Path = "/api/dpop/profile";
    private readonly ECDsa _issuerKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly DpopProofFactory _client = new();

    public void Dispose()
    {
        _issuerKey.Dispose();
        _client.Dispose();
    }

    private async Task<(WebApplication App, HttpClient Http, FakeTimeProvider Time, CollectingObserver Events)> StartAsync(
        Action<ApiGuardOptions>? guard = null, Action<DpopOptions>? dpop = null, ApiGuardMode? endpointMode = null)
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
        var events = new CollectingObserver();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddSingleton<ISecurityEventObserver>(events);
        builder.Services.AddApiGuard(o => guard?.Invoke(o)).AddChallengeResponse();
        builder.Services.AddAuthorization();
        builder.Services.AddAuthentication().AddDpop(o =>
        {
            o.RequireNonce = false;
            o.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = Issuer,
                ValidAudience = Issuer,
                IssuerSigningKey = new ECDsaSecurityKey(_issuerKey),
                ValidateLifetime = false, // the token's lifetime is not under test; the proof's iat runs on the fake clock
            };
            dpop?.Invoke(o);
        });
        var app = builder.Build();
        app.UseRouting();
        app.UseAuthentication();
        app.UseApiGuard();
        app.UseAuthorization();
        var endpoint = app.MapGet(Path, (HttpContext c) => Results.Ok(new { sub = c.User.FindFirst("sub")?.Value }))
            .RequireAuthorization(p => p.AddAuthenticationSchemes(DpopDefaults.AuthenticationScheme).RequireAuthenticatedUser());
        if (endpointMode is { } mode)
        {
            endpoint.WithApiGuardMode(mode, ApiGuardCapabilities.ChallengeResponse);
        }

        await app.StartAsync();
        return (app, app.GetTestClient(), time, events);
    }

    private string Token(string? jkt)
    {
        var claims = new Dictionary<string, object> { ["sub"] = "client-7" };
        if (jkt is not null)
        {
            claims["cnf"] = new Dictionary<string, object> { ["jkt"] = jkt };
        }

        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Issuer,
            Claims = claims,
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(_issuerKey), SecurityAlgorithms.EcdsaSha256),
        });
    }

    private static async Task<HttpResponseMessage> GetAsync(HttpClient http, string token, string? proof)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Path);
        request.Headers.TryAddWithoutValidation("Authorization", "DPoP " + token);
        if (proof is not null)
        {
            request.Headers.Add("DPoP", proof);
        }

        return await http.SendAsync(request);
    }

    private static SecurityEvent[] Failures(CollectingObserver events) =>
        [.. events.Events.Where(e => e is { Capability: ApiGuardCapabilities.ChallengeResponse, Kind: "authentication.failed" })];

    [Fact]
    public async Task HandleAuthenticate_Enforce_WrongHtm_401AndPublishedAsBlocked()
    {
        var (app, http, time, events) = await StartAsync();
        await using var _ = app;
        var token = Token(_client.Thumbprint);

        using var response = await GetAsync(http, token, _client.Create("POST", "http://localhost" + Path, time.GetUtcNow(), accessToken: token));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.StartsWith("DPoP error=\"invalid_dpop_proof\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        var e = Assert.Single(Failures(events));
        Assert.Equal(SecurityAction.Blocked, e.Action);
        Assert.Equal("dpop-htm", e.RuleId);
    }

    [Fact]
    public async Task HandleAuthenticate_GlobalDetectOnly_WrongHtm_AllowedAndPublishedAsWouldBlock()
    {
        var (app, http, time, events) = await StartAsync(guard: o => o.Mode = ApiGuardMode.DetectOnly);
        await using var _ = app;
        var token = Token(_client.Thumbprint);

        using var response = await GetAsync(http, token, _client.Create("POST", "http://localhost" + Path, time.GetUtcNow(), accessToken: token));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("client-7", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sub").GetString());
        Assert.Single(response.Headers.GetValues("DPoP-Nonce"));
        var e = Assert.Single(Failures(events));
        Assert.Equal(SecurityAction.WouldBlock, e.Action);
        Assert.Equal("dpop-htm", e.RuleId);
    }

    [Fact]
    public async Task HandleAuthenticate_EndpointDetectOnly_MissingProofAndMissingNonce_AllowedAndPublishedAsWouldBlock()
    {
        var (app, http, time, events) = await StartAsync(dpop: o => o.RequireNonce = true, endpointMode: ApiGuardMode.DetectOnly);
        await using var _ = app;
        var token = Token(_client.Thumbprint);

        using var noProof = await GetAsync(http, token, null);
        using var noNonce = await GetAsync(http, token, _client.Create("GET", "http://localhost" + Path, time.GetUtcNow(), accessToken: token));

        Assert.Equal(HttpStatusCode.OK, noProof.StatusCode);
        Assert.Equal(HttpStatusCode.OK, noNonce.StatusCode);
        var failures = Failures(events);
        Assert.Equal(["dpop-header", "dpop-nonce"], failures.Select(e => e.RuleId));
        Assert.All(failures, e => Assert.Equal(SecurityAction.WouldBlock, e.Action));
    }

    [Fact]
    public async Task HandleAuthenticate_SchemeDetectOnlyOverridesGlobalEnforce_UnboundTokenAllowed()
    {
        var (app, http, time, events) = await StartAsync(dpop: o => o.Mode = ApiGuardMode.DetectOnly);
        await using var _ = app;
        var token = Token(jkt: null);

        using var response = await GetAsync(http, token, _client.Create("GET", "http://localhost" + Path, time.GetUtcNow(), accessToken: token));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var e = Assert.Single(Failures(events));
        Assert.Equal(("dpop-jkt", SecurityAction.WouldBlock), (e.RuleId, e.Action));
    }

    [Fact]
    public async Task HandleAuthenticate_EndpointEnforceOverridesSchemeDetectOnly_WrongHtmRejected()
    {
        var (app, http, time, events) = await StartAsync(dpop: o => o.Mode = ApiGuardMode.DetectOnly, endpointMode: ApiGuardMode.Enforce);
        await using var _ = app;
        var token = Token(_client.Thumbprint);

        using var response = await GetAsync(http, token, _client.Create("POST", "http://localhost" + Path, time.GetUtcNow(), accessToken: token));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(SecurityAction.Blocked, Assert.Single(Failures(events)).Action);
    }

    [Fact]
    public async Task HandleAuthenticate_DetectOnlyInvalidToken_NoPrincipalSoUnauthenticatedButReportedAsWouldBlock()
    {
        var (app, http, time, events) = await StartAsync(guard: o => o.Mode = ApiGuardMode.DetectOnly);
        await using var _ = app;
        var token = Token(_client.Thumbprint);
        var forged = token[..^4] + (token[^4] == 'A' ? "BBBB" : "AAAA");

        using var response = await GetAsync(http, forged, _client.Create("GET", "http://localhost" + Path, time.GetUtcNow(), accessToken: forged));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(ApiGuardProblemWriter.ContentType, response.Content.Headers.ContentType?.MediaType);
        var e = Assert.Single(Failures(events));
        Assert.Equal(("dpop-token", SecurityAction.WouldBlock), (e.RuleId, e.Action));
    }

    [Fact]
    public async Task HandleAuthenticate_BehindProxyWithPublicOrigin_PublicHtuAcceptedInternalHtuRejected()
    {
        const string PublicOrigin = "https://api.example.com";
        var (app, http, time, events) = await StartAsync(guard: o => o.PublicOrigin = PublicOrigin);
        await using var _ = app;
        var token = Token(_client.Thumbprint);

        // The TestServer is the internal origin http://localhost; the client only ever saw the public one.
        using var publicHtu = await GetAsync(http, token, _client.Create("GET", PublicOrigin + Path, time.GetUtcNow(), accessToken: token));
        using var internalHtu = await GetAsync(http, token, _client.Create("GET", "http://localhost" + Path, time.GetUtcNow(), accessToken: token));

        Assert.Equal(HttpStatusCode.OK, publicHtu.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, internalHtu.StatusCode);
        Assert.StartsWith("DPoP error=\"invalid_dpop_proof\"", internalHtu.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal("dpop-htu", Assert.Single(Failures(events)).RuleId);
    }
}
