using ApiGuard.Client.Signatures;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;

namespace ApiGuard.Authentication.Signatures;

/// <summary>
/// The <see cref="HttpMessageComponents"/> of an incoming ASP.NET Core request. Path and query come from the raw request
/// target (<see cref="IHttpRequestFeature.RawTarget"/>), never the decoded <see cref="HttpRequest.Path"/>; scheme and authority
/// come from <c>ApiGuard:PublicOrigin</c> when it is set (apps behind proxies).
/// </summary>
internal sealed class AspNetCoreRequestComponents : HttpMessageComponents
{
    private readonly HttpRequest _request;
    private readonly string? _scheme;
    private readonly string? _authority;

    public AspNetCoreRequestComponents(HttpContext context, string? publicScheme, string? publicAuthority)
    {
        _request = context.Request;
        _scheme = publicScheme;
        _authority = publicAuthority;
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        RequestTarget = string.IsNullOrEmpty(raw)
            ? string.Concat(_request.PathBase.ToUriComponent(), _request.Path.ToUriComponent(), _request.QueryString.ToUriComponent())
            : raw;
    }

    public override bool IsRequest => true;

    public override string Method => _request.Method;

    public override string Scheme => _scheme ?? _request.Scheme;

    public override string? Authority => _authority ?? _request.Host.Value;

    public override string RequestTarget { get; }

    public override bool TryGetField(string name, out StringValues lines)
    {
        if (_authority is not null && name == "host")
        {
            lines = _authority;
            return true;
        }

        return _request.Headers.TryGetValue(name, out lines) && lines.Count > 0;
    }

    public override bool TryGetTrailer(string name, out StringValues lines)
    {
        if (_request.SupportsTrailers() && _request.CheckTrailersAvailable())
        {
            lines = _request.GetTrailer(name);
            return lines.Count > 0;
        }

        lines = default;
        return false;
    }
}
