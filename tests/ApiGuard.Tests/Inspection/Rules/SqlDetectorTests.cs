using ApiGuard.Inspection;

namespace ApiGuard.Tests.Inspection.Rules;

/// <summary>
/// SQL injection grammar: PostgreSQL casts and JSON operators, function-call openers, numeric and parenthesised values
/// closed by a comment, contradictions, comparison keywords after a breakout, DDL and procedure calls. Every attack form
/// has hard benign neighbours (code, prose, names, markdown) that must stay clean at paranoia level 1.
/// </summary>
public sealed class SqlDetectorTests
{
    private readonly PayloadInspector _inspector = new();

    public static TheoryData<string> Attacks() =>
    [
        // PostgreSQL casts: literals and call results cast to a type, a lone column cast for error-based extraction.
        "x' and (select passwd from accounts limit 1)::int=1--",
        "7 or '{\"role\":\"admin\"}'::jsonb @> '{\"role\":\"admin\"}'::jsonb",
        "api_key::bigint",
        "'42'::integer",
        "current_setting('is_superuser')::bool",
        "nickname::varchar(10)",

        // PostgreSQL JSON operators between literals after a boolean.
        "or '{\"k\":1}' ? 'k'",
        "OR '[5,6]' ?| array['5']",
        "or '{\"a\":{\"b\":3}}' -> 'a' ->> 'b' = '3'",
        "or '{\"x\":1}' <@ '{\"x\":1,\"y\":2}'",

        // A whole value that opens a SQL function call.
        "LTRIM(",
        "aes_decrypt (",
        "insert(",

        // Numbers and parenthesised literals closed by an empty comment.
        "42--",
        "7 #",
        "-5/*",
        "( ( 7 ) ) --",
        "( 'z' ) #",
        "99-- x sp_password",

        // Contradictions and conditions on literals.
        "ProductID and 7=4",
        "x or 3 = ~3",
        "Qty AND 5=(6)",
        "iif(3=4,1,1/0)",
        "if(9=",
        "case 5 when 6 then 1 end",

        // Comparison keywords and arithmetic after a closed string.
        "x' like-'x",
        "pass' regexp+'1",
        "abc' sounds like 'abd",
        "zz' like md5(2) or '1",
        "5' * price - '1",
        "q' or somecol ^ '-2",
        "b' is 0 or '1",
        ") regexp (",

        // Statements, DDL and procedures.
        "';select x",
        "1; begin declare @v nvarchar(4000)",
        "2'; use master exec xp_dirtree '\\\\host\\share'--",
        "1; execute as login 'sa'",
        "create table t1 (c1 int)",
        "alter table accounts add is_admin int",
        "(id, email) values (7, 'x@y.z')",
        "group by grp having count(id) > 1",
        "(select login from admins limit 1)",
        "-7 union select a.* from accounts a",
        " select 1,2,3,concat(user,0x3a,pass),5,6,7,8,9,10,11,12,13,14,15,16,17,18,19 from members --",
        "select pg_sleep",
        "5 procedure analyse (",
        "x' or custom_fn (a)--",

        // No quote, call or comment: the prefilter must still let SQL words and booleans through.
        "-1 union select 1,2,3",
        "1\tor\t2>1",
        "3 xor 3=3",
        "1 rlike 1",
        "2 order by 3",
        "1 where 1=1",
        "1 div 0",

        // Encoded and obfuscated variants.
        "1%20or%20%27%7B%7D%27%3A%3Ajsonb%20is%20not%20null",
        "42%2D%2D",
        "\uFF2C\uFF34\uFF32\uFF29\uFF2D\uFF08",
        "7 OR/**/'{}'::jsonb/**/@>/**/'{}'",
    ];

