using System.Buffers;
using System.Globalization;
using System.Text;
using ApiGuard.Inspection.Exclusions;

namespace ApiGuard.Inspection.Body;

/// <summary>
/// Tracks the JSON path of the current token (<c>$.items[3].note</c>) as a stack of frames over pooled buffers,
/// so that matching exclusions against it allocates nothing. Reusable: <see cref="Reset"/> between bodies.
/// </summary>
internal sealed class JsonPathTracker : IDisposable
{
    private Frame[] _frames;
    private byte[] _names;
    private int _depth;
    private int _namesLength;

    public JsonPathTracker(int maxDepth)
    {
        _frames = ArrayPool<Frame>.Shared.Rent(maxDepth + 2);
        _names = ArrayPool<byte>.Shared.Rent(256);
    }

    /// <summary>The number of containers open, which is also the number of path segments.</summary>
    public int Depth => _depth;

    public void Reset()
    {
        _depth = 0;
        _namesLength = 0;
    }

    /// <summary>Before a value token: if the current container is an array, moves to its next index.</summary>
    public void OnValue()
    {
        if (_depth > 0)
        {
            ref var top = ref _frames[_depth - 1];
            if (top.IsArray)
            {
                top.Index++;
            }
        }
    }

    public void Push(bool isArray)
    {
        if (_depth == _frames.Length)
        {
            var bigger = ArrayPool<Frame>.Shared.Rent(_frames.Length * 2);
            _frames.AsSpan().CopyTo(bigger);
            ArrayPool<Frame>.Shared.Return(_frames);
            _frames = bigger;
        }

        _frames[_depth++] = new Frame { IsArray = isArray, Index = -1, NameStart = _namesLength, NameLength = -1 };
    }

    public void Pop()
    {
        if (_depth > 0)
        {
            _depth--;
            _namesLength = _frames[_depth].NameStart;
        }
    }

    /// <summary>Sets the current property name of the innermost object.</summary>
    public void SetProperty(ReadOnlySpan<byte> name)
    {
        if (_depth == 0)
        {
            return;
        }

        ref var top = ref _frames[_depth - 1];
        _namesLength = top.NameStart;
        if (_namesLength + name.Length > _names.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_names.Length * 2, _namesLength + name.Length));
            _names.AsSpan(0, _namesLength).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_names);
            _names = bigger;
        }

        name.CopyTo(_names.AsSpan(_namesLength));
        top.NameLength = name.Length;
        _namesLength += name.Length;
    }

    /// <summary>Whether the current path starts with <paramref name="pattern"/> (a pattern covers its whole subtree).</summary>
    public bool Matches(JsonPathPatternSegment[] pattern)
    {
        if (pattern.Length > _depth)
        {
            return false;
        }

        for (var i = 0; i < pattern.Length; i++)
        {
            ref readonly var frame = ref _frames[i];
            var p = pattern[i];
            if (frame.IsArray)
            {
                if (!p.IsIndex || (p.Index >= 0 && p.Index != frame.Index))
                {
                    return false;
                }
            }
            else
            {
                if (p.IsIndex || frame.NameLength < 0)
                {
                    return false;
                }

                if (p.Name is { } name && !_names.AsSpan(frame.NameStart, frame.NameLength).SequenceEqual(name))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>The path as text, <c>$.user.name</c>, <c>$.items[3].note</c>, <c>$['odd name']</c>. Allocates.</summary>
    public string ToPathString()
    {
        var sb = new StringBuilder("$");
        for (var i = 0; i < _depth; i++)
        {
            ref readonly var frame = ref _frames[i];
            if (frame.IsArray)
            {
                if (frame.Index >= 0)
                {
                    sb.Append('[').Append(frame.Index.ToString(CultureInfo.InvariantCulture)).Append(']');
                }
            }
            else if (frame.NameLength >= 0)
            {
                var name = Encoding.UTF8.GetString(_names, frame.NameStart, frame.NameLength);
                if (IsPlainName(name))
                {
                    sb.Append('.').Append(name);
                }
                else
                {
                    sb.Append("['").Append(name.Replace("'", "\\'", StringComparison.Ordinal)).Append("']");
                }
            }
        }

        return sb.ToString();
    }

    /// <summary>The innermost property name on the path, or empty.</summary>
    public string LastPropertyName()
    {
        for (var i = _depth - 1; i >= 0; i--)
        {
            ref readonly var frame = ref _frames[i];
            if (!frame.IsArray && frame.NameLength >= 0)
            {
                return Encoding.UTF8.GetString(_names, frame.NameStart, frame.NameLength);
            }
        }

        return string.Empty;
    }

    private static bool IsPlainName(string name)
    {
        if (name.Length == 0)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '$'))
            {
                return false;
            }
        }

        return true;
    }

    public void Dispose()
    {
        if (_frames.Length > 0)
        {
            ArrayPool<Frame>.Shared.Return(_frames);
            ArrayPool<byte>.Shared.Return(_names);
            _frames = [];
            _names = [];
        }
    }

    private struct Frame
    {
        public bool IsArray;
        public int Index;
        public int NameStart;
        public int NameLength;
    }
}
