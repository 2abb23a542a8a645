using ApiGuard.Authentication.Otp;
using ApiGuard.Authentication.Signatures;
using ApiGuard.Bots;
using ApiGuard.BruteForce;
using ApiGuard.DependencyInjection;
using ApiGuard.Endpoints;
using ApiGuard.Inspection;
using ApiGuard.Monitoring;
using ApiGuard.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ApiGuard.Posture.Audit;

/// <summary>The checks of the startup endpoint audit. Stateless: every call looks at the app as it is now.</summary>
internal sealed class EndpointAuditor
{
    private const string ProbeOrigin = "https://apiguard-cors-probe.invalid";
    private static readonly string[] s_writeMethods = ["POST", "PUT", "PATCH", "DELETE"];

    private readonly IServiceProvider _services;
    private readonly PipelineInspector _pipeline;

    public EndpointAuditor(IServiceProvider services, PipelineInspector pipeline)
    {
        _services = services;
        _pipeline = pipeline;
    }

    public bool PipelineCaptured => _pipeline.Captured;

    public (List<AuditFinding> Findings, int Endpoints, bool PipelineInspected) Run(EndpointAuditOptions options)
    {
        var findings = new List<AuditFinding>();
        var environment = _services.GetService<IHostEnvironment>();
        var development = environment?.IsDevelopment() ?? false;
        var production = environment?.IsProduction() ?? false;
        var fallback = _services.GetService<IOptions<AuthorizationOptions>>()?.Value.FallbackPolicy;
        var rateLimiter = _services.GetService<IOptions<RateLimiterOptions>>()?.Value;
        var globalLimiter = rateLimiter?.GlobalLimiter is not null;
        var guardThrottles = _services.GetServices<ApiGuardPipelineEntry>().Any(e => IsThrottleName(e.MiddlewareType.Name));

        var endpoints = _services.GetService<EndpointDataSource>()?.Endpoints ?? [];
        var checkedCount = 0;
        var corsPolicies = new List<(string? Name, CorsPolicy Policy, RouteEndpoint? Endpoint)>();
        var detectOnlyEndpoints = new List<(RouteEndpoint Endpoint, string? Capability)>();
        foreach (var endpoint in endpoints)
        {
            if (endpoint is not RouteEndpoint route)
            {
                continue;
            }

            checkedCount++;
            var pattern = route.RoutePattern.RawText ?? "/";
            var display = route.DisplayName ?? pattern;
            var metadata = route.Metadata;
            var allowAnonymous = metadata.GetMetadata<IAllowAnonymous>() is not null;
            var hasAuthorize = metadata.GetMetadata<IAuthorizeData>() is not null
                || metadata.GetMetadata<AuthorizationPolicy>() is not null
                || metadata.GetMetadata<IAuthorizationRequirementData>() is not null;
            var anonymous = allowAnonymous || (!hasAuthorize && fallback is null);
            var methods = metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods;
            var anyMethod = methods is null || methods.Count == 0;
            var writes = anyMethod || methods!.Any(m => s_writeMethods.Contains(m, StringComparer.OrdinalIgnoreCase));

            if (!allowAnonymous && !hasAuthorize && fallback is null)
            {
                findings.Add(new AuditFinding(AuditFindingIds.NoAuthorizationMetadata, SecuritySeverity.Medium,
                    "Endpoint has no authorization metadata and no explicit AllowAnonymous", pattern, display,
                    "Add .RequireAuthorization(...) or an explicit .AllowAnonymous(), or set AuthorizationOptions.FallbackPolicy."));
            }

            var loginLike = writes && IsLoginLike(pattern, options.LoginRouteKeywords);
            var throttled = loginLike && IsThrottled(metadata, globalLimiter, guardThrottles);

            // A login must be reachable anonymously: a throttled login-like endpoint is not an anonymous-write finding,
            // an unthrottled one is reported as APIG-POSTURE-003 instead.
            if (anonymous && writes && !loginLike)
            {
                findings.Add(new AuditFinding(AuditFindingIds.AnonymousWrite, SecuritySeverity.High,
                    $"Anonymous endpoint accepts {(anyMethod ? "any method" : string.Join('/', methods!.Where(m => s_writeMethods.Contains(m, StringComparer.OrdinalIgnoreCase))))}",
                    pattern, display,
                    "Require authorization (.RequireAuthorization(policy)) on state-changing endpoints."));
            }

            if (loginLike && !throttled)
            {
                findings.Add(new AuditFinding(AuditFindingIds.LoginWithoutThrottling, SecuritySeverity.High,
                    "Login-like endpoint has no brute-force or rate-limit protection", pattern, display,
                    "Add .RequireRateLimiting(policy) or ApiGuard brute-force protection to the endpoint."));
            }

            if (anonymous && HasObjectIdParameter(route))
            {
                findings.Add(new AuditFinding(AuditFindingIds.AnonymousObjectRoute, SecuritySeverity.Medium,
                    "Route with an object id is reachable anonymously (object-level authorization, OWASP API1)", pattern, display,
                    "Require authorization and check that the caller owns the object identified by the route."));
            }

            foreach (var mode in metadata.GetOrderedMetadata<IApiGuardModeMetadata>())
            {
                if (mode.Mode == ApiGuardMode.DetectOnly)
                {
                    detectOnlyEndpoints.Add((route, mode.Capability));
                }
            }

            if (metadata.GetMetadata<ICorsPolicyMetadata>()?.Policy is { } inline)
            {
                corsPolicies.Add((null, inline, route));
            }
            else if (metadata.GetMetadata<IEnableCorsAttribute>()?.PolicyName is { } named)
            {
                var policy = _services.GetService<IOptions<CorsOptions>>()?.Value.GetPolicy(named);
                if (policy is not null)
                {
                    corsPolicies.Add((named, policy, route));
                }
            }
        }

        var cors = _services.GetService<IOptions<CorsOptions>>()?.Value;
        if (cors?.GetPolicy(cors.DefaultPolicyName) is { } defaultPolicy)
        {
            corsPolicies.Add((cors.DefaultPolicyName, defaultPolicy, null));
        }

        var reportedPolicies = new HashSet<CorsPolicy>(ReferenceEqualityComparer.Instance);
        foreach (var (name, policy, endpoint) in corsPolicies)
        {
            if (policy.SupportsCredentials && (policy.AllowAnyOrigin || policy.IsOriginAllowed(ProbeOrigin)) && reportedPolicies.Add(policy))
            {
                findings.Add(new AuditFinding(AuditFindingIds.CorsAnyOriginWithCredentials, SecuritySeverity.High,
                    $"CORS policy {(name is null ? "(endpoint inline)" : "'" + name + "'")} allows any origin together with credentials",
                    endpoint?.RoutePattern.RawText, endpoint?.DisplayName,
                    "List the trusted origins with WithOrigins(...) or drop AllowCredentials()."));
            }
        }

        var inspected = _pipeline.Captured;
        if (!development)
        {
            var middleware = _pipeline.GetMiddlewareTypeNames();
            if (middleware.Any(n => n.Contains("DeveloperExceptionPage", StringComparison.Ordinal)))
            {
                findings.Add(new AuditFinding(AuditFindingIds.DeveloperExceptionPage, SecuritySeverity.High,
                    $"The developer exception page is in the pipeline in the {environment?.EnvironmentName} environment", null, null,
                    "Call UseDeveloperExceptionPage() only when app.Environment.IsDevelopment(); use UseExceptionHandler() elsewhere."));
            }

            var configuration = _services.GetService<IConfiguration>();
            if (string.Equals(configuration?["detailedErrors"], "true", StringComparison.OrdinalIgnoreCase)
                || string.Equals(configuration?["detailedErrors"], "1", StringComparison.Ordinal))
            {
                findings.Add(new AuditFinding(AuditFindingIds.DetailedErrors, SecuritySeverity.Medium,
                    $"Detailed errors are switched on in the {environment?.EnvironmentName} environment", null, null,
                    "Remove the detailedErrors / ASPNETCORE_DETAILEDERRORS setting outside Development."));
            }

            if (options.RequireHttps && inspected)
            {
                var redirect = middleware.Any(n => n.EndsWith(".HttpsRedirectionMiddleware", StringComparison.Ordinal));
                var hsts = middleware.Any(n => n.EndsWith(".HstsMiddleware", StringComparison.Ordinal));
                if (!redirect || !hsts)
                {
                    var missing = !redirect && !hsts ? "HTTPS redirection and HSTS" : !redirect ? "HTTPS redirection" : "HSTS";
                    findings.Add(new AuditFinding(AuditFindingIds.NoHttps, SecuritySeverity.Medium,
                        $"No {missing} in the {environment?.EnvironmentName} environment", null, null,
                        "Call app.UseHsts() and app.UseHttpsRedirection() (or set ApiGuard:Posture:Audit:RequireHttps=false when TLS ends at a proxy)."));
                }
            }

            var server = _services.GetService<IServer>();
            if (server is not null && server.GetType().Name.Contains("Kestrel", StringComparison.Ordinal)
                && _services.GetService<IOptions<KestrelServerOptions>>()?.Value.AddServerHeader == true)
            {
                findings.Add(new AuditFinding(AuditFindingIds.ServerHeader, SecuritySeverity.Low,
                    "Kestrel sends a Server header", null, null,
                    "Set KestrelServerOptions.AddServerHeader = false (builder.WebHost.ConfigureKestrel(o => o.AddServerHeader = false))."));
            }
        }

        if (production)
        {
            AddDetectOnlyReminders(findings, detectOnlyEndpoints);
        }

        findings.Sort(static (a, b) =>
        {
            var c = b.Severity.CompareTo(a.Severity);
            if (c == 0)
            {
                c = string.CompareOrdinal(a.Id, b.Id);
            }

            return c == 0 ? string.CompareOrdinal(a.RoutePattern, b.RoutePattern) : c;
        });
        return (findings, checkedCount, inspected);
    }

