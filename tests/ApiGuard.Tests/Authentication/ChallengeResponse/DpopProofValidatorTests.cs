using System.Text.Json;
using ApiGuard.Authentication.ChallengeResponse;
using ApiGuard.Tests.Authentication.Otp;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ApiGuard.Tests.Authentication.ChallengeResponse;

public sealed class DpopProofValidatorTests
{
    private const string Htu = "https://api.example.com/api/dpop/profile";

    private static (ServiceProvider Services, FakeTimeProvider Time, IDpopProofValidator Validator, IServerNonceService Nonces) Build(DateTimeOffset now)
    {
        var time = new FakeTimeProvider(now);
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddApiGuard().AddChallengeResponse();
        services.AddAuthentication().AddDpop();
        var provider = services.BuildServiceProvider();
        return (provider, time, provider.GetRequiredService<IDpopProofValidator>(), provider.GetRequiredService<IServerNonceService>());
    }

    private static HttpContext NewContext(IServiceProvider services) => new DefaultHttpContext { RequestServices = services };

    private static JsonElement Vectors() => TestVectors.Load("dpop/rfc9449-examples.json").RootElement.Clone();

    private static JsonElement Proof(JsonElement vectors, string name) =>
        vectors.GetProperty("proofs").EnumerateArray().Single(p => p.GetProperty("name").GetString() == name);

    [Theory]
    [InlineData("token-request-authorization-code")]
    [InlineData("token-request-refresh-token")]
    [InlineData("protected-resource-request")]
    public async Task ValidateAsync_Rfc9449Example_VerifiesWithClockAtIat(string name)
    {
        var vectors = Vectors();
        var proof = Proof(vectors, name);
        var iat = proof.GetProperty("decoded_payload").GetProperty("iat").GetInt64();
        var (services, _, validator, _) = Build(DateTimeOffset.FromUnixTimeSeconds(iat));
        await using var owner = services;
        var request = proof.GetProperty("request");
        var isResource = request.TryGetProperty("authorization", out _);

        var result = await validator.ValidateAsync(new DpopProofValidationRequest
        {
            Proof = proof.GetProperty("dpop_header").GetString()!,
            Method = request.GetProperty("method").GetString()!,
            Uri = request.GetProperty("uri").GetString()!,
            AccessToken = isResource ? vectors.GetProperty("access_token").GetString() : null,
            ExpectedThumbprint = isResource ? vectors.GetProperty("jkt_expected").GetString() : null,
            RequireNonce = false,
        }, NewContext(services));

        Assert.True(result.IsValid, result.Check + ": " + result.Description);
        Assert.Equal(proof.GetProperty("jwk_thumbprint_rfc7638").GetString(), result.JwkThumbprint);
    }

    [Fact]
    public async Task ValidateAsync_Rfc9449RefreshProofReusingJti_IsReplay()
    {
        var vectors = Vectors();
        var first = Proof(vectors, "token-request-authorization-code");
        var refresh = Proof(vectors, "token-request-refresh-token");
        var (services, time, validator, _) = Build(DateTimeOffset.FromUnixTimeSeconds(first.GetProperty("decoded_payload").GetProperty("iat").GetInt64()));
        await using var owner = services;
        var uri = first.GetProperty("request").GetProperty("uri").GetString()!;

        var ok = await validator.ValidateAsync(new DpopProofValidationRequest { Proof = first.GetProperty("dpop_header").GetString()!, Method = "POST", Uri = uri, RequireNonce = false, ProofLifetime = TimeSpan.FromHours(1) }, NewContext(services));
        time.SetUtcNow(DateTimeOffset.FromUnixTimeSeconds(refresh.GetProperty("decoded_payload").GetProperty("iat").GetInt64()));
        var replay = await validator.ValidateAsync(new DpopProofValidationRequest
        {
            Proof = refresh.GetProperty("dpop_header").GetString()!,
            Method = "POST",
            Uri = uri,
            RequireNonce = false,
            ProofLifetime = TimeSpan.FromHours(1), // the two proofs are 45 minutes apart: keep both in the window
        }, NewContext(services));

        Assert.True(ok.IsValid);
        Assert.Equal(DpopError.InvalidProof, replay.Error);
        Assert.Equal("jti", replay.Check);
    }

