using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
using ApiGuard.BruteForce;
using ApiGuard.Monitoring;
using ApiGuard.Problems;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ApiGuard.Tests.BruteForce;

public sealed class BruteForceGuardTests
{
    private const string AlicePassword = "wonderland-2026";

    [Fact]
    public async Task Login_DemoUserRightPassword_Returns200()
    {
        await using var host = await BruteForceTestHost.StartSampleAsync();

        var response = await host.LoginAsync("203.0.113.7", "alice", AlicePassword);

        Assert.Equal(200, response.Status);
        Assert.Contains("\"authenticated\":true", response.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_UnknownUserAndWrongPassword_SameStatusAndBody()
    {
        await using var host = await BruteForceTestHost.StartSampleAsync();

        var wrongPassword = await host.LoginAsync("203.0.113.7", "alice", "not-the-password");
        var unknownUser = await host.LoginAsync("203.0.113.8", "nobody-here", "not-the-password");

        Assert.Equal(401, wrongPassword.Status);
        Assert.Equal(wrongPassword.Status, unknownUser.Status);
        Assert.Equal(wrongPassword.Body, unknownUser.Body);
        Assert.Equal(wrongPassword.ContentType, unknownUser.ContentType);
        Assert.DoesNotContain("alice", wrongPassword.Body, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Login_RepeatedFailuresForUnknownAndKnownUser_SameThrottling()
    {
        await using var host = await BruteForceTestHost.StartSampleAsync();
        var known = new List<(int, string)>();
        var unknown = new List<(int, string)>();
        for (var i = 0; i < 5; i++)
        {
            var a = await host.LoginAsync("203.0.113.7", "alice", "guess" + i);
            var b = await host.LoginAsync("203.0.113.8", "ghost", "guess" + i);
            known.Add((a.Status, a.RetryAfter));
            unknown.Add((b.Status, b.RetryAfter));
        }

        Assert.Equal(known, unknown);
        Assert.Contains(known, r => r.Item1 == 429);
    }

    [Fact]
    public async Task Login_FailuresPastThreshold_429WithRetryAfterDoublingThenBlock()
    {
        await using var host = await BruteForceTestHost.StartSampleAsync();
        const string ip = "198.51.100.66";
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(401, (await host.LoginAsync(ip, "alice", "guess" + i)).Status);
        }

        var retryAfters = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            var refused = await host.LoginAsync(ip, "alice", "whatever");
            Assert.Equal(429, refused.Status);
            Assert.Equal(ApiGuardProblemWriter.ContentType, refused.ContentType);
            using var problem = JsonDocument.Parse(refused.Body);
            Assert.Equal(ApiGuardProblemTypes.TooManyAttempts, problem.RootElement.GetProperty("type").GetString());
            retryAfters.Add(refused.RetryAfter);
            host.Time.Advance(TimeSpan.FromSeconds(int.Parse(refused.RetryAfter, System.Globalization.CultureInfo.InvariantCulture)));
            Assert.Equal(401, (await host.LoginAsync(ip, "alice", "guess-after-wait" + i)).Status);
        }

        Assert.Equal(new[] { "1", "2", "4", "8", "8", "8", "8" }, retryAfters); // 1 s doubling to the 8 s cap
        var blocked = await host.LoginAsync(ip, "alice", AlicePassword); // 10th failure started a 60 s block
        Assert.Equal(429, blocked.Status);
        Assert.Equal("60", blocked.RetryAfter);
        Assert.Single(host.Observer.OfKind(BruteForceDefaults.BlockStartedKind));
        Assert.Contains(host.Observer.OfKind(BruteForceDefaults.BlockedKind), e => e.Action == SecurityAction.Blocked && e.RuleId == "pair");
    }

    [Fact]
    public async Task Login_PairBlocked_OwnerFromOtherAddressStillLogsIn()
    {
        await using var host = await BruteForceTestHost.StartSampleAsync();
        for (var i = 0; i < 12; i++)
        {
            await host.LoginAsync("198.51.100.66", "alice", "guess" + i);
            host.Time.Advance(TimeSpan.FromSeconds(9)); // past every delay, so all ten failures land and start the block
        }

        var attacker = await host.LoginAsync("198.51.100.66", "alice", AlicePassword);
        var owner = await host.LoginAsync("203.0.113.7", "alice", AlicePassword);

        Assert.Equal(429, attacker.Status); // even the right password is not tried while blocked
        Assert.Equal(200, owner.Status);
    }

    [Fact]
    public async Task Login_DistributedAttackBlocksAccount_SameAnswerForKnownAndUnknownUserOwnerStillLogsIn()
    {
        await using var host = await BruteForceTestHost.StartSampleAsync(
            "ApiGuard:BruteForce:Account:UnderAttackThreshold=15", "ApiGuard:BruteForce:Account:BlockThreshold=20");
        Assert.Equal(200, (await host.LoginAsync("203.0.113.7", "alice", AlicePassword)).Status);
        var first = new List<int>();
        for (var i = 0; i < 20; i++)
        {
            first.Add((await host.LoginAsync($"10.1.{i}.1", "alice", "guess" + i)).Status);
            first.Add((await host.LoginAsync($"10.2.{i}.1", "no-such-user", "guess" + i)).Status);
        }

        var aliceFromNewcomer = await host.LoginAsync("192.0.2.200", "alice", AlicePassword);
        var ghostFromNewcomer = await host.LoginAsync("192.0.2.200", "no-such-user", "anything");
        var owner = await host.LoginAsync("203.0.113.7", "alice", AlicePassword);

        Assert.All(first, s => Assert.Equal(401, s)); // every address tried once: no pair or address level was reached
        Assert.Equal(429, aliceFromNewcomer.Status); // even the right password is not tried while the account is blocked
        Assert.Equal(
            (aliceFromNewcomer.Status, WithoutTraceId(aliceFromNewcomer.Body), aliceFromNewcomer.RetryAfter),
            (ghostFromNewcomer.Status, WithoutTraceId(ghostFromNewcomer.Body), ghostFromNewcomer.RetryAfter));
        Assert.Equal("900", aliceFromNewcomer.RetryAfter);
        Assert.Equal(200, owner.Status);
        Assert.Equal(2, host.Observer.OfKind(BruteForceDefaults.BlockStartedKind).Count(e => e.RuleId == "account"));
    }

    /// <summary>The problem body minus its per-request <c>traceId</c>.</summary>
    private static string WithoutTraceId(string body)
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse(body)!.AsObject();
        Assert.True(json.Remove("traceId"));
        return json.ToJsonString();
    }

    [Fact]
    public async Task Login_AfterBlockExpires_AttemptsAllowedAgain()
    {
        await using var host = await BruteForceTestHost.StartSampleAsync();
        for (var i = 0; i < 12; i++)
        {
            await host.LoginAsync("198.51.100.66", "alice", "guess" + i);
            host.Time.Advance(TimeSpan.FromSeconds(9));
        }

        Assert.Equal(429, (await host.LoginAsync("198.51.100.66", "alice", "x")).Status);
        host.Time.Advance(TimeSpan.FromMinutes(31));

        Assert.Equal(200, (await host.LoginAsync("198.51.100.66", "alice", AlicePassword)).Status);
    }

    [Fact]
    public async Task Login_DetectOnly_NeverRefusedAndWouldBlockPublished()
    {
        await using var host = await BruteForceTestHost.StartSampleAsync("ApiGuard:BruteForce:Mode=DetectOnly");
        var statuses = new List<int>();
        for (var i = 0; i < 15; i++)
        {
            statuses.Add((await host.LoginAsync("198.51.100.66", "alice", "guess" + i)).Status);
        }

        Assert.All(statuses, s => Assert.Equal(401, s));
        Assert.Equal(200, (await host.LoginAsync("198.51.100.66", "alice", AlicePassword)).Status);
        Assert.Contains(host.Observer.Events, e => e.Capability == ApiGuardCapabilities.BruteForce && e.Action == SecurityAction.WouldBlock);
        Assert.DoesNotContain(host.Observer.Events, e => e.Capability == ApiGuardCapabilities.BruteForce && e.Action is SecurityAction.Blocked or SecurityAction.Throttled);
    }

    [Fact]
    public async Task Login_OneAddressManyAccounts_StuffingReportedAndAddressThrottled()
    {
        await using var host = await BruteForceTestHost.StartSampleAsync();
        var statuses = new List<int>();
        for (var i = 0; i < 60; i++)
        {
            statuses.Add((await host.LoginAsync("198.51.100.66", $"user{i}", "Password1")).Status);
        }

        var stuffing = Assert.Single(host.Observer.OfKind(BruteForceDefaults.CredentialStuffingKind));
        Assert.Equal(SecuritySeverity.High, stuffing.Severity);
        Assert.Equal("ip:198.51.100.66", stuffing.ClientId);
        Assert.DoesNotContain(stuffing.Properties!.Values, v => v.Contains("user", StringComparison.Ordinal));
        Assert.Equal(20, statuses.Count(s => s == 401)); // the address delay threshold
        Assert.Equal(40, statuses.Count(s => s == 429));
    }

    [Fact]
    public async Task DpopProfile_RepeatedBadProofs_ProfileRefusedWith429AndLoginThrottledOnThatAddress()
    {
        // The sample's DPoP handler publishes authentication.failed for each bad proof; brute-force protection counts them,
        // and the profile endpoint (marked RequireBruteForceProtection) refuses the address before the handler runs again.
        await using var host = await BruteForceTestHost.StartSampleAsync();
        Task<HttpContext> BadProofAsync() => host.Server.SendAsync(c =>
        {
            c.Request.Method = HttpMethods.Get;
            c.Request.Path = "/api/dpop/profile";
            c.Request.Headers.Authorization = "DPoP abc.def.ghi";
            c.Request.Headers["DPoP"] = "not-a-jwt";
            c.Connection.RemoteIpAddress = IPAddress.Parse("198.51.100.66");
        });
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(401, (await BadProofAsync()).Response.StatusCode);
        }

        var refused = await BadProofAsync();
        var sameAddress = await host.LoginAsync("198.51.100.66", "alice", AlicePassword);
        var otherAddress = await host.LoginAsync("203.0.113.7", "alice", AlicePassword);

        Assert.Equal(429, refused.Response.StatusCode);
        Assert.Equal("1", refused.Response.Headers.RetryAfter.ToString());
        Assert.Equal(429, sameAddress.Status);
        Assert.Equal(200, otherAddress.Status);
        Assert.Equal(20, host.Observer.Events.Count(e => e.Kind == BruteForceDefaults.AuthenticationFailedKind && e.Capability == ApiGuardCapabilities.ChallengeResponse));
    }

