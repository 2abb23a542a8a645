using ApiGuard.Monitoring;
using ApiGuard.Posture.Audit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ApiGuard.Tests.Posture;

public sealed class EndpointAuditTests
{
    private static async Task<WebApplication> StartAsync(string environment, Action<WebApplicationBuilder>? configure, Action<WebApplication> pipeline, Action<ApiGuardOptions>? guard = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = environment });
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddAuthentication();
        builder.Services.AddAuthorization();
        builder.Services.AddSingleton<AuditEventObserver>();
        builder.Services.AddSingleton<ISecurityEventObserver>(sp => sp.GetRequiredService<AuditEventObserver>());
        builder.Services.AddApiGuard(guard ?? (_ => { })).AddEndpointAudit();
        configure?.Invoke(builder);
        var app = builder.Build();
        pipeline(app);
        await app.StartAsync();
        return app;
    }

    /// <summary>The production baseline without flaws: HSTS, HTTPS redirection, every endpoint authorized.</summary>
    private static void SecureBaseline(WebApplication app)
    {
        app.UseHsts();
        app.UseHttpsRedirection();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/api/items", () => "items").RequireAuthorization();
    }

    private static string[] Keys(WebApplication app) =>
        app.Services.GetRequiredService<IEndpointAuditReport>().GetResult().Findings.Select(f => f.Key).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public async Task Audit_CleanProductionHost_HasNoFindings()
    {
        await using var app = await StartAsync(Environments.Production, b => b.Services.AddRateLimiter(o => o.AddFixedWindowLimiter("login", w => { w.PermitLimit = 5; w.Window = TimeSpan.FromMinutes(1); })), app =>
        {
            SecureBaseline(app);
            app.UseRateLimiter();
            app.MapGet("/health", () => "ok").AllowAnonymous();
            app.MapPost("/api/login", () => "token").AllowAnonymous().RequireRateLimiting("login");
            app.MapDelete("/api/items/{id}", (int id) => Results.NoContent()).RequireAuthorization();
        });

        var result = app.Services.GetRequiredService<IEndpointAuditReport>().GetResult();

        Assert.Empty(result.Findings);
        Assert.True(result.PipelineInspected);
        Assert.Equal(4, result.EndpointsChecked);
    }

    [Fact]
    public async Task Audit_AnonymousDelete_ReportsNoAuthAnonymousWriteAndObjectRoute()
    {
        await using var app = await StartAsync(Environments.Production, null, app =>
        {
            SecureBaseline(app);
            app.MapDelete("/api/items/{id}", (int id) => Results.NoContent());
        });

        Assert.Equal(
            ["APIG-POSTURE-001@/api/items/{id}", "APIG-POSTURE-002@/api/items/{id}", "APIG-POSTURE-004@/api/items/{id}"],
            Keys(app));
        var anonymousWrite = app.Services.GetRequiredService<IEndpointAuditReport>().GetResult().Findings.Single(f => f.Id == AuditFindingIds.AnonymousWrite);
        Assert.Equal(SecuritySeverity.High, anonymousWrite.Severity);
        Assert.Equal("Anonymous endpoint accepts DELETE", anonymousWrite.Title);
        Assert.Contains("DELETE", anonymousWrite.DisplayName, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(anonymousWrite.Fix));
    }

    [Fact]
    public async Task Audit_ExplicitAllowAnonymousDelete_ReportsOnlyAnonymousWrite()
    {
        await using var app = await StartAsync(Environments.Production, null, app =>
        {
            SecureBaseline(app);
            app.MapDelete("/api/cache", () => Results.NoContent()).AllowAnonymous();
        });

        Assert.Equal(["APIG-POSTURE-002@/api/cache"], Keys(app));
    }

    [Fact]
    public async Task Audit_DeveloperExceptionPageInProduction_ReportsIt()
    {
        await using var app = await StartAsync(Environments.Production, null, app =>
        {
            app.UseDeveloperExceptionPage();
            SecureBaseline(app);
        });

        Assert.Equal(["APIG-POSTURE-005"], Keys(app));
        var events = app.Services.GetRequiredService<AuditEventObserver>().Events;
        var e = Assert.Single(events);
        Assert.Equal("audit.developer-exception-page", e.Kind);
        Assert.Equal(ApiGuardCapabilities.Posture, e.Capability);
        Assert.Equal(AuditFindingIds.DeveloperExceptionPage, e.RuleId);
    }

    [Fact]
    public async Task Audit_DevelopmentHost_DoesNotReportTheAutomaticDeveloperExceptionPageOrHttps()
    {
        await using var app = await StartAsync(Environments.Development, null, app =>
        {
            app.UseAuthentication();
            app.UseAuthorization();
            app.MapGet("/api/items", () => "items").RequireAuthorization();
        });

        Assert.Empty(Keys(app));
    }

    [Fact]
    public async Task Audit_CorsAnyOriginWithCredentials_ReportsIt()
    {
        await using var app = await StartAsync(Environments.Production,
            b => b.Services.AddCors(o => o.AddDefaultPolicy(p => p.SetIsOriginAllowed(_ => true).AllowCredentials().AllowAnyHeader())),
            app =>
            {
                app.UseCors();
                SecureBaseline(app);
            });

        Assert.Equal(["APIG-POSTURE-007"], Keys(app));
    }

    [Fact]
    public async Task Audit_CorsListedOriginsWithCredentials_HasNoFinding()
    {
        await using var app = await StartAsync(Environments.Production,
            b => b.Services.AddCors(o => o.AddDefaultPolicy(p => p.WithOrigins("https://app.example.com").AllowCredentials())),
            app =>
            {
                app.UseCors();
                SecureBaseline(app);
            });

        Assert.Empty(Keys(app));
    }

    [Fact]
    public async Task Audit_NoHttpsInProduction_ReportsIt()
    {
        await using var app = await StartAsync(Environments.Production, null, app =>
        {
            app.UseAuthorization();
            app.MapGet("/api/items", () => "items").RequireAuthorization();
        });

        var finding = Assert.Single(app.Services.GetRequiredService<IEndpointAuditReport>().GetResult().Findings);
        Assert.Equal(AuditFindingIds.NoHttps, finding.Id);
        Assert.Contains("HTTPS redirection and HSTS", finding.Title, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_UnthrottledLogin_ReportsLoginWithoutThrottling()
    {
        await using var app = await StartAsync(Environments.Production, null, app =>
        {
            SecureBaseline(app);
            app.MapPost("/api/auth/login", () => "token").AllowAnonymous();
        });

        Assert.Equal(["APIG-POSTURE-003@/api/auth/login"], Keys(app));
    }

    [Fact]
    public async Task Audit_LoginWithBruteForceNamedMetadata_IsTreatedAsThrottled()
    {
        await using var app = await StartAsync(Environments.Production, null, app =>
        {
            SecureBaseline(app);
            app.MapPost("/api/auth/login", () => "token").AllowAnonymous().WithMetadata(new RequireBruteForceProtection());
        });

        Assert.Empty(Keys(app));
    }

    [Fact]
    public async Task Audit_DetectOnlyInProduction_ReportsLowReminder()
    {
        await using var app = await StartAsync(Environments.Production, null, SecureBaseline, o => o.Mode = ApiGuardMode.DetectOnly);

        var finding = Assert.Single(app.Services.GetRequiredService<IEndpointAuditReport>().GetResult().Findings);
        Assert.Equal(AuditFindingIds.DetectOnlyInProduction, finding.Id);
        Assert.Equal(SecuritySeverity.Low, finding.Severity);
    }

    public static TheoryData<string, Action<IServiceCollection>> CapabilityModes() => new()
    {
        { ApiGuardCapabilities.Posture, s => s.Configure<ApiGuard.Posture.PostureOptions>(o => o.Mode = ApiGuardMode.DetectOnly) },
        { ApiGuardCapabilities.RateLimiting, s => s.Configure<ApiGuard.RateLimiting.RateLimitingOptions>(o => o.Mode = ApiGuardMode.DetectOnly) },
        { ApiGuardCapabilities.Inspection, s => s.Configure<ApiGuard.Inspection.PayloadInspectionOptions>(o => o.Mode = ApiGuardMode.DetectOnly) },
        { ApiGuardCapabilities.BruteForce, s => s.Configure<ApiGuard.BruteForce.BruteForceOptions>(o => o.Mode = ApiGuardMode.DetectOnly) },
        { ApiGuardCapabilities.Bots, s => s.Configure<ApiGuard.Bots.BotDetectionOptions>(o => o.Mode = ApiGuardMode.DetectOnly) },
        { ApiGuardCapabilities.Otp, s => s.Configure<ApiGuard.Authentication.Otp.OtpOptions>(o => o.Mode = ApiGuardMode.DetectOnly) },
        { ApiGuardCapabilities.Signatures, s => s.AddAuthentication().AddHttpMessageSignatures(o => o.Mode = ApiGuardMode.DetectOnly) },
    };

    [Theory]
    [MemberData(nameof(CapabilityModes))]
    public async Task Audit_CapabilityModeDetectOnlyUnderGlobalEnforce_ReportsTheCapability(string capability, Action<IServiceCollection> configure)
    {
        await using var app = await StartAsync(Environments.Production, b => configure(b.Services), SecureBaseline);

        var finding = Assert.Single(app.Services.GetRequiredService<IEndpointAuditReport>().GetResult().Findings);
        Assert.Equal(AuditFindingIds.DetectOnlyInProduction, finding.Id);
        Assert.Equal(SecuritySeverity.Low, finding.Severity);
        Assert.Contains($"'{capability}'", finding.Title, StringComparison.Ordinal);
        Assert.Contains(":Mode", finding.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_CapabilityModeDetectOnlyOutsideProduction_NotReported()
    {
        await using var app = await StartAsync(Environments.Staging, b => b.Services.Configure<ApiGuard.Bots.BotDetectionOptions>(o => o.Mode = ApiGuardMode.DetectOnly), SecureBaseline);

        Assert.Empty(Keys(app));
    }

    [Fact]
    public async Task Audit_CapabilityEnforceUnderGlobalDetectOnly_ReportsOnlyTheGlobalMode()
    {
        await using var app = await StartAsync(Environments.Production,
            b => b.Services.Configure<ApiGuard.Inspection.PayloadInspectionOptions>(o => o.Mode = ApiGuardMode.Enforce),
            SecureBaseline,
            o => o.Mode = ApiGuardMode.DetectOnly);

        var finding = Assert.Single(app.Services.GetRequiredService<IEndpointAuditReport>().GetResult().Findings);
        Assert.Contains("ApiGuard:Mode", finding.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_EndpointAndPolicyModeDetectOnly_ReportsEachWithTheRoute()
    {
        await using var app = await StartAsync(Environments.Production, null, app =>
        {
            SecureBaseline(app);
            app.MapPost("/api/orders", () => "ok").RequireAuthorization().WithApiGuardMode(ApiGuardMode.DetectOnly, ApiGuardCapabilities.Inspection);
            app.MapPut("/api/legacy", () => "ok").RequireAuthorization().WithApiGuardMode(ApiGuardMode.DetectOnly);
            app.MapGet("/api/strict", () => "ok").RequireAuthorization().WithApiGuardMode(ApiGuardMode.Enforce);
        }, o => o.Policies["partner"] = new ApiGuardPolicyOptions { Mode = ApiGuardMode.DetectOnly });

        Assert.Equal(["APIG-POSTURE-009", "APIG-POSTURE-009@/api/legacy", "APIG-POSTURE-009@/api/orders"], Keys(app));
        var findings = app.Services.GetRequiredService<IEndpointAuditReport>().GetResult().Findings;
        Assert.Contains(findings, f => f.RoutePattern == "/api/orders" && f.Title.Contains("'inspection'", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.RoutePattern is null && f.Title.Contains("'partner'", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Production", "true", true)]
    [InlineData("Staging", "1", true)]
    [InlineData("Production", "false", false)]
    [InlineData("Development", "true", false)]
    public async Task Audit_DetailedErrorsSetting_ReportedOutsideDevelopment(string environment, string value, bool expected)
    {
        await using var app = await StartAsync(environment, b => b.Configuration["detailedErrors"] = value, environment == "Development" ? DevelopmentBaseline : SecureBaseline);

        Assert.Equal(expected, Keys(app).Contains(AuditFindingIds.DetailedErrors));
        if (expected)
        {
            var finding = app.Services.GetRequiredService<IEndpointAuditReport>().GetResult().Findings.Single(f => f.Id == AuditFindingIds.DetailedErrors);
            Assert.Equal(SecuritySeverity.Medium, finding.Severity);
            Assert.Null(finding.RoutePattern);
        }
    }

    private static void DevelopmentBaseline(WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/api/items", () => "items").RequireAuthorization();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Audit_KestrelServerHeader_ReportedUnlessSwitchedOff(bool serverHeader)
    {
        // The Server header finding is about Kestrel, so this host runs real Kestrel on 127.0.0.1.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        builder.WebHost.UseKestrel(o => o.AddServerHeader = serverHeader).UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddAuthentication();
        builder.Services.AddAuthorization();
        builder.Services.AddApiGuard().AddEndpointAudit();
        await using var app = builder.Build();
        SecureBaseline(app);
        await app.StartAsync();

        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        using var response = await client.GetAsync("/api/items");
        Assert.Equal(serverHeader, response.Headers.Server.Count > 0);
        Assert.Equal(serverHeader ? [AuditFindingIds.ServerHeader] : [], Keys(app));
        if (serverHeader)
        {
            Assert.Equal(SecuritySeverity.Low, app.Services.GetRequiredService<IEndpointAuditReport>().GetResult().Findings.Single().Severity);
        }
    }

    [Fact]
    public async Task Audit_FallbackPolicy_EndpointsWithoutMetadataAreProtected()
    {
        await using var app = await StartAsync(Environments.Production,
            b => b.Services.AddAuthorizationBuilder().SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build()),
            app =>
            {
                SecureBaseline(app);
                app.MapDelete("/api/items/{id}", (int id) => Results.NoContent());
            });

        Assert.Empty(Keys(app));
    }

    [Fact]
    public async Task Audit_SuppressedFindings_AreListedApartAndNotPublished()
    {
        await using var app = await StartAsync(Environments.Production,
            b => b.Services.Configure<ApiGuard.Posture.PostureOptions>(o => o.Audit.SuppressedFindings.Add("APIG-POSTURE-002@/api/cache")),
            app =>
            {
                SecureBaseline(app);
                app.MapDelete("/api/cache", () => Results.NoContent()).AllowAnonymous();
            });

        var result = app.Services.GetRequiredService<IEndpointAuditReport>().GetResult();
        Assert.Empty(result.Findings);
        Assert.Equal("APIG-POSTURE-002@/api/cache", Assert.Single(result.Suppressed).Key);
        Assert.Empty(app.Services.GetRequiredService<AuditEventObserver>().Events);
    }

    [Fact]
    public async Task NoFindings_FindingNotInAllowList_ThrowsListingIt()
    {
        await using var app = await StartAsync(Environments.Production, null, app =>
        {
            SecureBaseline(app);
            app.MapDelete("/api/cache", () => Results.NoContent()).AllowAnonymous();
        });

        var ex = Assert.Throws<EndpointAuditException>(() => EndpointAuditAssert.NoFindings(app.Services));
        Assert.Contains("APIG-POSTURE-002", ex.Message, StringComparison.Ordinal);
        Assert.Contains("/api/cache", ex.Message, StringComparison.Ordinal);
        EndpointAuditAssert.NoFindings(app.Services, "APIG-POSTURE-002@/api/cache");
        EndpointAuditAssert.NoFindings(app.Services, "APIG-POSTURE-002");
        Assert.Throws<EndpointAuditException>(() => EndpointAuditAssert.NoFindings(app.Services, "APIG-POSTURE-002@/api/other"));
    }

    [Fact]
    public async Task GetUnacceptedFindings_SampleInProduction_HasItsDeliberateFinding()
    {
        await using var app = ApiGuard.Sample.SampleApp.Build(["--environment", "Production"], b =>
        {
            b.WebHost.UseTestServer();
            b.Logging.ClearProviders();
        });
        await app.StartAsync();

        var findings = EndpointAuditAssert.GetUnacceptedFindings(app.Services, "APIG-POSTURE-001", "APIG-POSTURE-008");

        Assert.Contains(findings, f => f.Key == "APIG-POSTURE-002@/api/debug/cache");
        Assert.DoesNotContain(findings, f => f.Id is "APIG-POSTURE-001" or "APIG-POSTURE-008");
    }

    [Fact]
    public void NoFindings_OverWebApplicationFactoryOfTheSample_AcceptsTheAllowListAndFailsOnTheDeliberateFinding()
    {
        // The way an application's own CI would use it: a WebApplicationFactory over the real entry point (any public type of
        // the sample assembly locates it), started in Production.
        using var factory = new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<ApiGuard.Sample.Demos.SampleDpopTokenIssuer>()
            .WithWebHostBuilder(b =>
            {
                b.UseEnvironment(Environments.Production);
                b.ConfigureLogging(l => l.ClearProviders());
            });

        // Accept everything the sample shows on purpose except its deliberate anonymous DELETE, as an application's allow-list would.
        string[] allowList = ["APIG-POSTURE-001", "APIG-POSTURE-008",
            .. EndpointAuditAssert.GetUnacceptedFindings(factory.Services, "APIG-POSTURE-001", "APIG-POSTURE-008")
                .Select(f => f.Key).Where(k => k != "APIG-POSTURE-002@/api/debug/cache")];
        Assert.True(allowList.Length > 2);

        EndpointAuditAssert.NoFindings(factory.Services, [.. allowList, "APIG-POSTURE-002@/api/debug/cache"]);
        var ex = Assert.Throws<EndpointAuditException>(() => EndpointAuditAssert.NoFindings(factory.Services, allowList));
        Assert.Equal("APIG-POSTURE-002@/api/debug/cache", Assert.Single(ex.Findings).Key);
        Assert.Contains("/api/debug/cache", ex.Message, StringComparison.Ordinal);
    }

    private sealed class RequireBruteForceProtection;

    internal sealed class AuditEventObserver : ISecurityEventObserver
    {
        private readonly List<SecurityEvent> _events = [];

        public IReadOnlyList<SecurityEvent> Events
        {
            get
            {
                lock (_events)
                {
                    return _events.ToArray();
                }
            }
        }

        public void OnEvent(SecurityEvent securityEvent, HttpContext? context)
        {
            if (securityEvent.Kind.StartsWith("audit.", StringComparison.Ordinal))
            {
                lock (_events)
                {
                    _events.Add(securityEvent);
                }
            }
        }
    }
}
