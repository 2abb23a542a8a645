using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using ApiGuard.Monitoring;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ApiGuard.Identity;

/// <summary>
/// The default <see cref="IClientIdentityResolver"/>: principal, else API key (hashed), else signing key id, else IP.
/// Forwarded headers (<c>X-Forwarded-For</c>, <c>Forwarded</c>) are honoured only when the direct peer is a trusted proxy,
/// walking from the right over trusted hops.
/// </summary>
public sealed partial class DefaultClientIdentityResolver : IClientIdentityResolver
{
    /// <summary>The claim type ApiGuard's own authentication handlers use for the client id.</summary>
    public const string ClientIdClaimType = "apiguard:client_id";

    private const int MaxHeaderValueLength = 4096;
    private readonly ClientIdentityOptions _options;
    private readonly IPNetwork[] _trustedProxies;
    private readonly ILogger _logger;
    private int _warnedAboutForwardedHeaders;

    /// <summary>Creates the resolver.</summary>
    public DefaultClientIdentityResolver(IOptions<ApiGuardOptions> options, ILogger<DefaultClientIdentityResolver> logger)
    {
        _options = options.Value.ClientIdentity;
        _logger = logger;
        _trustedProxies = _options.TrustedProxies.Select(ParseNetwork).ToArray();
    }

    /// <inheritdoc />
    public ClientIdentity Resolve(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var feature = context.Features.Get<ClientIdentityFeature>();
        if (feature is not null && (feature.Identity.IsAuthenticated || context.User.Identity?.IsAuthenticated != true))
        {
            return feature.Identity;
        }

        var address = feature?.Address ?? ResolveAddressCore(context);
        var identity = ResolveCore(context, address);
        if (feature is null)
        {
            context.Features.Set(new ClientIdentityFeature(identity, address));
        }
        else
        {
            feature.Identity = identity;
        }

        return identity;
    }

    /// <inheritdoc />
    public ClientIdentity ResolveAddress(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var feature = context.Features.Get<ClientIdentityFeature>();
        if (feature is not null)
        {
            return feature.Address;
        }

        Resolve(context);
        return context.Features.Get<ClientIdentityFeature>()!.Address;
    }

    private ClientIdentity ResolveCore(HttpContext context, ClientIdentity address)
    {
        var user = context.User;
        if (user.Identity?.IsAuthenticated == true)
        {
            var name = user.FindFirst(ClientIdClaimType)?.Value
                ?? user.FindFirst(ClaimTypes.NameIdentifier)?.Value
                ?? user.FindFirst("sub")?.Value
                ?? user.Identity.Name;
            if (!string.IsNullOrEmpty(name))
            {
                return new ClientIdentity(ClientIdentityKind.Principal, "principal:" + Truncate(name), address.Address, address.AddressKey);
            }
        }

        if (_options.ApiKeyHeaderName is { } apiKeyHeader &&
            context.Request.Headers.TryGetValue(apiKeyHeader, out var apiKey) && apiKey.Count > 0 && !string.IsNullOrEmpty(apiKey[0]))
        {
            return new ClientIdentity(ClientIdentityKind.ApiKey, "apikey:" + HashCredential(apiKey[0]!), address.Address, address.AddressKey);
        }

        if (context.Request.Headers.TryGetValue("Signature-Input", out var signatureInput) && TryGetKeyId(signatureInput.ToString(), out var keyId))
        {
            return new ClientIdentity(ClientIdentityKind.SigningKey, "key:" + keyId, address.Address, address.AddressKey);
        }

        return address;
    }

    private ClientIdentity ResolveAddressCore(HttpContext context)
    {
        var peer = context.Connection.RemoteIpAddress;
        var headers = context.Request.Headers;
        var hasForwarded = headers.ContainsKey("X-Forwarded-For") || headers.ContainsKey("Forwarded");
        if (hasForwarded && _trustedProxies.Length == 0 && Interlocked.Exchange(ref _warnedAboutForwardedHeaders, 1) == 0)
        {
            Log.ForwardedHeadersIgnored(_logger);
        }

        var client = peer;
        if (peer is not null && hasForwarded && _trustedProxies.Length > 0 && IsTrusted(peer))
        {
            client = WalkForwarded(headers, peer);
        }

        return FromAddress(client);
    }

    private IPAddress WalkForwarded(IHeaderDictionary headers, IPAddress peer)
    {
        // Hops from X-Forwarded-For, else Forwarded, walked from the right over trusted proxies.
        var xff = headers["X-Forwarded-For"];
        var hops = xff.Count > 0 ? CollectHops(xff, forwardedSyntax: false) : CollectHops(headers["Forwarded"], forwardedSyntax: true);
        var current = peer;
        for (var i = hops.Count - 1; i >= 0 && i >= hops.Count - _options.ForwardLimit; i--)
        {
            var hop = hops[i];
            if (hop is null)
            {
                // Unparseable hop: stop at the last trusted address we know.
                return current;
            }

            current = hop;
            if (!IsTrusted(hop))
            {
                return hop;
            }
        }

        return current;
    }

