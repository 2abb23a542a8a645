using System.Net;
using System.Security.Claims;
using ApiGuard.Identity;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;

namespace ApiGuard.Tests.Identity;

public sealed class DefaultClientIdentityResolverTests
{
    private static DefaultClientIdentityResolver Create(Action<ClientIdentityOptions>? configure = null, FakeLogger<DefaultClientIdentityResolver>? logger = null)
    {
        var options = new ApiGuardOptions();
        configure?.Invoke(options.ClientIdentity);
        return new DefaultClientIdentityResolver(Options.Create(options), logger ?? new FakeLogger<DefaultClientIdentityResolver>());
    }

    private static DefaultHttpContext Request(string peer, params (string Name, string Value)[] headers)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(peer);
        foreach (var (name, value) in headers)
        {
            context.Request.Headers.Append(name, value);
        }

        return context;
    }

    [Fact]
    public void Resolve_SpoofedForwardedForFromUntrustedPeer_IgnoredAndWarnsOnce()
    {
        var logger = new FakeLogger<DefaultClientIdentityResolver>();
        var resolver = Create(logger: logger);

        var identity = resolver.Resolve(Request("203.0.113.9", ("X-Forwarded-For", "198.51.100.1")));
        resolver.Resolve(Request("203.0.113.9", ("X-Forwarded-For", "198.51.100.2")));

        Assert.Equal("ip:203.0.113.9", identity.Id);
        Assert.Equal(ClientIdentityKind.IpAddress, identity.Kind);
        Assert.Single(logger.Collector.GetSnapshot(), r => r.Id.Id == ApiGuard.Monitoring.ApiGuardEventIds.ForwardedHeadersIgnored);
    }

    [Fact]
    public void Resolve_ForwardedForFromUntrustedPeerWhenProxiesConfigured_Ignored()
    {
        var resolver = Create(o => o.TrustedProxies.Add("10.0.0.0/8"));
        var identity = resolver.Resolve(Request("203.0.113.9", ("X-Forwarded-For", "198.51.100.1")));
        Assert.Equal("ip:203.0.113.9", identity.Id);
    }

    [Fact]
    public void Resolve_ForwardedForFromTrustedProxy_WalksFromTheRightOverTrustedHops()
    {
        var resolver = Create(o => o.TrustedProxies.AddRange(["10.0.0.0/8", "192.0.2.10"]));

        // client spoofs a left-most value; the proxies append the real client and themselves.
        var identity = resolver.Resolve(Request("10.1.1.1", ("X-Forwarded-For", "1.2.3.4, 198.51.100.7, 192.0.2.10")));

        Assert.Equal("ip:198.51.100.7", identity.Id);
        Assert.Equal(IPAddress.Parse("198.51.100.7"), identity.Address);
    }

    [Fact]
    public void Resolve_ForwardedHeaderFromTrustedProxy_UsesForParameter()
    {
        var resolver = Create(o => o.TrustedProxies.Add("10.0.0.0/8"));
        var identity = resolver.Resolve(Request("10.0.0.5", ("Forwarded", "for=192.0.2.60;proto=http, for=\"[2001:db8:cafe::17]:4711\"")));
        Assert.Equal("ip:2001:db8:cafe::/64", identity.Id);
    }

    [Fact]
    public void Resolve_Ipv6Client_GroupedByConfiguredPrefix()
    {
        Assert.Equal("ip:2001:db8:1:2::/64", Create().Resolve(Request("2001:db8:1:2:aaaa::1")).Id);
        Assert.Equal("ip:2001:db8::/48", Create(o => o.IPv6PrefixLength = 48).Resolve(Request("2001:db8:0:2:aaaa::1")).Id);
        Assert.Equal("ip:2001:db8:1:2:aaaa::1", Create(o => o.IPv6PrefixLength = 128).Resolve(Request("2001:db8:1:2:aaaa::1")).Id);
    }

    [Fact]
    public void Resolve_Ipv4MappedIpv6_ReportedAsIpv4()
    {
        Assert.Equal("ip:192.0.2.1", Create().Resolve(Request("::ffff:192.0.2.1")).Id);
    }

    [Fact]
    public void Resolve_ApiKey_HashedNeverRaw()
    {
        var identity = Create().Resolve(Request("192.0.2.1", ("X-Api-Key", "super-secret-key-123")));
        Assert.Equal(ClientIdentityKind.ApiKey, identity.Kind);
        Assert.StartsWith("apikey:", identity.Id, StringComparison.Ordinal);
        Assert.DoesNotContain("super-secret", identity.Id, StringComparison.Ordinal);
        Assert.Equal(identity.Id, Create().Resolve(Request("192.0.2.2", ("X-Api-Key", "super-secret-key-123"))).Id);
        Assert.Equal("192.0.2.1", identity.AddressKey);
    }

    [Fact]
    public void Resolve_SignatureInput_UsesKeyIdAndRejectsOddCharacters()
    {
        var resolver = Create();
        Assert.Equal("key:test-key-ed25519", resolver.Resolve(Request("192.0.2.1", ("Signature-Input", "sig1=(\"@method\");keyid=\"test-key-ed25519\";created=1"))).Id);
        Assert.Equal("ip:192.0.2.1", resolver.Resolve(Request("192.0.2.1", ("Signature-Input", "sig1=();keyid=\"a{b}c\""))).Id);
    }

    [Fact]
    public void Resolve_AuthenticatedLater_ReResolvesToPrincipalKeepingAddress()
    {
        var resolver = Create();
        var context = Request("192.0.2.1");
        Assert.Equal("ip:192.0.2.1", resolver.Resolve(context).Id);

        context.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(DefaultClientIdentityResolver.ClientIdClaimType, "client-42")], "Signature"));
        var identity = resolver.Resolve(context);

        Assert.Equal("principal:client-42", identity.Id);
        Assert.True(identity.IsAuthenticated);
        Assert.Equal("192.0.2.1", identity.AddressKey);
        Assert.Same(identity, resolver.Resolve(context));
        Assert.Equal("ip:192.0.2.1", resolver.ResolveAddress(context).Id);
    }

    [Fact]
    public void Resolve_NoConnectionAddress_Unknown()
    {
        var identity = Create().Resolve(new DefaultHttpContext());
        Assert.Equal(ClientIdentityKind.Unknown, identity.Kind);
        Assert.Equal("unknown", identity.Id);
    }

    [Fact]
    public void Resolve_HugeForwardedHeader_BoundedAndNoThrow()
    {
        var resolver = Create(o => o.TrustedProxies.Add("10.0.0.0/8"));
        var huge = string.Join(", ", Enumerable.Repeat("10.0.0.1", 50_000)) + ", garbage[";
        var identity = resolver.Resolve(Request("10.0.0.2", ("X-Forwarded-For", huge)));
        Assert.Equal(ClientIdentityKind.IpAddress, identity.Kind);
    }
}
