using System.Security.Cryptography;
using System.Text;

namespace ApiGuard.Monitoring.Webhooks;

/// <summary>
/// Signs and verifies payloads per the Standard Webhooks scheme: HMAC-SHA256 over
/// <c>{webhook-id}.{webhook-timestamp}.{body}</c>, sent as <c>webhook-signature: v1,&lt;base64&gt;</c>.
/// </summary>
public static class StandardWebhookSigner
{
    private const string SecretPrefix = "whsec_";

    /// <summary>The shortest secret accepted, in bytes (the Standard Webhooks specification: 24 to 64).</summary>
    public const int MinSecretBytes = 24;

    /// <summary>The longest secret accepted, in bytes.</summary>
    public const int MaxSecretBytes = 64;

    /// <summary>Decodes a <c>whsec_…</c> secret into its key bytes; <see langword="false"/> unless it is base64 of 24 to 64 bytes.</summary>
    public static bool TryDecodeSecret(string? secret, out byte[] key)
    {
        key = [];
        if (string.IsNullOrEmpty(secret))
        {
            return false;
        }

        var b64 = secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[SecretPrefix.Length..] : secret;
        try
        {
            key = Convert.FromBase64String(b64);
        }
        catch (FormatException)
        {
            return false;
        }

        return key.Length is >= MinSecretBytes and <= MaxSecretBytes;
    }

    /// <summary>Computes the <c>webhook-signature</c> header value (<c>v1,&lt;base64&gt;</c>).</summary>
    public static string Sign(ReadOnlySpan<byte> key, string webhookId, long timestamp, ReadOnlySpan<byte> body)
    {
        Span<byte> mac = stackalloc byte[32];
        ComputeMac(key, webhookId, timestamp, body, mac);
        return "v1," + Convert.ToBase64String(mac);
    }

    /// <summary>
    /// Verifies a <c>webhook-signature</c> header (a space-separated list; any matching <c>v1</c> entry is accepted, for key rotation).
    /// Compares in constant time. The caller checks the timestamp's freshness.
    /// </summary>
    public static bool Verify(ReadOnlySpan<byte> key, string webhookId, long timestamp, ReadOnlySpan<byte> body, string signatureHeader)
    {
        Span<byte> expected = stackalloc byte[32];
        Span<byte> given = stackalloc byte[64];
        ComputeMac(key, webhookId, timestamp, body, expected);
        var ok = false;
        foreach (var part in signatureHeader.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!part.StartsWith("v1,", StringComparison.Ordinal))
            {
                continue;
            }

            if (Convert.TryFromBase64String(part[3..], given, out var n) && n == 32)
            {
                ok |= CryptographicOperations.FixedTimeEquals(expected, given[..32]);
            }
        }

        return ok;
    }

    private static void ComputeMac(ReadOnlySpan<byte> key, string webhookId, long timestamp, ReadOnlySpan<byte> body, Span<byte> mac)
    {
        var prefix = Encoding.UTF8.GetBytes($"{webhookId}.{timestamp}.");
        var content = new byte[prefix.Length + body.Length];
        prefix.CopyTo(content, 0);
        body.CopyTo(content.AsSpan(prefix.Length));
        HMACSHA256.HashData(key, content, mac);
    }
}