    /// <summary>
    /// The DetectOnly reminders: the global mode, each capability's own <c>Mode</c>, named policies, and endpoint metadata
    /// (<c>WithApiGuardMode(DetectOnly)</c>). A capability or endpoint that overrides to DetectOnly blocks nothing even when the
    /// global mode is Enforce; one that overrides to Enforce under a global DetectOnly is not reported.
    /// </summary>
    private void AddDetectOnlyReminders(List<AuditFinding> findings, List<(RouteEndpoint Endpoint, string? Capability)> endpoints)
    {
        var global = _services.GetService<IOptions<ApiGuardOptions>>()?.Value;
        if (global?.Mode == ApiGuardMode.DetectOnly)
        {
            findings.Add(new AuditFinding(AuditFindingIds.DetectOnlyInProduction, SecuritySeverity.Low,
                "ApiGuard runs in DetectOnly mode in Production: nothing is blocked", null, null,
                "Set ApiGuard:Mode to Enforce once the detections have been reviewed."));
        }

        foreach (var (capability, section, mode) in CapabilityModes())
        {
            if (mode == ApiGuardMode.DetectOnly && global?.Mode != ApiGuardMode.DetectOnly)
            {
                findings.Add(new AuditFinding(AuditFindingIds.DetectOnlyInProduction, SecuritySeverity.Low,
                    $"ApiGuard capability '{capability}' runs in DetectOnly mode in Production: it blocks nothing", null, null,
                    $"Set ApiGuard:{section}:Mode to Enforce (or remove it to inherit ApiGuard:Mode) once the detections have been reviewed."));
            }
        }

        if (global is not null)
        {
            foreach (var (name, policy) in global.Policies)
            {
                if (policy.Mode == ApiGuardMode.DetectOnly)
                {
                    findings.Add(new AuditFinding(AuditFindingIds.DetectOnlyInProduction, SecuritySeverity.Low,
                        $"ApiGuard policy '{name}' runs its endpoints in DetectOnly mode in Production", null, null,
                        $"Set ApiGuard:Policies:{name}:Mode to Enforce once the detections have been reviewed."));
                }
            }
        }

        foreach (var (endpoint, capability) in endpoints)
        {
            findings.Add(new AuditFinding(AuditFindingIds.DetectOnlyInProduction, SecuritySeverity.Low,
                capability is null
                    ? "Endpoint runs every ApiGuard capability in DetectOnly mode in Production"
                    : $"Endpoint runs ApiGuard capability '{capability}' in DetectOnly mode in Production",
                endpoint.RoutePattern.RawText ?? "/", endpoint.DisplayName ?? endpoint.RoutePattern.RawText,
                "Remove .WithApiGuardMode(ApiGuardMode.DetectOnly) from the endpoint once its detections have been reviewed."));
        }
    }

