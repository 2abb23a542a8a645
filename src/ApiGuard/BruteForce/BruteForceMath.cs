using System.Numerics;

namespace ApiGuard.BruteForce;

/// <summary>
/// The arithmetic every brute-force store applies (the Redis scripts mirror it line by line): sliding-window counts from two
/// aligned buckets, the doubling delay, and linear counting over a fixed bitmap for approximate distinct counts.
/// </summary>
internal static class BruteForceMath
{
    /// <summary>The size of the distinct-count bitmaps, in bits (128 bytes per bucket).</summary>
    public const int SketchBits = 1024;

    /// <summary>The bitmap size in 64-bit words.</summary>
    public const int SketchWords = SketchBits / 64;

    /// <summary>The start of the aligned bucket holding <paramref name="nowMs"/>.</summary>
    public static long BucketStart(long nowMs, long windowMs) => nowMs - Mod(nowMs, windowMs);

    /// <summary>Moves a two-bucket counter to the bucket of <paramref name="nowMs"/>.</summary>
    public static void Roll(ref long bucket, ref int current, ref int previous, long nowMs, long windowMs)
    {
        var start = BucketStart(nowMs, windowMs);
        if (bucket == start)
        {
            return;
        }

        previous = bucket == start - windowMs ? current : 0;
        current = 0;
        bucket = start;
    }

    /// <summary>The sliding-window estimate: the previous bucket weighted by how much of it the window still covers, plus the current one.</summary>
    public static int Sliding(long bucket, int current, int previous, long nowMs, long windowMs)
    {
        var start = BucketStart(nowMs, windowMs);
        if (bucket == start)
        {
            return (int)Math.Floor((double)previous * (windowMs - (nowMs - start)) / windowMs + current);
        }

        return bucket == start - windowMs ? (int)Math.Floor((double)current * (windowMs - (nowMs - start)) / windowMs) : 0;
    }

    /// <summary>
    /// The wait after the <paramref name="failures"/>-th failure: none below <paramref name="delayThreshold"/>, then
    /// <paramref name="initialMs"/> doubling per failure up to <paramref name="maxMs"/>; a block from <paramref name="blockThreshold"/> (when above 0).
    /// </summary>
    public static long Delay(int failures, int delayThreshold, int blockThreshold, long initialMs, long maxMs, out bool block)
    {
        block = blockThreshold > 0 && failures >= blockThreshold;
        if (block || failures < delayThreshold)
        {
            return 0;
        }

        var doublings = Math.Min(failures - delayThreshold, 40);
        return (long)Math.Min(initialMs * Math.Pow(2, doublings), maxMs);
    }

    /// <summary>The bitmap position of a hash (its first three hex digits, modulo <see cref="SketchBits"/>).</summary>
    public static int SketchIndex(string hexHash) => Convert.ToInt32(hexHash[..3], 16) % SketchBits;

    /// <summary>Linear counting: the approximate number of distinct items that set <paramref name="ones"/> of the bitmap's bits.</summary>
    public static int Distinct(int ones)
    {
        var zeros = SketchBits - ones;
        if (zeros <= 0)
        {
            zeros = 1;
        }

        return (int)Math.Round(-SketchBits * Math.Log((double)zeros / SketchBits), MidpointRounding.AwayFromZero);
    }

    /// <summary>The number of set bits.</summary>
    public static int PopCount(ReadOnlySpan<ulong> words)
    {
        var n = 0;
        foreach (var w in words)
        {
            n += BitOperations.PopCount(w);
        }

        return n;
    }

    private static long Mod(long value, long modulus)
    {
        var r = value % modulus;
        return r < 0 ? r + modulus : r;
    }
}
