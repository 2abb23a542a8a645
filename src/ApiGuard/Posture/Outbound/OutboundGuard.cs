using System.Net;
using System.Net.Sockets;
using ApiGuard.Monitoring;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ApiGuard.Posture.Outbound;

/// <summary>
/// The outbound guard of one named client: the connect-time address check (<see cref="ConnectAsync"/>, the
/// <see cref="SocketsHttpHandler.ConnectCallback"/>) and the request-time checks used by <see cref="OutboundGuardHandler"/>.
/// The host is resolved here, every address is checked, and the socket connects to a checked address, so a DNS answer
/// that changes between check and connect (rebinding) cannot reach a blocked address.
/// </summary>
internal sealed class OutboundGuard
{
    private readonly IOptionsMonitor<OutboundGuardOptions> _options;
    private readonly IOutboundHostResolver _resolver;
    private readonly ISecurityEventPublisher _publisher;
    private readonly PostureMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IHttpContextAccessor? _httpContext;
    private (OutboundGuardOptions Options, IPNetwork[] Networks)? _parsed;

    public OutboundGuard(
        string clientName,
        IOptionsMonitor<OutboundGuardOptions> options,
        IOutboundHostResolver resolver,
        ISecurityEventPublisher publisher,
        PostureMetrics metrics,
        TimeProvider time,
        ILogger logger,
        IHttpContextAccessor? httpContext)
    {
        ClientName = clientName;
        _options = options;
        _resolver = resolver;
        _publisher = publisher;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _httpContext = httpContext;
        ConnectCallback = ConnectAsync;
    }

    /// <summary>The one <see cref="SocketsHttpHandler.ConnectCallback"/> instance of this guard, so the handler can tell that its primary handler uses it.</summary>
    public Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> ConnectCallback { get; }

    public string ClientName { get; }

    public OutboundGuardOptions Options => _options.Get(ClientName);

    public TimeProvider Time => _time;

    public ILogger Logger => _logger;

    private IPNetwork[] AllowedNetworks
    {
        get
        {
            var options = Options;
            var parsed = _parsed;
            if (parsed is { } p && ReferenceEquals(p.Options, options))
            {
                return p.Networks;
            }

            var networks = options.AllowedNetworks.Select(ParseNetwork).ToArray();
            _parsed = (options, networks);
            return networks;
        }
    }

