using ApiGuard.Monitoring;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ApiGuard.Posture.Audit;

/// <summary>
/// Runs the endpoint audit once the host has started (<see cref="IHostApplicationLifetime.ApplicationStarted"/>, when the
/// endpoint table and the pipeline are built), logs and publishes the findings, and serves the result.
/// </summary>
internal sealed class EndpointAuditService : IEndpointAuditReport, IHostedService
{
    private readonly EndpointAuditor _auditor;
    private readonly IOptionsMonitor<PostureOptions> _options;
    private readonly IHostApplicationLifetime? _lifetime;
    private readonly ISecurityEventPublisher _publisher;
    private readonly PostureMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private EndpointAuditResult? _result;
    private CancellationTokenRegistration _registration;

    public EndpointAuditService(
        EndpointAuditor auditor,
        IOptionsMonitor<PostureOptions> options,
        ISecurityEventPublisher publisher,
        PostureMetrics metrics,
        TimeProvider time,
        ILogger<EndpointAuditService> logger,
        IHostApplicationLifetime? lifetime = null)
    {
        _auditor = auditor;
        _options = options;
        _publisher = publisher;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _lifetime = lifetime;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_options.CurrentValue.Audit.Enabled && _lifetime is not null)
        {
            _registration = _lifetime.ApplicationStarted.Register(static s => ((EndpointAuditService)s!).RunAtStartup(), this);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _registration.Dispose();
        return Task.CompletedTask;
    }

    private void RunAtStartup()
    {
        try
        {
            _ = GetResult();
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or NotSupportedException or ObjectDisposedException)
        {
            PostureLog.AuditFailed(_logger, ex);
        }
    }

    public EndpointAuditResult GetResult()
    {
        lock (_gate)
        {
            // A result taken before the pipeline was built (host not started yet) is redone once it has been.
            if (_result is null || (!_result.PipelineInspected && _auditor.PipelineCaptured))
            {
                _result = Run();
            }

            return _result;
        }
    }

    private EndpointAuditResult Run()
    {
        var options = _options.CurrentValue.Audit;
        var (all, endpoints, inspected) = _auditor.Run(options);
        var findings = new List<AuditFinding>();
        var suppressed = new List<AuditFinding>();
        foreach (var f in all)
        {
            (options.SuppressedFindings.Exists(f.IsMatchedBy) ? suppressed : findings).Add(f);
        }

        if (!inspected)
        {
            PostureLog.PipelineNotInspected(_logger);
        }

        foreach (var f in findings)
        {
            _metrics.AuditFinding(f.Id, f.Severity);
            if (options.LogFindings)
            {
                PostureLog.AuditFinding(_logger, f.Id, f.Severity, f.Title, f.RoutePattern is null ? "(application)" : $"{f.RoutePattern} [{f.DisplayName}]", f.Fix);
            }

            _publisher.Publish(new SecurityEvent
            {
                Capability = ApiGuardCapabilities.Posture,
                Kind = "audit." + KindSuffix(f.Id),
                Severity = f.Severity,
                Action = SecurityAction.Allowed,
                RuleId = f.Id,
                Route = f.RoutePattern,
                Location = f.DisplayName,
                Reason = f.Title,
            });
        }

        PostureLog.AuditCompleted(_logger, endpoints, findings.Count, suppressed.Count, inspected);
        return new EndpointAuditResult(findings, suppressed, endpoints, inspected, _time.GetUtcNow());
    }

    internal static string KindSuffix(string id) => id switch
    {
        AuditFindingIds.NoAuthorizationMetadata => "no-authorization-metadata",
        AuditFindingIds.AnonymousWrite => "anonymous-write",
        AuditFindingIds.LoginWithoutThrottling => "login-without-throttling",
        AuditFindingIds.AnonymousObjectRoute => "anonymous-object-route",
        AuditFindingIds.DeveloperExceptionPage => "developer-exception-page",
        AuditFindingIds.DetailedErrors => "detailed-errors",
        AuditFindingIds.CorsAnyOriginWithCredentials => "cors-any-origin-credentials",
        AuditFindingIds.NoHttps => "no-https",
        AuditFindingIds.DetectOnlyInProduction => "detect-only-in-production",
        AuditFindingIds.ServerHeader => "server-header",
        _ => "finding",
    };
}
