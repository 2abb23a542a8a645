using System.Globalization;
using System.Text;
using ApiGuard.Inspection;

namespace ApiGuard.Tests.Inspection.Engine;

/// <summary>
/// Detection of encoded and obfuscated variants of the corpus's judged attacks (CRS PL1 and libinjection records of
/// <c>../shared/corpus</c>), ported from the held-out evaluation of issue 3 (branch <c>heldout-eval</c>,
/// <c>eval/gen_variants.py</c>). The sample (fixed seed) and every variant are generated in memory and inspected as
/// <c>apiguard scan</c> does: paranoia 1, <see cref="ValueSource.Raw"/>, free text. A kind's rate is taken over the
/// variants whose unencoded original is detected, so it measures what the encoding itself costs; each floor is the
/// level measured when the test was written, rounded down.
/// </summary>
public sealed class EncodedVariantAccuracyTests
{
    private const int Seed = 3;

    private static readonly PayloadInspector s_inspector = new();

    private static readonly Dictionary<char, string> s_namedEntities = new()
    {
        ['<'] = "&lt;", ['>'] = "&gt;", ['"'] = "&quot;", ['\''] = "&apos;", ['&'] = "&amp;", ['('] = "&lpar;", [')'] = "&rpar;",
        ['/'] = "&sol;", ['='] = "&equals;", [':'] = "&colon;", [';'] = "&semi;", [','] = "&comma;", ['.'] = "&period;",
        ['\t'] = "&Tab;", ['\n'] = "&NewLine;", ['!'] = "&excl;", ['#'] = "&num;", ['$'] = "&dollar;", ['%'] = "&percnt;",
        ['*'] = "&ast;", ['+'] = "&plus;", ['?'] = "&quest;", ['@'] = "&commat;", ['['] = "&lsqb;", [']'] = "&rsqb;",
        ['\\'] = "&bsol;", ['^'] = "&Hat;", ['_'] = "&lowbar;", ['`'] = "&grave;", ['{'] = "&lcub;", ['|'] = "&vert;",
        ['}'] = "&rcub;", ['-'] = "&hyphen;", [' '] = "&nbsp;",
    };

    /// <summary>The variant kinds of the evaluation, except base64 of the whole value (see the Base64 field test).</summary>
    private static readonly IReadOnlyList<VariantKind> s_kinds =
    [
        new("url-full", s => PercentBytes(s, "%")),
        new("url-double", s => PercentBytes(s, "%25")),
        new("url-client", Uri.EscapeDataString),
        new("pct-u", s => PerRune(s, r => r.IsBmp ? "%u" + r.Value.ToString("X4", CultureInfo.InvariantCulture) : r.ToString())),
        new("json-u", JsonEscapeAll),
        new("html-dec", s => PerRune(s, r => "&#" + r.Value.ToString(CultureInfo.InvariantCulture) + ";")),
        new("html-hex", s => PerRune(s, r => "&#x" + r.Value.ToString("x", CultureInfo.InvariantCulture) + ";")),
        new("html-named", HtmlNamed),
        new("html-nosemi", s => PerRune(s, r => "&#" + r.Value.ToString("D7", CultureInfo.InvariantCulture))),
        new("fullwidth", Fullwidth),
        new("mixed-case", MixedCase),
        new("sql-comment", s => s.Replace(" ", "/**/", StringComparison.Ordinal), OnlyCategory: "sqli"),
        new("ws-tab", s => s.Replace(' ', '\t')),
        new("ws-newline", s => s.Replace(' ', '\n')),
        new("plus-space", s => s.Replace(' ', '+')),
    ];

    private static readonly Lazy<Measurement> s_measurement = new(Measure);

