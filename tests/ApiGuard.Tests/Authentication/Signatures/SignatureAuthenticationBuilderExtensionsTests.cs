using System.Net;
using ApiGuard.Authentication.Signatures;
using ApiGuard.Client.Signatures;
using ApiGuard.Tests.Client.Signatures;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using static ApiGuard.Tests.Authentication.Signatures.SignatureAuthenticationHandlerTests;

namespace ApiGuard.Tests.Authentication.Signatures;

public sealed class SignatureAuthenticationBuilderExtensionsTests
{
    [Fact]
    public async Task AddHttpMessageSignatures_OnAuthenticationBuilderWithoutApiGuard_VerifiesAndChallenges()
    {
        var time = new FakeTimeProvider(SignatureTestHost.Start);
        await using var app = await StartAsync(time, "Signature", auth => auth.AddHttpMessageSignatures(o => o.MaxAge = TimeSpan.FromMinutes(1)));
        var signer = new RequestSigner(new SigningOptions { Key = TestKeys.Private("test-key-ed25519") }, time);
        using var signedClient = new HttpClient(new SigningHandler(signer) { InnerHandler = app.GetTestServer().CreateHandler() }) { BaseAddress = new Uri("http://localhost") };

        using var signed = await signedClient.GetAsync("/api/signed/items");
        using var unsigned = await app.GetTestClient().GetAsync("/api/signed/items");
        var stale = new HttpRequestMessage(HttpMethod.Get, "http://localhost/api/signed/items");
        await signer.SignAsync(stale);
        time.Advance(TimeSpan.FromSeconds(91));
        using var expired = await app.GetTestClient().SendAsync(stale);

        Assert.Equal("plain-ed-client", await signed.Content.ReadAsStringAsync());
        await AssertProblemAsync(unsigned, HttpStatusCode.Unauthorized, SignatureChecks.MissingSignature);
        Assert.Equal("sig1=(\"@method\" \"@target-uri\");created", Assert.Single(unsigned.Headers.GetValues("Accept-Signature")));
        await AssertProblemAsync(expired, HttpStatusCode.Unauthorized, SignatureChecks.Expired);
    }

    [Fact]
    public async Task AddHttpMessageSignatures_CustomSchemeName_RegistersThatScheme()
    {
        var time = new FakeTimeProvider(SignatureTestHost.Start);
        await using var app = await StartAsync(time, "Partner", auth => auth.AddHttpMessageSignatures("Partner", o => o.ClockSkew = TimeSpan.FromSeconds(5)));
        var schemes = app.Services.GetRequiredService<Microsoft.AspNetCore.Authentication.IAuthenticationSchemeProvider>();

        Assert.NotNull(await schemes.GetSchemeAsync("Partner"));
        Assert.Equal(TimeSpan.FromSeconds(5), app.Services.GetRequiredService<IOptionsMonitor<SignatureAuthenticationOptions>>().Get("Partner").ClockSkew);
    }

    [Fact]
    public async Task AddHttpMessageSignatures_InvalidOptions_FailAtStartupNamingKey()
    {
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => StartAsync(new FakeTimeProvider(SignatureTestHost.Start), "Signature", auth => auth.AddHttpMessageSignatures(o => o.MaxFieldLength = 10)));

        Assert.Contains("ApiGuard:Signatures:MaxFieldLength must be between 256 and 65536 (was 10).", ex.Message, StringComparison.Ordinal);
    }

    private static async Task<WebApplication> StartAsync(TimeProvider time, string scheme, Action<Microsoft.AspNetCore.Authentication.AuthenticationBuilder> configure)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddSingleton(time);
        builder.Services.AddAuthorization();
        configure(builder.Services.AddAuthentication(scheme));
        builder.Services.Configure<SignatureKeyStoreOptions>(k => k.ClientKeys.Add(new SignatureClientKey(TestKeys.Public("test-key-ed25519"), "plain-ed-client")));
        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/api/signed/items", (HttpContext context) => context.User.Identity!.Name).RequireSignature();
        await app.StartAsync();
        return app;
    }
}
