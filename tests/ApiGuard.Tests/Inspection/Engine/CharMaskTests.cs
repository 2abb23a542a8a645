using System.Buffers;
using ApiGuard.Inspection.Rules;

namespace ApiGuard.Tests.Inspection.Engine;

public class CharMaskTests
{
    [Fact]
    public void Of_EveryCharacter_HasExactlyThoseThatOccur()
    {
        var random = new Random(5);
        for (var i = 0; i < 2_000; i++)
        {
            var text = new char[random.Next(0, 60)];
            for (var k = 0; k < text.Length; k++)
            {
                // Mostly ASCII (every code 0-127 is reachable), sometimes beyond it.
                text[k] = random.Next(8) == 0 ? (char)random.Next(128, 0x3000) : (char)random.Next(0, 128);
            }

            var mask = CharMask.Of(text);
            for (var c = (char)0; c < 128; c++)
            {
                Assert.Equal(text.AsSpan().Contains(c), mask.Has(c));
            }

            Assert.Equal(text.AsSpan().IndexOfAnyExceptInRange((char)0, (char)127) >= 0, mask.Has('é'));
        }
    }

    [Theory]
    [InlineData("select name", "'\\\"`;#@(", false)]
    [InlineData("o'brien", "'\\\"`;#@(", true)]
    [InlineData("a\u00e9", "\u007f~", false)]
    [InlineData("DEL\u007f", "\u007f~", true)]
    [InlineData("", "./\\\\", false)]
    public void HasAny_Gate_SameAnswerAsSearch(string text, string gate, bool expected)
    {
        var values = SearchValues.Create(gate);
        Assert.Equal(expected, text.AsSpan().IndexOfAny(values) >= 0);
        Assert.Equal(expected, CharMask.Of(text).HasAny(CharMask.Set(gate), text, values));
        Assert.Equal(expected, CharMask.All.HasAny(CharMask.Set(gate), text, values));
    }

    [Fact]
    public void Covers_NeedleCharacters_OnlyWhenAllOccur()
    {
        var needle = CharMask.Set("etc/");
        Assert.True(CharMask.Of("/etc/passwd").Covers(needle));
        Assert.False(CharMask.Of("/et/passwd").Covers(needle));
        Assert.True(CharMask.All.Covers(needle));
    }

    [Fact]
    public void Set_NonAscii_Throws() => Assert.Throws<ArgumentException>(() => CharMask.Set("é"));
}
