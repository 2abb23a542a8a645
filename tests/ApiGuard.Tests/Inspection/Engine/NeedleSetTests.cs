using System.Buffers;
using ApiGuard.Inspection.Rules;

namespace ApiGuard.Tests.Inspection.Engine;

public class NeedleSetTests
{
    private static readonly string[] s_needles = ["etc/passwd", "etc/shadow", "/.git", ".env", "id_rsa", "127.", "[::", "ab", "abc"];

    [Theory]
    [InlineData("")]
    [InlineData("a")]
    [InlineData("ab")]
    [InlineData("xxab")]
    [InlineData("cat /etc/passwd")]
    [InlineData("see /etc/shadow and /etc/passwd")]
    [InlineData("http://[::1]/")]
    [InlineData("http://127.0.0.1/.env")]
    [InlineData("ÿid_rsa")]
    [InlineData("Ünïcödé ab")]
    [InlineData("etc/passw")]
    [InlineData("xabé")]
    [InlineData("ét/etc/x etc/shadow")]
    [InlineData("12712.127.")]
    public void IndexOfAny_SameAnswerAsSearchValues(string text)
    {
        var set = new NeedleSet(s_needles);
        var reference = SearchValues.Create(s_needles, StringComparison.Ordinal);
        Assert.Equal(text.AsSpan().IndexOfAny(reference), set.IndexOfAny(text));
    }

    [Fact]
    public void IndexOfAny_RandomTexts_SameAnswerAsSearchValues()
    {
        var set = new NeedleSet(s_needles);
        var reference = SearchValues.Create(s_needles, StringComparison.Ordinal);
        foreach (var chars in RandomTexts(7))
        {
            Assert.Equal(chars.AsSpan().IndexOfAny(reference), set.IndexOfAny(chars));
        }
    }

    [Fact]
    public void IndexOfAny_WithCharacterProfile_SameAnswerAsWithout()
    {
        var set = new NeedleSet(s_needles);
        foreach (var chars in RandomTexts(11))
        {
            Assert.Equal(set.IndexOfAny(chars), set.IndexOfAny(chars, CharMask.Of(chars)));
            Assert.Equal(set.IndexOfAny(chars), set.IndexOfAny(chars, CharMask.All));
        }
    }

    private static IEnumerable<char[]> RandomTexts(int seed)
    {
        var random = new Random(seed);
        const string alphabet = "abcdeimnoprstvwxy/.:[]_12é7 ";
        for (var i = 0; i < 20_000; i++)
        {
            var chars = new char[random.Next(0, 40)];
            for (var k = 0; k < chars.Length; k++)
            {
                chars[k] = alphabet[random.Next(alphabet.Length)];
            }

            yield return chars;
        }
    }

    [Theory]
    [InlineData("x")]
    [InlineData("café")]
    public void Constructor_ShortOrNonAsciiNeedle_Throws(string needle) =>
        Assert.Throws<ArgumentException>(() => new NeedleSet([needle]));
}
