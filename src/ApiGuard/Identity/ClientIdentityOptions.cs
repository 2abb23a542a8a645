namespace ApiGuard.Identity;

/// <summary>How ApiGuard identifies the client of a request.</summary>
public sealed class ClientIdentityOptions
{
    /// <summary>
    /// Proxies whose forwarded headers are trusted, as IP addresses or CIDR ranges (for example <c>10.0.0.0/8</c>).
    /// Forwarded headers from any other peer are ignored.
    /// </summary>
    /// <value>Default: empty (forwarded headers are never trusted).</value>
    public List<string> TrustedProxies { get; set; } = [];

    /// <summary>The maximum number of forwarded hops walked from the right.</summary>
    /// <value>Default: 8. Allowed: 1 to 64.</value>
    public int ForwardLimit { get; set; } = 8;

    /// <summary>The header carrying an API key, used as identity when no principal is authenticated. <see langword="null"/> disables it.</summary>
    /// <value>Default: <c>X-Api-Key</c>. The key itself never appears in identities, events or logs: only a hash of it.</value>
    public string? ApiKeyHeaderName { get; set; } = "X-Api-Key";

    /// <summary>IPv6 clients are grouped by this prefix length for counting.</summary>
    /// <value>Default: 64. Allowed: 1 to 128.</value>
    public int IPv6PrefixLength { get; set; } = 64;

    /// <summary>IPv4 clients are grouped by this prefix length for counting.</summary>
    /// <value>Default: 32 (one address). Allowed: 1 to 32.</value>
    public int IPv4PrefixLength { get; set; } = 32;
}
