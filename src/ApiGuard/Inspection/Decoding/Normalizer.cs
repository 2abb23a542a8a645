using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Unicode;
using ApiGuard.Inspection.Rules;

namespace ApiGuard.Inspection.Decoding;

/// <summary>
/// Normalises one value before detection: Unicode folding (full-width and confusables to ASCII, zero-width removal),
/// ASCII lower-casing, then repeated decoding passes (URL <c>%XX</c> with UTF-8 and overlong forms, <c>%uXXXX</c>,
/// HTML entities, JSON/JS <c>\u</c> and <c>\x</c> escapes) until the value stops changing, bounded in depth.
/// Every step shrinks or keeps the length, so the scratch buffers never need to be longer than the input.
/// </summary>
internal static class Normalizer
{
    /// <summary>Decoding passes after which further encoding is itself a finding.</summary>
    public const int MaxPlausibleLayers = 3;

    /// <summary>Hard bound on decoding passes.</summary>
    public const int MaxPasses = 6;

    private static readonly SearchValues<char> s_decodeTriggers = SearchValues.Create("%&\\+");

    /// <summary>Normalises <paramref name="input"/>; returns the normalised length; the text lives in <paramref name="b"/> when <paramref name="inB"/>, else in <paramref name="a"/>.</summary>
    public static int Normalize(scoped ReadOnlySpan<char> input, scoped Span<char> a, scoped Span<char> b, ValueSource source, ref FindingSink sink, out bool inB)
    {
        inB = false;
        var length = Fold(input, a, ref sink);
        scoped Span<char> current = a[..length];
        scoped Span<char> other = b;
        if (current.IndexOfAny(s_decodeTriggers) < 0)
        {
            return length;
        }

        var plusAsSpace = (source is ValueSource.Query or ValueSource.Form) && current.Contains('%');
        var urlPasses = 0;
        for (var pass = 1; pass <= MaxPasses; pass++)
        {
            var written = DecodePass(current, other, plusAsSpace && pass == 1, out var applied, ref sink);
            WorkMeter.Add(current.Length);
            if (applied == DecodingLayers.None)
            {
                break;
            }

            if ((applied & DecodingLayers.Url) != 0)
            {
                urlPasses++;
                if (urlPasses >= 2)
                {
                    applied |= DecodingLayers.DoubleUrl;
                }
            }

            sink.Layers |= applied;
            inB = !inB;
            length = written;
            var next = other[..written];
            other = current;
            current = next;
            if (pass > MaxPlausibleLayers)
            {
                sink.Add(RuleKey.EncodingExcessiveLayers, 0, input.Length);
            }

            if (current.IndexOfAny(s_decodeTriggers) < 0)
            {
                break;
            }
        }

        if (urlPasses >= 2)
        {
            sink.Add(RuleKey.EncodingDoubleUrl, 0, input.Length);
        }

        return length;
    }

    /// <summary>Folds case, full-width forms and confusables; drops zero-width characters and NUL (flagged).</summary>
    private static int Fold(scoped ReadOnlySpan<char> input, scoped Span<char> output, ref FindingSink sink)
    {
        // Fast path: pure ASCII without NUL has nothing to fold but upper case (two vectorised passes). The base64 layer folds
        // in place; lower-casing is idempotent, so the scalar loop below may reread a prefix this lowered.
        var ascii = input.Overlaps(output, out var shift)
            ? shift == 0 && System.Text.Ascii.ToLowerInPlace(output[..input.Length], out _) == OperationStatus.Done
            : System.Text.Ascii.ToLower(input, output, out _) == OperationStatus.Done;
        if (ascii && !input.Contains('\0'))
        {
            return input.Length;
        }

        var w = 0;
        var folded = false;
        for (var i = 0; i < input.Length; i++)
        {
            var c = input[i];
            if (c < 0x80)
            {
                if ((uint)(c - 'A') <= 'Z' - 'A')
                {
                    output[w++] = (char)(c | 0x20);
                }
                else if (c == '\0')
                {
                    // NUL splits tokens for most parsers: keep it as a separator, flagged.
                    sink.Add(RuleKey.EncodingNul, i, 1);
                    output[w++] = ' ';
                }
                else
                {
                    output[w++] = c;
                }

                continue;
            }

            if (char.IsHighSurrogate(c) && i + 1 < input.Length && char.IsLowSurrogate(input[i + 1])
                && FoldMathematical(char.ConvertToUtf32(c, input[i + 1])) is var m and not '\0')
            {
                // "𝐔𝐍𝐈𝐎𝐍 𝐒𝐄𝐋𝐄𝐂𝐓": mathematical letters and digits, which NFKC (and so many back ends) read as ASCII.
                output[w++] = m;
                i++;
                folded = true;
                continue;
            }

            var f = FoldChar(c);
            if (f == '\0')
            {
                folded = true;
                continue;
            }

            if (f != c)
            {
                folded = true;
            }

            output[w++] = f;
        }

        if (folded)
        {
            sink.Layers |= DecodingLayers.UnicodeFold;
        }

        return w;
    }

