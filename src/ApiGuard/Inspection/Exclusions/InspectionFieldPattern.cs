using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using ApiGuard.Inspection.Body;

namespace ApiGuard.Inspection.Exclusions;

/// <summary>The kinds of request field the middleware inspects; the prefix of a location (<c>query:q</c>).</summary>
internal enum InspectionFieldKind
{
    Path = 0,
    Query = 1,
    Header = 2,
    Form = 3,
    Json = 4,
    Body = 5,
}

/// <summary>One segment of a JSON path pattern.</summary>
internal readonly struct JsonPathPatternSegment
{
    public JsonPathPatternSegment(byte[]? name, int index)
    {
        Name = name;
        Index = index;
    }

    /// <summary>The property name (UTF-8), or <see langword="null"/> for an index segment or <c>*</c>.</summary>
    public byte[]? Name { get; }

    /// <summary>For index segments: the index, or -1 for <c>[*]</c>. For property segments: -2 (named) or -3 (any property <c>*</c>).</summary>
    public int Index { get; }

    public bool IsIndex => Index >= -1;

    public static JsonPathPatternSegment Property(byte[] name) => new(name, -2);

    public static JsonPathPatternSegment AnyProperty => new(null, -3);

    public static JsonPathPatternSegment AtIndex(int index) => new(null, index);

    public static JsonPathPatternSegment AnyIndex => new(null, -1);
}

/// <summary>A parsed field selector such as <c>query:q</c>, <c>header:X-Foo</c> or <c>json:$.items[*].note</c>.</summary>
internal sealed class InspectionFieldPattern
{
    private InspectionFieldPattern(InspectionFieldKind kind, string? name, int pathIndex, JsonPathPatternSegment[]? json)
    {
        Kind = kind;
        Name = name;
        NameUtf8 = name is null ? null : Encoding.UTF8.GetBytes(name);
        PathIndex = pathIndex;
        JsonSegments = json;
    }

    public InspectionFieldKind Kind { get; }

    /// <summary>The field name; <see langword="null"/> for <c>*</c> (every field of the kind).</summary>
    public string? Name { get; }

    public byte[]? NameUtf8 { get; }

    /// <summary>For <c>path:N</c>: N; -1 for <c>path:*</c>.</summary>
    public int PathIndex { get; }

    /// <summary>For JSON patterns: the segments after <c>$</c>; empty for every JSON field.</summary>
    public JsonPathPatternSegment[]? JsonSegments { get; }

    /// <summary>Parses a selector; on failure <paramref name="error"/> says what is wrong.</summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out InspectionFieldPattern? pattern, [NotNullWhen(false)] out string? error)
    {
        pattern = null;
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == text.Length - 1)
        {
            error = "a field has the form 'kind:name' with kind path, query, header, form, json or body (for example 'query:q' or 'json:$.items[*].note')";
            return false;
        }

        var kindText = text.AsSpan(0, colon);
        var name = text[(colon + 1)..];
        InspectionFieldKind kind;
        if (kindText.Equals("path", StringComparison.OrdinalIgnoreCase))
        {
            kind = InspectionFieldKind.Path;
        }
        else if (kindText.Equals("query", StringComparison.OrdinalIgnoreCase))
        {
            kind = InspectionFieldKind.Query;
        }
        else if (kindText.Equals("header", StringComparison.OrdinalIgnoreCase))
        {
            kind = InspectionFieldKind.Header;
        }
        else if (kindText.Equals("form", StringComparison.OrdinalIgnoreCase))
        {
            kind = InspectionFieldKind.Form;
        }
        else if (kindText.Equals("json", StringComparison.OrdinalIgnoreCase))
        {
            kind = InspectionFieldKind.Json;
        }
        else if (kindText.Equals("body", StringComparison.OrdinalIgnoreCase))
        {
            kind = InspectionFieldKind.Body;
        }
        else
        {
            error = $"the kind '{kindText}' is unknown; allowed kinds are path, query, header, form, json and body";
            return false;
        }

        switch (kind)
        {
            case InspectionFieldKind.Path:
                if (name == "*")
                {
                    pattern = new InspectionFieldPattern(kind, null, -1, null);
                    error = null;
                    return true;
                }

                if (!int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var index) || index > 1000)
                {
                    error = "a path field is 'path:N' with N the 0-based segment index, or 'path:*'";
                    return false;
                }

                pattern = new InspectionFieldPattern(kind, null, index, null);
                error = null;
                return true;
            case InspectionFieldKind.Json:
                if (!TryParseJsonPath(name, out var segments, out error))
                {
                    return false;
                }

                pattern = new InspectionFieldPattern(kind, null, -1, segments);
                return true;
            case InspectionFieldKind.Body:
                if (name is not ("*" or "xml" or "text"))
                {
                    error = "a body field is 'body:xml', 'body:text' or 'body:*'";
                    return false;
                }

