using System.Globalization;
using System.Text;
using ApiGuard.Client.Signatures.StructuredFields;
using Microsoft.Extensions.Primitives;

namespace ApiGuard.Client.Signatures;

/// <summary>
/// Builds the RFC 9421 §2.5 signature base for a parsed <c>Signature-Input</c> member: one line per covered component,
/// then the <c>@signature-params</c> line rebuilt from the parsed value (never copied). Allocation-free for plain fields
/// and derived components; <c>sf</c>, <c>key</c> and <c>@query-param</c> allocate small temporaries.
/// </summary>
internal static class SignatureBaseBuilder
{
    private const string MissingRequest = "A component with the req parameter needs the related request.";

    /// <summary>Builds the base; on failure returns false with the failed check (a <see cref="SignatureChecks"/> name) and a log-safe reason.</summary>
    public static bool TryBuild(HttpMessageComponents message, SignatureInputMember input, ref PooledByteBuffer output, out string? check, out string? reason)
    {
        check = null;
        reason = null;
        var components = input.Components;
        for (var i = 0; i < components.Length; i++)
        {
            ref readonly var component = ref components[i];
            var name = input.ComponentName(component);
            if (component.NameHasEscapes || name.IsEmpty)
            {
                return Fail(SignatureChecks.Malformed, "A component name is invalid.", out check, out reason);
            }

            for (var j = 0; j < i; j++)
            {
                if (SameIdentifier(input, component, components[j]))
                {
                    return Fail(SignatureChecks.Malformed, "A component identifier is covered twice.", out check, out reason);
                }
            }

            WriteIdentifier(ref output, input, component);
            output.Write(": "u8);

            var target = message;
            if ((component.Flags & ComponentFlags.Req) != 0)
            {
                if (message.IsRequest || message.RelatedRequest is null)
                {
                    return Fail(SignatureChecks.Malformed, MissingRequest, out check, out reason);
                }

                target = message.RelatedRequest;
            }

            var ok = name[0] == '@'
                ? TryWriteDerived(ref output, target, input, component, name, out check, out reason)
                : TryWriteField(ref output, target, input, component, name, out check, out reason);
            if (!ok)
            {
                return false;
            }

            output.Write((byte)'\n');
        }

        output.Write("\"@signature-params\": "u8);
        WriteSignatureParams(ref output, input);
        return true;
    }

    /// <summary>Writes the serialised inner list with its parameters (the <c>@signature-params</c> value and the Signature-Input member value).</summary>
    public static void WriteSignatureParams(ref PooledByteBuffer output, SignatureInputMember input)
    {
        output.Write((byte)'(');
        var components = input.Components;
        for (var i = 0; i < components.Length; i++)
        {
            if (i > 0)
            {
                output.Write((byte)' ');
            }

            WriteIdentifier(ref output, input, components[i]);
        }

        output.Write((byte)')');
        WriteParameters(ref output, input.Source, input.Parameters);
    }

    private static bool Fail(string check, string reason, out string? checkOut, out string? reasonOut)
    {
        checkOut = check;
        reasonOut = reason;
        return false;
    }

    private static bool SameIdentifier(SignatureInputMember input, in CoveredComponent a, in CoveredComponent b)
    {
        if (!input.ComponentName(a).SequenceEqual(input.ComponentName(b)) || a.ParamCount != b.ParamCount)
        {
            return false;
        }

        var pa = input.ComponentParameters(a);
        var pb = input.ComponentParameters(b);
        var source = input.Source.AsSpan();
        for (var i = 0; i < pa.Length; i++)
        {
            if (!source.Slice(pa[i].KeyStart, pa[i].KeyLength).SequenceEqual(source.Slice(pb[i].KeyStart, pb[i].KeyLength)) ||
                pa[i].Value.Kind != pb[i].Value.Kind || pa[i].Value.Boolean != pb[i].Value.Boolean ||
                !pa[i].Value.Text(source).SequenceEqual(pb[i].Value.Text(source)))
            {
                return false;
            }
        }

        return true;
    }

    private static void WriteIdentifier(ref PooledByteBuffer output, SignatureInputMember input, in CoveredComponent component)
    {
        output.Write((byte)'"');
        output.Write(input.ComponentName(component));
        output.Write((byte)'"');
        WriteParameters(ref output, input.Source, input.ComponentParameters(component));
    }

