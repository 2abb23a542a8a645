using System.Buffers;

namespace ApiGuard.Inspection.Body;

/// <summary>A growable, pooled copy of the request body, up to the inspection limit.</summary>
internal sealed class RequestBodyBuffer : IDisposable
{
    private byte[] _array;
    private int _length;

    public RequestBodyBuffer(int initialCapacity)
    {
        _array = ArrayPool<byte>.Shared.Rent(Math.Max(initialCapacity, 256));
    }

    public int Length => _length;

    public ReadOnlySpan<byte> Span => _array.AsSpan(0, _length);

    public ReadOnlyMemory<byte> Memory => _array.AsMemory(0, _length);

    public bool IsDisposed => _array.Length == 0;

    public void Append(in ReadOnlySequence<byte> data)
    {
        var needed = _length + data.Length;
        if (needed > _array.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Max(needed, Math.Min((long)_array.Length * 2, int.MaxValue)));
            _array.AsSpan(0, _length).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_array);
            _array = bigger;
        }

        data.CopyTo(_array.AsSpan(_length));
        _length = (int)needed;
    }

    public void Dispose()
    {
        if (_array.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_array);
            _array = [];
            _length = 0;
        }
    }
}
