using System.Text.Json;
using ApiGuard.Bots;
using ApiGuard.Monitoring;
using ApiGuard.Problems;
using ApiGuard.Replay;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace ApiGuard.Tests.Bots;

public sealed class BotDetectionMiddlewareTests
{
    private const string Ip = "203.0.113.9";
    private const string ClientId = "ip:" + Ip;

    private static async Task ScanAsync(BotTestHost host, int count, string ip = Ip)
    {
        for (var i = 0; i < count; i++)
        {
            await host.SendAsync("GET", $"/nope-{i}", ip);
            host.Time.Advance(TimeSpan.FromMilliseconds(100));
        }
    }

    private static string? ProblemType(HttpContext context)
    {
        if (context.Response.ContentType != ApiGuardProblemWriter.ContentType)
        {
            return null;
        }

        using var json = JsonDocument.Parse(context.Response.Body);
        return json.RootElement.GetProperty("type").GetString();
    }

    [Fact]
    public async Task Invoke_BlockedClient_Answers403ProblemWithRetryAfterAndSharesTheBan()
    {
        await using var host = await BotTestHost.StartAsync(o => o.BlockDuration = TimeSpan.FromMinutes(10));
        await ScanAsync(host, 20);

        var response = await host.SendAsync("GET", "/api/products", Ip);
        Assert.Equal(StatusCodes.Status403Forbidden, response.Response.StatusCode);
        Assert.Equal(ApiGuardProblemTypes.ClientBlocked, ProblemType(response));
        var retryAfter = int.Parse(response.Response.Headers.RetryAfter.ToString(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 500, 600);

        var ban = await host.Services.GetRequiredService<IBanList>().GetAsync(ClientId);
        Assert.NotNull(ban);
        Assert.Equal("bots", ban.Source);
        Assert.Contains("route-scanning", ban.Reason, StringComparison.Ordinal);

        var blocked = Assert.Single(host.Observer.Bots, e => e.Kind == "bot.blocked");
        Assert.Equal(SecurityAction.Blocked, blocked.Action);
        Assert.Equal(SecuritySeverity.High, blocked.Severity);
        Assert.Equal(ClientId, blocked.ClientId);
        Assert.Contains("route-scanning", blocked.Reason, StringComparison.Ordinal);

        // Another client is unaffected; the ban ends on its own.
        Assert.Equal(200, (await host.SendAsync("GET", "/api/products", "203.0.113.10")).Response.StatusCode);
        host.Time.Advance(TimeSpan.FromMinutes(11));
        Assert.Equal(200, (await host.SendAsync("GET", "/api/products", Ip)).Response.StatusCode);
    }

    [Fact]
    public async Task Invoke_ChallengedClient_Answers401WithWwwAuthenticateAndVerifiedClientPasses()
    {
        await using var host = await BotTestHost.StartAsync(o =>
        {
            o.Anonymous.BlockScore = 0; // challenge is the strongest action for anonymous clients here
            o.ChallengeAuthenticate = "DPoP algs=\"ES256\"";
        });
        await ScanAsync(host, 12);

        var challenged = await host.SendAsync("GET", "/api/products", Ip);
        Assert.Equal(StatusCodes.Status401Unauthorized, challenged.Response.StatusCode);
        Assert.Equal("DPoP algs=\"ES256\"", challenged.Response.Headers.WWWAuthenticate.ToString());
        Assert.Equal(ApiGuardProblemTypes.ClientBlocked, ProblemType(challenged));
        var e = Assert.Single(host.Observer.Bots, x => x.Kind == "bot.challenged");
        Assert.Equal(SecurityAction.Challenged, e.Action);

        // Coming back with a verified credential satisfies the challenge (it is a different, verified client).
        var verified = await host.SendAsync("GET", "/api/products", Ip, r => r.Headers["X-Test-Principal"] = "partner;DPoP");
        Assert.Equal(200, verified.Response.StatusCode);
    }

    [Fact]
    public async Task Invoke_ThrottledClient_CarriesTheStricterRateLimitPolicy()
    {
        string? policy = null;
        await using var host = await BotTestHost.StartAsync(
            o => o.ThrottlePolicy = "strict-bots",
            map: app => app.MapGet("/api/policy", (HttpContext c) =>
            {
                policy = c.Features.Get<IBotDecisionFeature>()?.RateLimitPolicy;
                Assert.Equal(policy, c.Features.Get<ApiGuard.RateLimiting.IRateLimitPolicyFeature>()?.PolicyName);
                return Results.Ok();
            }));
        for (var i = 0; i < 7; i++)
        {
            await host.SendAsync("POST", "/api/login", Ip, r => r.Headers["X-Test-Password"] = "wrong");
            host.Time.Advance(TimeSpan.FromMilliseconds(100));
        }

        Assert.Equal(200, (await host.SendAsync("GET", "/api/policy", Ip)).Response.StatusCode);
        Assert.Equal("strict-bots", policy);
        var e = Assert.Single(host.Observer.Bots);
        Assert.Equal("bot.throttled", e.Kind);
        Assert.Equal(SecurityAction.Throttled, e.Action);
        Assert.Contains("auth-failures", e.Reason, StringComparison.Ordinal);

        policy = "unset";
        await host.SendAsync("GET", "/api/policy", "203.0.113.77");
        Assert.Null(policy);
    }

    [Fact]
    public async Task Invoke_ThrottledClient_RateLimiterAppliesTheStricterPolicy()
    {
        await using var host = await BotTestHost.StartAsync(build: b => b.Services.AddApiGuard().AddRateLimiting(o =>
            o.Policies["bots-throttled"] = new ApiGuard.RateLimiting.RateLimitPolicyOptions
            {
                Limits = [new ApiGuard.RateLimiting.RateLimitRuleOptions { PermitLimit = 2, Window = TimeSpan.FromMinutes(1) }],
            }));

        // No default policy: clients are not rate limited until bot detection throttles them.
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(200, (await host.SendAsync("GET", "/api/products", "203.0.113.20")).Response.StatusCode);
        }

        for (var i = 0; i < 7; i++)
        {
            await host.SendAsync("POST", "/api/login", Ip, r => r.Headers["X-Test-Password"] = "wrong");
            host.Time.Advance(TimeSpan.FromMilliseconds(100));
        }

        var statuses = new List<int>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add((await host.SendAsync("GET", "/api/products", Ip)).Response.StatusCode);
        }