    [Theory]
    [InlineData("POST", "https://resource.example.org/protectedresource", null, 0, "htm")]
    [InlineData("GET", "https://resource.example.org/otherresource", null, 0, "htu")]
    [InlineData("GET", "https://resource.example.org/protectedresource", "other-token", 0, "ath")]
    [InlineData("GET", "https://resource.example.org/protectedresource", null, 61, "iat")]
    [InlineData("GET", "https://resource.example.org/protectedresource", null, -6, "iat")]
    public async Task ValidateAsync_Rfc9449ResourceProofAgainstWrongRequest_InvalidProof(string method, string uri, string? token, int clockOffset, string check)
    {
        var vectors = Vectors();
        var proof = Proof(vectors, "protected-resource-request");
        var iat = proof.GetProperty("decoded_payload").GetProperty("iat").GetInt64();
        var (services, _, validator, _) = Build(DateTimeOffset.FromUnixTimeSeconds(iat + clockOffset));
        await using var owner = services;

        var result = await validator.ValidateAsync(new DpopProofValidationRequest
        {
            Proof = proof.GetProperty("dpop_header").GetString()!,
            Method = method,
            Uri = uri,
            AccessToken = token ?? vectors.GetProperty("access_token").GetString(),
            RequireNonce = false,
        }, NewContext(services));

        Assert.Equal(DpopError.InvalidProof, result.Error);
        Assert.Equal(check, result.Check);
    }

    [Fact]
    public async Task ValidateAsync_Rfc9449ResourceProofWithOtherKeyBinding_InvalidToken()
    {
        var vectors = Vectors();
        var proof = Proof(vectors, "protected-resource-request");
        var (services, _, validator, _) = Build(DateTimeOffset.FromUnixTimeSeconds(proof.GetProperty("decoded_payload").GetProperty("iat").GetInt64()));
        await using var owner = services;

        var result = await validator.ValidateAsync(new DpopProofValidationRequest
        {
            Proof = proof.GetProperty("dpop_header").GetString()!,
            Method = "GET",
            Uri = "https://resource.example.org/protectedresource",
            AccessToken = vectors.GetProperty("access_token").GetString(),
            ExpectedThumbprint = vectors.GetProperty("dpop_jkt_authorization_request_example_value").GetString(),
            RequireNonce = false,
        }, NewContext(services));

        Assert.Equal(DpopError.InvalidToken, result.Error);
        Assert.Equal("jkt", result.Check);
    }

    [Theory]
    [InlineData("ES256")]
    [InlineData("EdDSA")]
    [InlineData("RS256")]
    [InlineData("PS256")]
    public async Task ValidateAsync_FreshProofWithServerNonce_ValidOnceThenNonceAndJtiRefused(string alg)
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        var (services, _, validator, nonces) = Build(now);
        await using var owner = services;
        using var key = new DpopProofFactory(alg);
        var context = NewContext(services);
        var nonce = nonces.Issue(context);
        var proof = key.Create("GET", Htu, now, nonce, "token-1");
        DpopProofValidationRequest Request(string p) => new() { Proof = p, Method = "GET", Uri = Htu, AccessToken = "token-1", ExpectedThumbprint = key.Thumbprint };

        var missing = await validator.ValidateAsync(Request(key.Create("GET", Htu, now, accessToken: "token-1")), context);
        var valid = await validator.ValidateAsync(Request(proof), context);
        var oldNonce = await validator.ValidateAsync(Request(key.Create("GET", Htu, now, nonce, "token-1")), context);

        Assert.Equal(DpopError.UseNonce, missing.Error);
        Assert.True(valid.IsValid, valid.Check + ": " + valid.Description);
        Assert.Equal(key.Thumbprint, valid.JwkThumbprint);
        Assert.Equal(DpopError.UseNonce, oldNonce.Error);

