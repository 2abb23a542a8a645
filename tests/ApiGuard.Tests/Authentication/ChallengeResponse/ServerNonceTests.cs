using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using ApiGuard.Authentication.ChallengeResponse;
using ApiGuard.Authentication.Otp;
using ApiGuard.Problems;
using ApiGuard.Replay;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ApiGuard.Tests.Authentication.ChallengeResponse;

public sealed class ServerNonceTests
{
    private static readonly DateTimeOffset s_now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    private static (ServiceProvider Services, FakeTimeProvider Time, IServerNonceService Nonces) Build(Action<ServerNonceOptions>? configure = null)
    {
        var time = new FakeTimeProvider(s_now);
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddApiGuard().AddChallengeResponse(configure);
        var provider = services.BuildServiceProvider();
        return (provider, time, provider.GetRequiredService<IServerNonceService>());
    }

    private static DefaultHttpContext From(IServiceProvider services, string ip) =>
        new() { RequestServices = services, Connection = { RemoteIpAddress = IPAddress.Parse(ip) } };

    [Fact]
    public async Task TryConsumeAsync_IssuedNonce_AcceptedOnceOnly()
    {
        var (services, _, nonces) = Build();
        await using var owner = services;
        var context = From(services, "203.0.113.7");
        var nonce = nonces.Issue(context);

        Assert.Equal(ServerNonceService.EncodedLength, nonce.Length);
        Assert.True(await nonces.TryConsumeAsync(nonce, context));
        Assert.False(await nonces.TryConsumeAsync(nonce, context));
    }

    [Fact]
    public async Task Issue_200Nonces_RandomSegmentOf16BytesWhoseEveryBitVaries()
    {
        var (services, _, nonces) = Build();
        await using var owner = services;
        var context = From(services, "203.0.113.7");

        // Layout: version (1) | expiry (8) | random (16) | MAC (16), base64url. The clock is fixed, so only random and MAC may vary.
        const int RandomOffset = 9;
        const int RandomLength = 16;
        var raws = Enumerable.Range(0, 200).Select(_ => System.Buffers.Text.Base64Url.DecodeFromChars(nonces.Issue(context))).ToArray();

        Assert.All(raws, r => Assert.Equal(RandomOffset + RandomLength + 16, r.Length));
        Assert.All(raws, r => Assert.True(r.AsSpan(0, RandomOffset).SequenceEqual(raws[0].AsSpan(0, RandomOffset))));
        Assert.Equal(200, raws.Select(r => Convert.ToHexString(r, RandomOffset, RandomLength)).Distinct().Count());
        var stuck = new List<int>();
        for (var bit = 0; bit < RandomLength * 8; bit++)
        {
            var ones = raws.Count(r => (r[RandomOffset + (bit / 8)] & (1 << (bit % 8))) != 0);
            if (ones is 0 or 200)
            {
                stuck.Add(bit);
            }
        }

        // Each of the 128 bit positions takes both values (a stuck bit by chance: 2^-199 per position).
        Assert.Empty(stuck);
    }

    [Fact]
    public async Task TryConsumeAsync_OtherClientAddress_Refused()
    {
        var (services, _, nonces) = Build();
        await using var owner = services;
        var nonce = nonces.Issue(From(services, "203.0.113.7"));

        Assert.False(await nonces.TryConsumeAsync(nonce, From(services, "198.51.100.9")));
        Assert.True(await nonces.TryConsumeAsync(nonce, From(services, "203.0.113.7")));
    }

    [Fact]
    public async Task TryConsumeAsync_AfterLifetime_Refused()
    {
        var (services, time, nonces) = Build(o => o.NonceLifetime = TimeSpan.FromSeconds(30));
        await using var owner = services;
        var context = From(services, "203.0.113.7");
        var nonce = nonces.Issue(context);

        time.Advance(TimeSpan.FromSeconds(31));

        Assert.False(await nonces.TryConsumeAsync(nonce, context));
    }