    /// <summary>Parses every hop, left to right, from the last <see cref="MaxHeaderValueLength"/> characters of each value.</summary>
    private static List<IPAddress?> CollectHops(Microsoft.Extensions.Primitives.StringValues values, bool forwardedSyntax)
    {
        var all = new List<IPAddress?>();
        foreach (var value in values)
        {
            if (value is null)
            {
                continue;
            }

            var span = value.AsSpan();
            if (span.Length > MaxHeaderValueLength)
            {
                span = span[^MaxHeaderValueLength..];
            }

            foreach (var range in span.Split(','))
            {
                var element = span[range].Trim();
                all.Add(forwardedSyntax ? ParseForwardedFor(element) : ParseAddress(element));
            }
        }

        return all;
    }

    private static IPAddress? ParseForwardedFor(ReadOnlySpan<char> element)
    {
        foreach (var range in element.Split(';'))
        {
            var pair = element[range].Trim();
            if (pair.Length > 4 && pair[..4].Equals("for=", StringComparison.OrdinalIgnoreCase))
            {
                var value = pair[4..].Trim('"');
                return ParseAddress(value);
            }
        }

        return null;
    }

    private static IPAddress? ParseAddress(ReadOnlySpan<char> value)
    {
        value = value.Trim();
        if (value.Length == 0 || value.Length > 64)
        {
            return null;
        }

        if (value[0] == '[')
        {
            var end = value.IndexOf(']');
            if (end < 0)
            {
                return null;
            }

            value = value[1..end];
        }
        else if (value.Count(':') == 1)
        {
            value = value[..value.IndexOf(':')]; // IPv4 with port
        }

        return IPAddress.TryParse(value, out var address) ? address : null;
    }

    private bool IsTrusted(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        foreach (var network in _trustedProxies)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    private ClientIdentity FromAddress(IPAddress? address)
    {
        if (address is null)
        {
            return new ClientIdentity(ClientIdentityKind.Unknown, "unknown", null, "unknown");
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        var prefix = address.AddressFamily == AddressFamily.InterNetworkV6 ? _options.IPv6PrefixLength : _options.IPv4PrefixLength;
        var max = address.AddressFamily == AddressFamily.InterNetworkV6 ? 128 : 32;
        var key = prefix >= max ? address.ToString() : new IPNetwork(Mask(address, prefix), prefix).ToString();
        return new ClientIdentity(ClientIdentityKind.IpAddress, "ip:" + key, address, key);
    }

    internal static IPAddress Mask(IPAddress address, int prefixLength)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var written);
        bytes = bytes[..written];
        for (var i = 0; i < bytes.Length; i++)
        {
            var bits = Math.Clamp(prefixLength - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - bits));
        }

        return new IPAddress(bytes);
    }

    private static IPNetwork ParseNetwork(string value)
    {
        if (IPNetwork.TryParse(value, out var network))
        {
            return network;
        }

        var address = IPAddress.Parse(value);
        return new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetworkV6 ? 128 : 32);
    }

    internal static bool TryGetKeyId(string signatureInput, out string keyId)
    {
        keyId = string.Empty;
        var span = signatureInput.AsSpan();
        if (span.Length > MaxHeaderValueLength)
        {
            return false;
        }

        var start = span.IndexOf("keyid=\"", StringComparison.Ordinal);
        if (start < 0)
        {
            return false;
        }

        span = span[(start + 7)..];
        var end = span.IndexOf('"');
        if (end <= 0 || end > 256)
        {
            return false;
        }

        var candidate = span[..end];
        if (candidate.ContainsAnyExcept(s_keyIdChars))
        {
            return false;
        }

        keyId = candidate.ToString();
        return true;
    }

    private static readonly SearchValues<char> s_keyIdChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:/@+=");

    /// <summary>A short, non-reversible id for a credential: the first 16 hex digits of its SHA-256.</summary>
    internal static string HashCredential(string credential)
    {
        Span<byte> hash = stackalloc byte[32];
        var max = Encoding.UTF8.GetMaxByteCount(Math.Min(credential.Length, 1024));
        var buffer = ArrayPool<byte>.Shared.Rent(max);
        try
        {
            var n = Encoding.UTF8.GetBytes(credential.AsSpan(0, Math.Min(credential.Length, 1024)), buffer);
            SHA256.HashData(buffer.AsSpan(0, n), hash);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return Convert.ToHexStringLower(hash[..8]);
    }

    private static string Truncate(string value) => value.Length <= 128 ? value : value[..128];

    private sealed class ClientIdentityFeature(ClientIdentity identity, ClientIdentity address)
    {
        public ClientIdentity Identity { get; set; } = identity;

        public ClientIdentity Address { get; } = address;
    }

    private static partial class Log
    {
        [LoggerMessage(ApiGuardEventIds.ForwardedHeadersIgnored, LogLevel.Warning,
            "Forwarded headers (X-Forwarded-For/Forwarded) arrived but ApiGuard:ClientIdentity:TrustedProxies is empty, so they are ignored and the connection address identifies the client. Configure the proxies' addresses if the app runs behind a proxy.",
            EventName = "ForwardedHeadersIgnored")]
        public static partial void ForwardedHeadersIgnored(ILogger logger);
    }
}