    private static void WriteParameters(ref PooledByteBuffer output, string source, ReadOnlySpan<SfRawParameter> parameters)
    {
        foreach (ref readonly var parameter in parameters)
        {
            output.Write((byte)';');
            output.Write(source.AsSpan(parameter.KeyStart, parameter.KeyLength));
            var value = parameter.Value;
            if (value.Kind == SfKind.Boolean && value.Boolean)
            {
                continue;
            }

            output.Write((byte)'=');
            switch (value.Kind)
            {
                case SfKind.Integer:
                    output.Write(value.Integer);
                    break;
                case SfKind.Decimal:
                    output.Write(Math.Round(value.Decimal, 3, MidpointRounding.ToEven).ToString("0.0##", CultureInfo.InvariantCulture));
                    break;
                case SfKind.String:
                    output.Write((byte)'"');
                    output.Write(value.Text(source));
                    output.Write((byte)'"');
                    break;
                case SfKind.Token:
                    output.Write(value.Text(source));
                    break;
                case SfKind.ByteSequence:
                    output.Write((byte)':');
                    output.Write(value.Text(source));
                    output.Write((byte)':');
                    break;
                default:
                    output.Write("?0"u8);
                    break;
            }
        }
    }

    private static bool TryWriteDerived(
        ref PooledByteBuffer output, HttpMessageComponents message, SignatureInputMember input, in CoveredComponent component,
        ReadOnlySpan<char> name, out string? check, out string? reason)
    {
        check = null;
        reason = null;
        var allowed = name.SequenceEqual("@query-param") ? ComponentFlags.Req | ComponentFlags.Name : ComponentFlags.Req;
        if ((component.Flags & ~allowed) != 0)
        {
            return Fail(SignatureChecks.Malformed, "A derived component has a parameter that does not apply to it.", out check, out reason);
        }

        if (name.SequenceEqual("@status"))
        {
            if (message.IsRequest)
            {
                return Fail(SignatureChecks.Malformed, "@status applies to responses only.", out check, out reason);
            }

            output.Write(message.StatusCode);
            return true;
        }

        if (!message.IsRequest)
        {
            return Fail(SignatureChecks.Malformed, "A request component was used on a response without req.", out check, out reason);
        }

        var target = message.RequestTarget.AsSpan();
        switch (name)
        {
            case "@method":
                output.Write(message.Method.AsSpan());
                return true;
            case "@authority":
                WriteAuthority(ref output, message, target);
                return true;
            case "@scheme":
                WriteLower(ref output, SchemeOf(message, target));
                return true;
            case "@request-target":
                output.Write(target);
                return true;
            case "@target-uri":
                if (IsAbsoluteForm(target))
                {
                    output.Write(target);
                    return true;
                }

                WriteLower(ref output, SchemeOf(message, target));
                output.Write("://"u8);
                WriteAuthority(ref output, message, target);
                SplitTarget(target, out var p, out var q, out var hasQuery);
                output.Write(p.IsEmpty ? "/" : p);
                if (hasQuery)
                {
                    output.Write((byte)'?');
                    output.Write(q);
                }

                return true;
            case "@path":
                SplitTarget(target, out var path, out _, out _);
                output.Write(path.IsEmpty ? "/" : path);
                return true;
            case "@query":
                SplitTarget(target, out _, out var query, out _);
                output.Write((byte)'?');
                output.Write(query);
                return true;
            case "@query-param":
                if ((component.Flags & ComponentFlags.Name) == 0)
                {
                    return Fail(SignatureChecks.Malformed, "@query-param needs a name parameter.", out check, out reason);
                }

                SplitTarget(target, out _, out var queryText, out _);
                return TryWriteQueryParam(ref output, queryText, component.NameParam.GetString(input.Source), out check, out reason);
            default:
                return Fail(SignatureChecks.Malformed, "Unknown derived component.", out check, out reason);
        }
    }

    private static ReadOnlySpan<char> SchemeOf(HttpMessageComponents message, ReadOnlySpan<char> target)
    {
        if (IsAbsoluteForm(target))
        {
            return target[..target.IndexOf(':')];
        }

        return message.Scheme.AsSpan();
    }