    [Theory]
    [InlineData("")]
    [InlineData("short")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task TryConsumeAsync_ForgedOrTamperedNonce_Refused(string forged)
    {
        var (services, _, nonces) = Build();
        await using var owner = services;
        var context = From(services, "203.0.113.7");
        var real = nonces.Issue(context);
        var tampered = real[..10] + (real[10] == 'A' ? 'B' : 'A') + real[11..];

        Assert.False(await nonces.TryConsumeAsync(forged, context));
        Assert.False(await nonces.TryConsumeAsync(tampered, context));
    }

    [Fact]
    public async Task TryConsumeAsync_InstancesSharingSigningKey_AcceptEachOthersNonces()
    {
        var key = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var (a, _, issuer) = Build(o => o.SigningKey = key);
        var (b, _, consumer) = Build(o => o.SigningKey = key);
        var (c, _, stranger) = Build();
        await using var ownerA = a;
        await using var ownerB = b;
        await using var ownerC = c;
        var nonce = issuer.Issue(From(a, "203.0.113.7"));

        Assert.False(await stranger.TryConsumeAsync(nonce, From(c, "203.0.113.7")));
        Assert.True(await consumer.TryConsumeAsync(nonce, From(b, "203.0.113.7")));
    }

    [Fact]
    public void Validate_BadOptions_NamesKeys()
    {
        var services = new ServiceCollection();
        services.AddApiGuard().AddChallengeResponse(o =>
        {
            o.NonceLifetime = TimeSpan.FromHours(2);
            o.SigningKey = "c2hvcnQ=";
        });
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<ServerNonceOptions>>().Value);

        Assert.Contains(ex.Failures, f => f.StartsWith("ApiGuard:ChallengeResponse:NonceLifetime", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("ApiGuard:ChallengeResponse:SigningKey", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Middleware_ResponsesOfEachKind_NonceOn2xxAnd401Only()
    {
        await using var app = await StartAppAsync();
        using var client = app.GetTestClient();

        using var ok = await client.GetAsync("/ok");
        using var unauthorized = await client.GetAsync("/otp");
        using var notFound = await client.GetAsync("/missing");
        using var disabled = await client.GetAsync("/disabled");
        using var challenge = await client.PostAsync("/api/challenge", null);

        Assert.Single(ok.Headers.GetValues("DPoP-Nonce"));
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
        Assert.Single(unauthorized.Headers.GetValues("DPoP-Nonce"));
        Assert.False(notFound.Headers.Contains("DPoP-Nonce"));
        Assert.False(disabled.Headers.Contains("DPoP-Nonce"));
        var body = await challenge.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(body.GetProperty("nonce").GetString(), Assert.Single(challenge.Headers.GetValues("DPoP-Nonce")));
        Assert.Equal(120, body.GetProperty("expires_in").GetInt32());
        Assert.Equal("no-store", challenge.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task OtpMiddleware_AnonymousOnEndpointWithoutAuthorization_401OtpProblem()
    {
        await using var app = await StartAppAsync();
        using var client = app.GetTestClient();

        using var response = await client.GetAsync("/otp");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(ApiGuardProblemTypes.OtpRequired, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
        Assert.StartsWith("OTP ", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OtpMiddleware_ReplayStoreDown_503()
    {
        await using var app = await StartAppAsync(s => s.AddSingleton<IReplayStore, DownReplayStore>());
        using var client = app.GetTestClient();
        var secret = OtpEnrollment.CreateSecret();
        await app.Services.GetRequiredService<IOtpSecretStore>().SetAsync("anyone", secret);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/otp-as-anyone");
        request.Headers.Add(OtpDefaults.HeaderName, OtpCodes.ComputeTotp(secret, app.Services.GetRequiredService<TimeProvider>().GetUtcNow()));
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(ApiGuardProblemTypes.ServiceUnavailable, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
    }

    private static async Task<WebApplication> StartAppAsync(Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddApiGuard().AddChallengeResponse().AddOtp();
        builder.Services.AddRouting();
        services?.Invoke(builder.Services);
        var app = builder.Build();
        app.UseRouting();
        app.Use((context, next) =>
        {
            if (context.Request.Path == "/otp-as-anyone")
            {
                context.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "anyone")], "Test"));
            }

            return next(context);
        });
        app.UseApiGuard();
        app.MapGet("/ok", () => "ok");
        app.MapGet("/otp", () => "secret").RequireOtp();
        app.MapGet("/otp-as-anyone", () => "secret").RequireOtp();
        app.MapGet("/disabled", () => "ok").DisableApiGuard();
        app.MapApiGuardChallenge();
        await app.StartAsync();
        return app;
    }

    private sealed class DownReplayStore : IReplayStore
    {
        public ValueTask<bool> TryReserveAsync(string scope, string key, TimeSpan ttl, CancellationToken cancellationToken = default) =>
            throw new ApiGuardStoreUnavailableException("down");
    }
}
