using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace ApiGuard.Posture.Leaks;

/// <summary>
/// The response body while leak detection watches it: a <see cref="Stream"/> and a <see cref="PipeWriter"/> over the same state.
/// Report: bytes pass through and the first <c>MaxScanBytes</c> are copied (widened) for a scan at the end.
/// Redact and Withhold: the first <c>MaxScanBytes</c> are held, scanned, then sent (masked) or replaced by a problem.
/// Instances are pooled; buffers come from <see cref="ArrayPool{T}"/>.
/// </summary>
internal sealed class LeakScanningBody : Stream, IHttpResponseBodyFeature
{
    private readonly ResponseLeakMiddleware _owner;
    private readonly LeakPipeWriter _pipe;
    private HttpContext _context = null!;
    private IHttpResponseBodyFeature _inner = null!;
    private LeakAction _action;
    private int _cap;
    private byte[]? _bytes;
    private char[]? _chars;
    private int _count;
    private bool _decided;
    private bool _eligible;
    private bool _done;          // scan done (cap reached or processed): pass through
    private bool _discard;       // response replaced by a problem: drop the app's bytes
    private bool _writingProblem;
    private bool _startRequested;
    private bool _finished;
    private bool _pipeUsed;

    public LeakScanningBody(ResponseLeakMiddleware owner)
    {
        _owner = owner;
        _pipe = new LeakPipeWriter(this);
    }

    public void Initialize(HttpContext context, IHttpResponseBodyFeature inner, LeakAction action, int cap)
    {
        _context = context;
        _inner = inner;
        _action = action;
        _cap = cap;
        _count = 0;
        _decided = _eligible = _done = _discard = _writingProblem = _startRequested = _finished = _pipeUsed = false;
    }

    public void Reset()
    {
        if (_bytes is not null)
        {
            ArrayPool<byte>.Shared.Return(_bytes);
            _bytes = null;
        }

        if (_chars is not null)
        {
            ArrayPool<char>.Shared.Return(_chars);
            _chars = null;
        }

        _pipe.Reset();
        _context = null!;
        _inner = null!;
    }

    private bool Holding => _action != LeakAction.Report;

    // ---- IHttpResponseBodyFeature ----

    Stream IHttpResponseBodyFeature.Stream => this;

    PipeWriter IHttpResponseBodyFeature.Writer
    {
        get
        {
            _pipeUsed = true;
            return _pipe;
        }
    }

    void IHttpResponseBodyFeature.DisableBuffering() => _inner.DisableBuffering();

    Task IHttpResponseBodyFeature.StartAsync(CancellationToken cancellationToken)
    {
        if (Holding && !_done)
        {
            _startRequested = true;
            return Task.CompletedTask;
        }

        return _inner.StartAsync(cancellationToken);
    }

