using System.ComponentModel.DataAnnotations;
using ApiGuard.Identity;
using ApiGuard.Monitoring;

namespace ApiGuard;

/// <summary>Options shared by every ApiGuard capability, bound from the <c>ApiGuard</c> configuration section.</summary>
public sealed class ApiGuardOptions
{
    /// <summary>The configuration section name, <c>ApiGuard</c>.</summary>
    public const string SectionName = "ApiGuard";

    /// <summary>The global mode. Capabilities and endpoints may override it.</summary>
    /// <value>Default: <see cref="ApiGuardMode.Enforce"/>.</value>
    public ApiGuardMode Mode { get; set; } = ApiGuardMode.Enforce;

    /// <summary>
    /// The public origin (scheme and authority, for example <c>https://api.example.com</c>) that clients use to reach the app,
    /// for apps behind proxies. Used wherever a capability rebuilds the URI the client saw (signatures, DPoP <c>htu</c>).
    /// </summary>
    /// <value>Default: <see langword="null"/>: the request's own scheme and host are used.</value>
    public string? PublicOrigin { get; set; }

    /// <summary>How the client is identified.</summary>
    public ClientIdentityOptions ClientIdentity { get; set; } = new();

    /// <summary>Security event pipeline settings.</summary>
    public SecurityEventOptions Events { get; set; } = new();

    /// <summary>Named policies that endpoints select with <c>WithApiGuardPolicy(name)</c>.</summary>
    public Dictionary<string, ApiGuardPolicyOptions> Policies { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>A named ApiGuard policy that endpoints opt into through metadata.</summary>
public sealed class ApiGuardPolicyOptions
{
    /// <summary>The mode for endpoints under this policy, overriding the global and capability modes.</summary>
    /// <value>Default: <see langword="null"/> (inherit).</value>
    public ApiGuardMode? Mode { get; set; }

    /// <summary>Capabilities (see <see cref="ApiGuardCapabilities"/>) that are switched off for endpoints under this policy.</summary>
    public List<string> DisabledCapabilities { get; set; } = [];
}