                break;
        }

        pattern = new InspectionFieldPattern(kind, name == "*" ? null : name, -1, null);
        error = null;
        return true;
    }

    private static bool TryParseJsonPath(string path, [NotNullWhen(true)] out JsonPathPatternSegment[]? segments, [NotNullWhen(false)] out string? error)
    {
        segments = null;
        if (path == "*")
        {
            segments = [];
            error = null;
            return true;
        }

        if (path.Length == 0 || path[0] != '$')
        {
            error = "a JSON path starts with '$' (for example '$.user.name' or '$.items[*].note')";
            return false;
        }

        var list = new List<JsonPathPatternSegment>();
        var i = 1;
        while (i < path.Length)
        {
            var c = path[i];
            if (c == '.')
            {
                var start = ++i;
                while (i < path.Length && path[i] != '.' && path[i] != '[')
                {
                    i++;
                }

                if (i == start)
                {
                    error = $"the JSON path '{path}' has an empty property name";
                    return false;
                }

                var name = path[start..i];
                list.Add(name == "*" ? JsonPathPatternSegment.AnyProperty : JsonPathPatternSegment.Property(Encoding.UTF8.GetBytes(name)));
            }
            else if (c == '[')
            {
                var close = path.IndexOf(']', i);
                if (close < 0)
                {
                    error = $"the JSON path '{path}' has an unclosed '['";
                    return false;
                }

                var inner = path.AsSpan(i + 1, close - i - 1);
                if (inner is "*")
                {
                    list.Add(JsonPathPatternSegment.AnyIndex);
                }
                else if (inner.Length >= 2 && (inner[0] == '\'' || inner[0] == '"') && inner[^1] == inner[0])
                {
                    list.Add(JsonPathPatternSegment.Property(Encoding.UTF8.GetBytes(inner[1..^1].ToString())));
                }
                else if (int.TryParse(inner, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                {
                    list.Add(JsonPathPatternSegment.AtIndex(index));
                }
                else
                {
                    error = $"the JSON path '{path}' has '[{inner}]'; use [N], [*] or ['name']";
                    return false;
                }

                i = close + 1;
            }
            else
            {
                error = $"the JSON path '{path}' has an unexpected '{c}' at {i}; use '.name', '[N]', '[*]' or ['name']";
                return false;
            }
        }

        segments = [.. list];
        error = null;
        return true;
    }

    /// <summary>Whether the pattern selects <paramref name="field"/>.</summary>
    public bool Matches(in InspectionField field)
    {
        if (field.Kind != Kind)
        {
            return false;
        }

        switch (Kind)
        {
            case InspectionFieldKind.Path:
                return PathIndex < 0 || PathIndex == field.Index;
            case InspectionFieldKind.Json:
                return field.Json is { } tracker && tracker.Matches(JsonSegments!);
            default:
                if (NameUtf8 is null)
                {
                    return true;
                }

                if (!field.NameUtf8.IsEmpty || field.NameChars.IsEmpty)
                {
                    return Ascii.EqualsIgnoreCase(field.NameUtf8, NameUtf8) || field.NameUtf8.SequenceEqual(NameUtf8);
                }

                return field.NameChars.Equals(Name, StringComparison.OrdinalIgnoreCase);
        }
    }
}

/// <summary>A field being inspected: its kind and name (or JSON path), without allocating.</summary>
internal readonly ref struct InspectionField
{
    public InspectionField(InspectionFieldKind kind, ReadOnlySpan<char> nameChars, ReadOnlySpan<byte> nameUtf8 = default, int index = -1, JsonPathTracker? json = null)
    {
        Kind = kind;
        NameChars = nameChars;
        NameUtf8 = nameUtf8;
        Index = index;
        Json = json;
    }

    public InspectionFieldKind Kind { get; }

    public ReadOnlySpan<char> NameChars { get; }

    public ReadOnlySpan<byte> NameUtf8 { get; }

    public int Index { get; }

    public JsonPathTracker? Json { get; }

    public static InspectionField ForPath(int index) => new(InspectionFieldKind.Path, default, default, index);

    public static InspectionField ForJson(JsonPathTracker tracker) => new(InspectionFieldKind.Json, default, default, -1, tracker);

    /// <summary>The location string (<c>query:q</c>, <c>json:$.user.name</c>); allocates, so only called for findings.</summary>
    public string ToLocation() => Kind switch
    {
        InspectionFieldKind.Path => string.Create(CultureInfo.InvariantCulture, $"path:{Index}"),
        InspectionFieldKind.Json => "json:" + (Json?.ToPathString() ?? "$"),
        _ => Prefix(Kind) + DisplayName(),
    };

    /// <summary>The field's own name (for JSON, the last property name), used to decide whether an excerpt is a secret.</summary>
    public string DisplayName() => Kind switch
    {
        InspectionFieldKind.Path => Index.ToString(CultureInfo.InvariantCulture),
        InspectionFieldKind.Json => Json?.LastPropertyName() ?? string.Empty,
        _ => NameChars.IsEmpty && !NameUtf8.IsEmpty ? Encoding.UTF8.GetString(NameUtf8) : NameChars.ToString(),
    };

    private static string Prefix(InspectionFieldKind kind) => kind switch
    {
        InspectionFieldKind.Query => "query:",
        InspectionFieldKind.Header => "header:",
        InspectionFieldKind.Form => "form:",
        _ => "body:",
    };
}
