namespace ApiGuard.Inspection.Body;

/// <summary>Helpers for bodies cut at the inspection limit.</summary>
internal static class Utf8Prefix
{
    /// <summary>Drops a UTF-8 sequence cut short at the end of <paramref name="span"/>, so that a valid body's prefix stays valid.</summary>
    public static ReadOnlySpan<byte> TrimIncomplete(ReadOnlySpan<byte> span)
    {
        for (var back = 1; back <= 3 && back <= span.Length; back++)
        {
            var b = span[^back];
            if ((b & 0xC0) == 0x80)
            {
                continue;
            }

            var needed = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
            return needed > back ? span[..^back] : span;
        }

        return span;
    }
}
