namespace ApiGuard.Inspection.Body;

/// <summary>
/// The request body as the application sees it after inspection: the buffered bytes, then whatever of the original body was
/// not read (when only a prefix was inspected). Read-only and forward-only, like the original.
/// </summary>
internal sealed class ReplayRequestStream : Stream
{
    private readonly RequestBodyBuffer _buffer;
    private readonly Stream? _remainder;
    private int _position;

    public ReplayRequestStream(RequestBodyBuffer buffer, Stream? remainder)
    {
        _buffer = buffer;
        _remainder = remainder;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_buffer.IsDisposed, this);
        if (_position < _buffer.Length)
        {
            return CopyBuffered(buffer);
        }

        return _remainder?.Read(buffer) ?? 0;
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        return Read(buffer.AsSpan(offset, count));
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_buffer.IsDisposed, this);
        if (_position < _buffer.Length)
        {
            return ValueTask.FromResult(CopyBuffered(buffer.Span));
        }

        return _remainder?.ReadAsync(buffer, cancellationToken) ?? ValueTask.FromResult(0);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    private int CopyBuffered(Span<byte> destination)
    {
        var available = _buffer.Span[_position..];
        var n = Math.Min(available.Length, destination.Length);
        available[..n].CopyTo(destination);
        _position += n;
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
