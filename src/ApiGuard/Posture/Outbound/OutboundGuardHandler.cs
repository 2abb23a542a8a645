using System.Net;

namespace ApiGuard.Posture.Outbound;

/// <summary>
/// The request side of the outbound guard: checks each target, follows redirects itself (the primary handler has
/// auto-redirect off) so every hop is checked again, limits the time to the response headers and the response size,
/// and surfaces blocks as <see cref="OutboundRequestBlockedException"/>.
/// </summary>
internal sealed class OutboundGuardHandler(OutboundGuard guard) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var options = guard.Options;
        using var timeout = new CancellationTokenSource(options.Timeout, guard.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var current = request;
        var hops = 0;
        try
        {
            while (true)
            {
                guard.CheckTarget(current.RequestUri);
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
                    return Limit(response, current, options.MaxResponseBytes);
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
                    return Limit(response, current, options.MaxResponseBytes);
                }

                response.Dispose();
                if (!ReferenceEquals(current, request))
                {
                    current.Dispose();
                }

                current = next;
            }
        }
        catch (OperationCanceledException ex) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw guard.Block(OutboundBlockReason.Timeout, current.RequestUri?.IdnHost ?? "(none)", null, $"no response within {options.Timeout}", null, ex);
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

    private HttpResponseMessage Limit(HttpResponseMessage response, HttpRequestMessage request, long max)
    {
        var host = request.RequestUri?.IdnHost ?? "(none)";
        if (response.Content.Headers.ContentLength is { } length && length > max)
        {
            response.Dispose();
            throw guard.Block(OutboundBlockReason.ResponseTooLarge, host, null, $"the response has {length} bytes, more than {max}", null);
        }

        response.Content = new LimitedContent(response.Content, max, () =>
            guard.Block(OutboundBlockReason.ResponseTooLarge, host, null, $"the response is larger than {max} bytes", null));
        return response;
    }

    /// <summary>Content that fails once more than the limit has been read.</summary>
    private sealed class LimitedContent : HttpContent
    {
        private readonly HttpContent _inner;
        private readonly long _max;
        private readonly Func<Exception> _exceeded;

        public LimitedContent(HttpContent inner, long max, Func<Exception> exceeded)
        {
            _inner = inner;
            _max = max;
            _exceeded = exceeded;
            foreach (var header in inner.Headers)
            {
                Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        protected override async Task<Stream> CreateContentReadStreamAsync() =>
            new LimitedStream(await _inner.ReadAsStreamAsync().ConfigureAwait(false), _max, _exceeded);

        protected override Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) => CreateLimitedAsync(cancellationToken);

        private async Task<Stream> CreateLimitedAsync(CancellationToken cancellationToken) =>
            new LimitedStream(await _inner.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), _max, _exceeded);

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
            }

            base.Dispose(disposing);
        }
    }

    private sealed class LimitedStream(Stream inner, long max, Func<Exception> exceeded) : Stream
    {
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

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override int Read(Span<byte> buffer) => Count(inner.Read(buffer));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private int Count(int n)
        {
            _read += n;
            if (_read > max)
            {
                throw exceeded();
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
