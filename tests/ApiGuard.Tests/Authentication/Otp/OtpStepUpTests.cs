using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Text.Json;
using ApiGuard.Authentication.Otp;
using ApiGuard.Monitoring;
using ApiGuard.Problems;
using ApiGuard.Sample;
using ApiGuard.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ApiGuard.Tests.Authentication.Otp;

/// <summary>OTP step-up on the sample's <c>POST /api/transfers</c>, authenticated by a test-only scheme (<c>X-Test-Client</c>).</summary>
public sealed class OtpStepUpTests
{
    private const string Client = "test-shared-secret";

    private static OtpSecret SampleSecret()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "samples", "ApiGuard.Sample", "appsettings.json")));
        var s = doc.RootElement.GetProperty("ApiGuard").GetProperty("Otp").GetProperty("Secrets").GetProperty(Client);
        Assert.Equal("Sha1", s.GetProperty("Algorithm").GetString());
        Assert.Equal(6, s.GetProperty("Digits").GetInt32());
        Assert.Equal(30, s.GetProperty("Period").GetInt32());
        return OtpSecret.FromBase32(s.GetProperty("Secret").GetString()!);
    }

    private static async Task<(WebApplication App, HttpClient Client, FakeTimeProvider Time, EventCollector Events)> StartAsync(bool testAuthentication = true, params string[] args)
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_800_000_015));
        var events = new EventCollector();
        var app = SampleApp.Build(["--contentRoot", AppContext.BaseDirectory, .. args], b =>
        {
            b.WebHost.UseTestServer();
            b.Services.AddSingleton<TimeProvider>(time);
            b.Services.AddSingleton<ISecurityEventObserver>(events);
            if (testAuthentication)
            {
                b.Services.AddAuthentication(o => o.DefaultScheme = TestClientHandler.SchemeName)
                    .AddScheme<AuthenticationSchemeOptions, TestClientHandler>(TestClientHandler.SchemeName, null);
            }
        });
        await app.StartAsync();
        return (app, app.GetTestClient(), time, events);
    }

    private static Task<HttpResponseMessage> TransferAsync(HttpClient client, string? clientId, string? code)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/transfers") { Content = JsonContent.Create(new { to = "DE02100100109307118603", amount = 25.5m }) };
        if (clientId is not null)
        {
            request.Headers.Add("X-Test-Client", clientId);
        }

        if (code is not null)
        {
            request.Headers.Add(OtpDefaults.HeaderName, code);
        }

        return client.SendAsync(request);
    }

    [Fact]
    public async Task Transfers_ValidTotpFromSampleSecret_AcceptedOnceThenRejected()
    {
        var (app, client, time, events) = await StartAsync();
        await using var _ = app;
        using var metrics = new MetricCollector<long>(app.Services.GetRequiredService<IMeterFactory>(), "ApiGuard", "apiguard.otp.verifications");
        var code = OtpCodes.ComputeTotp(SampleSecret(), time.GetUtcNow());

        using var first = await TransferAsync(client, Client, code);
        using var second = await TransferAsync(client, Client, code);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("accepted", (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, second.StatusCode);
        Assert.Contains(events.Snapshot(), e => e is { Capability: ApiGuardCapabilities.Otp, Kind: "authentication.failed", RuleId: "otp-replayed", Action: SecurityAction.Blocked });
        Assert.Equal(["valid", "replayed"], metrics.GetMeasurementSnapshot().Select(m => (string)m.Tags[OtpMetrics.ResultTag]!));
    }

    [Fact]
    public async Task Transfers_PreviousStepCode_AcceptedWithinDriftAndRejectedTwoStepsLater()
    {
        var (app, client, time, _) = await StartAsync();
        await using var _ = app;
        var secret = SampleSecret();
        var previous = OtpCodes.ComputeTotp(secret, time.GetUtcNow().AddSeconds(-30));
        var current = OtpCodes.ComputeTotp(secret, time.GetUtcNow());

        using var accepted = await TransferAsync(client, Client, previous);
        time.Advance(TimeSpan.FromSeconds(60));
        using var expired = await TransferAsync(client, Client, current);

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
    }

    [Fact]
    public async Task Transfers_MissingCode_401WithOtpChallengeAndNonce()
    {
        var (app, client, _, events) = await StartAsync();
        await using var _ = app;

        using var response = await TransferAsync(client, Client, null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("OTP realm=\"ApiGuard\", header=\"X-ApiGuard-OTP\", error=\"otp_required\", error_description=\"A one-time password is required\"", response.Headers.WwwAuthenticate.ToString());
        Assert.Equal(ApiGuardProblemWriter.ContentType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(ApiGuardProblemTypes.OtpRequired, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
        Assert.Single(response.Headers.GetValues("DPoP-Nonce"));
        Assert.Contains(events.Snapshot(), e => e is { Kind: "authentication.failed", RuleId: "otp-missing", Action: SecurityAction.Challenged });
    }

    [Fact]
    public async Task Transfers_WrongCodeAndClientWithoutSecret_IndistinguishableAnswers()
    {
        var (app, client, time, events) = await StartAsync();
        await using var _ = app;
        var right = OtpCodes.ComputeTotp(SampleSecret(), time.GetUtcNow());
        var wrong = ((int.Parse(right, System.Globalization.CultureInfo.InvariantCulture) + 1) % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);

        using var wrongCode = await TransferAsync(client, Client, wrong);
        using var noSecret = await TransferAsync(client, "client-without-secret", right);

        Assert.Equal(HttpStatusCode.Unauthorized, wrongCode.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, noSecret.StatusCode);
        Assert.Equal(wrongCode.Headers.WwwAuthenticate.ToString(), noSecret.Headers.WwwAuthenticate.ToString());
        Assert.Contains("error=\"invalid_otp\"", wrongCode.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        var a = await wrongCode.Content.ReadFromJsonAsync<JsonElement>();
        var b = await noSecret.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(a.GetProperty("type").GetString(), b.GetProperty("type").GetString());
        Assert.Equal(a.GetProperty("detail").GetString(), b.GetProperty("detail").GetString());
        Assert.Equal(2, events.Snapshot().Count(e => e is { Capability: ApiGuardCapabilities.Otp, Kind: "authentication.failed", RuleId: "otp-invalid" }));
    }

    [Fact]
    public async Task Transfers_DetectOnly_WrongCodePassesAndIsReportedAsWouldBlock()
    {
        var (app, client, _, events) = await StartAsync(true, "--ApiGuard:Otp:Mode=DetectOnly");
        await using var _ = app;

        using var response = await TransferAsync(client, Client, "000000x");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(events.Snapshot(), e => e is { RuleId: "otp-invalid", Action: SecurityAction.WouldBlock });
    }

    [Fact]
    public async Task Transfers_NotAuthenticated_401NotServerError()
    {
        var (withScheme, client, _, _) = await StartAsync();
        await using (withScheme)
        {
            using var response = await TransferAsync(client, null, "123456");
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        // The sample alone has no scheme of its own for this endpoint until signatures are wired: still a 401 problem, never a 500.
        var (bare, bareClient, _, _) = await StartAsync(testAuthentication: false);
        await using (bare)
        {
            using var response = await TransferAsync(bareClient, null, "123456");
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal(ApiGuardProblemWriter.ContentType, response.Content.Headers.ContentType?.MediaType);
        }
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

    /// <summary>Test-only authentication: the signing key id in <c>X-Test-Client</c>, as the signatures handler would set it (<c>apiguard:key_id</c>).</summary>
    internal sealed class TestClientHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        public const string SchemeName = "Test";

        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            var id = Request.Headers["X-Test-Client"].ToString();
            if (string.IsNullOrEmpty(id))
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "client-of-" + id), new Claim(ClaimTypes.Name, id), new Claim("apiguard:key_id", id)], SchemeName);
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
        }
    }
}
