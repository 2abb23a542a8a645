using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ApiGuard.Authentication.Otp;
using ApiGuard.Client.Signatures;
using ApiGuard.Monitoring;
using ApiGuard.Problems;
using ApiGuard.Sample;
using ApiGuard.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ApiGuard.Tests.Authentication.Otp;

/// <summary>
/// OTP step-up on the sample's <c>POST /api/transfers</c>: real RFC 9421 requests signed with the sample key
/// <c>test-shared-secret</c> (ApiGuard.Client's <see cref="RequestSigner"/>, on the same fake clock as the server) plus a TOTP code.
/// </summary>
public sealed class OtpStepUpTests
{
    private const string Client = "test-shared-secret";

    /// <summary>A configured signature key of the sample that has no OTP secret.</summary>
    private const string KeyWithoutSecret = "test-key-ed25519";

    private static string SampleKeyPath(string file) => Path.Combine(RepoPaths.Root, "samples", "ApiGuard.Sample", "keys", file);

    private static SignatureKey SigningKey(string keyId) => keyId == Client
        ? SignatureKey.FromSharedSecret(keyId, Convert.FromBase64String(File.ReadAllText(SampleKeyPath("test-shared-secret.b64")).Trim()))
        : SignatureKey.FromPem(keyId, SignatureAlgorithms.Ed25519, File.ReadAllText(SampleKeyPath(keyId + ".priv.pem")));

