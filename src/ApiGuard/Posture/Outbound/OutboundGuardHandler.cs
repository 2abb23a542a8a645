using System.Net;

namespace ApiGuard.Posture.Outbound;

/// <summary>
/// The request side of the outbound guard: checks that the primary handler is the guarded one, checks each target, keeps
/// every hop off HTTP/3 (QUIC connects outside <see cref="SocketsHttpHandler.ConnectCallback"/>), follows redirects itself
/// (the primary handler has auto-redirect off) so every hop is checked again, limits the time of the whole exchange
/// (headers and body reads) and the response size, and surfaces blocks as <see cref="OutboundRequestBlockedException"/>.
/// </summary>
internal sealed class OutboundGuardHandler(OutboundGuard guard) : DelegatingHandler
{
    private volatile bool _primaryVerified;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        VerifyPrimaryHandler();
        var options = guard.Options;
        var deadline = new CancellationTokenSource(options.Timeout, guard.Time);
        var deadlineOwned = true;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var current = request;
        var hops = 0;
        try
        {
            while (true)
            {
                guard.CheckTarget(current.RequestUri);
                KeepOffHttp3(current);
                HttpResponseMessage response;
                try
                {
                    response = await base.SendAsync(current, linked.Token).ConfigureAwait(false);
                }
                catch (HttpRequestException ex) when (ex is not OutboundRequestBlockedException && FindBlocked(ex) is { } blocked)
                {
                    throw blocked;
                }

                if (!IsRedirect(response.StatusCode) || response.Headers.Location is null || options.MaxRedirects == 0)
                {
                    var limited = Limit(response, current, options, deadline);
                    deadlineOwned = false;
                    return limited;
                }

                var from = current.RequestUri!;
                var to = new Uri(from, response.Headers.Location);
                if (++hops > options.MaxRedirects)
                {
                    response.Dispose();
                    throw guard.Block(OutboundBlockReason.TooManyRedirects, to.IdnHost, null, $"more than {options.MaxRedirects} redirects", null);
                }

                if (from.Scheme == Uri.UriSchemeHttps && to.Scheme == Uri.UriSchemeHttp && !options.AllowHttpsToHttpRedirect)
                {
                    response.Dispose();
                    throw guard.Block(OutboundBlockReason.InsecureRedirect, to.IdnHost, null, "redirect from https to http", null);
                }

                var next = NextRequest(current, response.StatusCode, to);
                if (next is null)
                {
                    // A 307/308 with a body that cannot be replayed: hand the redirect back to the caller.
                    var limited = Limit(response, current, options, deadline);
                    deadlineOwned = false;
                    return limited;
                }

                response.Dispose();
                if (!ReferenceEquals(current, request))
                {
                    current.Dispose();
                }

                current = next;
            }
        }
        catch (OperationCanceledException ex) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw guard.Block(OutboundBlockReason.Timeout, current.RequestUri?.IdnHost ?? "(none)", null, $"no response within {options.Timeout}", null, ex);
        }
        finally
        {
            if (deadlineOwned)
            {
                deadline.Dispose();
            }
        }
    }

    /// <summary>
    /// The connect-time address check lives in the primary handler's <see cref="SocketsHttpHandler.ConnectCallback"/>. A
    /// <c>ConfigurePrimaryHttpMessageHandler</c> or <c>UseSocketsHttpHandler</c> call after <c>AddApiGuardOutboundGuard()</c>
    /// replaces that handler; the guard then refuses to send rather than run without the check.
    /// </summary>
    private void VerifyPrimaryHandler()
    {
        if (_primaryVerified)
        {
            return;
        }

        var primary = InnerHandler;
        while (primary is DelegatingHandler delegating)
        {
            primary = delegating.InnerHandler;
        }

        string? problem = primary switch
        {
            SocketsHttpHandler s when !ReferenceEquals(s.ConnectCallback, guard.ConnectCallback) => "its SocketsHttpHandler has another ConnectCallback",
            SocketsHttpHandler s when s.UseProxy => "its SocketsHttpHandler uses a proxy",
            SocketsHttpHandler s when s.AllowAutoRedirect => "its SocketsHttpHandler follows redirects itself",
            SocketsHttpHandler => null,
            null => "it has no primary handler",
            _ => $"its primary handler is a {primary.GetType().Name}, not the guard's SocketsHttpHandler",
        };
        if (problem is not null)
        {
            var message = $"The ApiGuard outbound guard of HttpClient '{guard.ClientName}' cannot check addresses at connect time: {problem}. "
                + "The primary handler was replaced after AddApiGuardOutboundGuard() (ConfigurePrimaryHttpMessageHandler or UseSocketsHttpHandler). "
                + "Call AddApiGuardOutboundGuard() last, or change the guard's handler with ConfigurePrimaryHttpMessageHandler((handler, services) => ...) "
                + "keeping its ConnectCallback, UseProxy = false and AllowAutoRedirect = false.";
            PostureLog.OutboundPrimaryHandlerReplaced(guard.Logger, guard.ClientName, problem);
            throw new InvalidOperationException(message);
        }

        _primaryVerified = true;
    }

    /// <summary>
    /// HTTP/3 runs over QUIC, which resolves and connects without <see cref="SocketsHttpHandler.ConnectCallback"/>: a request
    /// that allows HTTP/3 would reach any address unchecked. A request that demands it is refused; any other is capped at HTTP/2.
    /// </summary>
    private void KeepOffHttp3(HttpRequestMessage request)
    {
        var version = request.Version;
        switch (request.VersionPolicy)
        {
            case HttpVersionPolicy.RequestVersionExact or HttpVersionPolicy.RequestVersionOrHigher when version.Major >= 3:
                throw guard.Block(OutboundBlockReason.UnsupportedProtocol, request.RequestUri?.IdnHost ?? "(none)", null,
                    $"HTTP/{version} was demanded ({request.VersionPolicy}); QUIC connects without the guard's address check, so HTTP/3 is not allowed", null);
            case HttpVersionPolicy.RequestVersionOrLower when version.Major >= 3:
                request.Version = HttpVersion.Version20;
                break;
            case HttpVersionPolicy.RequestVersionOrHigher when version.Major == 2:
                // "2 or higher" without 3 is exactly 2.
                request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
                break;
            case HttpVersionPolicy.RequestVersionOrHigher:
                // "1.x or higher" without 3: HTTP/2 or lower (ALPN picks h2 or HTTP/1.1, as before).
                request.Version = HttpVersion.Version20;
                request.VersionPolicy = HttpVersionPolicy.RequestVersionOrLower;
                break;
        }
    }

    private static OutboundRequestBlockedException? FindBlocked(Exception ex)
    {
        for (var e = ex.InnerException; e is not null; e = e.InnerException)
        {
            if (e is OutboundRequestBlockedException blocked)
            {
                return blocked;
            }
        }

        return null;
    }

    private static bool IsRedirect(HttpStatusCode status) =>
        status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther
            or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    private static HttpRequestMessage? NextRequest(HttpRequestMessage current, HttpStatusCode status, Uri to)
    {
        var method = current.Method;
        var keepBody = status is HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;
        if (!keepBody && (status == HttpStatusCode.SeeOther ? method != HttpMethod.Head : method == HttpMethod.Post))
        {
            method = HttpMethod.Get;
        }

        if (keepBody && current.Content is not null)
        {
            return null;
        }

        var next = new HttpRequestMessage(method, to) { Version = current.Version, VersionPolicy = current.VersionPolicy };
        var sameOrigin = Uri.Compare(current.RequestUri, to, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;
        foreach (var header in current.Headers)
        {
            if (!sameOrigin && (header.Key.Equals("Authorization", StringComparison.OrdinalIgnoreCase) || header.Key.Equals("Cookie", StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            if (header.Key.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            next.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        if (keepBody)
        {
            next.Content = current.Content;
        }

        foreach (var option in current.Options)
        {
            ((IDictionary<string, object?>)next.Options)[option.Key] = option.Value;
        }

        return next;
    }

    /// <summary>
    /// Bounds the response body: a declared length over the limit is refused now; otherwise the content is wrapped so reads
    /// fail past the limit or after the deadline. The returned content owns <paramref name="deadline"/>.
    /// </summary>
    private HttpResponseMessage Limit(HttpResponseMessage response, HttpRequestMessage request, OutboundGuardOptions options, CancellationTokenSource deadline)
    {
        var host = request.RequestUri?.IdnHost ?? "(none)";
        var max = options.MaxResponseBytes;
        if (response.Content.Headers.ContentLength is { } length && length > max)
        {
            response.Dispose();
            throw guard.Block(OutboundBlockReason.ResponseTooLarge, host, null, $"the response has {length} bytes, more than {max}", null);
        }

        var timeout = options.Timeout;
        response.Content = new LimitedContent(response.Content, new BodyLimits(
            max,
            deadline,
            () => guard.Block(OutboundBlockReason.ResponseTooLarge, host, null, $"the response is larger than {max} bytes", null),
            inner => guard.Block(OutboundBlockReason.Timeout, host, null, $"the response body was not read within {timeout}", null, inner)));
        return response;
    }

    /// <summary>The bounds of one response body: its size, and the deadline of the whole exchange (owned: disposed with the content).</summary>
    private sealed record BodyLimits(long Max, CancellationTokenSource Deadline, Func<Exception> Exceeded, Func<Exception?, Exception> TimedOut);

    /// <summary>Content that fails once more than the limit has been read, or when a read runs past the deadline.</summary>
    private sealed class LimitedContent : HttpContent
    {
        private readonly HttpContent _inner;
        private readonly BodyLimits _limits;

        public LimitedContent(HttpContent inner, BodyLimits limits)
        {
            _inner = inner;
            _limits = limits;
            foreach (var header in inner.Headers)
            {
                Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        protected override async Task<Stream> CreateContentReadStreamAsync() =>
            new LimitedStream(await _inner.ReadAsStreamAsync().ConfigureAwait(false), _limits);

        protected override Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) => CreateLimitedAsync(cancellationToken);

        private async Task<Stream> CreateLimitedAsync(CancellationToken cancellationToken) =>
            new LimitedStream(await _inner.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), _limits);

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            var source = await CreateLimitedAsync(cancellationToken).ConfigureAwait(false);
            await using (source.ConfigureAwait(false))
            {
                await source.CopyToAsync(stream, cancellationToken).ConfigureAwait(false);
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
                _limits.Deadline.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    private sealed class LimitedStream(Stream inner, BodyLimits limits) : Stream
    {
        private readonly CancellationToken _deadline = limits.Deadline.Token;
        private long _read;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => _read;
            set => throw new NotSupportedException();
        }

        public override void Flush()
        {
        }

        // A synchronous read cannot be cancelled: the deadline is checked before it.
        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_deadline.IsCancellationRequested)
            {
                throw limits.TimedOut(null);
            }

            return Count(inner.Read(buffer));
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            using var linked = cancellationToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _deadline) : null;
            try
            {
                return Count(await inner.ReadAsync(buffer, linked?.Token ?? _deadline).ConfigureAwait(false));
            }
            catch (OperationCanceledException ex) when (_deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw limits.TimedOut(ex);
            }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private int Count(int n)
        {
            _read += n;
            if (_read > limits.Max)
            {
                throw limits.Exceeded();
            }

            return n;
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
