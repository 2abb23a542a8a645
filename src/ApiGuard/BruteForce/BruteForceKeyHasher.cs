using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace ApiGuard.BruteForce;

/// <summary>
/// Turns attacker-controlled account names and address keys into fixed-size store keys: HMAC-SHA-256 under
/// <see cref="BruteForceOptions.KeySecret"/> when set, else a domain-separated SHA-256; 128 bits, lower-case hex.
/// Account names are normalised (trimmed, NFKC, lower-cased) so <c>Alice</c> and <c>alice </c> count together.
/// </summary>
internal sealed class BruteForceKeyHasher
{
    /// <summary>Names longer than this are hashed as they are (no normalisation), so normalisation cost stays bounded.</summary>
    private const int MaxNormalizedLength = 256;
    private readonly byte[]? _secret;

    public BruteForceKeyHasher(IOptions<BruteForceOptions> options)
    {
        var secret = options.Value.KeySecret;
        _secret = string.IsNullOrEmpty(secret) ? null : Convert.FromBase64String(secret);
    }

    public BruteForceKey Create(string? addressKey, string? account)
    {
        var address = string.IsNullOrEmpty(addressKey) || addressKey == "unknown" ? null : Hash('i', addressKey);
        var accountHash = string.IsNullOrWhiteSpace(account) ? null : Hash('a', Normalize(account));
        var pair = address is not null && accountHash is not null ? Hash('p', string.Concat(address, accountHash)) : null;
        return new BruteForceKey(address, accountHash, pair);
    }

    /// <summary>The first 8 hex digits of a hash: enough to correlate logs, never the name.</summary>
    public static string LogPrefix(string? hash) => hash is null ? "-" : hash[..8];

    internal static string Normalize(string account)
    {
        var trimmed = account.Trim();
        if (trimmed.Length > MaxNormalizedLength)
        {
            return trimmed;
        }

        try
        {
            return trimmed.Normalize(NormalizationForm.FormKC).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            // Invalid UTF-16 (lone surrogates): hash it as it is.
            return trimmed.ToLowerInvariant();
        }
    }

    private string Hash(char domain, string value)
    {
        var max = Encoding.UTF8.GetMaxByteCount(value.Length) + 2;
        var rented = max <= 512 ? null : System.Buffers.ArrayPool<byte>.Shared.Rent(max);
        Span<byte> buffer = rented ?? stackalloc byte[512];
        try
        {
            buffer[0] = (byte)domain;
            buffer[1] = 0;
            var length = 2 + Encoding.UTF8.GetBytes(value, buffer[2..]);
            Span<byte> hash = stackalloc byte[32];
            if (_secret is not null)
            {
                HMACSHA256.HashData(_secret, buffer[..length], hash);
            }
            else
            {
                SHA256.HashData(buffer[..length], hash);
            }

            return Convert.ToHexStringLower(hash[..16]);
        }
        finally
        {
            if (rented is not null)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
