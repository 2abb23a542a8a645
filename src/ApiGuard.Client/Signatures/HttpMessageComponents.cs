using Microsoft.Extensions.Primitives;

namespace ApiGuard.Client.Signatures;

/// <summary>
/// The view of an HTTP message that RFC 9421 components are computed from. Adapters exist for
/// <see cref="HttpRequestMessage"/> (client) and ASP.NET Core requests (server); implement it for anything else.
/// </summary>
public abstract class HttpMessageComponents
{
    /// <summary>Whether the message is a request (else a response).</summary>
    public abstract bool IsRequest { get; }

    /// <summary>The request method as sent (case preserved), or <see langword="null"/> for a response.</summary>
    public abstract string? Method { get; }

    /// <summary>The response status code, or 0 for a request.</summary>
    public virtual int StatusCode => 0;

    /// <summary>The scheme of the target URI (<c>http</c> or <c>https</c>).</summary>
    public abstract string? Scheme { get; }

    /// <summary>The authority of the target URI (host and optional port, as sent).</summary>
    public abstract string? Authority { get; }

    /// <summary>The raw request target exactly as on the request line (origin-, absolute-, authority- or asterisk-form).</summary>
    public abstract string? RequestTarget { get; }

    /// <summary>The field lines of header field <paramref name="name"/> (lowercase), in order.</summary>
    public abstract bool TryGetField(string name, out StringValues lines);

    /// <summary>The field lines of trailer field <paramref name="name"/> (lowercase), in order.</summary>
    public virtual bool TryGetTrailer(string name, out StringValues lines)
    {
        lines = default;
        return false;
    }

    /// <summary>For a response: the request it answers (for components with the <c>req</c> parameter).</summary>
    public virtual HttpMessageComponents? RelatedRequest => null;
}
