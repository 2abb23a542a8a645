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

    /// <summary>Records <paramref name="units"/> of work.</summary>
    public static void Add(int units) => t_units += units;
}
