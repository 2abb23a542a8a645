namespace ApiGuard.Inspection.Rules;

/// <summary>Small span helpers the detectors share.</summary>
internal static class Spans
{
    /// <summary>At most the first <paramref name="n"/> characters of <paramref name="s"/>: a bounded window for a search.</summary>
    public static ReadOnlySpan<char> Head(ReadOnlySpan<char> s, int n) => s.Length > n ? s[..n] : s;
}
