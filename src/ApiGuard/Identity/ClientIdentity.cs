using System.Net;

namespace ApiGuard.Identity;

/// <summary>What kind of evidence identified a client.</summary>
public enum ClientIdentityKind
{
    /// <summary>Nothing identified the client (no connection address, as in some in-memory tests).</summary>
    Unknown = 0,

    /// <summary>The client's IP address (IPv6 grouped by prefix).</summary>
    IpAddress = 1,

    /// <summary>An API key presented in a header (identified by a hash of the key, never the key).</summary>
    ApiKey = 2,

    /// <summary>The <c>keyid</c> of an HTTP message signature, as claimed before verification.</summary>
    SigningKey = 3,

    /// <summary>An authenticated principal.</summary>
    Principal = 4,
}

/// <summary>
/// The client of a request, as every ApiGuard capability sees it. <see cref="Id"/> is safe to log:
/// it never holds a credential.
/// </summary>
public sealed class ClientIdentity
{
    /// <summary>Creates an identity.</summary>
    /// <param name="kind">What identified the client.</param>
    /// <param name="id">A stable, log-safe id such as <c>principal:alice</c> or <c>ip:203.0.113.7</c>.</param>
    /// <param name="address">The client address after trusted-proxy processing.</param>
    /// <param name="addressKey">The address, or its network for grouped IPv6, for per-address counting.</param>
    public ClientIdentity(ClientIdentityKind kind, string id, IPAddress? address, string addressKey)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(addressKey);
        Kind = kind;
        Id = id;
        Address = address;
        AddressKey = addressKey;
    }

    /// <summary>What identified the client.</summary>
    public ClientIdentityKind Kind { get; }

    /// <summary>A stable, log-safe id: <c>principal:…</c>, <c>apikey:…</c> (hash), <c>key:…</c>, <c>ip:…</c> or <c>unknown</c>.</summary>
    public string Id { get; }

    /// <summary>The client address after trusted-proxy processing, if known.</summary>
    public IPAddress? Address { get; }

    /// <summary>The address, grouped by prefix for IPv6 (for example <c>2001:db8:1:2::/64</c>); <c>unknown</c> when there is none.</summary>
    public string AddressKey { get; }

    /// <summary>Whether the identity comes from an authenticated principal.</summary>
    public bool IsAuthenticated => Kind == ClientIdentityKind.Principal;

    /// <inheritdoc />
    public override string ToString() => Id;
}
