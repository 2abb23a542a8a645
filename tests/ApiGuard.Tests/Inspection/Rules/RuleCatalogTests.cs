using ApiGuard.Inspection.Rules;

namespace ApiGuard.Tests.Inspection.Rules;

public class RuleCatalogTests
{
    [Fact]
    public void All_EveryRuleKey_HasItsOwnIdAndAValidLevel()
    {
        var all = RuleCatalog.All;
        Assert.Equal((int)RuleKey.Count, all.Length);

        var seen = new Dictionary<int, RuleKey>();
        for (var key = (RuleKey)0; key < RuleKey.Count; key++)
        {
            var rule = RuleCatalog.Get(key);
            Assert.True(rule.Id is >= 900_000 and < 1_000_000, $"{key} has no rule id ({rule.Id}).");
            Assert.True(seen.TryAdd(rule.Id, key), $"{key} reuses rule id {rule.Id} of {(seen.TryGetValue(rule.Id, out var other) ? other : key)}.");
            Assert.InRange(rule.ParanoiaLevel, 1, 4);
            Assert.InRange(rule.Score, 1, RuleCatalog.Critical);
        }
    }
}
