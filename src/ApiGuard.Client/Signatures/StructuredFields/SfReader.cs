namespace ApiGuard.Client.Signatures.StructuredFields;

/// <summary>The kind of a parsed bare item.</summary>
public enum SfKind
{
    /// <summary>An Integer (-999,999,999,999,999 to 999,999,999,999,999).</summary>
    Integer = 0,

    /// <summary>A Decimal (up to 12 integer and 3 fractional digits).</summary>
    Decimal = 1,

    /// <summary>A String (printable ASCII).</summary>
    String = 2,

    /// <summary>A Token.</summary>
    Token = 3,

    /// <summary>A Byte Sequence.</summary>
    ByteSequence = 4,

    /// <summary>A Boolean.</summary>
    Boolean = 5,
}

/// <summary>
/// A bare item as found in the source text, without allocation: the kind, the number or boolean, or the range of the
/// text (inside the quotes or colons) for strings, tokens and byte sequences.
/// </summary>
internal readonly struct SfRawItem
{
    public SfRawItem(SfKind kind, int start, int length, long integer, decimal @decimal, bool boolean, bool hasEscapes)
    {
        Kind = kind;
        Start = start;
        Length = length;
        Integer = integer;
        Decimal = @decimal;
        Boolean = boolean;
        HasEscapes = hasEscapes;
    }

    public SfKind Kind { get; }

    public int Start { get; }

    public int Length { get; }

    public long Integer { get; }

    public decimal Decimal { get; }

    public bool Boolean { get; }

    /// <summary>For strings: whether the raw text holds backslash escapes.</summary>
    public bool HasEscapes { get; }

    public ReadOnlySpan<char> Text(ReadOnlySpan<char> source) => source.Slice(Start, Length);

    /// <summary>Whether this is a string equal (after unescaping) to <paramref name="value"/>.</summary>
    public bool StringEquals(ReadOnlySpan<char> source, ReadOnlySpan<char> value)
    {
        if (Kind != SfKind.String)
        {
            return false;
        }

        var raw = source.Slice(Start, Length);
        if (!HasEscapes)
        {
            return raw.SequenceEqual(value);
        }

        var j = 0;
        for (var i = 0; i < raw.Length; i++, j++)
        {
            var c = raw[i];
            if (c == '\\')
            {
                c = raw[++i];
            }

            if (j >= value.Length || value[j] != c)
            {
                return false;
            }
        }

        return j == value.Length;
    }

    /// <summary>Materialises a string item's value (unescaped), or a token's text.</summary>
    public string GetString(ReadOnlySpan<char> source)
    {
        var raw = source.Slice(Start, Length);
        if (!HasEscapes)
        {
            return raw.ToString();
        }

        Span<char> buffer = raw.Length <= 256 ? stackalloc char[raw.Length] : new char[raw.Length];
        var n = Unescape(raw, buffer);
        return buffer[..n].ToString();
    }

    /// <summary>Unescapes a string's raw text into <paramref name="destination"/>; returns the length written.</summary>
    public static int Unescape(ReadOnlySpan<char> raw, Span<char> destination)
    {
        var j = 0;
        for (var i = 0; i < raw.Length; i++)
        {
            var c = raw[i];
            if (c == '\\')
            {
                c = raw[++i];
            }

            destination[j++] = c;
        }

        return j;
    }

    public static int UnescapedLength(ReadOnlySpan<char> raw)
    {
        var n = 0;
        for (var i = 0; i < raw.Length; i++, n++)
        {
            if (raw[i] == '\\')
            {
                i++;
            }
        }

        return n;
    }
}