    /// <summary>Each capability's own mode as configured (null: inherits the global mode).</summary>
    private IEnumerable<(string Capability, string Section, ApiGuardMode? Mode)> CapabilityModes()
    {
        yield return (ApiGuardCapabilities.Posture, PostureOptions.SectionName, _services.GetService<IOptions<PostureOptions>>()?.Value.Mode);
        yield return (ApiGuardCapabilities.RateLimiting, RateLimitingOptions.SectionName, _services.GetService<IOptions<RateLimitingOptions>>()?.Value.Mode);
        yield return (ApiGuardCapabilities.Inspection, PayloadInspectionOptions.SectionName, _services.GetService<IOptions<PayloadInspectionOptions>>()?.Value.Mode);
        yield return (ApiGuardCapabilities.BruteForce, BruteForceOptions.SectionName, _services.GetService<IOptions<BruteForceOptions>>()?.Value.Mode);
        yield return (ApiGuardCapabilities.Bots, BotDetectionOptions.SectionName, _services.GetService<IOptions<BotDetectionOptions>>()?.Value.Mode);
        yield return (ApiGuardCapabilities.Otp, OtpOptions.SectionName, _services.GetService<IOptions<OtpOptions>>()?.Value.Mode);

        // Signatures are an authentication scheme: one named options instance per registered scheme.
        var schemes = _services.GetService<IOptions<AuthenticationOptions>>()?.Value.Schemes ?? [];
        var signatureOptions = _services.GetService<IOptionsMonitor<SignatureAuthenticationOptions>>();
        foreach (var scheme in schemes)
        {
            if (scheme.HandlerType == typeof(SignatureAuthenticationHandler) && signatureOptions is not null)
            {
                yield return (ApiGuardCapabilities.Signatures, SignatureAuthenticationDefaults.SectionName, signatureOptions.Get(scheme.Name).Mode);
            }
        }
    }

