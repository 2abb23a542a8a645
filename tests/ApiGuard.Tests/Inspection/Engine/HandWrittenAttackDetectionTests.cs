using ApiGuard.Inspection;

namespace ApiGuard.Tests.Inspection.Engine;

/// <summary>
/// Detection on <c>Data/attacks-2.jsonl</c>: 582 attacks written by hand apart from the corpus (pentest-list style SQLi,
/// XSS, command injection, traversal, SSRF, SSTI and log4shell, NoSQL, LDAP, XXE, CRLF and code injection) and 290 encoded
/// variants of them (URL, double URL, HTML entities, JSON escapes, mixed case, tabs, plus signs, SQL comments), inspected
/// as <c>apiguard scan</c> does: paranoia 1, raw, free text.
/// </summary>
public sealed class HandWrittenAttackDetectionTests
{
    private static readonly Lazy<IReadOnlyList<(string Id, string Category, string Payload)>> s_attacks = new(() => HeldOutData.Load("attacks-2.jsonl", "attack"));
    // Set 3, written by a third hand (measured before any fix for it): 667/709 = 94.1 % (the code from before the set-1/set-2
    // work: 641/709 = 90.4 %), 688/709 = 97.0 % after its fixes. Set 4, written last (measured before any fix for it):
    // 433/465 = 93.1 % (before the set-1/set-2 work: 421/465 = 90.5 %). Sets 3 and 4 after the web-shell, OGNL, LDAP and
    // response-splitting rules: 705/709 = 99.4 %, 463/465 = 99.6 %. Sets 5 and 6, written last (measured before any fix for
    // them): 551/562 = 98.0 % and 749/769 = 97.4 %; after the fixes they led to, 560/562 and 765/769 = 99.5 %. Sets 7 and 8
    // (measured before any fix for them): 557/571 = 97.5 % and 560/572 = 97.9 %; after, 566/571 = 99.1 % and 571/572 = 99.8 %.
    // Sets 9 and 10 (measured before any fix for them): 638/682 = 93.5 % and 768/806 = 95.3 %; after, 668/682 = 97.9 % and
    // 787/806 = 97.6 %. Sets 11 and 12 (measured before any fix for them): 540/566 = 95.4 % and 590/619 = 95.3 %; after,
    // 556/566 = 98.2 % and 609/619 = 98.4 %. Sets 13 and 14 (measured before any fix for them): 646/670 = 96.4 % and
    // 550/592 = 92.9 %; after, 659/670 = 98.4 % and 584/592 = 98.6 %. Sets 15 and 16 (measured before any fix for them):
    // 518/533 = 97.2 % and 524/530 = 98.9 %; after, 526/533 = 98.7 % and 524/530. Sets 17 and 18 (measured before any fix
    // for them): 558/566 = 98.6 % and 590/607 = 97.2 %; after, 560/566 = 98.9 % and 595/607 = 98.0 %. Sets 19 and 20:
    // 504/513 = 98.2 % and 505/517 = 97.7 % before; 507/513 = 98.8 % and 511/517 = 98.8 % after. Sets 21-24 before:
    // 671/685 = 98.0 %, 691/706 = 97.9 %, 680/692 = 98.3 %, 680/688 = 98.8 %; after (git config and tar options, XPath, ESI,
    // Solr/Elasticsearch, pickles, statement tags): 678/685 = 99.0 %, 701/706 = 99.3 %, 692/692, 684/688 = 99.4 %. Sets 25-28
    // on the day's first code / just before each existed / after: 99.1/99.6/99.9 %, 99.5/99.5/100 %, 97.3/97.7/99.1 %,
    // 98.3/98.3/99.4 %. Sets 29 and 30, on the final code before any fix: 646/661 = 97.7 % and 699/702 = 99.6 % (the first
    // code: 97.6 % and 99.6 %); set 29 after its fixes (|| concatenation in UNION SELECT, quote-closed separators): 649/661 = 98.2 %.
    // Sets 31-34 before any fix for them: 661/672 = 98.4 %, 688/703 = 97.9 %, 679/687 = 98.8 %, 691/697 = 99.1 %; after ($(id>file),
    // Smarty's {$smarty.*}, git ext::, Redis commands after a line break): 666/672 = 99.1 %, 691/703 = 98.3 %, 682/687 = 99.3 %,
    // 696/697 = 99.9 %. Sets 35 and 36, written last and measured on the final code before any fix: 655/663 = 98.8 % and
    // 643/653 = 98.5 % (no detection fix made for them). Sets 37-42 before any fix for them: 694/705 = 98.4 %, 670/681 = 98.4 %,
    // 655/666 = 98.3 %, 690/691 = 99.9 %, 675/684 = 98.7 %, 649/669 = 97.0 %; after (TeX's \write18 and \input{|...}, Exim's
    // ${run{...}}, sendmail options in an address, iCalendar lines after a break, dashed nip.io addresses, OData's "or 1 eq 1"):
    // 700/705 = 99.3 %, 679/681 = 99.7 %, 662/666 = 99.4 %, 690/691 = 99.9 %, 675/684 = 98.7 %, 654/669 = 97.8 %; then set 41's
    // two fixes (an authority written twice, "http://evil.tld#@api.partner.com/"; "--exec cmd" among options): 681/684 = 99.6 %.
    [Theory]
    [InlineData("attacks-3.jsonl", 700, 99.0)]
    [InlineData("attacks-4.jsonl", 460, 99.0)]
    [InlineData("attacks-5.jsonl", 560, 99.0)]
    [InlineData("attacks-6.jsonl", 760, 99.0)]
    [InlineData("attacks-7.jsonl", 570, 99.0)]
    [InlineData("attacks-8.jsonl", 570, 99.5)]
    [InlineData("attacks-9.jsonl", 680, 97.5)]
    [InlineData("attacks-10.jsonl", 800, 97.5)]
    [InlineData("attacks-11.jsonl", 560, 98.0)]
    [InlineData("attacks-12.jsonl", 610, 98.0)]
    [InlineData("attacks-13.jsonl", 660, 98.0)]
    [InlineData("attacks-14.jsonl", 590, 98.0)]
    [InlineData("attacks-15.jsonl", 530, 98.0)]
    [InlineData("attacks-16.jsonl", 530, 98.5)]
    [InlineData("attacks-17.jsonl", 560, 98.5)]
    [InlineData("attacks-18.jsonl", 600, 97.5)]
    [InlineData("attacks-19.jsonl", 510, 98.5)]
    [InlineData("attacks-20.jsonl", 510, 98.5)]
    [InlineData("attacks-21.jsonl", 680, 98.5)]
    [InlineData("attacks-22.jsonl", 700, 99.0)]
    [InlineData("attacks-23.jsonl", 690, 99.5)]
    [InlineData("attacks-24.jsonl", 680, 99.0)]
    [InlineData("attacks-25.jsonl", 690, 99.5)]
    [InlineData("attacks-26.jsonl", 640, 99.5)]
    [InlineData("attacks-27.jsonl", 650, 98.5)]
    [InlineData("attacks-28.jsonl", 700, 99.0)]
    [InlineData("attacks-29.jsonl", 650, 98.0)]
    [InlineData("attacks-30.jsonl", 700, 99.5)]
    [InlineData("attacks-31.jsonl", 660, 98.5)]
    [InlineData("attacks-32.jsonl", 690, 98.0)]
    [InlineData("attacks-33.jsonl", 680, 99.0)]
    [InlineData("attacks-34.jsonl", 690, 99.5)]
    [InlineData("attacks-35.jsonl", 650, 98.5)]
    [InlineData("attacks-36.jsonl", 640, 98.0)]
    [InlineData("attacks-37.jsonl", 700, 99.0)]
    [InlineData("attacks-38.jsonl", 680, 99.5)]
    [InlineData("attacks-39.jsonl", 660, 99.0)]
    [InlineData("attacks-40.jsonl", 690, 99.5)]
    [InlineData("attacks-41.jsonl", 680, 99.0)]
    [InlineData("attacks-42.jsonl", 660, 97.5)]
    public void Inspect_LaterSetAttacksAtParanoia1_DetectionRateAtLeastFloor(string file, int minimumCount, double minimumPercent)
    {
        var inspector = new PayloadInspector();
        var findings = new InspectionFinding[8];
        var attacks = HeldOutData.Load(file, "attack");
        var missed = attacks.Where(a => !PayloadInspector.IsAttack(inspector.Inspect(a.Payload.AsSpan(), new InspectionSettings(ValueSource.Raw, 1), findings)))
            .Select(a => $"{a.Id} [{a.Category}]: {a.Payload}").ToList();
        var percent = 100.0 * (attacks.Count - missed.Count) / attacks.Count;
        Assert.True(attacks.Count >= minimumCount && percent >= minimumPercent, $"{percent:0.00} % of {attacks.Count} detected (< {minimumPercent} %); missed:{Environment.NewLine}{string.Join(Environment.NewLine, missed)}");
    }