    // Measured at 13d7b3e (paranoia 1, Raw, free text) over the variants whose original is detected:
    // url-full, url-double, pct-u, json-u, html-dec, html-hex, html-nosemi, fullwidth 1,519/1,524 = 99.67 % each;
    // url-client 1,425/1,428 = 99.79 %; html-named 1,517/1,520 = 99.80 %; mixed-case 1,471/1,476 = 99.66 %;
    // sql-comment 300/304 = 98.68 %; ws-tab 929/929 = 100.00 %; ws-newline 926/929 = 99.68 %; plus-space 917/929 = 98.71 %.
    // (The misses common to the encodings are base64-looking originals, e.g. crs-1269, found only once decoded as such.)
    [Theory]
    [InlineData("url-full", 99.0)]
    [InlineData("url-double", 99.0)]
    [InlineData("url-client", 99.0)]
    [InlineData("pct-u", 99.0)]
    [InlineData("json-u", 99.0)]
    [InlineData("html-dec", 99.0)]
    [InlineData("html-hex", 99.0)]
    [InlineData("html-named", 99.0)]
    [InlineData("html-nosemi", 99.0)]
    [InlineData("fullwidth", 99.0)]
    [InlineData("mixed-case", 99.0)]
    [InlineData("sql-comment", 98.0)]
    [InlineData("ws-tab", 99.5)]
    [InlineData("ws-newline", 99.0)]
    [InlineData("plus-space", 98.0)]
    public void Inspect_EncodedVariantOfDetectedAttack_DetectionReachesMeasuredLevel(string kind, double minimumPercent)
    {
        var result = s_measurement.Value.PerKind[kind];
        Assert.True(result.Count >= 250, $"{kind}: only {result.Count} variants of detected originals");
        var percent = 100.0 * result.Detected / result.Count;
        Assert.True(percent >= minimumPercent, $"{kind}: detected {result.Detected}/{result.Count} = {percent:0.00} % (< {minimumPercent} %); missed: {string.Join(" | ", result.Missed.Take(10))}");
    }

    // Measured at 13d7b3e: base64 of every detected original, declared a FieldType.Base64 field (Raw, paranoia 1):
    // 1,517/1,524 = 99.54 %. (Base64 of a whole value in free text is not a goal: only a Base64 field is decoded as such.)
    [Fact]
    public void Inspect_Base64OfDetectedAttackInBase64Field_DetectionReachesMeasuredLevel()
    {
        const double minimumPercent = 99.0;
        var result = s_measurement.Value.Base64Field;
        Assert.True(result.Count >= 1000, $"only {result.Count} detected originals");
        var percent = 100.0 * result.Detected / result.Count;
        Assert.True(percent >= minimumPercent, $"base64 field: detected {result.Detected}/{result.Count} = {percent:0.00} % (< {minimumPercent} %); missed: {string.Join(" | ", result.Missed.Take(10))}");
    }

    // The counterpart that keeps the floors above honest: the same encodings of the strict hard-benign values (those not
    // flagged unencoded) must stay benign, so a detector that flags whatever looks encoded cannot meet them.
    // Measured at 13d7b3e: 0 flagged for every kind except url-double 5/2,306 = 0.22 % (URLs whose query was already
    // percent-encoded), sql-comment 46/1,494 = 3.08 %, ws-newline 23/1,494 = 1.54 % (prose split over lines, e.g.
    // "Ms. Ciarán Curl (they/them)"), plus-space 6/1,494 = 0.40 %. The last three are ceilings on a measured cost, not targets.
    [Theory]
    [InlineData("url-full", 0.5)]
    [InlineData("url-double", 0.5)]
    [InlineData("url-client", 0.5)]
    [InlineData("pct-u", 0.5)]
    [InlineData("json-u", 0.5)]
    [InlineData("html-dec", 0.5)]
    [InlineData("html-hex", 0.5)]
    [InlineData("html-named", 0.5)]
    [InlineData("html-nosemi", 0.5)]
    [InlineData("fullwidth", 0.5)]
    [InlineData("mixed-case", 0.5)]
    [InlineData("sql-comment", 4.0)]
    [InlineData("ws-tab", 0.5)]
    [InlineData("ws-newline", 2.0)]
    [InlineData("plus-space", 1.0)]
    public void Inspect_EncodedVariantOfStrictHardBenignValue_FalsePositiveRateWithinMeasuredLevel(string kind, double maximumPercent)
    {
        var encode = s_kinds.Single(k => k.Name == kind).Encode;
        var count = 0;
        var flagged = new List<string>();
        foreach (var (id, category, payload) in HardBenignFalsePositiveTests.Values)
        {
            if (!category.StartsWith("benign-", StringComparison.Ordinal) || IsAttack(payload, default))
            {
                continue;
            }

            var variant = encode(payload);
            if (variant == payload)
            {
                continue;
            }

            count++;
            if (IsAttack(variant, default))
            {
                flagged.Add($"{id}: {payload}");
            }
        }

        Assert.True(count >= 1000, $"{kind}: only {count} encoded benign values");
        var percent = 100.0 * flagged.Count / count;
        Assert.True(percent <= maximumPercent, $"{kind}: {flagged.Count}/{count} = {percent:0.00} % of encoded benign values flagged (> {maximumPercent} %):{Environment.NewLine}{string.Join(Environment.NewLine, flagged)}");
    }