/// <summary>
/// A strict RFC 8941 reader over a field value. Every method either consumes a well-formed construct and returns
/// <see langword="true"/>, or returns <see langword="false"/> (the caller then fails the whole field). Nothing is allocated.
/// </summary>
internal ref struct SfReader
{
    private readonly ReadOnlySpan<char> _s;
    private int _pos;

    public SfReader(ReadOnlySpan<char> source, int position = 0)
    {
        _s = source;
        _pos = position;
    }

    public readonly int Position => _pos;

    public readonly ReadOnlySpan<char> Source => _s;

    public readonly bool IsEnd => _pos >= _s.Length;

    public readonly char Peek => _pos < _s.Length ? _s[_pos] : '\0';

    public void Advance() => _pos++;

    public void SkipSP()
    {
        while (_pos < _s.Length && _s[_pos] == ' ')
        {
            _pos++;
        }
    }

    public void SkipOWS()
    {
        while (_pos < _s.Length && _s[_pos] is ' ' or '\t')
        {
            _pos++;
        }
    }

    public bool TryConsume(char c)
    {
        if (_pos < _s.Length && _s[_pos] == c)
        {
            _pos++;
            return true;
        }

        return false;
    }

    /// <summary>Skips the leading spaces of a field value (RFC 8941 §4.2 step 2).</summary>
    public void Begin() => SkipSP();

    /// <summary>Whether only trailing spaces remain (RFC 8941 §4.2 steps 6 and 7).</summary>
    public bool TryEnd()
    {
        SkipSP();
        return IsEnd;
    }

    /// <summary>
    /// After a list or dictionary member: consumes OWS and either reaches the end (<paramref name="done"/> true) or a comma
    /// followed by OWS and more input. Returns false on anything else, including a trailing comma.
    /// </summary>
    public bool TryMemberSeparator(out bool done)
    {
        SkipOWS();
        if (IsEnd)
        {
            done = true;
            return true;
        }

        done = false;
        if (!TryConsume(','))
        {
            return false;
        }

        SkipOWS();
        return !IsEnd;
    }

    public bool TryReadKey(out int start, out int length)
    {
        start = _pos;
        length = 0;
        if (_pos >= _s.Length)
        {
            return false;
        }

        var c = _s[_pos];
        if (!(c is >= 'a' and <= 'z' || c == '*'))
        {
            return false;
        }

        _pos++;
        while (_pos < _s.Length && IsKeyChar(_s[_pos]))
        {
            _pos++;
        }

        length = _pos - start;
        return true;
    }

    public bool TryReadBareItem(out SfRawItem item)
    {
        item = default;
        if (_pos >= _s.Length)
        {
            return false;
        }

        var c = _s[_pos];
        return c switch
        {
            '-' or (>= '0' and <= '9') => TryReadNumber(out item),
            '"' => TryReadString(out item),
            ':' => TryReadByteSequence(out item),
            '?' => TryReadBoolean(out item),
            _ when c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or '*' => TryReadToken(out item),
            _ => false,
        };
    }

    /// <summary>Reads <c>*( ";" *SP key [ "=" bare-item ] )</c>, calling back for each parameter.</summary>
    public bool TryReadParameter(out int keyStart, out int keyLength, out SfRawItem value)
    {
        keyStart = 0;
        keyLength = 0;
        value = default;
        _pos++; // ';'
        SkipSP();
        if (!TryReadKey(out keyStart, out keyLength))
        {
            return false;
        }

        if (TryConsume('='))
        {
            return TryReadBareItem(out value);
        }

        value = new SfRawItem(SfKind.Boolean, 0, 0, 0, 0, true, false);
        return true;
    }

    private bool TryReadNumber(out SfRawItem item)
    {
        item = default;
        var negative = TryConsume('-');
        if (_pos >= _s.Length || _s[_pos] is < '0' or > '9')
        {
            return false;
        }

        long integer = 0;
        long fraction = 0;
        var intDigits = 0;
        var fracDigits = 0;
        var isDecimal = false;
        while (_pos < _s.Length)
        {
            var c = _s[_pos];
            if (c is >= '0' and <= '9')
            {
                if (isDecimal)
                {
                    fraction = (fraction * 10) + (c - '0');
                    fracDigits++;
                    if (fracDigits > 3)
                    {
                        return false;
                    }
                }
                else
                {
                    integer = (integer * 10) + (c - '0');
                    intDigits++;
                    if (intDigits > 15)
                    {
                        return false;
                    }
                }

                _pos++;
            }
            else if (!isDecimal && c == '.')
            {
                if (intDigits > 12)
                {
                    return false;
                }

                isDecimal = true;
                _pos++;
            }
            else
            {
                break;
            }
        }

        if (!isDecimal)
        {
            item = new SfRawItem(SfKind.Integer, 0, 0, negative ? -integer : integer, 0, false, false);
            return true;
        }

        if (fracDigits == 0)
        {
            return false;
        }

        var value = integer + (fraction / (decimal)Pow10(fracDigits));
        item = new SfRawItem(SfKind.Decimal, 0, 0, 0, negative ? -value : value, false, false);
        return true;
    }

    private static long Pow10(int n) => n switch { 1 => 10, 2 => 100, _ => 1000 };

    private bool TryReadString(out SfRawItem item)
    {
        item = default;
        _pos++; // '"'
        var start = _pos;
        var escapes = false;
        while (_pos < _s.Length)
        {
            var c = _s[_pos++];
            if (c == '\\')
            {
                if (_pos >= _s.Length || _s[_pos] is not ('"' or '\\'))
                {
                    return false;
                }

                escapes = true;
                _pos++;
            }
            else if (c == '"')
            {
                item = new SfRawItem(SfKind.String, start, _pos - 1 - start, 0, 0, false, escapes);
                return true;
            }
            else if (c is < (char)0x20 or > (char)0x7E)
            {
                return false;
            }
        }

        return false;
    }

    private bool TryReadToken(out SfRawItem item)
    {
        var start = _pos;
        _pos++;
        while (_pos < _s.Length && (IsTChar(_s[_pos]) || _s[_pos] is ':' or '/'))
        {
            _pos++;
        }

        item = new SfRawItem(SfKind.Token, start, _pos - start, 0, 0, false, false);
        return true;
    }

    private bool TryReadByteSequence(out SfRawItem item)
    {
        item = default;
        _pos++; // ':'
        var start = _pos;
        while (_pos < _s.Length)
        {
            var c = _s[_pos++];
            if (c == ':')
            {
                var length = _pos - 1 - start;
                if (!IsValidBase64(_s.Slice(start, length)))
                {
                    return false;
                }

                item = new SfRawItem(SfKind.ByteSequence, start, length, 0, 0, false, false);
                return true;
            }

            if (!(c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '+' or '/' or '='))
            {
                return false;
            }
        }

        return false;
    }

    private static bool IsValidBase64(ReadOnlySpan<char> text)
    {
        // Canonical padded base64 only: length a multiple of 4, '=' only as the final one or two characters.
        if (text.Length % 4 != 0)
        {
            return false;
        }

        var firstPad = text.IndexOf('=');
        if (firstPad >= 0)
        {
            if (firstPad < text.Length - 2)
            {
                return false;
            }

            for (var i = firstPad; i < text.Length; i++)
            {
                if (text[i] != '=')
                {
                    return false;
                }
            }
        }

        return true;
    }

    private bool TryReadBoolean(out SfRawItem item)
    {
        item = default;
        _pos++; // '?'
        if (_pos >= _s.Length)
        {
            return false;
        }

        var c = _s[_pos++];
        if (c is not ('0' or '1'))
        {
            return false;
        }

        item = new SfRawItem(SfKind.Boolean, 0, 0, 0, 0, c == '1', false);
        return true;
    }

    public static bool IsKeyChar(char c) => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '-' or '.' or '*';

    public static bool IsTChar(char c) =>
        c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9')
            or '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~';
}
