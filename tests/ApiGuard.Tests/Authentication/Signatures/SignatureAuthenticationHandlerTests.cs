using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ApiGuard.Authentication.Signatures;
using ApiGuard.Client.Signatures;
using ApiGuard.Monitoring;
using ApiGuard.Problems;
using ApiGuard.Replay;
using ApiGuard.Tests.Client.Signatures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace ApiGuard.Tests.Authentication.Signatures;

public sealed class SignatureAuthenticationHandlerTests
{
    [Theory]
    [InlineData("test-shared-secret", "hmac-client|orders:write")]
    [InlineData("test-key-ed25519", "ed-client|orders:read orders:write")]
    [InlineData("test-key-ecc-p256", "ec-client|")]
    [InlineData("test-key-rsa-pss", "rsa-client|")]
    public async Task SignedPost_EachAlgorithm_AuthenticatesOwnerAndBodyStaysReadable(string keyId, string expectedPrefix)
    {
        await using var host = await SignatureTestHost.StartAsync();
        using var client = host.CreateClient(TestKeys.Private(keyId));

        using var response = await client.PostAsync("/api/signed/echo", Json("{\"hello\": \"world\"}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expectedPrefix + "|{\"hello\": \"world\"}", await response.Content.ReadAsStringAsync());
        Assert.DoesNotContain(host.Events.Events, e => e.Capability == ApiGuardCapabilities.Signatures);
    }

    /// <summary>
    /// TestServer's request feature has no <c>RawTarget</c>, so this covers the fallback that rebuilds the target from
    /// <c>PathBase</c>, <c>Path</c> and <c>QueryString</c>; the raw target itself is proven on Kestrel in <see cref="RawRequestTargetKestrelTests"/>.
    /// </summary>
    [Fact]
    public async Task SignedGet_TestServerWithoutRawTarget_VerifiesAgainstRebuiltTargetFallback()
    {
        await using var host = await SignatureTestHost.StartAsync();
        using var client = host.CreateClient(TestKeys.Private("test-key-ed25519"));

        using var response = await client.GetAsync("/api/signed/items?q=a%20b&x=%2F");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ed-client", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task DefaultPolicy_AuthorityPathAndQueryInsteadOfTargetUri_Accepted()
    {
        await using var host = await SignatureTestHost.StartAsync();
        using var client = host.CreateClient(TestKeys.Private("test-key-ed25519"), o =>
        {
            foreach (var component in new[] { "@method", "@authority", "@path", "@query" })
            {
                o.Components.Add(component);
            }
        });

        using var response = await client.GetAsync("/api/signed/items?page=2");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(host.Events.Events, e => e.Capability == ApiGuardCapabilities.Signatures);
    }

    [Theory]
    [InlineData("@authority", "@path")]
    [InlineData("@authority", "@query")]
    [InlineData("@path", "@query")]
    public async Task DefaultPolicy_TargetAlternativeIncomplete_FailsMissingComponent(string first, string second)
    {
        await using var host = await SignatureTestHost.StartAsync();
        var request = new HttpRequestMessage(HttpMethod.Get, "http://localhost/api/signed/items?page=2");
        await Signer(host, "test-key-ed25519", o =>
        {
            o.Components.Add("@method");
            o.Components.Add(first);
            o.Components.Add(second);
        }).SignAsync(request);

        using var response = await host.CreateUnsignedClient().SendAsync(request);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, SignatureChecks.MissingComponent);
        var e = Assert.Single(host.Events.Events, e => e.Capability == ApiGuardCapabilities.Signatures);
        Assert.Equal("The signature does not cover @target-uri (or @authority, @path and @query).", e.Reason);
    }

    [Fact]
    public async Task Unsigned_ProtectedEndpoint_Returns401ProblemWithAcceptSignature()
    {
        await using var host = await SignatureTestHost.StartAsync();
        using var client = host.CreateUnsignedClient();

        using var response = await client.PostAsync("/api/signed/echo", Json("{}"));

        var problem = await AssertProblemAsync(response, HttpStatusCode.Unauthorized, SignatureChecks.MissingSignature);
        Assert.Equal(ApiGuardProblemTypes.SignatureInvalid, problem.GetProperty("type").GetString());
        Assert.Equal(
            "sig1=(\"@method\" \"@target-uri\" \"content-digest\" \"content-type\");created;nonce",
            Assert.Single(response.Headers.GetValues("Accept-Signature")));
        var e = Assert.Single(host.Events.Events, e => e.Capability == ApiGuardCapabilities.Signatures);
        Assert.Equal("authentication.failed", e.Kind);
        Assert.Equal(SignatureChecks.MissingSignature, e.RuleId);
    }

    [Fact]
    public async Task SigningHandler_ServerAsksForMore_ResignsOnceAsAsked()
    {
        await using var host = await SignatureTestHost.StartAsync();
        using var client = host.CreateClient(TestKeys.Private("test-key-ecc-p256"), o => o.Components.Add("@method"));

        using var response = await client.PostAsync("/api/signed/echo", Json("{\"a\":1}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ec-client||{\"a\":1}", await response.Content.ReadAsStringAsync());
        Assert.Contains(host.Events.Events, e => e.RuleId == SignatureChecks.MissingComponent);
    }

    [Fact]
    public async Task SigningHandler_ServerAsksForAbsentField_ReturnsOriginal401()
    {
        await using var host = await SignatureTestHost.StartAsync();
        using var client = host.CreateClient(TestKeys.Private("test-key-ed25519"));

        using var response = await client.GetAsync("/api/signed/strict");

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, SignatureChecks.MissingComponent);
    }

    [Fact]
    public async Task TamperedBody_AfterSigning_FailsDigestMismatch()
    {
        await using var host = await SignatureTestHost.StartAsync();
        var request = await SignAsync(host, "test-shared-secret", HttpMethod.Post, "/api/signed/echo", "{\"amount\": 10}");
        request.Content = Json("{\"amount\": 99}");
        CopySignatureHeaders(request);

        using var response = await host.CreateUnsignedClient().SendAsync(request);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, SignatureChecks.DigestMismatch);
    }

    [Fact]
    public async Task TamperedQuery_AfterSigning_FailsBadSignature()
    {
        await using var host = await SignatureTestHost.StartAsync();
        var request = await SignAsync(host, "test-key-ed25519", HttpMethod.Get, "/api/signed/items?account=1", null);
        request.RequestUri = new Uri("http://localhost/api/signed/items?account=2");

        using var response = await host.CreateUnsignedClient().SendAsync(request);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, SignatureChecks.BadSignature);
    }