    private static bool IsAbsoluteForm(ReadOnlySpan<char> target) =>
        target.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || target.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    /// <summary>Splits the request target into path and query (without '?'), for origin- and absolute-form.</summary>
    private static void SplitTarget(ReadOnlySpan<char> target, out ReadOnlySpan<char> path, out ReadOnlySpan<char> query, out bool hasQuery)
    {
        if (IsAbsoluteForm(target))
        {
            var afterScheme = target.IndexOf("://", StringComparison.Ordinal) + 3;
            var rest = target[afterScheme..];
            var end = rest.IndexOfAny('/', '?', '#');
            target = end < 0 ? [] : rest[end..];
        }

        var fragment = target.IndexOf('#');
        if (fragment >= 0)
        {
            target = target[..fragment];
        }

        var q = target.IndexOf('?');
        if (q < 0)
        {
            path = target;
            query = [];
            hasQuery = false;
        }
        else
        {
            path = target[..q];
            query = target[(q + 1)..];
            hasQuery = true;
        }
    }

    private static void WriteAuthority(ref PooledByteBuffer output, HttpMessageComponents message, ReadOnlySpan<char> target)
    {
        ReadOnlySpan<char> authority;
        if (IsAbsoluteForm(target))
        {
            var rest = target[(target.IndexOf("://", StringComparison.Ordinal) + 3)..];
            var end = rest.IndexOfAny('/', '?', '#');
            authority = end < 0 ? rest : rest[..end];
        }
        else
        {
            authority = message.Authority.AsSpan();
        }

        var scheme = SchemeOf(message, target);
        var colon = authority.LastIndexOf(':');
        if (colon >= 0 && authority.IndexOf(']') < colon)
        {
            var port = authority[(colon + 1)..];
            if ((port.SequenceEqual("443") && scheme.Equals("https", StringComparison.OrdinalIgnoreCase)) ||
                (port.SequenceEqual("80") && scheme.Equals("http", StringComparison.OrdinalIgnoreCase)) || port.IsEmpty)
            {
                authority = authority[..colon];
            }
        }

        WriteLower(ref output, authority);
    }

    private static void WriteLower(ref PooledByteBuffer output, ReadOnlySpan<char> text)
    {
        Span<char> buffer = stackalloc char[256];
        while (!text.IsEmpty)
        {
            var chunk = text.Length > buffer.Length ? text[..buffer.Length] : text;
            var n = chunk.ToLowerInvariant(buffer);
            output.Write(buffer[..n]);
            text = text[chunk.Length..];
        }
    }

    private static bool TryWriteQueryParam(ref PooledByteBuffer output, ReadOnlySpan<char> query, string wantedName, out string? check, out string? reason)
    {
        check = null;
        reason = null;
        var found = 0;
        var valueStart = 0;
        var valueLength = 0;
        var scratch = new PooledByteBuffer(128);
        try
        {
            var rest = query;
            var offset = 0;
            while (true)
            {
                var amp = rest.IndexOf('&');
                var pair = amp < 0 ? rest : rest[..amp];
                if (!pair.IsEmpty)
                {
                    var eq = pair.IndexOf('=');
                    var rawName = eq < 0 ? pair : pair[..eq];
                    scratch.Clear();
                    FormReencode(ref scratch, rawName);
                    if (Encoding.ASCII.GetString(scratch.WrittenSpan) == wantedName)
                    {
                        found++;
                        valueStart = eq < 0 ? offset + pair.Length : offset + eq + 1;
                        valueLength = eq < 0 ? 0 : pair.Length - eq - 1;
                    }
                }

                if (amp < 0)
                {
                    break;
                }

                offset += amp + 1;
                rest = rest[(amp + 1)..];
            }
        }
        finally
        {
            scratch.Dispose();
        }

        if (found == 0)
        {
            return Fail(SignatureChecks.MissingComponent, "A covered query parameter is absent.", out check, out reason);
        }

        if (found > 1)
        {
            return Fail(SignatureChecks.Malformed, "A covered query parameter occurs more than once.", out check, out reason);
        }

        FormReencode(ref output, query.Slice(valueStart, valueLength));
        return true;
    }