    Task IHttpResponseBodyFeature.SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken) =>
        SendFileCoreAsync(path, offset, count, cancellationToken);

    private async Task SendFileCoreAsync(string path, long offset, long? count, CancellationToken cancellationToken)
    {
        // Files are not scanned; what was held so far goes out first.
        await FlushHeldAsync(cancellationToken).ConfigureAwait(false);
        if (!_discard)
        {
            await _inner.SendFileAsync(path, offset, count, cancellationToken).ConfigureAwait(false);
        }
    }

    async Task IHttpResponseBodyFeature.CompleteAsync()
    {
        await FinishAsync(_context.RequestAborted).ConfigureAwait(false);
        await _inner.CompleteAsync().ConfigureAwait(false);
    }

    // ---- Stream ----

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Flush() => FlushAsync(CancellationToken.None).GetAwaiter().GetResult();

    public override Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_discard || (Holding && _eligible && !_done) || (Holding && !_decided))
        {
            return Task.CompletedTask;
        }

        return _inner.Stream.FlushAsync(cancellationToken);
    }

    public override void Write(byte[] buffer, int offset, int count) =>
        WriteAsync(buffer.AsMemory(offset, count), CancellationToken.None).AsTask().GetAwaiter().GetResult();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_writingProblem)
        {
            return _inner.Stream.WriteAsync(buffer, cancellationToken);
        }

        if (_discard || buffer.IsEmpty)
        {
            return ValueTask.CompletedTask;
        }

        if (!_decided)
        {
            Decide();
        }

        if (!_eligible || _done)
        {
            return _inner.Stream.WriteAsync(buffer, cancellationToken);
        }

        if (!Holding)
        {
            var take = Math.Min(buffer.Length, _cap - _count);
            Encoding.Latin1.GetChars(buffer.Span[..take], _chars.AsSpan(_count, take));
            _count += take;
            if (_count == _cap)
            {
                _done = true;
                _owner.ScanAndReport(_context, _chars.AsSpan(0, _count));
            }

            return _inner.Stream.WriteAsync(buffer, cancellationToken);
        }

        var room = _cap - _count;
        if (buffer.Length < room)
        {
            buffer.Span.CopyTo(_bytes.AsSpan(_count));
            _count += buffer.Length;
            return ValueTask.CompletedTask;
        }

        return WriteOverflowAsync(buffer, room, cancellationToken);
    }

    private async ValueTask WriteOverflowAsync(ReadOnlyMemory<byte> buffer, int room, CancellationToken cancellationToken)
    {
        buffer.Span[..room].CopyTo(_bytes.AsSpan(_count));
        _count += room;
        await ProcessHeldAsync(cancellationToken).ConfigureAwait(false);
        if (!_discard && buffer.Length > room)
        {
            await _inner.Stream.WriteAsync(buffer[room..], cancellationToken).ConfigureAwait(false);
        }
    }

    private void Decide()
    {
        _decided = true;
        var response = _context.Response;
        _owner.CheckHeaders(_context, remove: Holding);
        _eligible = IsScannable(response);
        if (!_eligible)
        {
            if (Holding && _startRequested)
            {
                _startRequested = false;
            }

            _done = true;
            return;
        }

        if (Holding)
        {
            _bytes = ArrayPool<byte>.Shared.Rent(_cap);
        }
        else
        {
            _chars = ArrayPool<char>.Shared.Rent(_cap);
        }
    }

    private static bool IsScannable(HttpResponse response)
    {
        if (response.StatusCode is 204 or 304 || response.Headers.ContentEncoding.Count > 0)
        {
            return false;
        }

        var contentType = response.ContentType;
        if (string.IsNullOrEmpty(contentType))
        {
            return true;
        }

        var ct = contentType.AsSpan();
        if (ct.StartsWith("text/event-stream", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return ct.StartsWith("text/", StringComparison.OrdinalIgnoreCase)
            || ct.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
            || ct.StartsWith("application/problem", StringComparison.OrdinalIgnoreCase)
            || ct.StartsWith("application/xml", StringComparison.OrdinalIgnoreCase)
            || ct.StartsWith("application/javascript", StringComparison.OrdinalIgnoreCase)
            || ct.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase)
            || ct.Contains("+json", StringComparison.OrdinalIgnoreCase)
            || ct.Contains("+xml", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Scans the held bytes, then sends them (masked if need be) or replaces the response with a problem.</summary>
    private async ValueTask ProcessHeldAsync(CancellationToken cancellationToken)
    {
        _done = true;
        if (_count == 0)
        {
            return;
        }

        var outcome = _owner.ScanHeld(_context, _bytes.AsSpan(0, _count), ref _chars, _action);
        if (outcome == HeldOutcome.Withhold)
        {
            _discard = true;
            _writingProblem = true;
            try
            {
                await _owner.WriteWithheldAsync(_context).ConfigureAwait(false);
            }
            finally
            {
                _writingProblem = false;
            }

            return;
        }

        await _inner.Stream.WriteAsync(_bytes.AsMemory(0, _count), cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask FlushHeldAsync(CancellationToken cancellationToken)
    {
        if (_pipeUsed)
        {
            await _pipe.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        if (!_decided)
        {
            Decide();
        }

        if (Holding && _eligible && !_done)
        {
            await ProcessHeldAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Ends the watch: flushes the pipe, scans what is left, sends what is held.</summary>
    public async ValueTask FinishAsync(CancellationToken cancellationToken)
    {
        if (_finished)
        {
            return;
        }

        _finished = true;
        if (_pipeUsed)
        {
            await _pipe.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        if (!_decided)
        {
            _decided = true;
            _done = true;
            _owner.CheckHeaders(_context, remove: Holding);
        }

        if (_eligible && !_done)
        {
            if (Holding)
            {
                await ProcessHeldAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                _done = true;
                _owner.ScanAndReport(_context, _chars.AsSpan(0, _count));
            }
        }

        if (_startRequested && !_context.Response.HasStarted && !_discard)
        {
            await _inner.StartAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A <see cref="PipeWriter"/> that stages bytes in a pooled buffer and writes them to the body on flush.</summary>
    private sealed class LeakPipeWriter(LeakScanningBody body) : PipeWriter
    {
        private byte[]? _buffer;
        private int _pending;

        public void Reset()
        {
            if (_buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = null;
            }

            _pending = 0;
        }

        public override void Advance(int bytes)
        {
            if ((uint)bytes > (uint)((_buffer?.Length ?? 0) - _pending))
            {
                throw new ArgumentOutOfRangeException(nameof(bytes));
            }

            _pending += bytes;
        }

        public override Memory<byte> GetMemory(int sizeHint = 0)
        {
            Ensure(sizeHint);
            return _buffer.AsMemory(_pending);
        }

        public override Span<byte> GetSpan(int sizeHint = 0)
        {
            Ensure(sizeHint);
            return _buffer.AsSpan(_pending);
        }

        private void Ensure(int sizeHint)
        {
            var needed = _pending + Math.Max(sizeHint, 1);
            if (_buffer is not null && _buffer.Length >= needed)
            {
                return;
            }

            var next = ArrayPool<byte>.Shared.Rent(Math.Max(needed, Math.Max(4096, (_buffer?.Length ?? 0) * 2)));
            if (_buffer is not null)
            {
                _buffer.AsSpan(0, _pending).CopyTo(next);
                ArrayPool<byte>.Shared.Return(_buffer);
            }

            _buffer = next;
        }

        public override async ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            if (_pending > 0)
            {
                var n = _pending;
                _pending = 0;
                await body.WriteAsync(_buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
            }

            await body.FlushAsync(cancellationToken).ConfigureAwait(false);
            return new FlushResult(isCanceled: false, isCompleted: false);
        }

        public override void CancelPendingFlush()
        {
        }

        public override void Complete(Exception? exception = null)
        {
        }

        public override bool CanGetUnflushedBytes => true;

        public override long UnflushedBytes => _pending;
    }
}

/// <summary>What to do with held bytes after the scan.</summary>
internal enum HeldOutcome
{
    Send,
    Withhold,
}