    private static bool IsLoginLike(string pattern, List<string> keywords)
    {
        foreach (var k in keywords)
        {
            if (!string.IsNullOrEmpty(k) && pattern.Contains(k, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Protection is recognised loosely, because rate limiting and brute-force protection may come from several places:
    /// ASP.NET Core's <see cref="EnableRateLimitingAttribute"/> or a global limiter (unless <c>DisableRateLimiting</c>),
    /// an ApiGuard policy (<c>WithApiGuardPolicy</c>), any metadata whose type name contains <c>RateLimit</c> or
    /// <c>BruteForce</c>, or an ApiGuard middleware with such a name in <c>UseApiGuard()</c> (unless ApiGuard is disabled on the endpoint).
    /// </summary>
    private static bool IsThrottled(EndpointMetadataCollection metadata, bool globalLimiter, bool guardThrottles)
    {
        var disabledLimiter = metadata.GetMetadata<DisableRateLimitingAttribute>() is not null;
        if (!disabledLimiter && (globalLimiter || metadata.GetMetadata<EnableRateLimitingAttribute>() is not null))
        {
            return true;
        }

        if (metadata.GetMetadata<IApiGuardPolicyMetadata>() is not null)
        {
            return true;
        }

        var guardDisabled = false;
        foreach (var item in metadata)
        {
            if (item is IDisableApiGuardMetadata disable)
            {
                guardDisabled |= disable.Capability is null || IsThrottleName(disable.Capability);
                continue;
            }

            var name = item.GetType().Name;
            if (IsThrottleName(name) && !name.StartsWith("Disable", StringComparison.Ordinal))
            {
                return true;
            }
        }

        return guardThrottles && !guardDisabled;
    }

    private static bool IsThrottleName(string name) =>
        name.Contains("RateLimit", StringComparison.OrdinalIgnoreCase) || name.Contains("BruteForce", StringComparison.OrdinalIgnoreCase);

    private static bool HasObjectIdParameter(RouteEndpoint route)
    {
        foreach (var p in route.RoutePattern.Parameters)
        {
            var name = p.Name;
            if (name.Equals("id", StringComparison.OrdinalIgnoreCase) || name.Equals("uuid", StringComparison.OrdinalIgnoreCase)
                || name.Equals("guid", StringComparison.OrdinalIgnoreCase) || name.EndsWith("_id", StringComparison.OrdinalIgnoreCase)
                || (name.Length > 2 && name.EndsWith("Id", StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }
}
