using ApiGuard.Inspection.Rules;

namespace ApiGuard.Tests.Inspection.Engine;

public class SpreadsheetFormulaTests
{
    [Theory]
    [InlineData("=stdev.s(c2:c18)/sqrt(count(c2:c18))")]
    [InlineData("=sumif(d:d,\"<>\",f2:i)")]
    [InlineData("=arrayformula(if(row(a:a)=1,\"total\",if(b:b=\"\",,b:b*c:c)))")]
    [InlineData("=query(a:d,\"select a, sum(d) where b = 'x' group by a\")")]
    [InlineData("=if('q3 budget'!$b$2>100,\"high\",\"low\")")]
    [InlineData("=vlookup(a2,'team o''brien'!a:c,3,false)")]
    [InlineData("=sum(sheet2!a1:a10)")]
    public void Is_FormulasAsUsersTypeThem_AreFormulas(string value) => Assert.True(SpreadsheetFormula.Is(value));

    [Theory]
    [InlineData("=1 union select 1")]
    [InlineData("=sleep(5)")]
    [InlineData("=if(1=1,benchmark(1000000,md5(1)),0)")]
    [InlineData("=a1&\"' or 1=1--\"")]
    [InlineData("=a1&\"' or '1'='1\"")]
    [InlineData("=sum(a1) -- comment")]
    [InlineData("=sum(a1))")]
    [InlineData("=revenue")]
    [InlineData("sum(a1:a3)")]
    [InlineData("=cmd|' /c calc'!a0")]
    public void Is_SqlShapedOrMalformedValues_AreNotFormulas(string value) => Assert.False(SpreadsheetFormula.Is(value));
}