    public static TheoryData<string> HardBenign() =>
    [
        // Namespaces, IPv6 and arrows that share punctuation with casts and JSON operators.
        "Types::Integer",
        "Foo::Text",
        "std::string and std::vector",
        "Nokogiri::XML::Document",
        "Mojo::JSON",
        "fe80::1",
        "::ffff:10.0.0.1",
        "Settings -> Privacy -> Export",
        "x->y and a->b",
        "@@ -12,7 +12,9 @@ def main():",
        "Remember the last used register for \"@@\".",
        "In Insert mode, the '?' wasn't removed.",
        "Vous êtes sûr ? 'Oui'",
        "Is it 'A' or 'B'? 'A'",

        // Functions and keywords in prose.
        "Version 2 and trim (level)",
        "Compress (zip) the folder",
        "Trim (optional)",
        "Use pow(2, 8) to compute powers",
        "Use case 1 when 2 users then split",
        "Create Table Persons",
        "Alter table layout and rename it",
        "Select 1 item from the menu",
        "Select 1, 2, 3, or 4 answers from the options above",
        "the teachers' lounge; update later",
        "It sounds like 'fun'",
        "Mike's 'binary' search",
        "aws glue get-tables --database-name 'tempdb'",
        "Kids aged 5 and 12",

        // Numbers, comments and quotes in lists, names and markdown.
        "3.  /*",
        "Order #1234 -- shipped",
        "2019--2020",
        "1 #hashtag",
        "Step 1 -- open the lid",
        "O'Brien & O'Neil",
        "D'Angelo*Smith",
        "'**' expr |",
        "Jack's 'n' Jill's",
        "## Usage\n\n```sql\n-- nothing here\n```",
        "He said \"hi\"; then left",
        "if (x == 1) return;",

        // Prose that once read as delays, calls, tautologies or quoted operators.
        "sleep (8 hours) is important",
        "Benchmark (2023) results",
        "Left (L) and Right (R) buttons",
        "and there is only one window for the current buffer",
        "or the global value is used",
        "The codes with '>' must be the last.",
        "Solution:   Change \"==\" to \"=\" for a test.",
        "Pass \"--verbose\" for more output",
        "\"--help\" and \"--version\" command-line arguments.",
        "'or' means either one",
        "'exec' means execute",
        "'between' means in the middle",
        "'having' means owning",
        "'select' means choose",
        "74. Having the size",
        "D'Arcy and O'Neil and 5==62",
        "Select 1, 2, or 3 items from the list",
    ];

    [Theory]
    [MemberData(nameof(Attacks))]
    public void Inspect_SqlInjectionForm_IsDetectedAsSqliAtParanoia1(string value)
    {
        Span<InspectionFinding> findings = stackalloc InspectionFinding[16];
        var verdict = _inspector.Inspect(value.AsSpan(), new InspectionSettings(ValueSource.Raw, 1), findings);
        Assert.True(PayloadInspector.IsAttack(verdict), $"score {verdict.Score} for {value}");
        Assert.Contains(findings[..verdict.FindingCount].ToArray(), f => f.Category == InspectionCategory.Sqli);
    }

    [Theory]
    [MemberData(nameof(HardBenign))]
    public void Inspect_HardBenignNeighbour_HasNoSqliFindingAtParanoia1(string value)
    {
        Span<InspectionFinding> findings = stackalloc InspectionFinding[16];
        var verdict = _inspector.Inspect(value.AsSpan(), new InspectionSettings(ValueSource.Raw, 1), findings);
        var sqli = findings[..verdict.FindingCount].ToArray().Where(f => f.Category == InspectionCategory.Sqli).Select(f => f.RuleId);
        Assert.Empty(sqli);
    }

    [Fact]
    public void Inspect_CastOnLiteral_ReportsTheCastSpan()
    {
        const string value = "1 or '{}'::jsonb is not null";
        Span<InspectionFinding> findings = stackalloc InspectionFinding[16];
        var verdict = _inspector.Inspect(value.AsSpan(), new InspectionSettings(ValueSource.Raw, 1), findings);
        var cast = findings[..verdict.FindingCount].ToArray().Single(f => f.RuleId == 942160);
        Assert.Equal("'{}'::jsonb", value.Substring(cast.Offset, cast.Length));
    }
}
