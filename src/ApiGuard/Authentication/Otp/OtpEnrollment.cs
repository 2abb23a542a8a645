using System.Security.Cryptography;
using OtpNet;

namespace ApiGuard.Authentication.Otp;

/// <summary>Enrolment helpers: a fresh random secret, and the <c>otpauth://</c> URI an authenticator app scans.</summary>
public static class OtpEnrollment
{
    /// <summary>
    /// Creates a secret with a random key from <see cref="RandomNumberGenerator"/>: 20 bytes for SHA-1, 32 for SHA-256, 64 for SHA-512
    /// (the HMAC block-size guidance of RFC 4226 §4 and RFC 6238 §5.1).
    /// </summary>
    public static OtpSecret CreateSecret(OtpKind kind = OtpKind.Totp, OtpAlgorithm algorithm = OtpAlgorithm.Sha1, int digits = 6, int period = 30)
    {
        var length = algorithm switch
        {
            OtpAlgorithm.Sha256 => 32,
            OtpAlgorithm.Sha512 => 64,
            _ => 20,
        };
        return new OtpSecret(RandomNumberGenerator.GetBytes(length), kind, algorithm, digits, period);
    }

    /// <summary>
    /// The Key URI Format (<c>otpauth://totp/Issuer:account?secret=…&amp;issuer=…&amp;algorithm=…&amp;digits=…&amp;period=…</c>)
    /// for <paramref name="secret"/>. The URI holds the secret: show it once (as a QR code) and never log it.
    /// </summary>
    /// <param name="secret">The secret.</param>
    /// <param name="account">The account name shown in the app, for example the user or client id.</param>
    /// <param name="issuer">The issuer shown in the app, for example the API's name.</param>
    public static string GetUri(OtpSecret secret, string account, string issuer)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentException.ThrowIfNullOrEmpty(account);
        ArgumentException.ThrowIfNullOrEmpty(issuer);
        var type = secret.Kind == OtpKind.Hotp ? OtpType.Hotp : OtpType.Totp;
        var uri = new OtpUri(type, secret.ToBase32(), account, issuer, OtpCodes.ToHashMode(secret.Algorithm), secret.Digits, secret.Period, checked((int)Math.Min(secret.Counter, int.MaxValue)));
        return uri.ToString();
    }
}
