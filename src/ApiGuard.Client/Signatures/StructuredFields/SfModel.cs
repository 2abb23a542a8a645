using System.Globalization;

namespace ApiGuard.Client.Signatures.StructuredFields;

/// <summary>An RFC 8941 bare item: an Integer, Decimal, String, Token, Byte Sequence or Boolean.</summary>
public readonly struct SfBareItem : IEquatable<SfBareItem>
{
    private readonly object? _reference;
    private readonly long _integer;
    private readonly decimal _decimal;

    private SfBareItem(SfKind kind, object? reference, long integer, decimal @decimal)
    {
        Kind = kind;
        _reference = reference;
        _integer = integer;
        _decimal = @decimal;
    }

    /// <summary>The kind of item.</summary>
    public SfKind Kind { get; }

    /// <summary>The Integer value.</summary>
    /// <exception cref="InvalidOperationException">The item is not an Integer.</exception>
    public long Integer => Kind == SfKind.Integer ? _integer : throw new InvalidOperationException("The item is not an Integer.");

    /// <summary>The Decimal value.</summary>
    /// <exception cref="InvalidOperationException">The item is not a Decimal.</exception>
    public decimal Decimal => Kind == SfKind.Decimal ? _decimal : throw new InvalidOperationException("The item is not a Decimal.");

    /// <summary>The String or Token text.</summary>
    /// <exception cref="InvalidOperationException">The item is neither a String nor a Token.</exception>
    public string Text => Kind is SfKind.String or SfKind.Token ? (string)_reference! : throw new InvalidOperationException("The item is not a String or Token.");

    /// <summary>The Byte Sequence content.</summary>
    /// <exception cref="InvalidOperationException">The item is not a Byte Sequence.</exception>
    public ReadOnlyMemory<byte> Bytes => Kind == SfKind.ByteSequence ? (byte[])_reference! : throw new InvalidOperationException("The item is not a Byte Sequence.");

    /// <summary>The Boolean value.</summary>
    /// <exception cref="InvalidOperationException">The item is not a Boolean.</exception>
    public bool Boolean => Kind == SfKind.Boolean ? _integer != 0 : throw new InvalidOperationException("The item is not a Boolean.");

    /// <summary>Creates an Integer.</summary>
    public static SfBareItem FromInteger(long value) => new(SfKind.Integer, null, value, 0);

    /// <summary>Creates a Decimal.</summary>
    public static SfBareItem FromDecimal(decimal value) => new(SfKind.Decimal, null, 0, value);

    /// <summary>Creates a String.</summary>
    public static SfBareItem FromString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(SfKind.String, value, 0, 0);
    }

    /// <summary>Creates a Token.</summary>
    public static SfBareItem FromToken(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(SfKind.Token, value, 0, 0);
    }

    /// <summary>Creates a Byte Sequence.</summary>
    public static SfBareItem FromBytes(byte[] value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(SfKind.ByteSequence, value, 0, 0);
    }

    /// <summary>Creates a Boolean.</summary>
    public static SfBareItem FromBoolean(bool value) => new(SfKind.Boolean, null, value ? 1 : 0, 0);

    /// <inheritdoc />
    public bool Equals(SfBareItem other)
    {
        if (Kind != other.Kind)
        {
            return false;
        }

        return Kind switch
        {
            SfKind.Integer or SfKind.Boolean => _integer == other._integer,
            SfKind.Decimal => _decimal == other._decimal,
            SfKind.ByteSequence => ((byte[])_reference!).AsSpan().SequenceEqual((byte[])other._reference!),
            _ => string.Equals((string?)_reference, (string?)other._reference, StringComparison.Ordinal),
        };
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is SfBareItem other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Kind, _integer, _decimal, _reference is string s ? s.GetHashCode(StringComparison.Ordinal) : 0);

    /// <summary>Compares two items.</summary>
    public static bool operator ==(SfBareItem left, SfBareItem right) => left.Equals(right);

    /// <summary>Compares two items.</summary>
    public static bool operator !=(SfBareItem left, SfBareItem right) => !left.Equals(right);

    /// <summary>The canonical serialisation (RFC 8941 §4.1.3).</summary>
    public override string ToString() => StructuredFieldSerializer.Serialize(this);

    internal static SfBareItem FromRaw(in SfRawItem raw, ReadOnlySpan<char> source)
    {
        switch (raw.Kind)
        {
            case SfKind.Integer:
                return FromInteger(raw.Integer);
            case SfKind.Decimal:
                return FromDecimal(raw.Decimal);
            case SfKind.String:
                return FromString(raw.GetString(source));
            case SfKind.Token:
                return FromToken(raw.Text(source).ToString());
            case SfKind.ByteSequence:
                var text = raw.Text(source);
                var bytes = new byte[(text.Length / 4) * 3];
                if (!Convert.TryFromBase64Chars(text, bytes, out var written))
                {
                    throw new FormatException("Invalid base64.");
                }

                return FromBytes(written == bytes.Length ? bytes : bytes[..written]);
            default:
                return FromBoolean(raw.Boolean);
        }
    }
}