    [Fact]
    public async Task Login_MalformedBody_400Problem()
    {
        await using var host = await BruteForceTestHost.StartSampleAsync();
        var context = await host.Server.SendAsync(c =>
        {
            c.Request.Method = HttpMethods.Post;
            c.Request.Path = "/api/login";
            c.Request.ContentType = "application/json";
            c.Request.Body = new MemoryStream("{\"username\": 5"u8.ToArray());
            c.Connection.RemoteIpAddress = IPAddress.Parse("203.0.113.7");
        });

        Assert.Equal(400, context.Response.StatusCode);
        Assert.Equal(ApiGuardProblemWriter.ContentType, context.Response.ContentType);
    }

    [Fact]
    public async Task Observer_AuthenticationFailedEvents_CountTowardAddressLimit()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 10, 0, 0, TimeSpan.Zero));
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddApiGuard().AddBruteForceProtection(o =>
        {
            o.Address.DelayThreshold = 5;
            o.Address.BlockThreshold = 50;
        });
        await using var provider = services.BuildServiceProvider();
        var publisher = provider.GetRequiredService<ISecurityEventPublisher>();
        var guard = provider.GetRequiredService<IBruteForceGuard>();
        var context = NewContext(provider, "198.51.100.66");

        Assert.True((await guard.CheckAsync(context, null)).IsAllowed);
        for (var i = 0; i < 5; i++)
        {
            publisher.Publish(new SecurityEvent
            {
                Capability = ApiGuardCapabilities.Signatures,
                Kind = BruteForceDefaults.AuthenticationFailedKind,
                RuleId = "signature-mismatch",
                ClientId = "key:test-shared-secret",
            }, NewContext(provider, "198.51.100.66"));
        }

        var decision = await guard.CheckAsync(context, null);
        var otherClient = await guard.CheckAsync(NewContext(provider, "203.0.113.7"), null);

        Assert.False(decision.IsAllowed);
        Assert.Equal(BruteForceScope.Address, decision.Scope);
        Assert.Equal(TimeSpan.FromSeconds(1), decision.RetryAfter);
        Assert.True(otherClient.IsAllowed);
    }

    [Fact]
    public void Observer_OtherKindsOwnEventsAndChallenges_Ignored()
    {
        var services = new ServiceCollection();
        services.AddApiGuard().AddBruteForceProtection(o => o.Address.DelayThreshold = 1);
        using var provider = services.BuildServiceProvider();
        var publisher = provider.GetRequiredService<ISecurityEventPublisher>();
        var store = (InMemoryBruteForceStore)provider.GetRequiredService<IBruteForceStore>();

        publisher.Publish(new SecurityEvent { Capability = ApiGuardCapabilities.Inspection, Kind = "injection.sqli" }, NewContext(provider, "198.51.100.66"));
        publisher.Publish(new SecurityEvent { Capability = ApiGuardCapabilities.BruteForce, Kind = BruteForceDefaults.AuthenticationFailedKind }, NewContext(provider, "198.51.100.66"));
        publisher.Publish(new SecurityEvent
        {
            // A DPoP "use_dpop_nonce" or "OTP required" challenge is protocol flow, not a failed credential.
            Capability = ApiGuardCapabilities.ChallengeResponse,
            Kind = BruteForceDefaults.AuthenticationFailedKind,
            Action = SecurityAction.Challenged,
            RuleId = "dpop-nonce",
        }, NewContext(provider, "198.51.100.66"));

        Assert.Equal(0, store.Count);
    }

    [Fact]
    public async Task Guard_Metrics_CountFailuresRejectionsAndPatterns()
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 10, 0, 0, TimeSpan.Zero)));
        services.AddApiGuard().AddBruteForceProtection(o =>
        {
            o.Address.DelayThreshold = 3;
            o.Patterns.StuffingDistinctAccounts = 3;
        });
        await using var provider = services.BuildServiceProvider();
        var meterFactory = provider.GetRequiredService<IMeterFactory>();
        using var failures = new MetricCollector<long>(meterFactory, ApiGuardTelemetryTags.MeterName, "apiguard.bruteforce.failures");
        using var rejections = new MetricCollector<long>(meterFactory, ApiGuardTelemetryTags.MeterName, "apiguard.bruteforce.rejections");
        using var patterns = new MetricCollector<long>(meterFactory, ApiGuardTelemetryTags.MeterName, "apiguard.bruteforce.patterns");
        var guard = provider.GetRequiredService<IBruteForceGuard>();

        for (var i = 0; i < 4; i++)
        {
            await guard.RecordFailureAsync(NewContext(provider, "198.51.100.66"), "user" + i);
        }

        var refused = await guard.CheckAsync(NewContext(provider, "198.51.100.66"), "user9");

        Assert.False(refused.IsAllowed);
        Assert.Equal(4, failures.GetMeasurementSnapshot().Sum(m => m.Value));
        var rejection = Assert.Single(rejections.GetMeasurementSnapshot());
        Assert.Equal("address", rejection.Tags[ApiGuardTelemetryTags.Rule]);
        Assert.Equal(BruteForceDefaults.CredentialStuffingKind, Assert.Single(patterns.GetMeasurementSnapshot()).Tags[ApiGuardTelemetryTags.Kind]);
    }

    [Fact]
    public async Task Options_InvalidValues_StartupFailsNamingKeys()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => BruteForceTestHost.StartSampleAsync(
            "ApiGuard:BruteForce:Pair:BlockThreshold=2",
            "ApiGuard:BruteForce:Account:UnderAttackThreshold=0"));

        Assert.Contains("ApiGuard:BruteForce:Pair:BlockThreshold", ex.Message, StringComparison.Ordinal);
        Assert.Contains("ApiGuard:BruteForce:Account:UnderAttackThreshold", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10")]      // at Pair:BlockThreshold (10): one client could block the account
    [InlineData("40")]      // below Account:UnderAttackThreshold (50)
    [InlineData("-1")]
    [InlineData("1000001")]
    public async Task Options_AccountBlockThresholdOutOfRange_StartupFailsNamingKey(string threshold)
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => BruteForceTestHost.StartSampleAsync(
            "ApiGuard:BruteForce:Account:BlockThreshold=" + threshold));

        var failure = Assert.Single(ex.Failures);
        Assert.StartsWith("ApiGuard:BruteForce:Account:BlockThreshold is " + threshold + "; allowed values are 0 (never block the account) or at least", failure, StringComparison.Ordinal);
    }

    private static DefaultHttpContext NewContext(IServiceProvider provider, string ip)
    {
        var context = new DefaultHttpContext { RequestServices = provider };
        context.Connection.RemoteIpAddress = IPAddress.Parse(ip);
        return context;
    }
}
