using System.Text.Json;
using System.Text.RegularExpressions;
using ApiGuard.Client.Signatures;
using ApiGuard.Client.Signatures.StructuredFields;

namespace ApiGuard.Tests.Client.Signatures.StructuredFields;

/// <summary>
/// The httpwg structured-field Dictionary cases run through the parser the verifier uses for <c>Signature-Input</c> (a
/// Dictionary of Inner Lists) and <c>Signature</c> (a Dictionary of Byte Sequences): every case the suite says must fail is
/// refused; a valid case is accepted exactly when its members are all of the field's type, with the suite's keys in the
/// suite's order (a duplicate key keeps its first place and its last value) and member values that parse to the suite's.
/// The key and size cases (<c>key-generated</c>, <c>large-generated</c>) have Integer members, so they are run a second
/// time with each member's <c>=1</c> value (not a parameter's) written as the Inner List <c>=()</c> and the Byte Sequence <c>=:AQ==:</c>.
/// </summary>
public sealed partial class SignatureFieldMembersTests
{
    private const int NoMemberLimit = 100_000;
    private static readonly string[] s_dictionaryFiles = ["dictionary.json", "examples.json", "key-generated.json", "large-generated.json", "param-dict.json"];
    private static readonly string[] s_integerMemberFiles = ["key-generated.json", "large-generated.json"];

    public static TheoryData<string, int> DictionaryCases() => Cases(s_dictionaryFiles, _ => true);

    /// <summary>The key and size cases with a member value to rewrite (not those whose only <c>=1</c> is a parameter's, such as <c>a;a=1</c>).</summary>
    public static TheoryData<string, int> IntegerMemberCases() => Cases(s_integerMemberFiles, test => IntegerMember().IsMatch(Raw(test)));

    [Theory]
    [MemberData(nameof(DictionaryCases))]
    public void TryParse_SuiteDictionaryCase_AcceptsOnlyTheFieldsMemberType(string file, int index)
    {
        var test = StructuredFieldParserTests.Load(Path.Combine(StructuredFieldParserTests.SuiteDirectory(), file))[index];
        var raw = Raw(test);

        AssertMatchesSuite(test, raw, innerLists: true, expected => expected.ValueKind == JsonValueKind.Array, writtenValue: null);
        AssertMatchesSuite(test, raw, innerLists: false, expected => expected.ValueKind == JsonValueKind.Object && expected.GetProperty("__type").GetString() == "binary", writtenValue: null);
    }

    [Theory]
    [MemberData(nameof(IntegerMemberCases))]
    public void TryParse_SuiteKeyCaseWithSignatureMemberValues_MatchesSuite(string file, int index)
    {
        var test = StructuredFieldParserTests.Load(Path.Combine(StructuredFieldParserTests.SuiteDirectory(), file))[index];
        var raw = Raw(test);

        AssertMatchesSuite(test, IntegerMember().Replace(raw, "=()"), innerLists: true, _ => true, writtenValue: "()");
        AssertMatchesSuite(test, IntegerMember().Replace(raw, "=:AQ==:"), innerLists: false, _ => true, writtenValue: ":AQ==:");
    }

    /// <param name="writtenValue">The member value the case was rewritten with, or <see langword="null"/> to compare values with the suite's.</param>
    private static void AssertMatchesSuite(JsonElement test, string raw, bool innerLists, Func<JsonElement, bool> isFieldType, string? writtenValue)
    {
        var name = test.GetProperty("name").GetString();
        var mustFail = test.TryGetProperty("must_fail", out var mf) && mf.GetBoolean();
        var canFail = test.TryGetProperty("can_fail", out var cf) && cf.GetBoolean();
        var members = SignatureFieldMembers.Rent();
        try
        {
            var parsed = members.TryParse(raw, innerLists, NoMemberLimit);
            if (mustFail)
            {
                Assert.False(parsed, $"'{name}' must fail (innerLists: {innerLists})");
                return;
            }

            var expected = test.GetProperty("expected");
            var fits = expected.EnumerateArray().All(member => isFieldType(member[1][0]));
            if (!fits)
            {
                Assert.False(parsed, $"'{name}' has members that are not {(innerLists ? "inner lists" : "byte sequences")}, yet was accepted");
                return;
            }

            Assert.True(parsed || canFail, $"'{name}' was refused (innerLists: {innerLists})");
            if (!parsed)
            {
                return;
            }

            Assert.Equal(expected.GetArrayLength(), members.Count);
            for (var i = 0; i < members.Count; i++)
            {
                Assert.Equal(expected[i][0].GetString(), members.Label(i).ToString());
                var value = raw[members.ValueStart(i)..members.ValueEnd(i)];
                if (writtenValue is not null)
                {
                    Assert.Equal(writtenValue, value);
                    continue;
                }

                Assert.True(StructuredFieldParser.TryParseList(value, out var list) && list.Count == 1, $"'{name}' member {i} value '{value}' is not one member");
                Assert.True(StructuredFieldParserTests.MemberEquals(expected[i][1], list[0]), $"'{name}' member {i} differs from the suite");
            }
        }
        finally
        {
            SignatureFieldMembers.Return(members);
        }
    }

    private static string Raw(JsonElement test) => string.Join(", ", test.GetProperty("raw").EnumerateArray().Select(e => e.GetString()));

    private static TheoryData<string, int> Cases(string[] files, Func<JsonElement, bool> include)
    {
        var data = new TheoryData<string, int>();
        foreach (var file in files)
        {
            var cases = StructuredFieldParserTests.Load(Path.Combine(StructuredFieldParserTests.SuiteDirectory(), file));
            for (var i = 0; i < cases.GetArrayLength(); i++)
            {
                if (cases[i].GetProperty("header_type").GetString() == "dictionary" && include(cases[i]))
                {
                    data.Add(file, i);
                }
            }
        }

        return data;
    }

    // A member's "=1" (after the key at the start or after a comma), not a parameter's.
    [GeneratedRegex("(?<=(^|,)[ \t]*[^=,;]*)=1(?=[ \t]*(,|$))")]
    private static partial Regex IntegerMember();
}