    internal static IPNetwork ParseNetwork(string value) =>
        IPNetwork.TryParse(value, out var network) ? network
        : IPAddress.TryParse(value, out var address) ? new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128)
        : throw new FormatException($"'{value}' is not an IP address or CIDR range.");

    /// <summary>Checks a request target before it is sent: scheme, host allow-list, and IP literals (no connect needed to refuse them).</summary>
    public void CheckTarget(Uri? uri)
    {
        if (uri is null || !uri.IsAbsoluteUri || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw Block(OutboundBlockReason.InvalidTarget, uri?.ToString() ?? "(none)", null, "the request URI is not an absolute http or https URI", null);
        }

        var host = uri.IdnHost.Trim('[', ']');
        var allowedHosts = Options.AllowedHosts;
        if (allowedHosts.Count > 0 && !allowedHosts.Exists(h => HostMatches(h, host)))
        {
            throw Block(OutboundBlockReason.HostNotAllowed, host, null, "the host is not in the allow-list", null);
        }

        if (IPAddress.TryParse(host, out var literal))
        {
            CheckAddress(host, literal);
        }
    }

    private static bool HostMatches(string pattern, string host)
    {
        if (pattern.StartsWith("*.", StringComparison.Ordinal))
        {
            return host.Length > pattern.Length - 1 && host.EndsWith(pattern.AsSpan(1), StringComparison.OrdinalIgnoreCase);
        }

        return string.Equals(pattern, host, StringComparison.OrdinalIgnoreCase);
    }

    private void CheckAddress(string host, IPAddress address)
    {
        if (!OutboundAddressPolicy.IsAllowed(address, AllowedNetworks, out var category))
        {
            _metrics.OutboundConnect(allowed: false);
            throw Block(OutboundBlockReason.BlockedAddress, host, address, $"the address {address} is {category}", category);
        }
    }

    /// <summary>The <see cref="SocketsHttpHandler.ConnectCallback"/>: resolve, check every address, connect to a checked one.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host.Trim('[', ']');
        var port = context.DnsEndPoint.Port;
        IPAddress[] addresses;
        if (IPAddress.TryParse(host, out var literal))
        {
            addresses = [literal];
        }
        else
        {
            try
            {
                addresses = await _resolver.ResolveAsync(host, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException ex)
            {
                throw Block(OutboundBlockReason.InvalidTarget, host, null, "the host did not resolve", null, ex);
            }
        }

        if (addresses.Length == 0)
        {
            throw Block(OutboundBlockReason.InvalidTarget, host, null, "the host did not resolve", null);
        }

        // All or nothing: a mixed answer (public and private) is the shape of a rebinding attack.
        foreach (var address in addresses)
        {
            CheckAddress(host, address);
        }

        Exception? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                using var timeout = new CancellationTokenSource(Options.ConnectTimeout, _time);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
                _metrics.OutboundConnect(allowed: true);
                await socket.ConnectAsync(new IPEndPoint(address, port), linked.Token).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException)
            {
                socket.Dispose();
                cancellationToken.ThrowIfCancellationRequested();
                last = ex;
            }
        }

        throw new HttpRequestException($"Could not connect to {host}:{port}.", last);
    }

    /// <summary>Records a block (event, metric, log) and returns the exception to throw.</summary>
    public OutboundRequestBlockedException Block(OutboundBlockReason reason, string host, IPAddress? address, string detail, string? category, Exception? inner = null)
    {
        var slug = Slug(reason);
        _metrics.OutboundBlocked(slug);
        PostureLog.OutboundBlocked(_logger, ClientName, host, detail);
        var properties = new Dictionary<string, string> { ["client"] = ClientName, ["host"] = host };
        if (address is not null)
        {
            properties["address"] = address.ToString();
        }

        if (category is not null)
        {
            properties["category"] = category;
        }

        _publisher.Publish(new SecurityEvent
        {
            Capability = ApiGuardCapabilities.Posture,
            Kind = "outbound." + slug,
            Severity = reason switch
            {
                OutboundBlockReason.BlockedAddress or OutboundBlockReason.HostNotAllowed or OutboundBlockReason.InsecureRedirect => SecuritySeverity.High,
                OutboundBlockReason.Timeout or OutboundBlockReason.InvalidTarget or OutboundBlockReason.UnsupportedProtocol => SecuritySeverity.Low,
                _ => SecuritySeverity.Medium,
            },
            Action = SecurityAction.Blocked,
            RuleId = slug,
            Location = "outbound:" + ClientName,
            Reason = $"Outbound request to '{host}' refused: {detail}.",
            Properties = properties,
        }, _httpContext?.HttpContext);

        return new OutboundRequestBlockedException(reason, host, address, $"ApiGuard refused the outbound request to '{host}': {detail}.", inner);
    }

    private static string Slug(OutboundBlockReason reason) => reason switch
    {
        OutboundBlockReason.BlockedAddress => "blocked-address",
        OutboundBlockReason.HostNotAllowed => "host-not-allowed",
        OutboundBlockReason.TooManyRedirects => "too-many-redirects",
        OutboundBlockReason.InsecureRedirect => "insecure-redirect",
        OutboundBlockReason.ResponseTooLarge => "response-too-large",
        OutboundBlockReason.Timeout => "timeout",
        OutboundBlockReason.UnsupportedProtocol => "unsupported-protocol",
        _ => "invalid-target",
    };
}