/// <summary>Ordered parameters of an item or inner list. Keys are unique; a repeated key overwrote the earlier value in place.</summary>
public sealed class SfParameters : List<KeyValuePair<string, SfBareItem>>
{
    /// <summary>An empty instance (do not modify).</summary>
    internal static SfParameters Empty { get; } = [];

    /// <summary>Sets <paramref name="key"/>, keeping the position of an earlier occurrence.</summary>
    public void Set(string key, SfBareItem value)
    {
        for (var i = 0; i < Count; i++)
        {
            if (string.Equals(this[i].Key, key, StringComparison.Ordinal))
            {
                this[i] = new(key, value);
                return;
            }
        }

        Add(new(key, value));
    }

    /// <summary>Finds a parameter by key.</summary>
    public bool TryGetValue(string key, out SfBareItem value)
    {
        foreach (var (k, v) in this)
        {
            if (string.Equals(k, key, StringComparison.Ordinal))
            {
                value = v;
                return true;
            }
        }

        value = default;
        return false;
    }
}

/// <summary>A member of a List or Dictionary: an <see cref="SfItem"/> or an <see cref="SfInnerList"/>.</summary>
public abstract class SfMember
{
    private protected SfMember(SfParameters? parameters)
    {
        Parameters = parameters ?? [];
    }

    /// <summary>The member's parameters.</summary>
    public SfParameters Parameters { get; }

    /// <summary>The canonical serialisation.</summary>
    public override string ToString() => StructuredFieldSerializer.Serialize(this);
}

/// <summary>An Item: a bare item with parameters.</summary>
public sealed class SfItem : SfMember
{
    /// <summary>Creates an item.</summary>
    public SfItem(SfBareItem value, SfParameters? parameters = null)
        : base(parameters)
    {
        Value = value;
    }

    /// <summary>The bare item.</summary>
    public SfBareItem Value { get; }
}

/// <summary>An Inner List: items in parentheses, with parameters.</summary>
public sealed class SfInnerList : SfMember
{
    /// <summary>Creates an inner list.</summary>
    public SfInnerList(IReadOnlyList<SfItem> items, SfParameters? parameters = null)
        : base(parameters)
    {
        ArgumentNullException.ThrowIfNull(items);
        Items = items;
    }

    /// <summary>The items.</summary>
    public IReadOnlyList<SfItem> Items { get; }
}

/// <summary>A Dictionary: ordered, unique keys (a repeated key overwrote the earlier value in place).</summary>
public sealed class SfDictionary : List<KeyValuePair<string, SfMember>>
{
    /// <summary>Sets <paramref name="key"/>, keeping the position of an earlier occurrence.</summary>
    public void Set(string key, SfMember value)
    {
        for (var i = 0; i < Count; i++)
        {
            if (string.Equals(this[i].Key, key, StringComparison.Ordinal))
            {
                this[i] = new(key, value);
                return;
            }
        }

        Add(new(key, value));
    }

    /// <summary>Finds a member by key.</summary>
    public bool TryGetValue(string key, out SfMember? value)
    {
        foreach (var (k, v) in this)
        {
            if (string.Equals(k, key, StringComparison.Ordinal))
            {
                value = v;
                return true;
            }
        }

        value = null;
        return false;
    }

    /// <summary>The canonical serialisation.</summary>
    public override string ToString() => StructuredFieldSerializer.Serialize(this);
}

