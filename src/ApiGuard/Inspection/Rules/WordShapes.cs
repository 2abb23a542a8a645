namespace ApiGuard.Inspection.Rules;

/// <summary>
/// A necessary condition for a word to be in a fixed dictionary: for each (first character, last character) class pair, one
/// bit per word length (1..63) that some dictionary word has. Most words of prose are rejected by one table read instead of a
/// hash lookup; a "maybe" still needs the lookup. Words of 64 characters or more always answer "maybe".
/// </summary>
internal sealed class WordShapes
{
    private readonly ulong[] _shapes = new ulong[32 * 32];

    public WordShapes(IEnumerable<string> words)
    {
        foreach (var w in words)
        {
            if (w.Length is > 0 and < 64)
            {
                _shapes[Index(w[0], w[^1])] |= 1UL << w.Length;
            }
        }
    }

    /// <summary>Whether <paramref name="word"/> may be in the dictionary (false: it certainly is not).</summary>
    public bool MayContain(ReadOnlySpan<char> word) =>
        word.Length >= 64 || (!word.IsEmpty && (_shapes[Index(word[0], word[^1])] & (1UL << word.Length)) != 0);

    // Characters fold onto 32 classes (letters keep their own); the table is a superset, never a miss.
    private static int Index(char first, char last) => ((first & 0x1F) << 5) | (last & 0x1F);
}
