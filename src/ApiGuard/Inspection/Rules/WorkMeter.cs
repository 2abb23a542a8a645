namespace ApiGuard.Inspection.Rules;

/// <summary>
/// Counts the characters the detectors' scanning loops examine on the current thread, so tests can prove the engine's
/// work grows linearly with the input (an operation count, not wall time). One thread-static add per loop step.
/// </summary>
internal static class WorkMeter
{
    [ThreadStatic]
    private static long t_units;

    /// <summary>Units counted on this thread since the last <see cref="Reset"/>.</summary>
    public static long Units => t_units;

    /// <summary>Resets this thread's count.</summary>
    public static void Reset() => t_units = 0;

    /// <summary>Records a search that returned <paramref name="found"/> over <paramref name="remaining"/> characters.</summary>
    public static void Scanned(int found, int remaining) => t_units += found < 0 ? remaining : found + 1;

    /// <summary>
    /// The detectors' scanning step: finds the next <paramref name="value"/> at or after <paramref name="from"/>, counts the
    /// work, and moves <paramref name="from"/> past it. Returns its position, or -1 when there is none.
    /// </summary>
    public static int Next(ReadOnlySpan<char> text, ref int from, char value)
    {
        var k = text[from..].IndexOf(value);
        Scanned(k, text.Length - from);
        if (k < 0)
        {
            return -1;
        }

        var p = from + k;
        from = p + 1;
        return p;
    }

    /// <summary>
    /// The detectors' scanning step for a string: finds the next <paramref name="value"/> at or after <paramref name="from"/>,
    /// counts the work, and moves <paramref name="from"/> past it. Returns its position, or -1 when there is none.
    /// </summary>
    public static int Next(ReadOnlySpan<char> text, ref int from, ReadOnlySpan<char> value)
    {
        var k = text[from..].IndexOf(value, StringComparison.Ordinal);
        Scanned(k, text.Length - from);
        if (k < 0)
        {
            return -1;
        }

        var p = from + k;
        from = p + value.Length;
        return p;
    }

    /// <summary>Records <paramref name="units"/> of work.</summary>
    public static void Add(int units) => t_units += units;
}