/// <summary>Strict RFC 8941 parsing of field values into <see cref="SfItem"/>, lists and <see cref="SfDictionary"/>.</summary>
public static class StructuredFieldParser
{
    /// <summary>Parses an Item field value. Returns false when the value is not a valid Item.</summary>
    public static bool TryParseItem(ReadOnlySpan<char> value, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SfItem? item)
    {
        item = null;
        var reader = new SfReader(value);
        reader.Begin();
        try
        {
            if (!TryItem(ref reader, out var parsed) || !reader.TryEnd())
            {
                return false;
            }

            item = parsed;
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>Parses a List field value (an empty value is an empty list). Returns false when the value is not a valid List.</summary>
    public static bool TryParseList(ReadOnlySpan<char> value, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out List<SfMember>? list)
    {
        list = null;
        var reader = new SfReader(value);
        reader.Begin();
        var result = new List<SfMember>();
        try
        {
            if (!reader.IsEnd)
            {
                while (true)
                {
                    if (!TryMember(ref reader, out var member))
                    {
                        return false;
                    }

                    result.Add(member);
                    if (!reader.TryMemberSeparator(out var done))
                    {
                        return false;
                    }

                    if (done)
                    {
                        break;
                    }
                }
            }
        }
        catch (FormatException)
        {
            return false;
        }

        list = result;
        return true;
    }

    /// <summary>Parses a Dictionary field value (an empty value is an empty dictionary). Returns false when it is not a valid Dictionary.</summary>
    public static bool TryParseDictionary(ReadOnlySpan<char> value, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SfDictionary? dictionary)
    {
        dictionary = null;
        var reader = new SfReader(value);
        reader.Begin();
        var result = new SfDictionary();
        try
        {
            if (!reader.IsEnd)
            {
                while (true)
                {
                    if (!reader.TryReadKey(out var keyStart, out var keyLength))
                    {
                        return false;
                    }

                    var key = value.Slice(keyStart, keyLength).ToString();
                    SfMember member;
                    if (reader.TryConsume('='))
                    {
                        if (!TryMember(ref reader, out var m))
                        {
                            return false;
                        }

                        member = m;
                    }
                    else
                    {
                        if (!TryParameters(ref reader, out var parameters))
                        {
                            return false;
                        }

                        member = new SfItem(SfBareItem.FromBoolean(true), parameters);
                    }

                    result.Set(key, member);
                    if (!reader.TryMemberSeparator(out var done))
                    {
                        return false;
                    }

                    if (done)
                    {
                        break;
                    }
                }
            }
        }
        catch (FormatException)
        {
            return false;
        }

        dictionary = result;
        return true;
    }

    private static bool TryMember(ref SfReader reader, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SfMember? member)
    {
        member = null;
        if (reader.Peek == '(')
        {
            reader.Advance();
            var items = new List<SfItem>();
            while (true)
            {
                reader.SkipSP();
                if (reader.TryConsume(')'))
                {
                    if (!TryParameters(ref reader, out var listParameters))
                    {
                        return false;
                    }

                    member = new SfInnerList(items, listParameters);
                    return true;
                }

                if (!TryItem(ref reader, out var item))
                {
                    return false;
                }

                items.Add(item);
                if (reader.Peek is not (' ' or ')'))
                {
                    return false;
                }
            }
        }

        if (!TryItem(ref reader, out var single))
        {
            return false;
        }

        member = single;
        return true;
    }

    private static bool TryItem(ref SfReader reader, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SfItem? item)
    {
        item = null;
        if (!reader.TryReadBareItem(out var raw))
        {
            return false;
        }

        var bare = SfBareItem.FromRaw(raw, reader.Source);
        if (!TryParameters(ref reader, out var parameters))
        {
            return false;
        }

        item = new SfItem(bare, parameters);
        return true;
    }

    private static bool TryParameters(ref SfReader reader, out SfParameters? parameters)
    {
        parameters = null;
        while (reader.Peek == ';')
        {
            if (!reader.TryReadParameter(out var keyStart, out var keyLength, out var raw))
            {
                return false;
            }

            parameters ??= [];
            parameters.Set(reader.Source.Slice(keyStart, keyLength).ToString(), SfBareItem.FromRaw(raw, reader.Source));
        }

        return true;
    }
}

/// <summary>Canonical RFC 8941 §4.1 serialisation.</summary>
public static class StructuredFieldSerializer
{
    /// <summary>Serialises a List; throws <see cref="FormatException"/> when a value cannot be serialised.</summary>
    public static string Serialize(IReadOnlyList<SfMember> list)
    {
        ArgumentNullException.ThrowIfNull(list);
        var sb = new System.Text.StringBuilder();
        for (var i = 0; i < list.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(", ");
            }

            Write(sb, list[i]);
        }

        return sb.ToString();
    }

    /// <summary>Serialises a Dictionary; throws <see cref="FormatException"/> when a value cannot be serialised.</summary>
    public static string Serialize(SfDictionary dictionary)
    {
        ArgumentNullException.ThrowIfNull(dictionary);
        var sb = new System.Text.StringBuilder();
        for (var i = 0; i < dictionary.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(", ");
            }

            var (key, member) = dictionary[i];
            WriteKey(sb, key);
            if (member is SfItem { Value.Kind: SfKind.Boolean } item && item.Value.Boolean)
            {
                WriteParameters(sb, item.Parameters);
            }
            else
            {
                sb.Append('=');
                Write(sb, member);
            }
        }

        return sb.ToString();
    }

