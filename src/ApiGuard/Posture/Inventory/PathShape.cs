namespace ApiGuard.Posture.Inventory;

/// <summary>Reduces a request path to a bounded, low-cardinality shape (<c>/wp-admin/*</c>, <c>/api/orders/{n}</c>).</summary>
internal static class PathShape
{
    private const int MaxSegmentLength = 40;
    private static readonly System.Buffers.SearchValues<char> s_hex = System.Buffers.SearchValues.Create("0123456789abcdefABCDEF");

    public static string Of(ReadOnlySpan<char> path, int keepSegments)
    {
        if (path.IsEmpty || path is "/")
        {
            return "/";
        }

        Span<char> buffer = stackalloc char[(keepSegments * (MaxSegmentLength + 1)) + 3];
        var length = 0;
        var rest = path.TrimStart('/');
        for (var s = 0; s < keepSegments && !rest.IsEmpty; s++)
        {
            var slash = rest.IndexOf('/');
            var segment = slash < 0 ? rest : rest[..slash];
            rest = slash < 0 ? [] : rest[(slash + 1)..];
            buffer[length++] = '/';
            length += Normalize(segment, buffer[length..]);
        }

        if (!rest.IsEmpty)
        {
            buffer[length++] = '/';
            buffer[length++] = '*';
        }
        else if (path[^1] == '/' && length < buffer.Length)
        {
            buffer[length++] = '/';
        }

        return new string(buffer[..length]);
    }

    private static int Normalize(ReadOnlySpan<char> segment, Span<char> destination)
    {
        if (segment.IsEmpty)
        {
            return 0;
        }

        if (!segment.ContainsAnyExceptInRange('0', '9'))
        {
            return Write("{n}", destination);
        }

        if (segment.Length == 36 && Guid.TryParse(segment, out _))
        {
            return Write("{guid}", destination);
        }

        if (segment.Length >= 16 && !segment.ContainsAnyExcept(s_hex))
        {
            return Write("{hex}", destination);
        }

        var n = 0;
        var inDigits = false;
        foreach (var c in segment)
        {
            if (n >= MaxSegmentLength - 3)
            {
                break;
            }

            if (char.IsAsciiDigit(c))
            {
                if (!inDigits)
                {
                    n += Write("{n}", destination[n..]);
                    inDigits = true;
                }

                continue;
            }

            inDigits = false;
            destination[n++] = c is >= ' ' and < (char)0x7F ? char.ToLowerInvariant(c) : '?';
        }

        return n;
    }

    private static int Write(string text, Span<char> destination)
    {
        text.CopyTo(destination);
        return text.Length;
    }
}
