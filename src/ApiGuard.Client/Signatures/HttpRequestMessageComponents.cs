using Microsoft.Extensions.Primitives;

namespace ApiGuard.Client.Signatures;

/// <summary>The <see cref="HttpMessageComponents"/> of an outgoing <see cref="HttpRequestMessage"/>, as HttpClient will send it.</summary>
public sealed class HttpRequestMessageComponents : HttpMessageComponents
{
    private readonly HttpRequestMessage _request;

    /// <summary>Creates the view.</summary>
    /// <exception cref="ArgumentException">The request has no absolute URI.</exception>
    public HttpRequestMessageComponents(HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.RequestUri is not { IsAbsoluteUri: true })
        {
            throw new ArgumentException("The request needs an absolute RequestUri to be signed.", nameof(request));
        }

        _request = request;
    }

    /// <inheritdoc />
    public override bool IsRequest => true;

    /// <inheritdoc />
    public override string Method => _request.Method.Method;

    /// <inheritdoc />
    public override string Scheme => _request.RequestUri!.Scheme;

    /// <inheritdoc />
    public override string Authority => _request.Headers.Host ?? _request.RequestUri!.Authority;

    /// <inheritdoc />
    public override string RequestTarget => _request.RequestUri!.PathAndQuery;

    /// <inheritdoc />
    public override bool TryGetField(string name, out StringValues lines)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name == "host")
        {
            lines = Authority;
            return true;
        }

        if (name == "content-length")
        {
            if (_request.Content?.Headers.ContentLength is { } length)
            {
                lines = length.ToString(System.Globalization.CultureInfo.InvariantCulture);
                return true;
            }

            lines = default;
            return false;
        }

        if (_request.Headers.NonValidated.TryGetValues(name, out var values) ||
            (_request.Content is not null && _request.Content.Headers.NonValidated.TryGetValues(name, out values)))
        {
            var array = new string[values.Count];
            var i = 0;
            foreach (var v in values)
            {
                array[i++] = v;
            }

            lines = array;
            return true;
        }

        lines = default;
        return false;
    }
}
