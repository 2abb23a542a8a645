using System.Buffers;
using System.Text;

namespace ApiGuard.Inspection;

/// <summary>Builds the short, masked excerpts of findings. Only runs for findings, so it may allocate.</summary>
internal static class InspectionExcerpt
{
    /// <summary>The longest excerpt, in characters.</summary>
    public const int MaxLength = 48;

    public const string Masked = "[masked]";

    private static readonly string[] s_sensitiveNames =
    [
        "password", "passwd", "pwd", "secret", "token", "apikey", "api_key", "api-key", "authorization", "cookie",
        "session", "credential", "ssn", "card", "cvv", "pin", "otp", "private",
    ];

    /// <summary>Whether a field name suggests a secret; its excerpts are masked entirely.</summary>
    public static bool IsSensitiveName(string name)
    {
        foreach (var s in s_sensitiveNames)
        {
            if (name.Contains(s, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    public static string Create(ReadOnlySpan<byte> utf8, int offset, int length, string fieldName)
    {
        if (IsSensitiveName(fieldName))
        {
            return Masked;
        }

        Clamp(utf8.Length, ref offset, ref length);
        var window = utf8.Slice(offset, Math.Min(length, MaxLength * 4));
        var chars = ArrayPool<char>.Shared.Rent(Encoding.UTF8.GetMaxCharCount(window.Length));
        try
        {
            var count = Encoding.UTF8.GetChars(window, chars);
            return Build(chars.AsSpan(0, count), truncated: length > window.Length);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    public static string Create(ReadOnlySpan<char> value, int offset, int length, string fieldName)
    {
        if (IsSensitiveName(fieldName))
        {
            return Masked;
        }

        Clamp(value.Length, ref offset, ref length);
        return Build(value.Slice(offset, length), truncated: false);
    }

    private static void Clamp(int total, ref int offset, ref int length)
    {
        offset = Math.Clamp(offset, 0, total);
        if (length <= 0)
        {
            length = MaxLength;
        }

        length = Math.Min(length, total - offset);
    }

    private static string Build(ReadOnlySpan<char> source, bool truncated)
    {
        var take = Math.Min(source.Length, MaxLength);
        truncated |= source.Length > MaxLength;
        Span<char> buffer = stackalloc char[MaxLength + 1];
        for (var i = 0; i < take; i++)
        {
            var c = source[i];
            buffer[i] = char.IsControl(c) || char.IsSurrogate(c) ? '?' : c;
        }

        var text = buffer[..take];
        MaskSecrets(text);
        if (truncated)
        {
            buffer[take] = '…';
            return new string(buffer[..(take + 1)]);
        }

        return new string(text);
    }

    /// <summary>
    /// Masks secret-looking tokens in place: runs of 16 or more token characters holding both letters and digits
    /// (keys, JWT parts, session ids) keep their first 4 characters; runs of 8 or more digits (card and account numbers) keep their last 2.
    /// </summary>
    internal static void MaskSecrets(Span<char> text)
    {
        var i = 0;
        while (i < text.Length)
        {
            if (!IsTokenChar(text[i]))
            {
                i++;
                continue;
            }

            var start = i;
            int letters = 0, digits = 0;
            while (i < text.Length && IsTokenChar(text[i]))
            {
                if (char.IsAsciiDigit(text[i]))
                {
                    digits++;
                }
                else if (char.IsAsciiLetter(text[i]))
                {
                    letters++;
                }

                i++;
            }

            var run = text[start..i];
            if (run.Length >= 16 && letters > 0 && digits > 0)
            {
                run[4..].Fill('*');
            }
            else if (digits >= 8 && letters == 0)
            {
                run[..^2].Fill('*');
            }
        }
    }

    private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '+' or '/';
}
