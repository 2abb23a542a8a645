using System.Globalization;
using System.Text.Json;
using ApiGuard.Client.Signatures.StructuredFields;

using ApiGuard.Tests.Client.Signatures;

namespace ApiGuard.Tests.Client.Signatures.StructuredFields;

/// <summary>
/// The httpwg structured-field test suite (RFC 8941 types: item, list, dictionary, inner lists and every bare-item file they
/// rely on). date.json and display-string.json are RFC 9651 additions that RFC 9421 does not use.
/// </summary>
public sealed class StructuredFieldParserTests
{
    private static readonly string[] s_rfc9651Only = ["date.json", "display-string.json"];
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, JsonElement> s_files = new();

    public static TheoryData<string, int> ParseCases()
    {
        var data = new TheoryData<string, int>();
        foreach (var file in Directory.GetFiles(SuiteDirectory(), "*.json").Select(Path.GetFileName).Order(StringComparer.Ordinal))
        {
            if (s_rfc9651Only.Contains(file))
            {
                continue;
            }

            var count = JsonDocument.Parse(File.ReadAllText(Path.Combine(SuiteDirectory(), file!))).RootElement.GetArrayLength();
            for (var i = 0; i < count; i++)
            {
                data.Add(file!, i);
            }
        }

        return data;
    }

    public static TheoryData<string, int> SerialisationCases()
    {
        var data = new TheoryData<string, int>();
        foreach (var path in Directory.GetFiles(Path.Combine(SuiteDirectory(), "serialisation-tests"), "*.json").Order(StringComparer.Ordinal))
        {
            var count = JsonDocument.Parse(File.ReadAllText(path)).RootElement.GetArrayLength();
            for (var i = 0; i < count; i++)
            {
                data.Add(Path.GetFileName(path), i);
            }
        }

        return data;
    }

    [Fact]
    public void Suite_IncludesTheTypesSignaturesUse()
    {
        var files = ParseCases().Select(row => (string)row[0]).Distinct().ToArray();
        foreach (var needed in new[] { "item.json", "list.json", "dictionary.json", "listlist.json", "param-list.json", "param-dict.json", "number.json", "string.json", "token.json", "binary.json", "boolean.json" })
        {
            Assert.Contains(needed, files);
        }
    }

    [Theory]
    [MemberData(nameof(ParseCases))]
    public void Parse_SuiteCase_MatchesExpectedAndSerialisesCanonically(string file, int index)
    {
        var test = Load(Path.Combine(SuiteDirectory(), file))[index];
        var name = test.GetProperty("name").GetString();
        var raw = string.Join(", ", test.GetProperty("raw").EnumerateArray().Select(e => e.GetString()));
        var type = test.GetProperty("header_type").GetString();
        var mustFail = test.TryGetProperty("must_fail", out var mf) && mf.GetBoolean();
        var canFail = test.TryGetProperty("can_fail", out var cf) && cf.GetBoolean();

        var parsed = Parse(type!, raw, out var actual, out var serialised);

        if (mustFail)
        {
            Assert.False(parsed, $"{file} '{name}' must fail");
            return;
        }

        if (!parsed)
        {
            Assert.True(canFail, $"{file} '{name}' failed to parse");
            return;
        }

        Assert.True(JsonEquals(test.GetProperty("expected"), actual!), $"{file} '{name}': parsed value differs");
        var canonical = test.TryGetProperty("canonical", out var c) ? string.Join(", ", c.EnumerateArray().Select(e => e.GetString())) : raw;
        Assert.Equal(canonical, serialised);
    }

    [Theory]
    [MemberData(nameof(SerialisationCases))]
    public void Serialize_SuiteCase_ProducesCanonicalOrFails(string file, int index)
    {
        var test = Load(Path.Combine(SuiteDirectory(), "serialisation-tests", file))[index];
        var type = test.GetProperty("header_type").GetString();
        var mustFail = test.TryGetProperty("must_fail", out var mf) && mf.GetBoolean();

        string? serialised;
        try
        {
            serialised = type switch
            {
                "item" => StructuredFieldSerializer.Serialize(ToItem(test.GetProperty("expected"))),
                "list" => StructuredFieldSerializer.Serialize(test.GetProperty("expected").EnumerateArray().Select(ToMember).ToList()),
                _ => StructuredFieldSerializer.Serialize(ToDictionary(test.GetProperty("expected"))),
            };
        }
        catch (FormatException)
        {
            serialised = null;
        }

        if (mustFail)
        {
            Assert.Null(serialised);
        }
        else
        {
            Assert.Equal(string.Join(", ", test.GetProperty("canonical").EnumerateArray().Select(e => e.GetString())), serialised);
        }
    }