    [Theory]
    [InlineData("url-full", "%3C%61%20%68%72%65%66%3D%27%78%27%3E%C3%9C%6E%C3%AF%20%31%3B%09%F0%9F%98%80")]
    [InlineData("url-double", "%253C%2561%2520%2568%2572%2565%2566%253D%2527%2578%2527%253E%25C3%259C%256E%25C3%25AF%2520%2531%253B%2509%25F0%259F%2598%2580")]
    [InlineData("url-client", "%3Ca%20href%3D%27x%27%3E%C3%9Cn%C3%AF%201%3B%09%F0%9F%98%80")]
    [InlineData("pct-u", "%u003C%u0061%u0020%u0068%u0072%u0065%u0066%u003D%u0027%u0078%u0027%u003E%u00DC%u006E%u00EF%u0020%u0031%u003B%u0009\U0001F600")]
    [InlineData("json-u", @"\u003c\u0061\u0020\u0068\u0072\u0065\u0066\u003d\u0027\u0078\u0027\u003e\u00dc\u006e\u00ef\u0020\u0031\u003b\u0009\ud83d\ude00")]
    [InlineData("html-dec", "&#60;&#97;&#32;&#104;&#114;&#101;&#102;&#61;&#39;&#120;&#39;&#62;&#220;&#110;&#239;&#32;&#49;&#59;&#9;&#128512;")]
    [InlineData("html-hex", "&#x3c;&#x61;&#x20;&#x68;&#x72;&#x65;&#x66;&#x3d;&#x27;&#x78;&#x27;&#x3e;&#xdc;&#x6e;&#xef;&#x20;&#x31;&#x3b;&#x9;&#x1f600;")]
    [InlineData("html-named", "&lt;a&nbsp;href&equals;&apos;x&apos;&gt;Ünï&nbsp;1&semi;&Tab;\U0001F600")]
    [InlineData("html-nosemi", "&#0000060&#0000097&#0000032&#0000104&#0000114&#0000101&#0000102&#0000061&#0000039&#0000120&#0000039&#0000062&#0000220&#0000110&#0000239&#0000032&#0000049&#0000059&#0000009&#0128512")]
    [InlineData("fullwidth", "＜ａ ｈｒｅｆ＝＇ｘ＇＞Üｎï １；\t\U0001F600")]
    [InlineData("sql-comment", "<a/**/href='x'>Ünï/**/1;\t\U0001F600")]
    public void Encode_SampleValue_SameOutputAsTheEvaluationScript(string kind, string expected)
    {
        // Expected outputs are those of eval/gen_variants.py for the same input, so the port encodes what was evaluated.
        Assert.Equal(expected, s_kinds.Single(k => k.Name == kind).Encode("<a href='x'>Ünï 1;\t\U0001F600"));
    }

    [Fact]
    public void Encode_MixedCase_ChangesOnlyTheCaseOfLettersAndIsDeterministic()
    {
        const string value = "' union select password from users where name like 'admin%' -- x";
        var mixed = s_kinds.Single(k => k.Name == "mixed-case").Encode;
        var once = mixed(value);
        Assert.Equal(once, mixed(value));
        Assert.NotEqual(value, once);
        Assert.Equal(value, once.ToLowerInvariant());
        Assert.Contains(once, c => char.IsUpper(c));
    }

    private static Measurement Measure()
    {
        var perKind = s_kinds.ToDictionary(k => k.Name, _ => new KindResult());
        var base64Field = new KindResult();
        var base64Settings = new InspectionSettings(ValueSource.Raw, 1, FieldType.Base64);
        foreach (var record in SampleJudgedAttacks())
        {
            var original = record.Payload;
            if (!IsAttack(original, default))
            {
                continue; // the conditional rate: only what the unencoded original already gives away
            }

            foreach (var kind in s_kinds)
            {
                if (kind.OnlyCategory is not null && kind.OnlyCategory != record.Category)
                {
                    continue;
                }

                var variant = kind.Encode(original);
                if (variant != original)
                {
                    perKind[kind.Name].Add(record.Id, variant, IsAttack(variant, default));
                }
            }

            var base64 = Convert.ToBase64String(Encoding.UTF8.GetBytes(original));
            base64Field.Add(record.Id, original, IsAttack(base64, base64Settings));
        }

        return new Measurement(perKind, base64Field);
    }

