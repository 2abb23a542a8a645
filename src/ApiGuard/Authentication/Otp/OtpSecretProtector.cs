using System.Buffers.Binary;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace ApiGuard.Authentication.Otp;

/// <summary>
/// Protects OTP secrets at rest with ASP.NET Core Data Protection (purpose <c>ApiGuard.Otp.Secrets.v1</c>).
/// Every <see cref="IOtpSecretStore"/> holds only the protected form. Instances sharing a store must share the Data Protection key ring.
/// </summary>
public sealed class OtpSecretProtector
{
    /// <summary>The Data Protection purpose string.</summary>
    public const string Purpose = "ApiGuard.Otp.Secrets.v1";

    private const byte FormatVersion = 1;
    private readonly IDataProtector _protector;

    /// <summary>Creates the protector.</summary>
    public OtpSecretProtector(IDataProtectionProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        _protector = provider.CreateProtector(Purpose);
    }

    /// <summary>Serializes and protects <paramref name="secret"/> for <paramref name="subject"/> (the subject is bound in, so a blob cannot be moved to another subject).</summary>
    public byte[] Protect(string subject, OtpSecret secret)
    {
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(secret);
        var plain = new byte[1 + 1 + 1 + 1 + 2 + 8 + secret.Key.Length];
        try
        {
            plain[0] = FormatVersion;
            plain[1] = (byte)secret.Kind;
            plain[2] = (byte)secret.Algorithm;
            plain[3] = (byte)secret.Digits;
            BinaryPrimitives.WriteUInt16BigEndian(plain.AsSpan(4), (ushort)secret.Period);
            BinaryPrimitives.WriteInt64BigEndian(plain.AsSpan(6), secret.Counter);
            secret.Key.CopyTo(plain, 14);
            return _protector.CreateProtector(subject).Protect(plain);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    /// <summary>Unprotects a blob made by <see cref="Protect"/> for the same subject.</summary>
    /// <exception cref="CryptographicException">The blob was tampered with, belongs to another subject, or its key is gone.</exception>
    public OtpSecret Unprotect(string subject, byte[] protectedSecret)
    {
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(protectedSecret);
        var plain = _protector.CreateProtector(subject).Unprotect(protectedSecret);
        try
        {
            if (plain.Length < 14 + 10 || plain[0] != FormatVersion)
            {
                throw new CryptographicException("The protected OTP secret has an unknown format.");
            }

            return new OtpSecret(
                plain.AsSpan(14).ToArray(),
                (OtpKind)plain[1],
                (OtpAlgorithm)plain[2],
                plain[3],
                BinaryPrimitives.ReadUInt16BigEndian(plain.AsSpan(4)),
                BinaryPrimitives.ReadInt64BigEndian(plain.AsSpan(6)));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }
}