    private static bool Parse(string type, string raw, out object? value, out string? serialised)
    {
        value = null;
        serialised = null;
        foreach (var ch in raw)
        {
            if (ch > 0x7F)
            {
                return false; // field values are ASCII bytes
            }
        }

        switch (type)
        {
            case "item":
                if (!StructuredFieldParser.TryParseItem(raw, out var item))
                {
                    return false;
                }

                value = item;
                serialised = StructuredFieldSerializer.Serialize(item);
                return true;
            case "list":
                if (!StructuredFieldParser.TryParseList(raw, out var list))
                {
                    return false;
                }

                value = list;
                serialised = StructuredFieldSerializer.Serialize(list);
                return true;
            default:
                if (!StructuredFieldParser.TryParseDictionary(raw, out var dictionary))
                {
                    return false;
                }

                value = dictionary;
                serialised = StructuredFieldSerializer.Serialize(dictionary);
                return true;
        }
    }

    private static bool JsonEquals(JsonElement expected, object actual) => actual switch
    {
        SfDictionary d => expected.GetArrayLength() == d.Count &&
            d.Select((kv, i) => expected[i][0].GetString() == kv.Key && MemberEquals(expected[i][1], kv.Value)).All(x => x),
        List<SfMember> l => expected.GetArrayLength() == l.Count && l.Select((m, i) => MemberEquals(expected[i], m)).All(x => x),
        SfMember m => MemberEquals(expected, m),
        _ => false,
    };

    internal static bool MemberEquals(JsonElement expected, SfMember member)
    {
        if (member is SfInnerList inner)
        {
            var items = expected[0];
            return items.ValueKind == JsonValueKind.Array && items.GetArrayLength() == inner.Items.Count &&
                inner.Items.Select((it, i) => MemberEquals(items[i], it)).All(x => x) && ParametersEqual(expected[1], inner.Parameters);
        }

        var item = (SfItem)member;
        return expected[0].ValueKind != JsonValueKind.Array && BareEquals(expected[0], item.Value) && ParametersEqual(expected[1], item.Parameters);
    }

    private static bool ParametersEqual(JsonElement expected, SfParameters parameters) =>
        expected.GetArrayLength() == parameters.Count &&
        parameters.Select((kv, i) => expected[i][0].GetString() == kv.Key && BareEquals(expected[i][1], kv.Value)).All(x => x);

    private static bool BareEquals(JsonElement expected, SfBareItem item) => ToBare(expected) == item;

    private static SfBareItem ToBare(JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.True:
            case JsonValueKind.False:
                return SfBareItem.FromBoolean(e.GetBoolean());
            case JsonValueKind.String:
                return SfBareItem.FromString(e.GetString()!);
            case JsonValueKind.Number:
                var text = e.GetRawText();
                if (!text.Contains('.', StringComparison.Ordinal) && !text.Contains('e', StringComparison.OrdinalIgnoreCase))
                {
                    return SfBareItem.FromInteger(long.Parse(text, CultureInfo.InvariantCulture));
                }

                return SfBareItem.FromDecimal(decimal.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture));
            default:
                var type = e.GetProperty("__type").GetString();
                var value = e.GetProperty("value");
                return type switch
                {
                    "token" => SfBareItem.FromToken(value.GetString()!),
                    "binary" => SfBareItem.FromBytes(Base32Decode(value.GetString()!)),
                    _ => throw new NotSupportedException("Unexpected RFC 9651 type " + type),
                };
        }
    }

    private static SfItem ToItem(JsonElement e) => new(ToBare(e[0]), ToParameters(e[1]));

    private static SfMember ToMember(JsonElement e) => e[0].ValueKind == JsonValueKind.Array
        ? new SfInnerList(e[0].EnumerateArray().Select(ToItem).ToList(), ToParameters(e[1]))
        : ToItem(e);

    private static SfParameters ToParameters(JsonElement e)
    {
        var parameters = new SfParameters();
        foreach (var p in e.EnumerateArray())
        {
            parameters.Add(new(p[0].GetString()!, ToBare(p[1])));
        }

        return parameters;
    }

    private static SfDictionary ToDictionary(JsonElement e)
    {
        var dictionary = new SfDictionary();
        foreach (var m in e.EnumerateArray())
        {
            dictionary.Add(new(m[0].GetString()!, ToMember(m[1])));
        }

        return dictionary;
    }

    internal static byte[] Base32Decode(string text)
    {
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var output = new List<byte>();
        int buffer = 0, bits = 0;
        foreach (var ch in text.TrimEnd('='))
        {
            buffer = (buffer << 5) | Alphabet.IndexOf(ch, StringComparison.Ordinal);
            bits += 5;
            if (bits >= 8)
            {
                output.Add((byte)(buffer >> (bits - 8)));
                bits -= 8;
            }
        }

        return [.. output];
    }

    internal static JsonElement Load(string path) => s_files.GetOrAdd(path, p => JsonDocument.Parse(File.ReadAllText(p)).RootElement);

    internal static string SuiteDirectory() => Path.Combine(TestPaths.Vectors, "structured-fields");
}