        var replay = await validator.ValidateAsync(Request(proof), context);
        Assert.Equal(DpopError.InvalidProof, replay.Error);
        Assert.Equal("jti", replay.Check);
    }

    [Fact]
    public async Task ValidateAsync_SameJtiWithFreshNonce_IsReplay()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        var (services, _, validator, nonces) = Build(now);
        await using var owner = services;
        using var key = new DpopProofFactory();
        var context = NewContext(services);

        var first = await validator.ValidateAsync(new() { Proof = key.Create("GET", Htu, now, nonces.Issue(context), jti: "same"), Method = "GET", Uri = Htu }, context);
        var second = await validator.ValidateAsync(new() { Proof = key.Create("GET", Htu, now, nonces.Issue(context), jti: "same"), Method = "GET", Uri = Htu }, context);

        Assert.True(first.IsValid);
        Assert.Equal(DpopError.InvalidProof, second.Error);
        Assert.Equal("jti", second.Check);
    }

    [Fact]
    public async Task ValidateAsync_ExpiredNonce_UseNonce()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        var (services, time, validator, nonces) = Build(now);
        await using var owner = services;
        using var key = new DpopProofFactory();
        var context = NewContext(services);
        var nonce = nonces.Issue(context);
        time.Advance(TimeSpan.FromMinutes(3));

        var result = await validator.ValidateAsync(new() { Proof = key.Create("GET", Htu, time.GetUtcNow(), nonce), Method = "GET", Uri = Htu }, context);

        Assert.Equal(DpopError.UseNonce, result.Error);
    }

    public static TheoryData<string, string> MalformedProofs() => new()
    {
        { "typ", "typ:jwt" },
        { "alg", "alg:HS256" },
        { "jwk", "jwk:private" },
        { "jwk", "jwk:missing" },
        { "signature", "tamper" },
        { "claims", "no-jti" },
        { "header", "garbage" },
    };

    [Theory]
    [MemberData(nameof(MalformedProofs))]
    public async Task ValidateAsync_MalformedProof_InvalidProofAtCheck(string check, string mutation)
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        var (services, _, validator, _) = Build(now);
        await using var owner = services;
        using var key = new DpopProofFactory();
        var proof = mutation switch
        {
            "typ:jwt" => key.Create("GET", Htu, now, header: h => h["typ"] = "JWT"),
            "alg:HS256" => key.Create("GET", Htu, now, header: h => h["alg"] = "HS256"),
            "jwk:private" => key.Create("GET", Htu, now, header: h => h["jwk"]!["d"] = "AAAA"),
            "jwk:missing" => key.Create("GET", Htu, now, header: h => h.Remove("jwk")),
            "tamper" => key.Create("GET", Htu, now)[..^4] + "AAAA",
            "no-jti" => key.Create("GET", Htu, now, payload: p => p.Remove("jti")),
            _ => "not.a.jwt",
        };

        var result = await validator.ValidateAsync(new() { Proof = proof, Method = "GET", Uri = Htu, RequireNonce = false }, NewContext(services));

        Assert.Equal(DpopError.InvalidProof, result.Error);
        Assert.Equal(check, result.Check);
    }

    [Theory]
    [InlineData("HTTPS://API.Example.com:443/a/../api/dpop/profile?x=1#frag", "https://api.example.com/api/dpop/profile")]
    [InlineData("http://127.0.0.1:5080/api/%64pop/profile", "http://127.0.0.1:5080/api/dpop/profile")]
    [InlineData("https://api.example.com:8443/p", "https://api.example.com:8443/p")]
    public void NormalizeUri_EquivalentForms_Normalised(string input, string expected)
    {
        Assert.Equal(expected, DpopProofValidator.NormalizeUri(input));
    }

    [Theory]
    [InlineData("/relative")]
    [InlineData("ftp://example.com/x")]
    [InlineData("https://user:pw@example.com/x")]
    public void NormalizeUri_NotAnHttpUri_Null(string input)
    {
        Assert.Null(DpopProofValidator.NormalizeUri(input));
    }
}
