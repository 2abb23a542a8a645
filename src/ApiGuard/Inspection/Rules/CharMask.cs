using System.Buffers;

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
    private readonly bool _profiled;

    private CharMask(ulong low, ulong high, bool nonAscii, bool profiled)
    {
        _low = low;
        _high = high;
        _nonAscii = nonAscii;
        _profiled = profiled;
    }

    /// <summary>Whether this mask profiles a text (false for <see cref="All"/>, which admits every character).</summary>
    public bool IsProfiled => _profiled;

    /// <summary>Whether every character is ASCII (false when the text holds any other, or when no text was profiled).</summary>
    public bool IsAscii => _profiled && !_nonAscii;

    /// <summary>The characters 0 to 63 that occur, one bit each.</summary>
    public ulong Low => _low;

    /// <summary>The characters 64 to 127 that occur, one bit each.</summary>
    public ulong High => _high;

    /// <summary>A mask that admits every character (no gating): the value when no text has been profiled.</summary>
    public static CharMask All { get; } = new(ulong.MaxValue, ulong.MaxValue, true, false);

    /// <summary>Profiles <paramref name="text"/>: one branch-free pass, no allocation.</summary>
    public static CharMask Of(ReadOnlySpan<char> text)
    {
        ulong low = 0;
        ulong high = 0;
        var over = 0;
        foreach (var c in text)
        {
            // The shift count is taken modulo 64, so one bit serves both words; sign masks pick the word (no branches to mispredict).
            var bit = 1UL << c;
            var isLow = (ulong)((long)c - 64 >> 63);
            var isAscii = (ulong)((long)c - 128 >> 63);
            low |= bit & isLow;
            high |= bit & isAscii & ~isLow;
            over |= c & 0xFF80;
        }

        return new CharMask(low, high, over != 0, true);
    }

    /// <summary>The mask of a fixed ASCII character set (a detector's gate), to test against a profile in two operations.</summary>
    public static CharMask Set(string chars)
    {
        if (!System.Text.Ascii.IsValid(chars))
        {
            throw new ArgumentException("Gate characters must be ASCII.", nameof(chars));
        }

        var m = Of(chars);
        return new CharMask(m._low, m._high, false, false);
    }

    /// <summary>
    /// Whether <paramref name="text"/> holds any character of a gate: two operations on a profiled mask; a search with
    /// <paramref name="values"/> (the same characters as <paramref name="set"/>) when the text was not profiled.
    /// </summary>
    public bool HasAny(in CharMask set, ReadOnlySpan<char> text, SearchValues<char> values) =>
        _profiled ? ((_low & set._low) | (_high & set._high)) != 0 : text.IndexOfAny(values) >= 0;

    /// <summary>Whether every character of the set <paramref name="needle"/> occurs (always true when the text was not profiled).</summary>
    public bool Covers(in CharMask needle) => !_profiled || ((needle._low & ~_low) | (needle._high & ~_high)) == 0;

    /// <summary>
    /// The profile of the same text with every character of <paramref name="replaced"/> written as a space (the engine's
    /// blank-folded second look), derived without another pass: those characters go, the space comes in.
    /// </summary>
    public CharMask WithSpaceFor(in CharMask replaced) =>
        new((_low & ~replaced._low) | (1UL << ' '), _high & ~replaced._high, _nonAscii, _profiled);

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