    /// <summary>
    /// application/x-www-form-urlencoded decoding ('+' is space, %XX octets) followed by percent-encoding of every octet
    /// outside ALPHA / DIGIT / "*" / "-" / "." / "_" (space becomes %20), as RFC 9421 §2.2.8 requires.
    /// </summary>
    private static void FormReencode(ref PooledByteBuffer output, ReadOnlySpan<char> text)
    {
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            int b;
            if (c == '+')
            {
                b = ' ';
            }
            else if (c == '%' && i + 2 < text.Length && IsHex(text[i + 1]) && IsHex(text[i + 2]))
            {
                b = (HexValue(text[i + 1]) << 4) | HexValue(text[i + 2]);
                i += 2;
            }
            else if (c < 0x80)
            {
                b = c;
            }
            else
            {
                var n = Encoding.UTF8.GetBytes(text.Slice(i, char.IsHighSurrogate(c) && i + 1 < text.Length ? 2 : 1), utf8);
                if (char.IsHighSurrogate(c))
                {
                    i++;
                }

                foreach (var u in utf8[..n])
                {
                    WritePercent(ref output, u);
                }

                continue;
            }

            if (b is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '*' or '-' or '.' or '_')
            {
                output.Write((byte)b);
            }
            else
            {
                WritePercent(ref output, (byte)b);
            }
        }
    }

    private static void WritePercent(ref PooledByteBuffer output, byte b)
    {
        const string Hex = "0123456789ABCDEF";
        output.Write((byte)'%');
        output.Write((byte)Hex[b >> 4]);
        output.Write((byte)Hex[b & 0xF]);
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;

    private static bool TryWriteField(
        ref PooledByteBuffer output, HttpMessageComponents message, SignatureInputMember input, in CoveredComponent component,
        ReadOnlySpan<char> name, out string? check, out string? reason)
    {
        check = null;
        reason = null;
        if ((component.Flags & ComponentFlags.Name) != 0 ||
            ((component.Flags & ComponentFlags.Bs) != 0 && (component.Flags & (ComponentFlags.Sf | ComponentFlags.Key)) != 0))
        {
            return Fail(SignatureChecks.Malformed, "A field component has parameters that do not go together.", out check, out reason);
        }

        foreach (var c in name)
        {
            if (!(c is (>= 'a' and <= 'z') or (>= '0' and <= '9') || (SfReader.IsTChar(c) && c is not (>= 'A' and <= 'Z'))))
            {
                return Fail(SignatureChecks.Malformed, "A field component name is not a lowercase field name.", out check, out reason);
            }
        }

        var fieldName = KnownFieldNames.Get(name);
        var present = (component.Flags & ComponentFlags.Tr) != 0
            ? message.TryGetTrailer(fieldName, out var lines)
            : message.TryGetField(fieldName, out lines);
        if (!present || lines.Count == 0)
        {
            return Fail(SignatureChecks.MissingComponent, "A covered field is absent from the message.", out check, out reason);
        }

        if ((component.Flags & ComponentFlags.Bs) != 0)
        {
            for (var i = 0; i < lines.Count; i++)
            {
                if (i > 0)
                {
                    output.Write(", "u8);
                }

                var line = Canonicalize(lines[i]);
                var bytes = Encoding.UTF8.GetBytes(line);
                output.Write((byte)':');
                output.WriteBase64(bytes);
                output.Write((byte)':');
            }

            return true;
        }

        if ((component.Flags & (ComponentFlags.Sf | ComponentFlags.Key)) != 0)
        {
            var combined = new StringBuilder();
            for (var i = 0; i < lines.Count; i++)
            {
                if (i > 0)
                {
                    combined.Append(", ");
                }

                combined.Append(Canonicalize(lines[i]));
            }

            var text = combined.ToString();
            string serialized;
            if ((component.Flags & ComponentFlags.Key) != 0)
            {
                if (!StructuredFieldParser.TryParseDictionary(text, out var dictionary))
                {
                    return Fail(SignatureChecks.Malformed, "A field covered with key is not a Dictionary.", out check, out reason);
                }

                if (!dictionary.TryGetValue(component.KeyParam.GetString(input.Source), out var member) || member is null)
                {
                    return Fail(SignatureChecks.MissingComponent, "A covered Dictionary key is absent.", out check, out reason);
                }

                serialized = StructuredFieldSerializer.Serialize(member);
            }
            else if (!TrySerializeStrict(fieldName, text, out serialized))
            {
                return Fail(SignatureChecks.Malformed, "A field covered with sf is not a valid structured field.", out check, out reason);
            }

            output.Write(serialized);
            return true;
        }

        for (var i = 0; i < lines.Count; i++)
        {
            if (i > 0)
            {
                output.Write(", "u8);
            }

            WriteCanonical(ref output, lines[i].AsSpan());
        }

        return true;
    }

    private static bool TrySerializeStrict(string fieldName, string text, out string serialized)
    {
        serialized = string.Empty;
        try
        {
            switch (KnownFieldNames.TypeOf(fieldName))
            {
                case 'd':
                    if (StructuredFieldParser.TryParseDictionary(text, out var d))
                    {
                        serialized = StructuredFieldSerializer.Serialize(d);
                        return true;
                    }

                    return false;
                case 'l':
                    if (StructuredFieldParser.TryParseList(text, out var l))
                    {
                        serialized = StructuredFieldSerializer.Serialize(l);
                        return true;
                    }

                    return false;
                case 'i':
                    if (StructuredFieldParser.TryParseItem(text, out var item))
                    {
                        serialized = StructuredFieldSerializer.Serialize(item);
                        return true;
                    }

                    return false;
                default:
                    // Unknown type: a Dictionary if it parses as one, else a List (an Item serialises as a one-member List).
                    if (StructuredFieldParser.TryParseDictionary(text, out var dict))
                    {
                        serialized = StructuredFieldSerializer.Serialize(dict);
                        return true;
                    }

                    if (StructuredFieldParser.TryParseList(text, out var list))
                    {
                        serialized = StructuredFieldSerializer.Serialize(list);
                        return true;
                    }

                    return false;
            }
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static string Canonicalize(string? line)
    {
        var buffer = new PooledByteBuffer(64);
        try
        {
            WriteCanonical(ref buffer, line.AsSpan());
            return Encoding.UTF8.GetString(buffer.WrittenSpan);
        }
        finally
        {
            buffer.Dispose();
        }
    }

    /// <summary>Trims OWS and replaces obsolete line folding with a single space (RFC 9421 §2.1).</summary>
    private static void WriteCanonical(ref PooledByteBuffer output, ReadOnlySpan<char> line)
    {
        line = line.Trim(" \t\r\n");
        var fold = line.IndexOfAny('\r', '\n');
        if (fold < 0)
        {
            output.Write(line);
            return;
        }

        while (fold >= 0)
        {
            output.Write(line[..fold].TrimEnd(" \t"));
            output.Write((byte)' ');
            line = line[fold..].TrimStart(" \t\r\n");
            fold = line.IndexOfAny('\r', '\n');
        }

        output.Write(line);
    }
}

/// <summary>Interned lowercase field names, so covering common fields allocates nothing, and the structured type of known fields.</summary>
internal static class KnownFieldNames
{
    private static readonly string[] s_names =
    [
        "content-digest", "content-type", "content-length", "date", "host", "authorization", "accept", "accept-language",
        "digest", "forwarded", "client-cert", "cache-control", "signature", "signature-input", "user-agent", "x-request-id",
        "repr-digest", "idempotency-key", "dpop", "origin", "referer", "etag", "if-match", "expires", "trailer",
    ];

    public static string Get(ReadOnlySpan<char> name)
    {
        foreach (var known in s_names)
        {
            if (name.SequenceEqual(known))
            {
                return known;
            }
        }

        return name.ToString();
    }

    /// <summary>'d' Dictionary, 'l' List, 'i' Item, or '\0' when unknown.</summary>
    public static char TypeOf(string name) => name switch
    {
        "signature" or "signature-input" or "accept-signature" or "content-digest" or "repr-digest" or "want-content-digest"
            or "want-repr-digest" or "priority" or "cache-status" => name == "cache-status" ? 'l' : 'd',
        "proxy-status" or "client-cert-chain" => 'l',
        "client-cert" or "accept-ch-lifetime" => 'i',
        _ => '\0',
    };
}
