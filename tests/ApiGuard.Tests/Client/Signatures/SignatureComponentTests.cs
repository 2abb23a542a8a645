using System.Text;
using System.Text.Json;
using ApiGuard.Client.Signatures;

namespace ApiGuard.Tests.Client.Signatures;

public sealed class SignatureComponentTests
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var c in Components().RootElement.GetProperty("cases").EnumerateArray())
        {
            data.Add(c.GetProperty("name").GetString()!);
        }

        return data;
    }

    [Fact]
    public void Components_HasTwentyTwoCases()
    {
        Assert.Equal(22, Components().RootElement.GetProperty("cases").GetArrayLength());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void TryCreateSignatureBase_Rfc9421Section2Example_ReproducesBaseLines(string name)
    {
        var c = Components().RootElement.GetProperty("cases").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
        var isMessage = c.GetProperty("input_kind").GetString() == "message";
        var message = TestHttpMessage.Parse(c.GetProperty("input").GetString()!, startLine: isMessage);
        if (c.TryGetProperty("context", out var context) && context.TryGetProperty("scheme", out var scheme))
        {
            message.SchemeValue = scheme.GetString()!;
        }

        var covered = c.GetProperty("covered_components").EnumerateArray().Select(e => e.GetString()!).ToArray();
        var input = "sig=(" + string.Join(' ', covered) + ");created=1618884473";

        Assert.True(MessageSignature.TryCreateSignatureBase(message, input, "sig", out var signatureBase, out var check), check);

        var lines = Encoding.UTF8.GetString(signatureBase).Split('\n');
        var expected = c.GetProperty("expected_base_lines").EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.Equal(expected, lines[..^1]);
        Assert.Equal("\"@signature-params\": (" + string.Join(' ', covered) + ");created=1618884473", lines[^1]);
    }

    [Fact]
    public void TryCreateSignatureBase_SignatureParamsExample_RebuildsLineFromParsedValue()
    {
        var value = Components().RootElement.GetProperty("signature_params_example").GetProperty("value").GetString()!;
        var message = TestHttpMessage.Parse("GET /foo HTTP/1.1\nHost: example.com\nDate: x\nCache-Control: y", startLine: true);

        // Extra spaces inside the inner list are legal input but never copied into the base.
        var spaced = value.Replace("(\"@target-uri\" ", "(  \"@target-uri\"   ", StringComparison.Ordinal);
        Assert.True(MessageSignature.TryCreateSignatureBase(message, "sig1=" + spaced, "sig1", out var signatureBase, out _));

        Assert.EndsWith("\"@signature-params\": " + value, Encoding.UTF8.GetString(signatureBase), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("(\"example-dict\";key=\"zz\")", SignatureChecks.MissingComponent)]
    [InlineData("(\"x-missing\")", SignatureChecks.MissingComponent)]
    [InlineData("(\"@query-param\";name=\"nope\")", SignatureChecks.MissingComponent)]
    [InlineData("(\"@query-param\";name=\"dup\")", SignatureChecks.Malformed)]
    [InlineData("(\"@method\" \"@method\")", SignatureChecks.Malformed)]
    [InlineData("(\"@status\")", SignatureChecks.Malformed)]
    [InlineData("(\"@bogus\")", SignatureChecks.Malformed)]
    [InlineData("(\"@method\";sf)", SignatureChecks.Malformed)]
    [InlineData("(\"Host\")", SignatureChecks.Malformed)]
    [InlineData("(\"host\";bs;sf)", SignatureChecks.Malformed)]
    [InlineData("(\"host\";unknown)", SignatureChecks.Malformed)]
    [InlineData("(\"@signature-params\")", SignatureChecks.Malformed)]
    [InlineData("(\"@method\";req)", SignatureChecks.Malformed)]
    [InlineData("(@method)", SignatureChecks.Malformed)]
    [InlineData("(\"@method\");created=-1", SignatureChecks.Malformed)]
    [InlineData("(\"@method\");keyid=abc", SignatureChecks.Malformed)]
    public void TryCreateSignatureBase_InvalidComponent_FailsWithCheck(string member, string expected)
    {
        var message = TestHttpMessage.Parse("GET /p?dup=1&dup=2&a=b HTTP/1.1\nHost: example.com\nExample-Dict: a=1", startLine: true);

        Assert.False(MessageSignature.TryCreateSignatureBase(message, "sig=" + member, "sig", out _, out var check));

        Assert.Equal(expected, check);
    }

    [Fact]
    public void TryCreateSignatureBase_AbsoluteFormTarget_UsesItsOwnAuthorityAndPath()
    {
        var message = TestHttpMessage.Parse("GET https://WWW.Example.com:443/a%2Fb?x=1 HTTP/1.1\nHost: ignored.example", startLine: true);

        Assert.True(MessageSignature.TryCreateSignatureBase(message, "s=(\"@authority\" \"@path\" \"@query\" \"@target-uri\" \"@scheme\")", "s", out var signatureBase, out _));

        Assert.Equal(
            "\"@authority\": www.example.com\n\"@path\": /a%2Fb\n\"@query\": ?x=1\n\"@target-uri\": https://WWW.Example.com:443/a%2Fb?x=1\n\"@scheme\": https\n",
            Encoding.UTF8.GetString(signatureBase)[..^"\"@signature-params\": (\"@authority\" \"@path\" \"@query\" \"@target-uri\" \"@scheme\")".Length]);
    }

    private static JsonDocument Components() => JsonDocument.Parse(File.ReadAllText(TestPaths.Vector("rfc9421", "components.json")));
}
