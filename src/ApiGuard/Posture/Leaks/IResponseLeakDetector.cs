using ApiGuard.Monitoring;

namespace ApiGuard.Posture.Leaks;

/// <summary>
/// A custom response leak detector, registered with <c>AddResponseLeakDetector&lt;T&gt;()</c>. Runs on the scan path,
/// so it must not allocate or use backtracking regular expressions.
/// </summary>
public interface IResponseLeakDetector
{
    /// <summary>A short lowercase name; events use the kind <c>leak.&lt;name&gt;</c>.</summary>
    string Name { get; }

    /// <summary>The severity of its findings.</summary>
    SecuritySeverity Severity { get; }

    /// <summary>
    /// Finds the next leak at or after <paramref name="start"/>. <paramref name="text"/> is the scanned part of the body, each byte
    /// widened to one char (Latin-1), so indexes are byte offsets and non-ASCII bytes appear as chars at or above U+0080.
    /// </summary>
    /// <returns>The index of the match, or -1; <paramref name="length"/> is the match's length (at least 1).</returns>
    int FindNext(ReadOnlySpan<char> text, int start, out int length);
}

/// <summary>One match of a leak detector in a scanned body.</summary>
/// <param name="Type">What leaked.</param>
/// <param name="Start">The byte offset in the body.</param>
/// <param name="Length">The length in bytes.</param>
/// <param name="Detector">For <see cref="LeakType.Custom"/>, the index of the custom detector; otherwise 0.</param>
public readonly record struct LeakMatch(LeakType Type, int Start, int Length, int Detector = 0);
