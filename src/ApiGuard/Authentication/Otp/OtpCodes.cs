using System.Security.Cryptography;
using OtpNet;

namespace ApiGuard.Authentication.Otp;

/// <summary>
/// Computes one-time passwords with Otp.NET (RFC 4226 HOTP, RFC 6238 TOTP with T0 = 0), and compares them in constant time.
/// Otp.NET's own <c>VerifyTotp</c> compares with <c>==</c>; ApiGuard never uses it.
/// </summary>
public static class OtpCodes
{
    /// <summary>The HOTP code of <paramref name="secret"/> for <paramref name="counter"/> (or the TOTP code of time step <paramref name="counter"/>).</summary>
    public static string Compute(OtpSecret secret, long counter)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentOutOfRangeException.ThrowIfNegative(counter);
        var hotp = new Hotp(secret.Key, ToHashMode(secret.Algorithm), secret.Digits);
        return hotp.ComputeHOTP(counter);
    }

    /// <summary>The TOTP code of <paramref name="secret"/> at <paramref name="time"/>.</summary>
    public static string ComputeTotp(OtpSecret secret, DateTimeOffset time)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return Compute(secret, GetTimeStep(time, secret.Period));
    }

    /// <summary>The RFC 6238 time step of <paramref name="time"/>: whole <paramref name="period"/>s since the Unix epoch (T0 = 0).</summary>
    public static long GetTimeStep(DateTimeOffset time, int period)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(period, 1);
        var seconds = time.ToUnixTimeSeconds();
        return seconds < 0 ? 0 : seconds / period;
    }

    /// <summary>
    /// Compares two codes in time that depends only on their lengths. Any character outside ASCII, in either code, makes the
    /// result <see langword="false"/> (without this, a narrowing to bytes would let <c>'ı'</c> (U+0131) pass for <c>'1'</c>).
    /// </summary>
    public static bool FixedTimeEquals(string expected, ReadOnlySpan<char> presented)
    {
        ArgumentNullException.ThrowIfNull(expected);
        if (expected.Length != presented.Length || presented.Length > 16)
        {
            return false;
        }

        Span<byte> a = stackalloc byte[16];
        Span<byte> b = stackalloc byte[16];
        var nonAscii = 0;
        for (var i = 0; i < expected.Length; i++)
        {
            // Accumulate instead of returning early, so the time does not depend on where a non-ASCII character sits.
            nonAscii |= (expected[i] | presented[i]) & ~0x7F;
            a[i] = (byte)expected[i];
            b[i] = (byte)presented[i];
        }

        return CryptographicOperations.FixedTimeEquals(a[..expected.Length], b[..expected.Length]) & (nonAscii == 0);
    }

    internal static OtpHashMode ToHashMode(OtpAlgorithm algorithm) => algorithm switch
    {
        OtpAlgorithm.Sha256 => OtpHashMode.Sha256,
        OtpAlgorithm.Sha512 => OtpHashMode.Sha512,
        _ => OtpHashMode.Sha1,
    };

    internal static string ToUriName(OtpAlgorithm algorithm) => algorithm switch
    {
        OtpAlgorithm.Sha256 => "SHA256",
        OtpAlgorithm.Sha512 => "SHA512",
        _ => "SHA1",
    };
}