    /// <summary>
    /// The ASCII letter (lower case) or digit of a Mathematical Alphanumeric Symbol (U+1D400–U+1D7FF: bold, italic, script,
    /// fraktur, double-struck, sans-serif and monospace alphabets of 52 letters, then digits in sets of ten), or NUL.
    /// </summary>
    internal static char FoldMathematical(int cp)
    {
        if (cp is >= 0x1D400 and <= 0x1D6A3)
        {
            var k = (cp - 0x1D400) % 52;
            return (char)('a' + (k % 26));
        }

        return cp is >= 0x1D7CE and <= 0x1D7FF ? (char)('0' + ((cp - 0x1D7CE) % 10)) : '\0';
    }

    /// <summary>Folds one non-ASCII character; returns NUL for characters to drop.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static char FoldChar(char c)
    {
        if (c < 0x80)
        {
            return (uint)(c - 'A') <= 'Z' - 'A' ? (char)(c | 0x20) : c;
        }

        if (c is >= '\uFF01' and <= '\uFF5E')
        {
            var a = (char)(c - 0xFEE0);
            return (uint)(a - 'A') <= 'Z' - 'A' ? (char)(a | 0x20) : a;
        }

        return c switch
        {
            '\u00A0' or '\u3000' or (>= '\u2000' and <= '\u200A') or '\u202F' or '\u205F' => ' ',
            '\u2028' or '\u2029' or '\u0085' => '\n', // line and paragraph separators and NEL end lines for JavaScript and some servers
            '\u200B' or '\u200C' or '\u200D' or '\u2060' or '\uFEFF' or '\u00AD' or (>= '\u0300' and <= '\u036F')
                or '\u200E' or '\u200F' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069') => '\0', // invisible, combining and bidi marks
            '\u017F' => 's', // long s, which NFKC reads as 's' ("<ſcript>")
            >= '\u24B6' and <= '\u24CF' => (char)('a' + (c - '\u24B6')), // circled capital letters
            >= '\u24D0' and <= '\u24E9' => (char)('a' + (c - '\u24D0')), // circled small letters
            '\u02BC' or '\u02B9' or '\u2032' => '\'',
            '\u02BA' or '\u2033' => '"',
            '\uFE64' or '\u2039' or '\u3008' or '\u00BC' => '<',
            '\uFE65' or '\u203A' or '\u3009' or '\u00BE' => '>',
            '\u2215' or '\u2044' or '\u29F8' => '/',
            '\uFE68' or '\u29F5' or '\u29F9' or '\u2216' => '\\',
            >= '\u2460' and <= '\u2468' => (char)('1' + (c - '\u2460')),
            '\u24EA' => '0',
            '\uFE59' => '(',
            '\uFE5A' => ')',
            '\uFE5B' => '{',
            '\uFE5C' => '}',
            '\uFE52' or '\u2024' or '\u3002' or '\uFF61' => '.', // ideographic full stops separate host labels in URL parsers (IDNA)
            '\uFE54' => ';',
            '\uFE66' => '=',
            _ => c,
        };
    }

