using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using ApiGuard.Monitoring;

namespace ApiGuard.Posture;

/// <summary>Metrics of the posture capability (<c>apiguard.posture.*</c>).</summary>
internal sealed class PostureMetrics
{
    public const string ReasonTag = "apiguard.reason";
    public const string ResultTag = "apiguard.result";

    private readonly Counter<long> _auditFindings;
    private readonly Counter<long> _leaksScanned;
    private readonly Counter<long> _leaksDetected;
    private readonly Counter<long> _outboundConnects;
    private readonly Counter<long> _outboundBlocked;
    private readonly Counter<long> _unmatched;

    public PostureMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(ApiGuardTelemetryTags.MeterName);
        _auditFindings = meter.CreateCounter<long>("apiguard.posture.audit.findings", "{finding}", "Findings of the startup endpoint audit.");
        _leaksScanned = meter.CreateCounter<long>("apiguard.posture.leaks.scanned", "{response}", "Responses scanned for leaks.");
        _leaksDetected = meter.CreateCounter<long>("apiguard.posture.leaks.detected", "{leak}", "Leaks found in responses, by kind and action.");
        _outboundConnects = meter.CreateCounter<long>("apiguard.posture.outbound.connects", "{connection}", "Outbound TCP connects attempted by guarded HttpClients.");
        _outboundBlocked = meter.CreateCounter<long>("apiguard.posture.outbound.blocked", "{request}", "Outbound requests blocked by the outbound guard, by reason.");
        _unmatched = meter.CreateCounter<long>("apiguard.posture.inventory.unmatched", "{request}", "Requests that matched no endpoint.");
    }

    public void AuditFinding(string id, SecuritySeverity severity)
    {
        if (_auditFindings.Enabled)
        {
            AuditFindingCore(id, severity);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void AuditFindingCore(string id, SecuritySeverity severity) =>
        _auditFindings.Add(1, new TagList { { ApiGuardTelemetryTags.Rule, id }, { ApiGuardTelemetryTags.Severity, severity.ToTagValue() } });

    public void LeakScanned()
    {
        if (_leaksScanned.Enabled)
        {
            _leaksScanned.Add(1);
        }
    }

    public void LeakDetected(string kind, SecurityAction action)
    {
        if (_leaksDetected.Enabled)
        {
            LeakDetectedCore(kind, action);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void LeakDetectedCore(string kind, SecurityAction action) =>
        _leaksDetected.Add(1, new TagList { { ApiGuardTelemetryTags.Kind, kind }, { ApiGuardTelemetryTags.Action, action.ToTagValue() } });

    public void OutboundConnect(bool allowed)
    {
        if (_outboundConnects.Enabled)
        {
            _outboundConnects.Add(1, new KeyValuePair<string, object?>(ResultTag, allowed ? "allowed" : "blocked"));
        }
    }

    public void OutboundBlocked(string reason)
    {
        if (_outboundBlocked.Enabled)
        {
            _outboundBlocked.Add(1, new KeyValuePair<string, object?>(ReasonTag, reason));
        }
    }

    public void Unmatched()
    {
        if (_unmatched.Enabled)
        {
            _unmatched.Add(1);
        }
    }
}