    [Fact]
    public async Task CoveredHeaderRemoved_FailsMissingComponent()
    {
        await using var host = await SignatureTestHost.StartAsync();
        var request = new HttpRequestMessage(HttpMethod.Get, "http://localhost/api/signed/items");
        request.Headers.Add("X-Request-Id", "r-1");
        await Signer(host, "test-key-ed25519", o =>
        {
            o.Components.Add("@method");
            o.Components.Add("@target-uri");
            o.Components.Add("x-request-id");
        }).SignAsync(request);
        request.Headers.Remove("X-Request-Id");

        using var response = await host.CreateUnsignedClient().SendAsync(request);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, SignatureChecks.MissingComponent);
    }

    [Fact]
    public async Task ReplayedNonce_SecondUse_FailsReplay()
    {
        await using var host = await SignatureTestHost.StartAsync();
        var request = await SignAsync(host, "test-key-ecc-p256", HttpMethod.Post, "/api/signed/echo", "{}");
        var replay = Clone(request, "{}");
        var client = host.CreateUnsignedClient();

        using var first = await client.SendAsync(request);
        using var second = await client.SendAsync(replay);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        await AssertProblemAsync(second, HttpStatusCode.Unauthorized, SignatureChecks.Replay);
    }

    [Fact]
    public async Task BadSignature_DoesNotConsumeItsNonce_SameNonceThenVerifies()
    {
        await using var host = await SignatureTestHost.StartAsync();
        var good = await SignAsync(host, "test-key-ecc-p256", HttpMethod.Post, "/api/signed/echo", "{}");
        var forged = Clone(good, "{}");
        var signature = good.Headers.GetValues("Signature").Single();
        var flipped = signature[6] == 'A' ? 'B' : 'A';
        forged.Headers.Remove("Signature");
        forged.Headers.TryAddWithoutValidation("Signature", string.Concat(signature.AsSpan(0, 6), flipped.ToString(), signature.AsSpan(7)));
        var client = host.CreateUnsignedClient();

        using var rejected = await client.SendAsync(forged);
        using var accepted = await client.SendAsync(good);

        await AssertProblemAsync(rejected, HttpStatusCode.Unauthorized, SignatureChecks.BadSignature);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Contains(";nonce=", good.Headers.GetValues("Signature-Input").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Expired_OlderThanMaxAge_FailsExpired()
    {
        await using var host = await SignatureTestHost.StartAsync();
        var request = await SignAsync(host, "test-shared-secret", HttpMethod.Get, "/api/signed/items", null);
        host.Time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(31));

        using var response = await host.CreateUnsignedClient().SendAsync(request);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, SignatureChecks.Expired);
    }

    [Fact]
    public async Task Expires_InThePast_FailsExpired()
    {
        await using var host = await SignatureTestHost.StartAsync();
        var request = new HttpRequestMessage(HttpMethod.Get, "http://localhost/api/signed/items");
        await Signer(host, "test-shared-secret", o => o.ExpiresAfter = TimeSpan.FromSeconds(10)).SignAsync(request);
        host.Time.Advance(TimeSpan.FromSeconds(41));

        using var response = await host.CreateUnsignedClient().SendAsync(request);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, SignatureChecks.Expired);
    }

    [Fact]
    public async Task CreatedInFuture_BeyondSkew_FailsCreatedInFuture()
    {
        await using var host = await SignatureTestHost.StartAsync();
        var ahead = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(SignatureTestHost.Start.AddSeconds(31));
        var request = new HttpRequestMessage(HttpMethod.Get, "http://localhost/api/signed/items");
        await new RequestSigner(new SigningOptions { Key = TestKeys.Private("test-key-ed25519") }, ahead).SignAsync(request);

        using var response = await host.CreateUnsignedClient().SendAsync(request);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, SignatureChecks.CreatedInFuture);
    }

    [Fact]
    public async Task CreatedInFuture_WithinSkew_IsAccepted()
    {
        await using var host = await SignatureTestHost.StartAsync();
        var ahead = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(SignatureTestHost.Start.AddSeconds(29));
        var request = new HttpRequestMessage(HttpMethod.Get, "http://localhost/api/signed/items");
        await new RequestSigner(new SigningOptions { Key = TestKeys.Private("test-key-ed25519") }, ahead).SignAsync(request);

        using var response = await host.CreateUnsignedClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task UnknownKeyId_FailsUnknownKey()
    {
        await using var host = await SignatureTestHost.StartAsync();
        var stranger = SignatureKey.FromSharedSecret("stranger", new byte[32]);
        var request = new HttpRequestMessage(HttpMethod.Get, "http://localhost/api/signed/items");
        await new RequestSigner(new SigningOptions { Key = stranger }, host.Time).SignAsync(request);

        using var response = await host.CreateUnsignedClient().SendAsync(request);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, SignatureChecks.UnknownKey);
    }

    [Fact]
    public async Task AlgorithmMismatch_AlgDisagreesWithKey_FailsAlgMismatch()
    {
        await using var host = await SignatureTestHost.StartAsync();
        var impostor = SignatureKey.FromSharedSecret("test-key-ed25519", new byte[32]);
        var request = new HttpRequestMessage(HttpMethod.Get, "http://localhost/api/signed/items");
        await new RequestSigner(new SigningOptions { Key = impostor, IncludeAlgorithm = true }, host.Time).SignAsync(request);

        using var response = await host.CreateUnsignedClient().SendAsync(request);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, SignatureChecks.AlgorithmMismatch);
    }

    [Theory]
    [InlineData("sig1=(\"@method\" \"@target-uri\"", "sig1=:AAAA:")]
    [InlineData("sig1=(\"@method\" \"@target-uri\");created=1.5;keyid=\"test-key-ed25519\"", "sig1=:AAAA:")]
    [InlineData("sig1=(\"@method\" \"@target-uri\");created=1768478400;keyid=\"test-key-ed25519\"", "sig1=AAAA")]
    [InlineData("sig1=(\"@method\" \"@target-uri\");created=1768478400;keyid=\"test-key-ed25519\"", "sig1=:AA=A:")]
    [InlineData("SIG1=(\"@method\")", "SIG1=:AAAA:")]
    [InlineData("sig1=(\"@method\" \"@target-uri\" \"@bogus\");created=1768478400;keyid=\"test-key-ed25519\"", "sig1=:AAAA:")]
    public async Task MalformedStructuredField_FailsMalformed(string signatureInput, string signature)
    {
        await using var host = await SignatureTestHost.StartAsync();
        var request = new HttpRequestMessage(HttpMethod.Get, "http://localhost/api/signed/items");
        request.Headers.TryAddWithoutValidation("Signature-Input", signatureInput);
        request.Headers.TryAddWithoutValidation("Signature", signature);

        using var response = await host.CreateUnsignedClient().SendAsync(request);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, SignatureChecks.Malformed);
    }

    /// <summary>TestServer has no header-size limit; on Kestrel see <see cref="SignatureKestrelLimitsTests"/> and the sample's test.</summary>
    [Fact]
    public async Task HugeSignatureHeader_100KB_FailsMalformedWithoutEcho()
    {
        await using var host = await SignatureTestHost.StartAsync();
        var request = await SignAsync(host, "test-key-ed25519", HttpMethod.Get, "/api/signed/items", null);
        request.Headers.Remove("Signature");
        var huge = "sig1=:" + new string('A', 100 * 1024) + ":";
        request.Headers.TryAddWithoutValidation("Signature", huge);

        using var response = await host.CreateUnsignedClient().SendAsync(request);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, SignatureChecks.Malformed);
        Assert.DoesNotContain("AAAAAAAA", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NonceMissing_OnPost_FailsNonceRequiredThenClientResigns()
    {
        await using var host = await SignatureTestHost.StartAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, "http://localhost/api/signed/echo") { Content = Json("{}") };
        await new RequestSigner(new SigningOptions { Key = TestKeys.Private("test-key-ed25519"), IncludeNonce = false }, host.Time).SignAsync(request);
        using var rejected = await host.CreateUnsignedClient().SendAsync(request);
        await AssertProblemAsync(rejected, HttpStatusCode.Unauthorized, SignatureChecks.NonceRequired);

        using var post = await host.CreateClient(TestKeys.Private("test-key-ed25519"), o => o.IncludeNonce = false).PostAsync("/api/signed/echo", Json("{}"));

        // The client re-signs once as asked (Accept-Signature has ;nonce), so the second attempt succeeds.
        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        Assert.Contains(host.Events.Events, e => e.RuleId == SignatureChecks.NonceRequired);
    }

    [Fact]
    public async Task OnValidateNonce_Rejects_FailsNonceRequired()
    {
        await using var host = await SignatureTestHost.StartAsync(o => o.Events.OnValidateNonce = ctx =>
        {
            if (ctx.Nonce != "server-issued")
            {
                ctx.Reject("The nonce was not issued by this server.");
            }

            return Task.CompletedTask;
        });
        var request = await SignAsync(host, "test-key-ed25519", HttpMethod.Post, "/api/signed/echo", "{}");

        using var response = await host.CreateUnsignedClient().SendAsync(request);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, SignatureChecks.NonceRequired);
    }

    [Fact]
    public async Task StrictPolicy_MissingTagAndComponent_FailsThenSucceeds()
    {
        await using var host = await SignatureTestHost.StartAsync();
        var bare = await SignAsync(host, "test-key-ed25519", HttpMethod.Get, "/api/signed/strict", null);
        using var rejected = await host.CreateUnsignedClient().SendAsync(bare);
        await AssertProblemAsync(rejected, HttpStatusCode.Unauthorized, SignatureChecks.MissingComponent);
        Assert.Equal("sig1=(\"@method\" \"@target-uri\" \"x-request-id\");created;tag=\"app-1\"", Assert.Single(rejected.Headers.GetValues("Accept-Signature")));

        var request = new HttpRequestMessage(HttpMethod.Get, "http://localhost/api/signed/strict");
        request.Headers.Add("X-Request-Id", "r-2");
        await Signer(host, "test-key-ed25519", o =>
        {
            o.Tag = "app-1";
            o.Components.Add("@method");
            o.Components.Add("@target-uri");
            o.Components.Add("x-request-id");
        }).SignAsync(request);
        using var accepted = await host.CreateUnsignedClient().SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Fact]
    public async Task PublicOrigin_ClientSignsPublicUri_VerifiesBehindProxy()
    {
        await using var host = await SignatureTestHost.StartAsync(apiGuard: o => o.PublicOrigin = "https://api.example.com");
        var request = new HttpRequestMessage(HttpMethod.Get, "https://api.example.com/api/signed/items");
        await Signer(host, "test-key-ed25519").SignAsync(request);
        request.RequestUri = new Uri("http://localhost/api/signed/items");

        using var response = await host.CreateUnsignedClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task ReplayStoreUnavailable_Returns503NotAccept()
    {
        await using var host = await SignatureTestHost.StartAsync(services: s => s.Replace(ServiceDescriptor.Singleton<IReplayStore, UnavailableReplayStore>()));
        var request = await SignAsync(host, "test-key-ed25519", HttpMethod.Get, "/api/signed/items", null);

        using var response = await host.CreateUnsignedClient().SendAsync(request);

        var problem = await AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable, SignatureChecks.StoreUnavailable);
        Assert.Equal(ApiGuardProblemTypes.ServiceUnavailable, problem.GetProperty("type").GetString());
    }

    [Fact]
    public async Task DetectOnly_BadSignature_AllowedAndPublishedAsWouldBlock()
    {
        await using var host = await SignatureTestHost.StartAsync(o => o.Mode = ApiGuardMode.DetectOnly);
        var request = await SignAsync(host, "test-key-ed25519", HttpMethod.Get, "/api/signed/items?a=1", null);
        request.RequestUri = new Uri("http://localhost/api/signed/items?a=2");

        using var response = await host.CreateUnsignedClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var e = Assert.Single(host.Events.Events, e => e.Capability == ApiGuardCapabilities.Signatures);
        Assert.Equal(SecurityAction.WouldBlock, e.Action);
        Assert.Equal(SignatureChecks.BadSignature, e.RuleId);
    }

    [Fact]
    public async Task Metrics_SuccessAndFailure_AreCountedWithCheck()
    {
        await using var host = await SignatureTestHost.StartAsync();
        using var collector = new MetricCollector<long>(host.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), ApiGuardTelemetryTags.MeterName, SignatureMetrics.VerificationsName);
        using (var ok = await host.CreateClient(TestKeys.Private("test-key-ed25519")).GetAsync("/api/signed/items"))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        var bad = await SignAsync(host, "test-key-ed25519", HttpMethod.Get, "/api/signed/items?a=1", null);
        bad.RequestUri = new Uri("http://localhost/api/signed/items?a=2");
        using var failed = await host.CreateUnsignedClient().SendAsync(bad);

        var measurements = collector.GetMeasurementSnapshot();
        Assert.Contains(measurements, m => (string?)m.Tags["apiguard.result"] == "success" && (string?)m.Tags["apiguard.algorithm"] == "ed25519");
        Assert.Contains(measurements, m => (string?)m.Tags["apiguard.result"] == "failure" && (string?)m.Tags[ApiGuardTelemetryTags.ErrorType] == SignatureChecks.BadSignature);
    }

    [Fact]
    public async Task AddSignatureAuthentication_InvalidKeyConfiguration_FailsAtStartupNamingKey()
    {
        var ex = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => SignatureTestHost.StartAsync(
            services: s => s.Configure<SignatureKeyStoreOptions>(k => k.Keys.Add(new SignatureKeyOptions { KeyId = "k", ClientId = "c", Algorithm = "md5", Secret = "AAAA" }))));

        Assert.Contains("ApiGuard:Signatures:Keys:0:Algorithm must be one of hmac-sha256", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddSignatureAuthentication_ClockSkewOutOfRange_FailsAtStartupNamingKey()
    {
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => SignatureTestHost.StartAsync(o => o.ClockSkew = TimeSpan.FromHours(1)));

        Assert.Contains("ApiGuard:Signatures:ClockSkew must be between 00:00:00 and 00:10:00", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigurationKeys_PemAndSecret_LoadAndVerify()
    {
        await using var host = await SignatureTestHost.StartAsync(services: s => s.Configure<SignatureKeyStoreOptions>(k =>
        {
            k.ClientKeys.Clear();
            k.Keys.Add(new SignatureKeyOptions { KeyId = "test-key-ed25519", ClientId = "pem-client", Algorithm = "ed25519", PemFile = TestPaths.Vector("rfc9421", "keys", "test-key-ed25519.pub.pem") });
            k.Keys.Add(new SignatureKeyOptions { KeyId = "test-shared-secret", ClientId = "secret-client", Algorithm = "hmac-sha256", SecretFile = TestPaths.Vector("rfc9421", "keys", "test-shared-secret.b64") });
            k.Keys.Add(new SignatureKeyOptions { KeyId = "test-key-ecc-p256", ClientId = "jwk-client", Algorithm = "ecdsa-p256-sha256", JwkFile = TestPaths.Vector("rfc9421", "keys", "test-key-ecc-p256.pub.jwk.json") });
        }));

        using var pem = await host.CreateClient(TestKeys.Private("test-key-ed25519")).GetAsync("/api/signed/items");
        using var secret = await host.CreateClient(TestKeys.Private("test-shared-secret")).GetAsync("/api/signed/items");
        using var jwk = await host.CreateClient(TestKeys.Private("test-key-ecc-p256")).GetAsync("/api/signed/items");

        Assert.Equal("pem-client", await pem.Content.ReadAsStringAsync());
        Assert.Equal("secret-client", await secret.Content.ReadAsStringAsync());
        Assert.Equal("jwk-client", await jwk.Content.ReadAsStringAsync());
    }

    internal static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    internal static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string check)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(ApiGuardProblemWriter.ContentType, response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(check, problem.GetProperty("check").GetString());
        return problem.Clone();
    }

    private static RequestSigner Signer(SignatureTestHost host, string keyId, Action<SigningOptions>? configure = null)
    {
        var options = new SigningOptions { Key = TestKeys.Private(keyId) };
        configure?.Invoke(options);
        return new RequestSigner(options, host.Time);
    }

    private static async Task<HttpRequestMessage> SignAsync(SignatureTestHost host, string keyId, HttpMethod method, string path, string? body)
    {
        var request = new HttpRequestMessage(method, "http://localhost" + path);
        if (body is not null)
        {
            request.Content = Json(body);
        }

        await Signer(host, keyId).SignAsync(request);
        return request;
    }

    private static void CopySignatureHeaders(HttpRequestMessage request)
    {
        // Content-Digest was computed for the original body and stays on the request headers.
        Assert.True(request.Headers.Contains("Content-Digest"));
    }

    private static HttpRequestMessage Clone(HttpRequestMessage request, string body)
    {
        var copy = new HttpRequestMessage(request.Method, request.RequestUri) { Content = Json(body) };
        foreach (var header in request.Headers)
        {
            copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        return copy;
    }

    private sealed class UnavailableReplayStore : IReplayStore
    {
        public ValueTask<bool> TryReserveAsync(string scope, string key, TimeSpan ttl, CancellationToken cancellationToken = default) =>
            throw new ApiGuardStoreUnavailableException("The test store is down.");
    }
}
