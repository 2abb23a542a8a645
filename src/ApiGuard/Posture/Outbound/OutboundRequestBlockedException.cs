using System.Net;

namespace ApiGuard.Posture.Outbound;

/// <summary>Why the outbound guard refused a request.</summary>
public enum OutboundBlockReason
{
    /// <summary>The host resolved to (or is) a loopback, private, link-local, metadata, unspecified, multicast or reserved address.</summary>
    BlockedAddress = 0,

    /// <summary>The host is not in <see cref="OutboundGuardOptions.AllowedHosts"/>.</summary>
    HostNotAllowed = 1,

    /// <summary>More redirects than <see cref="OutboundGuardOptions.MaxRedirects"/>.</summary>
    TooManyRedirects = 2,

    /// <summary>A redirect from https to http.</summary>
    InsecureRedirect = 3,

    /// <summary>The response body is larger than <see cref="OutboundGuardOptions.MaxResponseBytes"/>.</summary>
    ResponseTooLarge = 4,

    /// <summary>The request (headers and body) took longer than <see cref="OutboundGuardOptions.Timeout"/>.</summary>
    Timeout = 5,

    /// <summary>The request URI is not an absolute http or https URI, or the host did not resolve.</summary>
    InvalidTarget = 6,

    /// <summary>
    /// The request demands HTTP/3 (version 3.0 with <see cref="HttpVersionPolicy.RequestVersionExact"/> or
    /// <see cref="HttpVersionPolicy.RequestVersionOrHigher"/>). QUIC resolves and connects outside
    /// <see cref="SocketsHttpHandler.ConnectCallback"/>, so the connect-time address check could not run.
    /// </summary>
    UnsupportedProtocol = 7,
}

/// <summary>Thrown by an <c>HttpClient</c> with the ApiGuard outbound guard when it refuses a request (OWASP API7, API10).</summary>
public sealed class OutboundRequestBlockedException : HttpRequestException
{
    /// <summary>Creates the exception.</summary>
    public OutboundRequestBlockedException(OutboundBlockReason reason, string host, IPAddress? address, string message, Exception? inner = null)
        : base(message, inner)
    {
        Reason = reason;
        Host = host;
        Address = address;
    }

    /// <summary>Why the request was refused.</summary>
    public OutboundBlockReason Reason { get; }

    /// <summary>The host the request was for.</summary>
    public string Host { get; }

    /// <summary>The address that was refused, for <see cref="OutboundBlockReason.BlockedAddress"/>.</summary>
    public IPAddress? Address { get; }
}
