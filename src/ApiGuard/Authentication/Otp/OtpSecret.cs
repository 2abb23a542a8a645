namespace ApiGuard.Authentication.Otp;

/// <summary>The HMAC algorithm of a one-time password (RFC 4226 uses SHA-1; RFC 6238 allows SHA-256 and SHA-512).</summary>
public enum OtpAlgorithm
{
    /// <summary>HMAC-SHA-1, what authenticator apps assume when nothing is said.</summary>
    Sha1 = 0,

    /// <summary>HMAC-SHA-256.</summary>
    Sha256 = 1,

    /// <summary>HMAC-SHA-512.</summary>
    Sha512 = 2,
}

/// <summary>Which kind of one-time password a secret produces.</summary>
public enum OtpKind
{
    /// <summary>Time-based (RFC 6238): the moving factor is the number of <see cref="OtpSecret.Period"/>s since the Unix epoch.</summary>
    Totp = 0,

    /// <summary>Counter-based (RFC 4226): the moving factor is a counter the server advances past each accepted code.</summary>
    Hotp = 1,
}

/// <summary>
/// An enrolled one-time-password secret and the parameters the authenticator was enrolled with.
/// Stores keep it protected with ASP.NET Core Data Protection; it never appears in logs or events.
/// </summary>
public sealed class OtpSecret
{
    /// <summary>Creates a secret.</summary>
    /// <param name="key">The shared key bytes (at least 16 bytes; RFC 4226 recommends 20).</param>
    /// <param name="kind">TOTP or HOTP.</param>
    /// <param name="algorithm">The HMAC algorithm.</param>
    /// <param name="digits">The code length, 6 to 8.</param>
    /// <param name="period">The TOTP time step in seconds, 1 to 300 (ignored for HOTP).</param>
    /// <param name="counter">The first HOTP counter the server expects (ignored for TOTP).</param>
    /// <exception cref="ArgumentException">A parameter is out of range.</exception>
    public OtpSecret(byte[] key, OtpKind kind = OtpKind.Totp, OtpAlgorithm algorithm = OtpAlgorithm.Sha1, int digits = 6, int period = 30, long counter = 0)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length < 10 || key.Length > 128)
        {
            throw new ArgumentException("An OTP key must be 10 to 128 bytes long.", nameof(key));
        }

        if (!Enum.IsDefined(kind))
        {
            throw new ArgumentException("Unknown OTP kind.", nameof(kind));
        }

        if (!Enum.IsDefined(algorithm))
        {
            throw new ArgumentException("Unknown OTP algorithm.", nameof(algorithm));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(digits, 6);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(digits, 8);
        ArgumentOutOfRangeException.ThrowIfLessThan(period, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(period, 300);
        ArgumentOutOfRangeException.ThrowIfNegative(counter);
        Key = key;
        Kind = kind;
        Algorithm = algorithm;
        Digits = digits;
        Period = period;
        Counter = counter;
    }

    /// <summary>The shared key bytes.</summary>
    public byte[] Key { get; }

    /// <summary>TOTP or HOTP.</summary>
    public OtpKind Kind { get; }

    /// <summary>The HMAC algorithm.</summary>
    public OtpAlgorithm Algorithm { get; }

    /// <summary>The code length (6 to 8).</summary>
    public int Digits { get; }

    /// <summary>The TOTP time step in seconds.</summary>
    public int Period { get; }

    /// <summary>The first HOTP counter expected at enrolment; stores track the current counter separately.</summary>
    public long Counter { get; }

    /// <summary>The key in Base32 (RFC 4648, no padding), the form authenticator apps take.</summary>
    public string ToBase32() => OtpNet.Base32Encoding.ToString(Key).TrimEnd('=');

    /// <summary>Parses a Base32 key (case-insensitive, padding and spaces optional).</summary>
    /// <exception cref="FormatException"><paramref name="base32"/> is not Base32.</exception>
    public static OtpSecret FromBase32(string base32, OtpKind kind = OtpKind.Totp, OtpAlgorithm algorithm = OtpAlgorithm.Sha1, int digits = 6, int period = 30, long counter = 0)
    {
        ArgumentNullException.ThrowIfNull(base32);
        var cleaned = base32.Replace(" ", string.Empty, StringComparison.Ordinal).TrimEnd('=').ToUpperInvariant();
        foreach (var c in cleaned)
        {
            if (c is not ((>= 'A' and <= 'Z') or (>= '2' and <= '7')))
            {
                throw new FormatException("The OTP secret is not Base32 (letters A-Z and digits 2-7).");
            }
        }

        byte[] key;
        try
        {
            key = OtpNet.Base32Encoding.ToBytes(cleaned);
        }
        catch (ArgumentException ex)
        {
            throw new FormatException("The OTP secret is not Base32.", ex);
        }

        return new OtpSecret(key, kind, algorithm, digits, period, counter);
    }
}