        Assert.Equal(200, statuses[0]);
        Assert.Equal(429, statuses[^1]); // the stricter policy (2 per minute) now applies to this client only
        Assert.Equal(200, (await host.SendAsync("GET", "/api/products", "203.0.113.20")).Response.StatusCode);
    }

    [Fact]
    public async Task Invoke_DetectOnly_NothingRefusedAndWouldBlockReported()
    {
        await using var host = await BotTestHost.StartAsync(mode: ApiGuardMode.DetectOnly);
        await ScanAsync(host, 30);

        var response = await host.SendAsync("GET", "/api/products", Ip);
        Assert.Equal(200, response.Response.StatusCode);
        Assert.Null(await host.Services.GetRequiredService<IBanList>().GetAsync(ClientId));
        var events = host.Observer.Bots;
        Assert.NotEmpty(events);
        Assert.All(events, e => Assert.Equal(SecurityAction.WouldBlock, e.Action));
        Assert.Contains(events, e => e.Kind == "bot.blocked");
    }

    [Fact]
    public async Task Invoke_CapabilityModeDetectOnly_OverridesGlobalEnforce()
    {
        await using var host = await BotTestHost.StartAsync(o => o.Mode = ApiGuardMode.DetectOnly);
        await ScanAsync(host, 30);
        Assert.Equal(200, (await host.SendAsync("GET", "/api/products", Ip)).Response.StatusCode);
        Assert.All(host.Observer.Bots, e => Assert.Equal(SecurityAction.WouldBlock, e.Action));
    }

    [Fact]
    public async Task Invoke_InjectionEventsFromInspection_RaiseTheScore()
    {
        await using var host = await BotTestHost.StartAsync(map: app => app.MapGet("/api/search", (HttpContext c, ISecurityEventPublisher events) =>
        {
            // As the inspection capability would report a finding it let through (DetectOnly) or blocked.
            events.Publish(new SecurityEvent { Capability = ApiGuardCapabilities.Inspection, Kind = "injection.sqli", RuleId = "942100", Action = SecurityAction.WouldBlock }, c);
            return Results.Ok();
        }));
        for (var i = 0; i < 4; i++)
        {
            await host.SendAsync("GET", "/api/search", Ip);
        }

        var events = host.Observer.Bots;
        Assert.Equal(["bot.throttled", "bot.challenged"], events.Select(e => e.Kind));
        Assert.All(events, e => Assert.Equal("injection", e.Properties!["reasons"]));
        Assert.Equal("injection: 4 injection findings (limit 2)", events[1].Reason);
        var profile = host.Services.GetRequiredService<BehaviourProfileTable>().GetSnapshot(ClientId)!;
        Assert.Equal(4, profile.InjectionFindings, 1);
    }

    [Fact]
    public async Task Invoke_EndpointWithBotsDisabled_IsNotProfiled()
    {
        await using var host = await BotTestHost.StartAsync(map: app => app.MapGet("/internal/health", () => Results.NotFound()).DisableApiGuard(ApiGuardCapabilities.Bots));
        for (var i = 0; i < 50; i++)
        {
            await host.SendAsync("GET", "/internal/health", Ip);
        }

        Assert.Null(host.Services.GetRequiredService<BehaviourProfileTable>().GetSnapshot(ClientId));
    }

    [Fact]
    public async Task Invoke_BanListUnavailable_DecidesOnLocalProfileAndCountsTheError()
    {
        await using var host = await BotTestHost.StartAsync(build: b => b.Services.Replace(ServiceDescriptor.Singleton<IBanList, UnavailableBanList>()));
        using var errors = new MetricCollector<long>(host.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), "ApiGuard", "apiguard.bots.store_errors");

        Assert.Equal(200, (await host.SendAsync("GET", "/api/products", Ip)).Response.StatusCode);
        await ScanAsync(host, 20);
        var response = await host.SendAsync("GET", "/api/products", Ip);
        Assert.Equal(StatusCodes.Status403Forbidden, response.Response.StatusCode);
        Assert.True(errors.GetMeasurementSnapshot().Count > 0);
    }

    [Fact]
    public async Task Invoke_ActionChange_RecordsActionsMetric()
    {
        await using var host = await BotTestHost.StartAsync();
        using var actions = new MetricCollector<long>(host.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), "ApiGuard", "apiguard.bots.actions");
        await ScanAsync(host, 20);

        var measurements = actions.GetMeasurementSnapshot();
        Assert.Contains(measurements, m => (string?)m.Tags[ApiGuardTelemetryTags.Action] == "blocked" && (string?)m.Tags[BotMetrics.ClassTag] == "anonymous");
        Assert.DoesNotContain(measurements, m => m.Tags.ContainsKey(ApiGuardTelemetryTags.Client));
    }

    [Fact]
    public async Task Invoke_AllowListedAutomationKey_IsVerified()
    {
        var keyId = "apikey:" + ApiGuard.Identity.DefaultClientIdentityResolver.HashCredential("automation-key-1");
        await using var host = await BotTestHost.StartAsync(o => o.VerifiedClients.Add(keyId));
        for (var i = 0; i < 3000; i++)
        {
            var r = await host.SendAsync("GET", $"/api/products/{(i % 1000) + 1}", Ip, h => h.Headers["X-Api-Key"] = "automation-key-1");
            Assert.Equal(StatusCodes.Status200OK, r.Response.StatusCode);
            host.Time.Advance(TimeSpan.FromMilliseconds(3));
        }

        Assert.Empty(host.Observer.Bots);
        Assert.Equal(ClientClass.Verified, host.Services.GetRequiredService<BehaviourProfileTable>().GetSnapshot(keyId)!.ClientClass);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Invoke_RealSignatureAuthenticatedIntegration_VerifiedAndNeverSlowedUnlessSignaturesAreNotTrusted(bool signaturesVerify)
    {
        // ApiGuard's own signature handler (RFC 9421, a real HMAC-signed client) and 200 requests/s for 5 simulated seconds.
        await using var host = await ApiGuard.Tests.Authentication.Signatures.SignatureTestHost.StartAsync(guard: g => g.AddBotDetection(o =>
        {
            if (!signaturesVerify)
            {
                o.VerifiedAuthenticationTypes.Clear(); // the control: the same client, only known
            }
        }));
        using var client = host.CreateClient(ApiGuard.Tests.Client.Signatures.TestKeys.Private("test-shared-secret"));
        var statuses = new List<int>();
        for (var i = 0; i < 1000; i++)
        {
            statuses.Add((int)(await client.GetAsync("/api/signed/items")).StatusCode);
            host.Time.Advance(TimeSpan.FromMilliseconds(5));
        }

        var profile = host.Services.GetRequiredService<BehaviourProfileTable>().GetSnapshot("principal:hmac-client")!;
        Assert.True(profile.BurstPerSecond > 150, $"burst {profile.BurstPerSecond}");
        var botEvents = host.Events.Events.Where(e => e.Capability == ApiGuardCapabilities.Bots).ToList();
        if (signaturesVerify)
        {
            Assert.Equal(ClientClass.Verified, profile.ClientClass);
            Assert.All(statuses, s => Assert.Equal(StatusCodes.Status200OK, s));
            Assert.Equal(BotReasons.None, profile.Reasons);
            Assert.Equal(BotAction.Allow, profile.Action);
            Assert.Empty(botEvents);
        }
        else
        {
            Assert.Equal(ClientClass.Known, profile.ClientClass);
            Assert.True((profile.Reasons & BotReasons.Burst) != 0, profile.Reasons.ToString());
            Assert.NotEqual(BotAction.Allow, profile.Action);
            Assert.Contains(botEvents, e => e.ClientId == "principal:hmac-client" && e.Properties!["reasons"].Contains("burst", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Invoke_ForgedSignaturesAgainstRealHandler_FailuresReportedAndClientStopped()
    {
        // The signature handler reports each bad signature as authentication.failed; bot detection learns from the events alone.
        await using var host = await ApiGuard.Tests.Authentication.Signatures.SignatureTestHost.StartAsync(guard: g => g.AddBotDetection());
        var forged = ApiGuard.Client.Signatures.SignatureKey.FromSharedSecret("test-shared-secret", new byte[32]);
        using var forger = host.CreateClient(forged);
        using var genuine = host.CreateClient(ApiGuard.Tests.Client.Signatures.TestKeys.Private("test-shared-secret"));
        var statuses = new List<int>();
        for (var i = 0; i < 12; i++)
        {
            statuses.Add((int)(await forger.GetAsync("/api/signed/items")).StatusCode);
            host.Time.Advance(TimeSpan.FromMilliseconds(200));
        }

        Assert.Equal(StatusCodes.Status401Unauthorized, statuses[0]);
        var failures = host.Events.Events.Count(e => e.Kind == "authentication.failed" && e.Capability != ApiGuardCapabilities.Bots);
        Assert.True(failures >= 6, $"{failures} authentication failures reported");

        // The forger claimed the genuine key id without proving it: an anonymous client, challenged or blocked for its failures.
        var bots = host.Events.Events.Where(e => e.Capability == ApiGuardCapabilities.Bots).ToList();
        Assert.Contains(bots, e => e.Kind is "bot.challenged" or "bot.blocked");
        Assert.All(bots, e =>
        {
            Assert.Equal("key:test-shared-secret", e.ClientId);
            Assert.Contains("auth-failures", e.Properties!["reasons"], StringComparison.Ordinal);
        });
        var table = host.Services.GetRequiredService<BehaviourProfileTable>();
        var profile = table.GetSnapshot("key:test-shared-secret")!;
        Assert.Equal(ClientClass.Anonymous, profile.ClientClass);
        Assert.True(profile.AuthFailures > 5, profile.AuthFailures.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains(StatusCodes.Status401Unauthorized, statuses.Skip(6)); // refused (challenge) or still failing

        // The genuine holder of that key proves it and is served, under its own (verified) identity.
        Assert.Equal(System.Net.HttpStatusCode.OK, (await genuine.GetAsync("/api/signed/items")).StatusCode);
        Assert.Equal(ClientClass.Verified, table.GetSnapshot("principal:hmac-client")!.ClientClass);
    }

    [Fact]
    public async Task Invoke_AddressBannedThenHeadersAdded_StillBlockedUnlessAuthenticated()
    {
        await using var host = await BotTestHost.StartAsync();
        await host.Services.GetRequiredService<ApiGuard.Admin.IApiGuardAdmin>().BanAsync(ClientId, TimeSpan.FromMinutes(5), "test");

        // A made-up API key or signing key id does not shed a ban on the address.
        var withKey = await host.SendAsync("GET", "/api/products", Ip, r => r.Headers["X-Api-Key"] = "made-up-1");
        Assert.Equal(StatusCodes.Status403Forbidden, withKey.Response.StatusCode);
        var withKeyId = await host.SendAsync("GET", "/api/products", Ip, r => r.Headers["Signature-Input"] = "sig1=(\"@method\");keyid=\"made-up-2\"");
        Assert.Equal(StatusCodes.Status403Forbidden, withKeyId.Response.StatusCode);

        // An authenticated principal behind the same address (a shared NAT) proved who it is and is served.
        var signedIn = await host.SendAsync("GET", "/api/products", Ip, r => r.Headers["X-Test-Principal"] = "alice;Bearer");
        Assert.Equal(200, signedIn.Response.StatusCode);
    }

    [Fact]
    public async Task Invoke_NewApiKeyEachRequest_BehaviourAddsUpOnTheAddressAndActionHolds()
    {
        await using var host = await BotTestHost.StartAsync();
        for (var i = 0; i < 20; i++)
        {
            await host.SendAsync("GET", $"/nope-{i}", Ip, r => r.Headers["X-Api-Key"] = $"random-{i}");
            host.Time.Advance(TimeSpan.FromMilliseconds(100));
        }

        var next = await host.SendAsync("GET", "/api/products", Ip, r => r.Headers["X-Api-Key"] = "random-new");
        Assert.Equal(StatusCodes.Status403Forbidden, next.Response.StatusCode);
        var blocked = Assert.Single(host.Observer.Bots, e => e.Kind == "bot.blocked");
        Assert.Equal(ClientId, blocked.ClientId);

        // An unvalidated key is a claim, not a credential: the client is anonymous, not known.
        var table = host.Services.GetRequiredService<BehaviourProfileTable>();
        var keyId = "apikey:" + ApiGuard.Identity.DefaultClientIdentityResolver.HashCredential("random-3");
        Assert.Equal(ClientClass.Anonymous, table.GetSnapshot(keyId)!.ClientClass);
    }

    [Fact]
    public async Task Invoke_AuthenticationFailuresUnderRandomKeys_CountOnTheAddress()
    {
        await using var host = await BotTestHost.StartAsync();
        for (var i = 0; i < 8; i++)
        {
            await host.SendAsync("POST", "/api/login", Ip, r =>
            {
                r.Headers["X-Api-Key"] = $"stuffing-{i}";
                r.Headers["X-Test-Password"] = "wrong";
            });
            host.Time.Advance(TimeSpan.FromMilliseconds(100));
        }

        var profile = host.Services.GetRequiredService<BehaviourProfileTable>().GetSnapshot(ClientId)!;
        Assert.True(profile.AuthFailures >= 7.5, profile.AuthFailures.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains(host.Services.GetRequiredService<BehaviourProfileTable>().GetTimeline(ClientId), t => t.Kind == "authentication.failed");
    }

    [Fact]
    public async Task Invoke_ChallengedPrincipalWithOtpRegistered_ValidOneTimePasswordLiftsTheChallenge()
    {
        var secret = ApiGuard.Authentication.Otp.OtpEnrollment.CreateSecret();
        await using var host = await BotTestHost.StartAsync(
            o => o.Known.BlockScore = 0,
            build: b => b.Services.AddApiGuard().AddOtp(o => o.Secrets["alice"] = new ApiGuard.Authentication.Otp.OtpSecretOptions { Secret = secret.ToBase32() }));
        void Alice(HttpRequest r) => r.Headers["X-Test-Principal"] = "alice;Bearer";
        for (var i = 0; i < 25; i++)
        {
            await host.SendAsync("GET", $"/nope-{i}", Ip, Alice);
            host.Time.Advance(TimeSpan.FromMilliseconds(100));
        }

        // Challenged, and told both ways through.
        var challenged = await host.SendAsync("GET", "/api/products", Ip, Alice);
        Assert.Equal(StatusCodes.Status401Unauthorized, challenged.Response.StatusCode);
        var offered = challenged.Response.Headers.WWWAuthenticate;
        Assert.Equal(2, offered.Count);
        Assert.StartsWith("DPoP", offered[0], StringComparison.Ordinal);
        Assert.StartsWith("OTP realm=\"ApiGuard\", header=\"X-ApiGuard-OTP\"", offered[1], StringComparison.Ordinal);

        // A wrong code does not help; a valid one lifts the challenge, once and for all requests after it.
        var wrong = await host.SendAsync("GET", "/api/products", Ip, r =>
        {
            Alice(r);
            r.Headers["X-ApiGuard-OTP"] = "000000";
        });
        Assert.Equal(StatusCodes.Status401Unauthorized, wrong.Response.StatusCode);
        var code = ApiGuard.Authentication.Otp.OtpCodes.ComputeTotp(secret, host.Time.GetUtcNow());
        var passed = await host.SendAsync("GET", "/api/products", Ip, r =>
        {
            Alice(r);
            r.Headers["X-ApiGuard-OTP"] = code;
        });
        Assert.Equal(200, passed.Response.StatusCode);
        Assert.Contains(host.Observer.Bots, e => e.Kind == "bot.challenge-passed" && e.ClientId == "principal:alice" && e.RuleId == "otp");
        Assert.Equal(200, (await host.SendAsync("GET", "/api/products", Ip, Alice)).Response.StatusCode);

        // An anonymous client has no second factor to offer: only the verified-credential challenge is sent.
        for (var i = 0; i < 12; i++)
        {
            await host.SendAsync("GET", $"/nope-{i}", "203.0.113.99");
            host.Time.Advance(TimeSpan.FromMilliseconds(100));
        }

        var anonymous = await host.SendAsync("GET", "/api/products", "203.0.113.99");
        Assert.Equal(StatusCodes.Status401Unauthorized, anonymous.Response.StatusCode);
        Assert.Single(anonymous.Response.Headers.WWWAuthenticate);
    }

    private sealed class UnavailableBanList : IBanList
    {
        public ValueTask<BanEntry?> GetAsync(string clientId, CancellationToken cancellationToken = default) =>
            throw new ApiGuardStoreUnavailableException("down");

        public ValueTask<BanLookup> LookupAsync(string clientId, CancellationToken cancellationToken = default) =>
            throw new ApiGuardStoreUnavailableException("down");

        public ValueTask<bool> BanAsync(BanEntry entry, CancellationToken cancellationToken = default) =>
            throw new ApiGuardStoreUnavailableException("down");

        public ValueTask<bool> UnbanAsync(string clientId, CancellationToken cancellationToken = default) =>
            throw new ApiGuardStoreUnavailableException("down");

        public ValueTask<IReadOnlyList<BanEntry>> ListAsync(int max, CancellationToken cancellationToken = default) =>
            throw new ApiGuardStoreUnavailableException("down");
    }
}