    // Measured when written (15:28 UTC build): 818/872 = 93.8 %; at 2349388: 842/872 = 96.6 %, sqli, xss, ssti, xxe 100 %.
    [Theory]
    [InlineData(null, 96.0)]
    [InlineData("sqli", 99.0)]
    [InlineData("xss", 99.0)]
    [InlineData("ssti", 99.0)]
    [InlineData("cmdi", 96.0)]
    [InlineData("lfi", 96.0)]
    [InlineData("ssrf", 92.0)]
    public void Inspect_HandWrittenAttacksAtParanoia1_DetectionRateAtLeastFloor(string? category, double minimumPercent)
    {
        var attacks = s_attacks.Value.Where(a => category is null || a.Category == category).ToList();
        Assert.True(attacks.Count >= (category is null ? 800 : 40), $"only {attacks.Count} attacks");

        var inspector = new PayloadInspector();
        var findings = new InspectionFinding[8];
        var missed = new List<string>();
        foreach (var (id, cat, payload) in attacks)
        {
            if (!PayloadInspector.IsAttack(inspector.Inspect(payload.AsSpan(), new InspectionSettings(ValueSource.Raw, 1), findings)))
            {
                missed.Add($"{id} [{cat}]: {payload}");
            }
        }

        var percent = 100.0 * (attacks.Count - missed.Count) / attacks.Count;
        Assert.True(percent >= minimumPercent, $"{percent:0.00} % detected (< {minimumPercent} %); missed:{Environment.NewLine}{string.Join(Environment.NewLine, missed)}");
    }
}
