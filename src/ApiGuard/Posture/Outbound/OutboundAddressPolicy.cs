using System.Net;
using System.Net.Sockets;

namespace ApiGuard.Posture.Outbound;

/// <summary>
/// Which addresses outbound requests may reach: everything public, except the special-purpose ranges below, unless an
/// allowed network covers the address. IPv4-mapped, IPv4-compatible, NAT64 and 6to4 IPv6 forms are checked as their IPv4 address.
/// </summary>
internal static class OutboundAddressPolicy
{
    private static readonly IPNetwork[] s_blockedV4 =
    [
        IPNetwork.Parse("0.0.0.0/8"),        // "this" network, unspecified
        IPNetwork.Parse("10.0.0.0/8"),       // RFC 1918
        IPNetwork.Parse("100.64.0.0/10"),    // CGNAT
        IPNetwork.Parse("127.0.0.0/8"),      // loopback
        IPNetwork.Parse("169.254.0.0/16"),   // link-local, cloud metadata 169.254.169.254
        IPNetwork.Parse("172.16.0.0/12"),    // RFC 1918
        IPNetwork.Parse("192.0.0.0/24"),     // IETF protocol assignments (incl. 192.0.0.192 Oracle metadata)
        IPNetwork.Parse("192.0.2.0/24"),     // TEST-NET-1
        IPNetwork.Parse("192.88.99.0/24"),   // 6to4 relay
        IPNetwork.Parse("192.168.0.0/16"),   // RFC 1918
        IPNetwork.Parse("198.18.0.0/15"),    // benchmarking
        IPNetwork.Parse("198.51.100.0/24"),  // TEST-NET-2
        IPNetwork.Parse("203.0.113.0/24"),   // TEST-NET-3
        IPNetwork.Parse("224.0.0.0/4"),      // multicast
        IPNetwork.Parse("240.0.0.0/4"),      // reserved, broadcast
    ];

    private static readonly IPNetwork[] s_blockedV6 =
    [
        IPNetwork.Parse("::/128"),           // unspecified
        IPNetwork.Parse("::1/128"),          // loopback
        IPNetwork.Parse("100::/64"),         // discard
        IPNetwork.Parse("2001:db8::/32"),    // documentation
        IPNetwork.Parse("fc00::/7"),         // unique local, incl. AWS metadata fd00:ec2::254
        IPNetwork.Parse("fe80::/10"),        // link-local
        IPNetwork.Parse("fec0::/10"),        // site-local (deprecated)
        IPNetwork.Parse("ff00::/8"),         // multicast
    ];

    private static readonly IPNetwork s_nat64 = IPNetwork.Parse("64:ff9b::/96");
    private static readonly IPNetwork s_compatible = IPNetwork.Parse("::/96");
    private static readonly IPNetwork s_sixToFour = IPNetwork.Parse("2002::/16");

    /// <summary>Whether the address may be reached.</summary>
    /// <param name="address">The resolved address.</param>
    /// <param name="allowed">Networks allowed even though they are special-purpose.</param>
    /// <param name="category">Why it is blocked (for events), when it is.</param>
    public static bool IsAllowed(IPAddress address, IReadOnlyList<IPNetwork> allowed, out string? category)
    {
        category = null;
        for (var i = 0; i < allowed.Count; i++)
        {
            if (allowed[i].Contains(address) || (address.IsIPv4MappedToIPv6 && allowed[i].Contains(address.MapToIPv4())))
            {
                return true;
            }
        }

        var v4 = Embedded(address);
        if (v4 is not null)
        {
            for (var i = 0; i < allowed.Count; i++)
            {
                if (allowed[i].Contains(v4))
                {
                    return true;
                }
            }

            category = Categorize(v4);
            return category is null;
        }

        category = Categorize(address);
        return category is null;
    }

    /// <summary>The IPv4 address inside an IPv4 address or an IPv6 form that embeds one; otherwise <see langword="null"/>.</summary>
    private static IPAddress? Embedded(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return address;
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return null;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        if (s_nat64.Contains(address) || (s_compatible.Contains(address) && !IPAddress.IPv6Loopback.Equals(address) && !IPAddress.IPv6Any.Equals(address)))
        {
            return new IPAddress(bytes[12..]);
        }

        if (s_sixToFour.Contains(address))
        {
            return new IPAddress(bytes.Slice(2, 4));
        }

        return null;
    }

    private static string? Categorize(IPAddress address)
    {
        var networks = address.AddressFamily == AddressFamily.InterNetwork ? s_blockedV4 : s_blockedV6;
        foreach (var n in networks)
        {
            if (n.Contains(address))
            {
                return Describe(n, address);
            }
        }

        return null;
    }

    private static string Describe(IPNetwork network, IPAddress address)
    {
        if (IPAddress.IsLoopback(address))
        {
            return "loopback";
        }

        var text = network.ToString();
        return text switch
        {
            "169.254.0.0/16" => address.ToString() == "169.254.169.254" ? "cloud-metadata" : "link-local",
            "fe80::/10" => "link-local",
            "fc00::/7" => address.ToString() == "fd00:ec2::254" ? "cloud-metadata" : "private",
            "10.0.0.0/8" or "172.16.0.0/12" or "192.168.0.0/16" => "private",
            "100.64.0.0/10" => "cgnat",
            "0.0.0.0/8" or "::/128" => "unspecified",
            "224.0.0.0/4" or "ff00::/8" => "multicast",
            _ => "reserved",
        };
    }
}
