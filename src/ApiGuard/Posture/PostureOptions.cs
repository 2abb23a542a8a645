using ApiGuard.Posture.Audit;
using ApiGuard.Posture.Inventory;
using ApiGuard.Posture.Leaks;
using ApiGuard.Posture.Outbound;

namespace ApiGuard.Posture;

/// <summary>Options of the posture capability, bound from <c>ApiGuard:Posture</c>.</summary>
public sealed class PostureOptions
{
    /// <summary>The configuration section name relative to <c>ApiGuard</c>: <c>Posture</c>.</summary>
    public const string SectionName = "Posture";

    /// <summary>The capability's own mode (response redaction and withholding become reports in DetectOnly).</summary>
    /// <value>Default: <see langword="null"/> (the global <see cref="ApiGuardOptions.Mode"/>).</value>
    public ApiGuardMode? Mode { get; set; }

    /// <summary>Startup endpoint audit settings (<c>ApiGuard:Posture:Audit</c>).</summary>
    public EndpointAuditOptions Audit { get; set; } = new();

    /// <summary>Response leak detection settings (<c>ApiGuard:Posture:Leaks</c>).</summary>
    public ResponseLeakOptions Leaks { get; set; } = new();

    /// <summary>Default outbound guard settings (<c>ApiGuard:Posture:Outbound</c>); each guarded client may override them.</summary>
    public OutboundGuardOptions Outbound { get; set; } = new();

    /// <summary>Route inventory settings (<c>ApiGuard:Posture:Inventory</c>).</summary>
    public RouteInventoryOptions Inventory { get; set; } = new();
}