    /// <summary>
    /// As the evaluation samples: sqli 200 CRS PL1 + 200 libinjection; xss every CRS PL1 record + 153 libinjection;
    /// every other category all its CRS PL1 records. Records sorted by id, then sampled with a fixed seed.
    /// </summary>
    private static List<CorpusAccuracyTests.CorpusRecord> SampleJudgedAttacks()
    {
        var pool = CorpusAccuracyTests.Records
            .Where(r => r.Label == "attack" && r.IsJudged)
            .GroupBy(r => (r.Category, Libinjection: r.Source.StartsWith("libinjection", StringComparison.Ordinal)))
            .ToDictionary(g => g.Key, g => g.OrderBy(r => r.Id, StringComparer.Ordinal).ToList());
        var rng = new Random(Seed);
        List<CorpusAccuracyTests.CorpusRecord> Take(string category, bool libinjection, int? count)
        {
            var records = pool.GetValueOrDefault((category, libinjection)) ?? [];
            if (count is not { } n || n >= records.Count)
            {
                return records;
            }

            var copy = records.ToArray();
            for (var i = 0; i < n; i++)
            {
                var j = rng.Next(i, copy.Length);
                (copy[i], copy[j]) = (copy[j], copy[i]);
            }

            return copy.Take(n).ToList();
        }

        var chosen = new List<CorpusAccuracyTests.CorpusRecord>();
        chosen.AddRange(Take("sqli", false, 200));
        chosen.AddRange(Take("sqli", true, 200));
        chosen.AddRange(Take("xss", false, null));
        chosen.AddRange(Take("xss", true, 153));
        foreach (var category in pool.Keys.Select(k => k.Category).Where(c => c is not "sqli" and not "xss").Distinct().Order(StringComparer.Ordinal))
        {
            chosen.AddRange(Take(category, false, null));
        }

        return chosen;
    }

    private static bool IsAttack(string value, InspectionSettings settings)
    {
        Span<InspectionFinding> findings = stackalloc InspectionFinding[8];
        return PayloadInspector.IsAttack(s_inspector.Inspect(value.AsSpan(), settings, findings));
    }

    private static string PercentBytes(string value, string prefix)
    {
        var sb = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            sb.Append(prefix).Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }

        return sb.ToString();
    }

    private static string PerRune(string value, Func<Rune, string> encode)
    {
        var sb = new StringBuilder();
        foreach (var rune in value.EnumerateRunes())
        {
            sb.Append(encode(rune));
        }

        return sb.ToString();
    }

    private static string JsonEscapeAll(string value)
    {
        // Every UTF-16 unit as \uXXXX: characters outside the BMP become their surrogate pair, as JSON writes them.
        var sb = new StringBuilder();
        foreach (var c in value)
        {
            sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
        }

        return sb.ToString();
    }

    private static string HtmlNamed(string value)
    {
        var sb = new StringBuilder();
        foreach (var c in value)
        {
            sb.Append(s_namedEntities.TryGetValue(c, out var entity) ? entity : c.ToString());
        }

        return sb.ToString();
    }

    private static string Fullwidth(string value) =>
        string.Create(value.Length, value, (span, s) =>
        {
            for (var i = 0; i < s.Length; i++)
            {
                span[i] = s[i] is >= '!' and <= '~' ? (char)(s[i] - 0x21 + 0xFF01) : s[i];
            }
        });

    private static string MixedCase(string value)
    {
        // Deterministic per value (a seed from the value itself), so a failing variant can be reproduced.
        var seed = 0L;
        for (var i = 0; i < value.Length; i++)
        {
            seed += (i + 1L) * value[i];
        }

        var rng = new Random((int)(seed % 1000003));
        return string.Create(value.Length, value, (span, s) =>
        {
            for (var i = 0; i < s.Length; i++)
            {
                span[i] = !char.IsLetter(s[i]) ? s[i] : rng.NextDouble() < .5 ? char.ToUpperInvariant(s[i]) : char.ToLowerInvariant(s[i]);
            }
        });
    }

    private sealed record VariantKind(string Name, Func<string, string> Encode, string? OnlyCategory = null);

    private sealed record Measurement(IReadOnlyDictionary<string, KindResult> PerKind, KindResult Base64Field);

    private sealed class KindResult
    {
        private readonly List<string> _missed = [];

        public int Count { get; private set; }

        public int Detected { get; private set; }

        /// <summary>The missed variants (original id and value), in sample order.</summary>
        public IReadOnlyList<string> Missed => _missed;

        public void Add(string id, string value, bool detected)
        {
            Count++;
            if (detected)
            {
                Detected++;
            }
            else
            {
                _missed.Add($"{id}: {(value.Length > 120 ? value[..120] + "…" : value)}");
            }
        }
    }
}
