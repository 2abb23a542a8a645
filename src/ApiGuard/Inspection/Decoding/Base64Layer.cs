using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Unicode;
using ApiGuard.Inspection.Rules;
using static ApiGuard.Inspection.Rules.Spans;

namespace ApiGuard.Inspection.Decoding;

/// <summary>
/// The base64 decoding layer: values declared as base64, and values that are entirely base64 and decode to printable
/// UTF-8 text, are decoded and inspected again (payloads hidden in cookies and tokens, e.g. serialized Node.js functions).
/// </summary>
internal static class Base64Layer
{
    private const int MinLength = 16;
    private const int MaxLength = 16 * 1024;
    private const int StackBytes = 1024;

    private static readonly SearchValues<char> s_alphabet = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=");

    /// <summary>Whether a value is shaped like standard base64 (length, alphabet, padding, mixed case).</summary>
    public static bool LooksLikeBase64(ReadOnlySpan<char> v)
    {
        if (v.Length < MinLength || v.Length > MaxLength || v.Length % 4 != 0 || v.IndexOfAnyExcept(s_alphabet) >= 0)
        {
            return false;
        }

        var pad = v.IndexOf('=');
        if (pad >= 0 && pad < v.Length - 2)
        {
            return false;
        }

        return v.IndexOfAnyInRange('a', 'z') >= 0 && v.IndexOfAnyInRange('A', 'Z') >= 0;
    }

    /// <summary>
    /// The base64 payload of a data URI ("data:application/pdf;base64,PAYLOAD", the ";base64," within its first 128 characters),
    /// with its media type; empty when the value is none.
    /// </summary>
    public static ReadOnlySpan<char> DataUriPayload(ReadOnlySpan<char> value, out ReadOnlySpan<char> mediaType)
    {
        mediaType = default;
        if (value.Length < 14 || (value[0] | 0x20) != 'd' || !value.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            return default;
        }

        var marker = Head(value, 128).IndexOf(";base64,", StringComparison.OrdinalIgnoreCase);
        if (marker < 0)
        {
            return default;
        }

        mediaType = value[5..marker];
        return value[(marker + 8)..];
    }

    /// <summary>Decodes <paramref name="value"/> and inspects the text; flags a declared base64 field that does not decode.</summary>
    public static void Inspect(scoped ReadOnlySpan<char> value, in InspectionSettings settings, scoped Span<char> a, scoped Span<char> b, ref FindingSink sink)
    {
        var declared = settings.FieldType == FieldType.Base64;
        var trimmed = value.Trim();
        byte[]? rented = null;
        var max = ((trimmed.Length + 3) / 4 * 3) + 3;
        var bytes = max <= StackBytes ? stackalloc byte[StackBytes] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            if (!TryDecode(trimmed, bytes, out var written))
            {
                if (declared)
                {
                    sink.Add(RuleKey.FieldTypeViolation, 0, value.Length);
                }

                return;
            }

            var decoded = bytes[..written];
            if (IsCommandPickle(decoded))
            {
                sink.Add(RuleKey.CodeUnsafeDeserialization, 0, value.Length);
                return;
            }

            var status = Utf8.ToUtf16(decoded, a, out _, out var chars, replaceInvalidSequences: false);
            if (status != OperationStatus.Done || !MostlyText(a[..chars]))
            {
                return;
            }

            var layers = sink.Layers;
            sink.Layers = layers | DecodingLayers.Base64;
            var inner = settings with { FieldType = FieldType.FreeText };
            var length = Normalizer.Normalize(a[..chars], a, b, settings.Source, ref sink, out var inB);
            PayloadInspector.Detect((inB ? b : a)[..length], inner, ref sink);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// Whether decoded bytes are a binary Python pickle (protocol 2 or 3: 0x80 and the protocol byte, which no UTF-8 text
    /// starts with) that imports a module able to run commands ("\x80\x02cposix\nsystem\n..."): unpickling it calls the function.
    /// </summary>
    private static bool IsCommandPickle(ReadOnlySpan<byte> d) =>
        d.Length > 8 && d[0] == 0x80 && d[1] is 2 or 3
        && (d.IndexOf("cposix\n"u8) > 0 || d.IndexOf("cos\n"u8) > 0 || d.IndexOf("cnt\n"u8) > 0 || d.IndexOf("csubprocess\n"u8) > 0
            || d.IndexOf("cbuiltins\n"u8) > 0 || d.IndexOf("c__builtin__\n"u8) > 0);

    private static bool TryDecode(ReadOnlySpan<char> s, Span<byte> bytes, out int written)
    {
        written = 0;
        if (Convert.TryFromBase64Chars(s, bytes, out written))
        {
            return true;
        }

        // URL-safe alphabet or missing padding.
        if (s.Length > bytes.Length)
        {
            return false;
        }

        var n = 0;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            bytes[n++] = (byte)(c == '-' ? '+' : c == '_' ? '/' : c);
        }

        while (n % 4 != 0 && n < bytes.Length)
        {
            bytes[n++] = (byte)'=';
        }

        return Base64.DecodeFromUtf8InPlace(bytes[..n], out written) == OperationStatus.Done;
    }

    private static bool MostlyText(ReadOnlySpan<char> s)
    {
        if (s.IsEmpty)
        {
            return false;
        }

        var printable = 0;
        foreach (var c in s)
        {
            if (c is >= ' ' and < '\u007F' or '\t' or '\n' or '\r')
            {
                printable++;
            }
        }

        return printable * 10 >= s.Length * 9;
    }
}