    /// <summary>Serialises an Item or Inner List.</summary>
    public static string Serialize(SfMember member)
    {
        ArgumentNullException.ThrowIfNull(member);
        var sb = new System.Text.StringBuilder();
        Write(sb, member);
        return sb.ToString();
    }

    /// <summary>Serialises a bare item.</summary>
    public static string Serialize(SfBareItem item)
    {
        var sb = new System.Text.StringBuilder();
        WriteBareItem(sb, item);
        return sb.ToString();
    }

    internal static void Write(System.Text.StringBuilder sb, SfMember member)
    {
        if (member is SfInnerList inner)
        {
            sb.Append('(');
            for (var i = 0; i < inner.Items.Count; i++)
            {
                if (i > 0)
                {
                    sb.Append(' ');
                }

                WriteBareItem(sb, inner.Items[i].Value);
                WriteParameters(sb, inner.Items[i].Parameters);
            }

            sb.Append(')');
        }
        else
        {
            WriteBareItem(sb, ((SfItem)member).Value);
        }

        WriteParameters(sb, member.Parameters);
    }

    internal static void WriteParameters(System.Text.StringBuilder sb, SfParameters parameters)
    {
        foreach (var (key, value) in parameters)
        {
            sb.Append(';');
            WriteKey(sb, key);
            if (value.Kind != SfKind.Boolean || !value.Boolean)
            {
                sb.Append('=');
                WriteBareItem(sb, value);
            }
        }
    }

    internal static void WriteKey(System.Text.StringBuilder sb, string key)
    {
        if (key.Length == 0 || !(key[0] is (>= 'a' and <= 'z') or '*'))
        {
            throw new FormatException("Invalid key.");
        }

        foreach (var c in key)
        {
            if (!SfReader.IsKeyChar(c))
            {
                throw new FormatException("Invalid key.");
            }
        }

        sb.Append(key);
    }

    internal static void WriteBareItem(System.Text.StringBuilder sb, SfBareItem item)
    {
        switch (item.Kind)
        {
            case SfKind.Integer:
                var integer = item.Integer;
                if (integer is < -999_999_999_999_999 or > 999_999_999_999_999)
                {
                    throw new FormatException("Integer out of range.");
                }

                sb.Append(integer.ToString(CultureInfo.InvariantCulture));
                break;
            case SfKind.Decimal:
                var rounded = Math.Round(item.Decimal, 3, MidpointRounding.ToEven);
                if (Math.Abs(decimal.Truncate(rounded)) > 999_999_999_999m)
                {
                    throw new FormatException("Decimal out of range.");
                }

                var text = rounded.ToString("0.0##", CultureInfo.InvariantCulture);
                sb.Append(text);
                break;
            case SfKind.String:
                sb.Append('"');
                foreach (var c in item.Text)
                {
                    if (c is < (char)0x20 or > (char)0x7E)
                    {
                        throw new FormatException("Invalid string character.");
                    }

                    if (c is '"' or '\\')
                    {
                        sb.Append('\\');
                    }

                    sb.Append(c);
                }

                sb.Append('"');
                break;
            case SfKind.Token:
                var token = item.Text;
                if (token.Length == 0 || !(token[0] is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or '*'))
                {
                    throw new FormatException("Invalid token.");
                }

                foreach (var c in token)
                {
                    if (!SfReader.IsTChar(c) && c is not (':' or '/'))
                    {
                        throw new FormatException("Invalid token.");
                    }
                }

                sb.Append(token);
                break;
            case SfKind.ByteSequence:
                sb.Append(':').Append(Convert.ToBase64String(item.Bytes.Span)).Append(':');
                break;
            default:
                sb.Append(item.Boolean ? "?1" : "?0");
                break;
        }
    }
}
