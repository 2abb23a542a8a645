using System.Net;
using System.Security.Cryptography;
using ApiGuard.Authentication.Signatures;
using ApiGuard.Client.Signatures;
using ApiGuard.Tests.Client.Signatures;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using static ApiGuard.Tests.Authentication.Signatures.SignatureAuthenticationHandlerTests;

namespace ApiGuard.Tests.Authentication.Signatures;

/// <summary>The handler's keys: ecdsa-p384-sha384, rotation (several keys per client, NotBefore/NotAfter), the in-memory resolver and configuration reload.</summary>
public sealed class SignatureHandlerKeyTests
{
    [Fact]
    public async Task GeneratedP384Key_ClientSignsGetAndPost_HandlerVerifies()
    {
        var (signing, verifying) = TestKeys.GeneratedEcdsa("p384-key", SignatureAlgorithms.EcdsaP384Sha384, ECCurve.NamedCurves.nistP384);
        await using var host = await SignatureTestHost.StartAsync(services: s => s.Configure<SignatureKeyStoreOptions>(k => k.ClientKeys.Add(new SignatureClientKey(verifying, "p384-client"))));
        using var client = host.CreateClient(signing, o => o.IncludeAlgorithm = true);

        using var post = await client.PostAsync("/api/signed/echo", Json("{\"n\":384}"));
        using var get = await client.GetAsync("/api/signed/items");

        Assert.Equal("p384-client||{\"n\":384}", await post.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal("p384-client", await get.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task P256SignatureUnderP384KeyId_FailsBadSignatureOrAlgMismatch()
    {
        var (_, verifying) = TestKeys.GeneratedEcdsa("p384-key", SignatureAlgorithms.EcdsaP384Sha384, ECCurve.NamedCurves.nistP384);
        var (p256, _) = TestKeys.GeneratedEcdsa("p384-key", SignatureAlgorithms.EcdsaP256Sha256, ECCurve.NamedCurves.nistP256);
        await using var host = await SignatureTestHost.StartAsync(services: s => s.Configure<SignatureKeyStoreOptions>(k => k.ClientKeys.Add(new SignatureClientKey(verifying, "p384-client"))));

        using var withoutAlg = await host.CreateClient(p256).GetAsync("/api/signed/items");
        using var withAlg = await host.CreateClient(p256, o => o.IncludeAlgorithm = true).GetAsync("/api/signed/items");

        await AssertProblemAsync(withoutAlg, HttpStatusCode.Unauthorized, SignatureChecks.BadSignature);
        await AssertProblemAsync(withAlg, HttpStatusCode.Unauthorized, SignatureChecks.AlgorithmMismatch);
    }

    [Fact]
    public async Task ConfiguredP256PemAsP384_FailsAtStartupNamingKeyAndCurve()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => SignatureTestHost.StartAsync(services: s => s.Configure<SignatureKeyStoreOptions>(k => k.Keys.Add(new SignatureKeyOptions
        {
            KeyId = "test-key-ecc-p256", ClientId = "c", Algorithm = SignatureAlgorithms.EcdsaP384Sha384, PemFile = TestPaths.Vector("rfc9421", "keys", "test-key-ecc-p256.pub.pem"),
        }))));

        Assert.Contains("ApiGuard:Signatures:Keys:0:PemFile does not hold a valid ecdsa-p384-sha384 key for 'test-key-ecc-p256': Key 'test-key-ecc-p256' is on curve P-256, but ecdsa-p384-sha384 needs P-384", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwoActiveKeysForOneClient_BothAccepted()
    {
        var (oldKey, oldPublic) = TestKeys.GeneratedEcdsa("rotating-2025", SignatureAlgorithms.EcdsaP256Sha256, ECCurve.NamedCurves.nistP256);
        var newKey = SignatureKey.FromSharedSecret("rotating-2026", RandomNumberGenerator.GetBytes(32));
        await using var host = await SignatureTestHost.StartAsync(services: s => s.Configure<SignatureKeyStoreOptions>(k =>
        {
            k.ClientKeys.Add(new SignatureClientKey(oldPublic, "rotating-client") { NotAfter = SignatureTestHost.Start.AddDays(7) });
            k.ClientKeys.Add(new SignatureClientKey(newKey, "rotating-client") { NotBefore = SignatureTestHost.Start.AddDays(-1) });
        }));

        using var viaOld = await host.CreateClient(oldKey).GetAsync("/api/signed/items");
        using var viaNew = await host.CreateClient(newKey).GetAsync("/api/signed/items");

        Assert.Equal("rotating-client", await viaOld.Content.ReadAsStringAsync());
        Assert.Equal("rotating-client", await viaNew.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task KeyOutsideItsWindow_FailsUnknownKeyUntilInside()
    {
        var retired = SignatureKey.FromSharedSecret("retired", RandomNumberGenerator.GetBytes(32));
        var staged = SignatureKey.FromSharedSecret("staged", RandomNumberGenerator.GetBytes(32));
        await using var host = await SignatureTestHost.StartAsync(services: s => s.Configure<SignatureKeyStoreOptions>(k =>
        {
            k.ClientKeys.Add(new SignatureClientKey(retired, "c") { NotAfter = SignatureTestHost.Start.AddMinutes(10) });
            k.ClientKeys.Add(new SignatureClientKey(staged, "c") { NotBefore = SignatureTestHost.Start.AddMinutes(10) });
        }));

        using var retiredBefore = await host.CreateClient(retired).GetAsync("/api/signed/items");
        using var stagedBefore = await host.CreateClient(staged).GetAsync("/api/signed/items");
        host.Time.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));
        using var retiredAfter = await host.CreateClient(retired).GetAsync("/api/signed/items");
        using var stagedAfter = await host.CreateClient(staged).GetAsync("/api/signed/items");

        Assert.Equal(HttpStatusCode.OK, retiredBefore.StatusCode);
        await AssertProblemAsync(stagedBefore, HttpStatusCode.Unauthorized, SignatureChecks.UnknownKey);
        await AssertProblemAsync(retiredAfter, HttpStatusCode.Unauthorized, SignatureChecks.UnknownKey);
        Assert.Equal(HttpStatusCode.OK, stagedAfter.StatusCode);
    }

    [Fact]
    public async Task InMemoryResolver_AddRemoveReplace_HandlerFollows()
    {
        var resolver = new InMemorySignatureKeyResolver();
        var key = SignatureKey.FromSharedSecret("mem-key", RandomNumberGenerator.GetBytes(32));
        resolver.Add(new SignatureClientKey(key, "first-owner"));
        await using var host = await SignatureTestHost.StartAsync(services: s => s.Replace(ServiceDescriptor.Singleton<ISignatureKeyResolver>(resolver)));

        using var known = await host.CreateClient(key).GetAsync("/api/signed/items");
        Assert.True(resolver.Remove("mem-key"));
        Assert.False(resolver.Remove("mem-key"));
        using var removed = await host.CreateClient(key).GetAsync("/api/signed/items");
        resolver.Add(new SignatureClientKey(key, "second-owner"));
        using var replaced = await host.CreateClient(key).GetAsync("/api/signed/items");

        Assert.Equal("first-owner", await known.Content.ReadAsStringAsync());
        await AssertProblemAsync(removed, HttpStatusCode.Unauthorized, SignatureChecks.UnknownKey);
        Assert.Equal("second-owner", await replaced.Content.ReadAsStringAsync());
        Assert.Null(await resolver.ResolveAsync("test-key-ed25519"));
        Assert.Equal("second-owner", (await resolver.ResolveAsync("mem-key"))!.ClientId);
    }

    [Fact]
    public async Task ConfigurationReload_NewKey_IsAcceptedWithoutRestart()
    {
        var secret = RandomNumberGenerator.GetBytes(32);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ApiGuard:Signatures:Keys:0:KeyId"] = "test-key-ed25519",
            ["ApiGuard:Signatures:Keys:0:ClientId"] = "ed-configured",
            ["ApiGuard:Signatures:Keys:0:Algorithm"] = SignatureAlgorithms.Ed25519,
            ["ApiGuard:Signatures:Keys:0:PemFile"] = TestPaths.Vector("rfc9421", "keys", "test-key-ed25519.pub.pem"),
        }).Build();
        await using var host = await SignatureTestHost.StartAsync(services: s =>
        {
            s.Configure<SignatureKeyStoreOptions>(k => k.ClientKeys.Clear());
            s.AddOptions<SignatureKeyStoreOptions>().Bind(configuration.GetSection("ApiGuard:Signatures"));
        });
        var added = SignatureKey.FromSharedSecret("added-later", secret);

        using var before = await host.CreateClient(added).GetAsync("/api/signed/items");
        configuration["ApiGuard:Signatures:Keys:1:KeyId"] = "added-later";
        configuration["ApiGuard:Signatures:Keys:1:ClientId"] = "late-client";
        configuration["ApiGuard:Signatures:Keys:1:Algorithm"] = SignatureAlgorithms.HmacSha256;
        configuration["ApiGuard:Signatures:Keys:1:Secret"] = Convert.ToBase64String(secret);
        configuration.Reload();
        using var after = await host.CreateClient(added).GetAsync("/api/signed/items");
        using var original = await host.CreateClient(TestKeys.Private("test-key-ed25519")).GetAsync("/api/signed/items");

        await AssertProblemAsync(before, HttpStatusCode.Unauthorized, SignatureChecks.UnknownKey);
        Assert.Equal("late-client", await after.Content.ReadAsStringAsync());
        Assert.Equal("ed-configured", await original.Content.ReadAsStringAsync());
        Assert.Equal(2, Assert.IsType<ConfigurationSignatureKeyResolver>(host.Services.GetRequiredService<ISignatureKeyResolver>()).Count);
    }
}