    private static OtpSecret SampleSecret()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "samples", "ApiGuard.Sample", "appsettings.json")));
        var s = doc.RootElement.GetProperty("ApiGuard").GetProperty("Otp").GetProperty("Secrets").GetProperty(Client);
        Assert.Equal("Sha1", s.GetProperty("Algorithm").GetString());
        Assert.Equal(6, s.GetProperty("Digits").GetInt32());
        Assert.Equal(30, s.GetProperty("Period").GetInt32());
        return OtpSecret.FromBase32(s.GetProperty("Secret").GetString()!);
    }

    private static async Task<(WebApplication App, TestServer Server, FakeTimeProvider Time, EventCollector Events)> StartAsync(params string[] args)
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_800_000_015));
        var events = new EventCollector();
        var app = SampleApp.Build(["--contentRoot", AppContext.BaseDirectory, .. args], b =>
        {
            b.WebHost.UseTestServer();
            b.Services.AddSingleton<TimeProvider>(time);
            b.Services.AddSingleton<ISecurityEventObserver>(events);
            b.Services.AddSingleton<IStartupFilter, PeerAddressFilter>();
        });
        await app.StartAsync();
        return (app, app.GetTestServer(), time, events);
    }

    /// <summary>Sends a transfer, signed by <paramref name="keyId"/> (created = the server's fake clock, fresh nonce, content-digest) or unsigned when null.</summary>
    private static async Task<HttpResponseMessage> TransferAsync(TestServer server, TimeProvider time, string? keyId, string? code)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "http://localhost/api/transfers") { Content = JsonContent.Create(new { to = "DE02100100109307118603", amount = 25.5m }) };
        if (code is not null)
        {
            request.Headers.Add(OtpDefaults.HeaderName, code);
        }

        HttpMessageHandler handler = keyId is null
            ? server.CreateHandler()
            : new SigningHandler(new RequestSigner(new SigningOptions { Key = SigningKey(keyId) }, time)) { InnerHandler = server.CreateHandler() };
        using var client = new HttpClient(handler);
        return await client.SendAsync(request);
    }

    [Fact]
    public async Task Transfers_ValidTotpFromSampleSecret_AcceptedOnceThenRejected()
    {
        var (app, server, time, events) = await StartAsync();
        await using var _ = app;
        using var metrics = new MetricCollector<long>(app.Services.GetRequiredService<IMeterFactory>(), "ApiGuard", "apiguard.otp.verifications");
        var code = OtpCodes.ComputeTotp(SampleSecret(), time.GetUtcNow());

        using var first = await TransferAsync(server, time, Client, code);
        using var second = await TransferAsync(server, time, Client, code);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var accepted = await first.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("accepted", accepted.GetProperty("status").GetString());
        Assert.Equal("demo-hmac", accepted.GetProperty("client").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, second.StatusCode);
        Assert.Equal(ApiGuardProblemTypes.OtpRequired, (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
        Assert.Contains(events.Snapshot(), e => e is { Capability: ApiGuardCapabilities.Otp, Kind: "authentication.failed", RuleId: "otp-replayed", Action: SecurityAction.Blocked });
        Assert.Equal(["valid", "replayed"], metrics.GetMeasurementSnapshot().Select(m => (string)m.Tags[OtpMetrics.ResultTag]!));
    }

    [Fact]
    public async Task Transfers_PreviousStepCode_AcceptedWithinDriftAndRejectedTwoStepsLater()
    {
        var (app, server, time, _) = await StartAsync();
        await using var _ = app;
        var secret = SampleSecret();
        var previous = OtpCodes.ComputeTotp(secret, time.GetUtcNow().AddSeconds(-30));
        var current = OtpCodes.ComputeTotp(secret, time.GetUtcNow());

        using var accepted = await TransferAsync(server, time, Client, previous);
        time.Advance(TimeSpan.FromSeconds(60));
        using var expired = await TransferAsync(server, time, Client, current);

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
        Assert.Contains("error=\"invalid_otp\"", expired.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Transfers_RepeatedWrongCodes_429WithRetryAfterThenRightCodeAfterDelayAccepted()
    {
        // Bots and rate limiting report only, so every refusal here is brute-force protection's (pair delay from 3 failures).
        var (app, server, time, events) = await StartAsync("--ApiGuard:Bots:Mode=DetectOnly", "--ApiGuard:RateLimiting:Mode=DetectOnly");
        await using var _ = app;
        var right = OtpCodes.ComputeTotp(SampleSecret(), time.GetUtcNow());
        var wrong = ((int.Parse(right, System.Globalization.CultureInfo.InvariantCulture) + 1) % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var failed = await TransferAsync(server, time, Client, wrong);
            statuses.Add(failed.StatusCode);
        }

        using var throttled = await TransferAsync(server, time, Client, right);
        var waited = throttled.Headers.RetryAfter?.Delta;
        time.Advance(waited ?? TimeSpan.Zero);
        using var accepted = await TransferAsync(server, time, Client, right);

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized], statuses);
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), waited);
        Assert.Equal(ApiGuardProblemTypes.TooManyAttempts, (await throttled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());

        // The throttled attempt did not consume the right code: it is accepted once the wait is over.
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Contains(events.Snapshot(), e => e is { Capability: ApiGuardCapabilities.BruteForce, Action: SecurityAction.Throttled, RuleId: "pair" });
        Assert.Equal(3, events.Snapshot().Count(e => e is { Capability: ApiGuardCapabilities.Otp, RuleId: "otp-invalid" }));
    }

    [Fact]
    public async Task Transfers_SignedWithoutCode_401WithOtpChallengeAndNonce()
    {
        var (app, server, time, events) = await StartAsync();
        await using var _ = app;

        using var response = await TransferAsync(server, time, Client, null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("OTP realm=\"ApiGuard\", header=\"X-ApiGuard-OTP\", error=\"otp_required\", error_description=\"A one-time password is required\"", response.Headers.WwwAuthenticate.ToString());
        Assert.Equal(ApiGuardProblemWriter.ContentType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(ApiGuardProblemTypes.OtpRequired, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
        Assert.Single(response.Headers.GetValues("DPoP-Nonce"));
        Assert.Contains(events.Snapshot(), e => e is { Kind: "authentication.failed", RuleId: "otp-missing", Action: SecurityAction.Challenged });
    }

    [Fact]
    public async Task Transfers_ValidCodeWithoutSignature_401SignatureProblem()
    {
        var (app, server, time, events) = await StartAsync();
        await using var _ = app;
        var code = OtpCodes.ComputeTotp(SampleSecret(), time.GetUtcNow());

        using var unsigned = await TransferAsync(server, time, null, code);
        var eventsAfterUnsigned = events.Snapshot();
        using var signed = await TransferAsync(server, time, Client, code);

        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        Assert.Equal(ApiGuardProblemWriter.ContentType, unsigned.Content.Headers.ContentType?.MediaType);
        var problem = await unsigned.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(ApiGuardProblemTypes.SignatureInvalid, problem.GetProperty("type").GetString());
        Assert.Equal("missing-signature", problem.GetProperty("check").GetString());
        Assert.True(unsigned.Headers.Contains("Accept-Signature"));
        Assert.DoesNotContain("OTP", unsigned.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Contains(eventsAfterUnsigned, e => e is { Capability: ApiGuardCapabilities.Signatures, RuleId: "missing-signature", Action: SecurityAction.Blocked });
        Assert.DoesNotContain(eventsAfterUnsigned, e => e.Capability == ApiGuardCapabilities.Otp);

        // The unsigned attempt did not consume the code: the same code, signed, is still accepted.
        Assert.Equal(HttpStatusCode.OK, signed.StatusCode);
    }

    [Fact]
    public async Task Transfers_SignedByKeyWithoutSecret_IndistinguishableFromWrongCode()
    {
        var (app, server, time, events) = await StartAsync();
        await using var _ = app;
        var right = OtpCodes.ComputeTotp(SampleSecret(), time.GetUtcNow());
        var wrong = ((int.Parse(right, System.Globalization.CultureInfo.InvariantCulture) + 1) % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);

        using var wrongCode = await TransferAsync(server, time, Client, wrong);
        using var noSecret = await TransferAsync(server, time, KeyWithoutSecret, right);

        Assert.Equal(HttpStatusCode.Unauthorized, wrongCode.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, noSecret.StatusCode);
        Assert.Equal(wrongCode.Headers.WwwAuthenticate.ToString(), noSecret.Headers.WwwAuthenticate.ToString());
        Assert.Contains("error=\"invalid_otp\"", wrongCode.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        var a = await wrongCode.Content.ReadFromJsonAsync<JsonElement>();
        var b = await noSecret.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(ApiGuardProblemTypes.OtpRequired, a.GetProperty("type").GetString());
        Assert.Equal(a.GetProperty("type").GetString(), b.GetProperty("type").GetString());
        Assert.Equal(a.GetProperty("detail").GetString(), b.GetProperty("detail").GetString());
        Assert.Equal(2, events.Snapshot().Count(e => e is { Capability: ApiGuardCapabilities.Otp, Kind: "authentication.failed", RuleId: "otp-invalid" }));
    }

    [Fact]
    public async Task Transfers_OtpDetectOnly_WrongCodePassesAndIsReportedAsWouldBlock()
    {
        var (app, server, time, events) = await StartAsync("--ApiGuard:Otp:Mode=DetectOnly");
        await using var _ = app;

        using var response = await TransferAsync(server, time, Client, "000000x");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(events.Snapshot(), e => e is { RuleId: "otp-invalid", Action: SecurityAction.WouldBlock });
    }

    [Fact]
    public async Task Transfers_OtpDetectOnly_SignedByOtherKey_Rejected()
    {
        var (app, server, time, _) = await StartAsync("--ApiGuard:Otp:Mode=DetectOnly");
        await using var _ = app;

        using var otherKey = await TransferAsync(server, time, KeyWithoutSecret, "000000");

        Assert.Equal(HttpStatusCode.Forbidden, otherKey.StatusCode);
    }

    [Fact]
    public async Task Transfers_Unsigned_401ProblemNotServerError()
    {
        var (app, server, time, _) = await StartAsync();
        await using var _ = app;

        using var response = await TransferAsync(server, time, null, "123456");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(ApiGuardProblemWriter.ContentType, response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task AddOtp_InvalidConfiguration_HostFailsNamingKey()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var app = SampleApp.Build(["--contentRoot", AppContext.BaseDirectory, "--ApiGuard:Otp:Secrets:test-shared-secret:Digits=4"], b => b.WebHost.UseTestServer());
            await app.StartAsync();
        });

        Assert.Contains(ex.Failures, f => f.StartsWith("ApiGuard:Otp:Secrets:test-shared-secret:Digits", StringComparison.Ordinal));
    }

    /// <summary>Gives every TestServer request one client address, as a real connection has (brute-force pairs need an address).</summary>
    private sealed class PeerAddressFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress ??= System.Net.IPAddress.Parse("203.0.113.50");
                return nextMiddleware(context);
            });
            next(app);
        };
    }

    internal sealed class EventCollector : ISecurityEventObserver
    {
        private readonly List<SecurityEvent> _events = [];

        public void OnEvent(SecurityEvent securityEvent, HttpContext? context)
        {
            lock (_events)
            {
                _events.Add(securityEvent);
            }
        }

        public SecurityEvent[] Snapshot()
        {
            lock (_events)
            {
                return [.. _events];
            }
        }
    }
}
