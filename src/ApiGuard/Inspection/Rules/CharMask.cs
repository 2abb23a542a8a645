namespace ApiGuard.Inspection.Rules;

/// <summary>
/// Which ASCII characters occur in the text being inspected (one bit each), computed once per value so detectors can
/// skip a search whose needle cannot occur: a needle is present only if every one of its characters is. The gates are
/// necessary conditions only, so they never change a verdict; they save the passes over text that cannot match.
/// </summary>
internal readonly struct CharMask
{
    private readonly ulong _low;
    private readonly ulong _high;
    private readonly bool _nonAscii;

    private CharMask(ulong low, ulong high, bool nonAscii)
    {
        _low = low;
        _high = high;
        _nonAscii = nonAscii;
    }

    /// <summary>A mask that admits every character (no gating): the value when no text has been profiled.</summary>
    public static CharMask All { get; } = new(ulong.MaxValue, ulong.MaxValue, true);

    /// <summary>Profiles <paramref name="text"/>: one pass, no allocation.</summary>
    public static CharMask Of(ReadOnlySpan<char> text)
    {
        ulong low = 0;
        ulong high = 0;
        var nonAscii = false;
        foreach (var c in text)
        {
            if (c < 64)
            {
                low |= 1UL << c;
            }
            else if (c < 128)
            {
                high |= 1UL << (c - 64);
            }
            else
            {
                nonAscii = true;
            }
        }

        return new CharMask(low, high, nonAscii);
    }

    /// <summary>Whether <paramref name="c"/> occurs (any non-ASCII character answers whether the text has one).</summary>
    public bool Has(char c) => c < 64 ? (_low & (1UL << c)) != 0 : c < 128 ? (_high & (1UL << (c - 64))) != 0 : _nonAscii;

    /// <summary>Whether every character of <paramref name="needle"/> occurs: a necessary condition for the needle to occur.</summary>
    public bool HasAll(ReadOnlySpan<char> needle)
    {
        foreach (var c in needle)
        {
            if (!Has(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether any character of <paramref name="chars"/> occurs.</summary>
    public bool HasAny(ReadOnlySpan<char> chars)
    {
        foreach (var c in chars)
        {
            if (Has(c))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="needle"/> occurs in <paramref name="text"/>, skipping the search when the mask rules it out.</summary>
    public bool Contains(ReadOnlySpan<char> text, ReadOnlySpan<char> needle) => HasAll(needle) && text.IndexOf(needle, StringComparison.Ordinal) >= 0;

    /// <summary>The first index of <paramref name="needle"/> in <paramref name="text"/>, or -1, skipping the search when the mask rules it out.</summary>
    public int IndexOf(ReadOnlySpan<char> text, ReadOnlySpan<char> needle) => HasAll(needle) ? text.IndexOf(needle, StringComparison.Ordinal) : -1;
}
