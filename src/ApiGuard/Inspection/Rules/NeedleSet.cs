namespace ApiGuard.Inspection.Rules;

/// <summary>
/// A fixed set of ASCII needles searched for in one pass: each position's two-character pair is looked up in a bitmap of
/// the pairs that start some needle, and only on a hit are that pair's needles compared. On the short values the
/// inspector sees (tens of characters), this beats <see cref="System.Buffers.SearchValues{T}"/> of strings, whose
/// vectorised search needs longer inputs and whose fallback compares every needle at every position. Linear in the
/// text (a position costs one bitmap probe, plus the comparisons of the needles sharing its pair), allocation-free.
/// </summary>
internal sealed class NeedleSet
{
    private const int PairBits = 128 * 128;

    private readonly ulong[] _pairs = new ulong[PairBits / 64];
    private readonly string[][] _byPair;
    private readonly int[] _bucketOf;

    // Per bucket, the third characters its needles continue with (bit per ASCII character, low and high words), so that a
    // pair hit whose next character continues no needle skips the comparisons; not used for a bucket with a two-character
    // needle, which matches whatever follows.
    private readonly ulong[] _third;
    private readonly bool[] _twoChar;
    private readonly CharMask[] _masks;

    // Each needle filed under its least common character: a needle can occur only if that character does, so the profile
    // gate visits just the needles whose rare character the text has (most text has none of them) instead of every needle.
    private readonly int[][] _byRareChar = new int[128][];
    private readonly ulong _rareLow;
    private readonly ulong _rareHigh;

    public NeedleSet(params ReadOnlySpan<string> needles)
    {
        var buckets = new Dictionary<int, List<string>>();
        _masks = new CharMask[needles.Length];
        var n = 0;
        foreach (var needle in needles)
        {
            if (needle.Length < 2 || !System.Text.Ascii.IsValid(needle))
            {
                throw new ArgumentException($"Needle '{needle}' must be ASCII and at least two characters long.", nameof(needles));
            }

            _masks[n] = CharMask.Set(needle);
            var rare = RarestChar(needle);
            _byRareChar[rare] = [.. _byRareChar[rare] ?? [], n];
            if (rare < 64)
            {
                _rareLow |= 1UL << rare;
            }
            else
            {
                _rareHigh |= 1UL << (rare - 64);
            }

            n++;
            var key = (needle[0] << 7) | needle[1];
            _pairs[key >> 6] |= 1UL << key;
            if (!buckets.TryGetValue(key, out var list))
            {
                buckets[key] = list = [];
            }

            list.Add(needle);
        }

        // Pairs with needles get consecutive bucket numbers; shortest needle first, so the cheapest comparison runs first.
        _bucketOf = new int[PairBits];
        _byPair = new string[buckets.Count][];
        _third = new ulong[buckets.Count * 2];
        _twoChar = new bool[buckets.Count];
        var b = 0;
        foreach (var (key, list) in buckets)
        {
            _bucketOf[key] = b;
            _byPair[b] = [.. list.OrderBy(n => n.Length).ThenBy(n => n, StringComparer.Ordinal)];
            foreach (var needle in list)
            {
                if (needle.Length == 2)
                {
                    _twoChar[b] = true;
                }
                else
                {
                    _third[(2 * b) + (needle[2] >> 6)] |= 1UL << needle[2];
                }
            }

            b++;
        }
    }

    /// <summary>
    /// The first position at which some needle occurs, or -1, without a pass over the text when the text's character profile
    /// <paramref name="chars"/> lacks some character of every needle (a needle can occur only if all its characters do).
    /// </summary>
    public int IndexOfAny(ReadOnlySpan<char> text, in CharMask chars)
    {
        if (!chars.IsProfiled)
        {
            return IndexOfAny(text);
        }

        // Only needles whose least common character occurs can be covered; visit those, by that character's bit.
        var rare = chars.Low & _rareLow;
        var offset = 0;
        for (var word = 0; word < 2; word++)
        {
            while (rare != 0)
            {
                var c = System.Numerics.BitOperations.TrailingZeroCount(rare) + offset;
                rare &= rare - 1;
                foreach (var n in _byRareChar[c])
                {
                    if (chars.Covers(_masks[n]))
                    {
                        return IndexOfAny(text);
                    }
                }
            }

            rare = chars.High & _rareHigh;
            offset = 64;
        }

        return -1;
    }

    /// <summary>The needle's character least likely in ordinary text (letters and spaces of prose are the most likely).</summary>
    private static char RarestChar(string needle)
    {
        var best = needle[0];
        foreach (var c in needle)
        {
            if (Commonness(c) < Commonness(best))
            {
                best = c;
            }
        }

        return best;
    }

    // Rough rank of how often a character appears in API values: letters by English frequency, then digits and common
    // punctuation; everything else (brackets, slashes, operators) is rare. Only the choice of gate depends on it.
    private static int Commonness(char c) => c switch
    {
        ' ' => 100,
        >= 'a' and <= 'z' => 40 + "zqxjkvbpygfwmucldrhsnioate".IndexOf(c),
        >= '0' and <= '9' => 30,
        '.' or ',' or '-' => 25,
        '\'' or ':' or '/' or '_' => 15,
        _ => 5,
    };

    /// <summary>The first position at which some needle occurs, or -1.</summary>
    public int IndexOfAny(ReadOnlySpan<char> text)
    {
        if (text.Length < 2)
        {
            return -1;
        }

        var pairs = _pairs.AsSpan();
        int c1 = text[0];
        for (var p = 0; p < text.Length - 1; p++)
        {
            // Each character is read once: the second of this pair is the first of the next.
            var c0 = c1;
            c1 = text[p + 1];
            var key = (c0 << 7) | c1;
            if ((uint)key >= PairBits || (pairs[key >> 6] & (1UL << key)) == 0)
            {
                continue;
            }

            var bucket = _bucketOf[key];
            if (p + 2 < text.Length && !_twoChar[bucket])
            {
                // Needles are ASCII: a third character outside it, or not continuing any needle of this pair, matches none.
                int c2 = text[p + 2];
                if (c2 >= 128 || (_third[(2 * bucket) + (c2 >> 6)] & (1UL << c2)) == 0)
                {
                    continue;
                }
            }

            var rest = text[p..];
            foreach (var needle in _byPair[bucket])
            {
                if (rest.StartsWith(needle, StringComparison.Ordinal))
                {
                    return p;
                }
            }
        }

        return -1;
    }
}
