using ApiGuard.Inspection;
using ApiGuard.Inspection.Body;

namespace ApiGuard.Tests.Inspection.Middleware;

public class InspectionExcerptTests
{
    [Fact]
    public void Create_LongMatch_IsCutTo48CharactersWithEllipsis()
    {
        var value = new string('a', 10) + new string('b', 200);

        var excerpt = InspectionExcerpt.Create(value, 10, 200, "comment");

        Assert.Equal(new string('b', 48) + "…", excerpt);
    }

    [Fact]
    public void Create_SecretLookingTokens_AreMasked()
    {
        var excerpt = InspectionExcerpt.Create("' OR key=sk4f8a9b2c7d1e6f3a9 4111111111111111", 0, 200, "q");

        Assert.DoesNotContain("sk4f8a9b2c7d1e6f3a9", excerpt, StringComparison.Ordinal);
        Assert.DoesNotContain("4111111111111111", excerpt, StringComparison.Ordinal);
        Assert.StartsWith("' OR key=sk4f", excerpt, StringComparison.Ordinal);
        Assert.EndsWith("11", excerpt, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("password")]
    [InlineData("X-Api-Key")]
    [InlineData("access_token")]
    public void Create_SensitiveFieldName_IsMaskedEntirely(string field)
    {
        Assert.Equal(InspectionExcerpt.Masked, InspectionExcerpt.Create("' OR 1=1 --", 0, 11, field));
    }

    [Fact]
    public void Create_Utf8AndControlCharacters_AreSafe()
    {
        var excerpt = InspectionExcerpt.Create("é<script>\n"u8, 0, 100, "q");

        Assert.Equal("é<script>?", excerpt);
    }

    [Fact]
    public void Create_OffsetsOutOfRange_AreClamped()
    {
        Assert.Equal(string.Empty, InspectionExcerpt.Create("abc", 10, 5, "q"));
        Assert.Equal("bc", InspectionExcerpt.Create("abc", 1, 99, "q"));
    }

    [Theory]
    [InlineData("a%20b+c", "a b c")]
    [InlineData("%41%4a%zz%", "AJ%zz%")]
    [InlineData("%e2%82%ac", "€")]
    public void UrlDecode_DecodesOnce(string input, string expected)
    {
        var source = System.Text.Encoding.UTF8.GetBytes(input);
        var destination = new byte[source.Length];

        var n = FormBodyScanner.UrlDecode(source, destination);

        Assert.Equal(expected, System.Text.Encoding.UTF8.GetString(destination, 0, n));
    }

    [Fact]
    public void TrimIncomplete_DropsCutSequenceOnly()
    {
        byte[] euro = [0xE2, 0x82, 0xAC];
        Assert.Equal(1, Utf8Prefix.TrimIncomplete([0x41, 0xE2, 0x82]).Length);
        Assert.Equal(4, Utf8Prefix.TrimIncomplete([0x41, .. euro]).Length);
        Assert.Equal(2, Utf8Prefix.TrimIncomplete([0x41, 0x42]).Length);
    }
}