    private static int DecodePass(scoped ReadOnlySpan<char> s, scoped Span<char> o, bool plusAsSpace, out DecodingLayers applied, ref FindingSink sink)
    {
        applied = DecodingLayers.None;
        var w = 0;
        var i = 0;
        while (i < s.Length)
        {
            var c = s[i];
            switch (c)
            {
                case '%':
                    if (TryPercent(s, ref i, o, ref w, ref applied, ref sink))
                    {
                        continue;
                    }

                    break;
                case '&':
                    if (TryEntity(s, ref i, o, ref w))
                    {
                        applied |= DecodingLayers.HtmlEntity;
                        continue;
                    }

                    break;
                case '\\':
                    if (TryBackslash(s, ref i, o, ref w))
                    {
                        applied |= DecodingLayers.JsonEscape;
                        continue;
                    }

                    break;
                case '+' when plusAsSpace:
                    o[w++] = ' ';
                    applied |= DecodingLayers.PlusAsSpace;
                    i++;
                    continue;
            }

            o[w++] = c;
            i++;
        }

        return w;
    }

    private static bool TryPercent(scoped ReadOnlySpan<char> s, ref int i, scoped Span<char> o, ref int w, ref DecodingLayers applied, ref FindingSink sink)
    {
        // %uXXXX
        if (i + 5 < s.Length && s[i + 1] == 'u'
            && TryHex4(s.Slice(i + 2, 4), out var u))
        {
            Emit(o, ref w, (char)u, ref sink);
            applied |= DecodingLayers.PercentU;
            i += 6;
            return true;
        }

        if (!TryHexByte(s, i, out var b0))
        {
            return false;
        }

        if (b0 < 0x80)
        {
            Emit(o, ref w, (char)b0, ref sink);
            applied |= DecodingLayers.Url;
            i += 3;
            return true;
        }

        // A UTF-8 sequence spelled as %XX%XX...; overlong forms decode leniently (as old servers did) and are flagged.
        int need;
        int cp;
        int min;
        if ((b0 & 0xE0) == 0xC0)
        {
            need = 1;
            cp = b0 & 0x1F;
            min = 0x80;
        }
        else if ((b0 & 0xF0) == 0xE0)
        {
            need = 2;
            cp = b0 & 0x0F;
            min = 0x800;
        }
        else if ((b0 & 0xF8) == 0xF0)
        {
            need = 3;
            cp = b0 & 0x07;
            min = 0x10000;
        }
        else
        {
            // A lone high byte (%A0, %FF): flagged, and read as Latin-1 the way many servers do (%A0 is a space to MySQL).
            sink.Add(RuleKey.EncodingInvalidUtf8, i, 3);
            Emit(o, ref w, (char)b0, ref sink);
            applied |= DecodingLayers.Url;
            i += 3;
            return true;
        }

        var j = i + 3;
        for (var k = 0; k < need; k++, j += 3)
        {
            if (!TryHexByte(s, j, out var bk) || (bk & 0xC0) != 0x80)
            {
                sink.Add(RuleKey.EncodingInvalidUtf8, i, 3);
                return false;
            }

            cp = (cp << 6) | (bk & 0x3F);
        }

        if (cp < min)
        {
            sink.Add(RuleKey.EncodingOverlongUtf8, i, j - i);
        }

        if (cp > 0x10FFFF || cp is >= 0xD800 and <= 0xDFFF)
        {
            sink.Add(RuleKey.EncodingInvalidUtf8, i, j - i);
            return false;
        }

        if (cp > 0xFFFF)
        {
            // Surrogate pair: 2 chars out for at least 12 in.
            cp -= 0x10000;
            o[w++] = (char)(0xD800 + (cp >> 10));
            o[w++] = (char)(0xDC00 + (cp & 0x3FF));
        }
        else
        {
            Emit(o, ref w, (char)cp, ref sink);
        }

        applied |= DecodingLayers.Url;
        i = j;
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Emit(scoped Span<char> o, ref int w, char c, ref FindingSink sink)
    {
        if (c == '\0')
        {
            sink.Add(RuleKey.EncodingNul, 0, 0);
            o[w++] = ' ';
            return;
        }

        var f = FoldChar(c);
        if (f != '\0')
        {
            o[w++] = f;
        }
    }

    private static bool TryHexByte(ReadOnlySpan<char> s, int i, out int value)
    {
        value = 0;
        if (i + 2 >= s.Length)
        {
            return false;
        }

        if (s[i] != '%')
        {
            return false;
        }

        var h = HexValue(s[i + 1]);
        var l = HexValue(s[i + 2]);
        if ((h | l) < 0)
        {
            return false;
        }

        value = (h << 4) | l;
        return true;
    }

    private static bool TryHex4(ReadOnlySpan<char> s, out int value)
    {
        value = 0;
        for (var k = 0; k < 4; k++)
        {
            var h = HexValue(s[k]);
            if (h < 0)
            {
                return false;
            }

            value = (value << 4) | h;
        }

        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int HexValue(char c)
    {
        if ((uint)(c - '0') <= 9)
        {
            return c - '0';
        }

        var l = (char)(c | 0x20);
        return (uint)(l - 'a') <= 5 ? l - 'a' + 10 : -1;
    }

    private static bool TryBackslash(ReadOnlySpan<char> s, ref int i, Span<char> o, ref int w)
    {
        if (i + 5 < s.Length && s[i + 1] == 'u' && TryHex4(s.Slice(i + 2, 4), out var u))
        {
            var f = FoldChar((char)u);
            if (f != '\0')
            {
                o[w++] = f;
            }

            i += 6;
            return true;
        }

        if (i + 3 < s.Length && s[i + 1] == 'x')
        {
            var h = HexValue(s[i + 2]);
            var l = HexValue(s[i + 3]);
            if ((h | l) >= 0)
            {
                var f = FoldChar((char)((h << 4) | l));
                if (f != '\0')
                {
                    o[w++] = f;
                }

                i += 4;
                return true;
            }
        }

        return false;
    }

    private static bool TryEntity(ReadOnlySpan<char> s, ref int i, Span<char> o, ref int w)
    {
        var j = i + 1;
        if (j >= s.Length)
        {
            return false;
        }

        int cp;
        if (s[j] == '#')
        {
            j++;
            var hex = j < s.Length && s[j] == 'x';
            if (hex)
            {
                j++;
            }

            var start = j;
            cp = 0;
            while (j < s.Length && j - start < 10)
            {
                var d = hex ? HexValue(s[j]) : ((uint)(s[j] - '0') <= 9 ? s[j] - '0' : -1);
                if (d < 0)
                {
                    break;
                }

                cp = (cp * (hex ? 16 : 10)) + d;
                j++;
            }

            if (j == start || cp > 0xFFFF || cp == 0)
            {
                return false;
            }

            if (j < s.Length && s[j] == ';')
            {
                j++;
            }
        }
        else
        {
            var start = j;
            while (j < s.Length && j - start < 12 && (uint)(s[j] - 'a') <= 'z' - 'a')
            {
                j++;
            }

            if (j == start)
            {
                return false;
            }

            cp = NamedEntity(s[start..j]);
            if (cp == 0)
            {
                return false;
            }

            if (j < s.Length && s[j] == ';')
            {
                j++;
            }
            else if (j < s.Length && char.IsAsciiLetterOrDigit(s[j]))
            {
                return false;
            }
        }

        var f = FoldChar((char)cp);
        if (f != '\0')
        {
            o[w++] = f;
        }

        i = j;
        return true;
    }

    private static int NamedEntity(ReadOnlySpan<char> name) => name switch
    {
        "lt" => '<',
        "gt" => '>',
        "amp" => '&',
        "quot" => '"',
        "apos" => '\'',
        "tab" => '\t',
        "newline" => '\n',
        "colon" => ':',
        "lpar" => '(',
        "rpar" => ')',
        "sol" => '/',
        "bsol" => '\\',
        "num" => '#',
        "semi" => ';',
        "equals" => '=',
        "excl" => '!',
        "percnt" => '%',
        "period" => '.',
        "comma" => ',',
        "lsqb" or "lbrack" => '[',
        "rsqb" or "rbrack" => ']',
        "lcub" or "lbrace" => '{',
        "rcub" or "rbrace" => '}',
        "grave" => '`',
        "nbsp" => ' ',
        "plus" => '+',
        "ast" or "midast" => '*',
        "dollar" => '$',
        "vert" or "verbar" => '|',
        "quest" => '?',
        "commat" => '@',
        "lowbar" => '_',
        "hyphen" or "dash" => '-',

        // Typographic and Latin-1 entities of prose ("&hellip;more", "Caf&eacute;"): decoded, their semicolon is no
        // command or statement separator.
        "hellip" => '\u2026',
        "mdash" => '\u2014',
        "ndash" => '\u2013',
        "lsquo" => '\u2018',
        "rsquo" => '\u2019',
        "ldquo" => '\u201C',
        "rdquo" => '\u201D',
        "laquo" => '\u00AB',
        "raquo" => '\u00BB',
        "bull" => '\u2022',
        "middot" => '\u00B7',
        "copy" => '\u00A9',
        "reg" => '\u00AE',
        "trade" => '\u2122',
        "euro" => '\u20AC',
        "pound" => '\u00A3',
        "yen" => '\u00A5',
        "cent" => '\u00A2',
        "deg" => '\u00B0',
        "plusmn" => '\u00B1',
        "times" => '\u00D7',
        "divide" => '\u00F7',
        "sect" => '\u00A7',
        "para" => '\u00B6',
        "iexcl" => '\u00A1',
        "iquest" => '\u00BF',
        "aacute" => '\u00E1',
        "agrave" => '\u00E0',
        "acirc" => '\u00E2',
        "auml" => '\u00E4',
        "aring" => '\u00E5',
        "ccedil" => '\u00E7',
        "eacute" => '\u00E9',
        "egrave" => '\u00E8',
        "ecirc" => '\u00EA',
        "euml" => '\u00EB',
        "iacute" => '\u00ED',
        "icirc" => '\u00EE',
        "iuml" => '\u00EF',
        "ntilde" => '\u00F1',
        "oacute" => '\u00F3',
        "ocirc" => '\u00F4',
        "ouml" => '\u00F6',
        "oslash" => '\u00F8',
        "uacute" => '\u00FA',
        "ucirc" => '\u00FB',
        "uuml" => '\u00FC',
        "szlig" => '\u00DF',
        _ => 0,
    };

    /// <summary>Decodes UTF-8 to UTF-16, flagging invalid and overlong sequences (overlong ASCII forms decode leniently).</summary>
    public static int DecodeUtf8(scoped ReadOnlySpan<byte> utf8, scoped Span<char> chars, ref FindingSink sink)
    {
        var written = 0;
        var offset = 0;
        while (offset < utf8.Length)
        {
            var status = Utf8.ToUtf16(utf8[offset..], chars[written..], out var read, out var wrote, replaceInvalidSequences: false, isFinalBlock: true);
            offset += read;
            written += wrote;
            if (status == OperationStatus.Done)
            {
                break;
            }

            // Invalid data at utf8[offset].
            var b0 = utf8[offset];
            if ((b0 == 0xC0 || b0 == 0xC1) && offset + 1 < utf8.Length && (utf8[offset + 1] & 0xC0) == 0x80)
            {
                sink.Add(RuleKey.EncodingOverlongUtf8, offset, 2);
                chars[written++] = (char)(((b0 & 0x1F) << 6) | (utf8[offset + 1] & 0x3F));
                offset += 2;
                continue;
            }

            if (b0 == 0xE0 && offset + 2 < utf8.Length && (utf8[offset + 1] & 0xE0) == 0x80 && (utf8[offset + 2] & 0xC0) == 0x80)
            {
                sink.Add(RuleKey.EncodingOverlongUtf8, offset, 3);
                chars[written++] = (char)(((utf8[offset + 1] & 0x3F) << 6) | (utf8[offset + 2] & 0x3F));
                offset += 3;
                continue;
            }

            sink.Add(RuleKey.EncodingInvalidUtf8, offset, 1);
            chars[written++] = '\uFFFD';
            offset++;
        }

        return written;
    }
}
