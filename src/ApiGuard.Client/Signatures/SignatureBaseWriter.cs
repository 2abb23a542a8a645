using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace ApiGuard.Client.Signatures;

/// <summary>A growable byte buffer over <see cref="ArrayPool{T}"/>; call <see cref="Dispose"/> to return it.</summary>
internal struct PooledByteBuffer : IDisposable
{
    private byte[] _buffer;
    private int _length;

    public PooledByteBuffer(int initialCapacity)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(initialCapacity);
        _length = 0;
    }

    public readonly int Length => _length;

    public readonly ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    public readonly ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _length);

    public void Clear() => _length = 0;

    public void Write(byte b)
    {
        Ensure(1);
        _buffer[_length++] = b;
    }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    /// <summary>Writes text as UTF-8 (ASCII is one byte per character).</summary>
    public void Write(ReadOnlySpan<char> text)
    {
        Ensure(text.Length);
        if (Ascii.FromUtf16(text, _buffer.AsSpan(_length), out var written) == System.Buffers.OperationStatus.Done)
        {
            _length += written;
            return;
        }

        Ensure(Encoding.UTF8.GetMaxByteCount(text.Length));
        _length += Encoding.UTF8.GetBytes(text, _buffer.AsSpan(_length));
    }

    public void Write(long value)
    {
        Ensure(20);
        value.TryFormat(_buffer.AsSpan(_length), out var written, default, CultureInfo.InvariantCulture);
        _length += written;
    }

    public void WriteBase64(ReadOnlySpan<byte> bytes)
    {
        var needed = Base64.GetMaxEncodedToUtf8Length(bytes.Length);
        Ensure(needed);
        Base64.EncodeToUtf8(bytes, _buffer.AsSpan(_length), out _, out var written);
        _length += written;
    }

    /// <summary>Keeps only the first <paramref name="length"/> bytes.</summary>
    public void Truncate(int length) => _length = length;

    public readonly byte[] ToArray() => WrittenSpan.ToArray();

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        _length = 0;
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Ensure(int count)
    {
        if (_length + count <= _buffer.Length)
        {
            return;
        }

        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + count));
        _buffer.AsSpan(0, _length).CopyTo(larger);
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }

        _buffer = larger;
    }
}
