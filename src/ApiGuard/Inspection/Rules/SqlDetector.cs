using System.Buffers;

namespace ApiGuard.Inspection.Rules;

/// <summary>
/// SQL injection at token level. The value is tokenised in up to three contexts: as given (numeric and unquoted
/// contexts) and, when it holds a quote, as if it continued a string the application opened with that quote.
/// Rules look at the token structure: how a value breaks out of its context (closing string followed by a boolean,
/// operator, statement, comment or clause) and SQL statements anywhere (UNION SELECT, stacked queries, SELECT with
/// SQL-shaped arguments, tautologies, delay/file functions, catalog tables, versioned comments).
/// </summary>
internal static class SqlDetector
{
    private const int Window = 48;
    private const int Overlap = 10;

    private static readonly SearchValues<char> s_gate = SearchValues.Create("'\"`();=<>#|&@*/-+!,");
    private static readonly SearchValues<string> s_gateWords = SearchValues.Create(
        ["union", "select", "order", "group", "having", "waitfor", "exec", "sleep", "insert", "delete", "drop", "update", " or ", " and ", "shutdown", "declare", "information_schema", "limit", "pg_catalog", "msdb", "sysobjects", "sqlite_master", "schema_name", "case"],
        StringComparison.Ordinal);

    public static void Detect(scoped ReadOnlySpan<char> t, ref FindingSink sink)
    {
        if (t.IndexOfAny(s_gate) < 0 && t.IndexOfAny(s_gateWords) < 0)
        {
            return;
        }

        Span<SqlToken> buf = stackalloc SqlToken[Window];
        Run(t, '\0', buf, ref sink);
        if (t.Contains('\''))
        {
            Run(t, '\'', buf, ref sink);
        }

        if (t.Contains('"'))
        {
            Run(t, '"', buf, ref sink);
        }
    }

    private static void Run(scoped ReadOnlySpan<char> t, char quote, scoped Span<SqlToken> buf, ref FindingSink sink)
    {
        var lexer = new SqlLexer(t, quote);
        var n = 0;
        var first = true;
        while (true)
        {
            var more = lexer.Next(out var tok);
            if (more)
            {
                // Inline comments are whitespace to SQL; a trailing comment stays as the last token.
                if (n > 0 && buf[n - 1].Kind == SqlKind.Comment)
                {
                    n--;
                }

                buf[n++] = tok;
                if (n < Window)
                {
                    continue;
                }
            }

            var final = !more;
            var slice = buf[..n];
            if (first)
            {
                StartRules(t, slice, quote, final, ref sink);
                if (final && quote == '\0')
                {
                    TrailingComment(t, slice, ref sink);
                    if (VariableThenComment(t, slice))
                    {
                        sink.Add(RuleKey.SqliBreakoutComment, 0, t.Length);
                    }
                }

                first = false;
            }

            var limit = final ? n : n - Overlap;
            AnywhereRules(t, slice, limit, ref sink);
            if (final)
            {
                break;
            }

            buf[(n - Overlap)..n].CopyTo(buf);
            n = Overlap;
        }

        if (lexer.VersionedComment)
        {
            sink.Add(RuleKey.SqliVersionedComment, 0, t.Length);
        }
    }

    /// <summary>Whether a trailing comment is SQL-shaped: "--", "/*" or a "#" with nothing after it.</summary>
    private static bool CommentBreaks(ReadOnlySpan<char> t, in SqlToken c)
    {
        var text = t.Slice(c.Start, c.Length);
        return text.StartsWith("--") || text.StartsWith("/*") || text.TrimEnd().Length == 1;
    }

    private static SqlToken At(ReadOnlySpan<SqlToken> s, int i) => (uint)i < (uint)s.Length ? s[i] : default;

    private static bool IsCompare(in SqlToken x) =>
        (x.Kind == SqlKind.Op && x.Flag) || (x.Kind == SqlKind.Kw && x.Word is SqlWord.Like or SqlWord.Regexp or SqlWord.In or SqlWord.Is or SqlWord.Between);

    private static bool IsLiteral(in SqlToken x) =>
        x.Kind is SqlKind.Num or SqlKind.Str || (x.Kind == SqlKind.Kw && x.Word is SqlWord.Null or SqlWord.True or SqlWord.False);

    /// <summary>Rules anchored at the value's start: how it breaks out of a string or numeric context.</summary>
    private static void StartRules(scoped ReadOnlySpan<char> t, scoped ReadOnlySpan<SqlToken> s, char quote, bool final, ref FindingSink sink)
    {
        if (s.Length == 0)
        {
            return;
        }

        int i;
        if (quote != '\0')
        {
            // s[0] is the closing of the application's string.
            i = 1;
            while (At(s, i).Kind == SqlKind.RParen)
            {
                i++;
            }

            if (Breakout(t, s, i, allowWord: false, final, ref sink, RuleKey.SqliQuotedBreakout, quote))
            {
                return;
            }

            var x = At(s, i);
            if (x.Kind == SqlKind.Comment && i == s.Length - 1 && CommentBreaks(t, x))
            {
                var closed = t.Slice(s[0].Start, s[0].Length);
                var key = closed.Length <= 40 && closed.IndexOfAny(' ', '\t') < 0 && closed.IndexOf("''") < 0
                    ? RuleKey.SqliBreakoutComment : RuleKey.SqliWeakBreakout;
                sink.Add(key, 0, t.Length);
            }

            return;
        }

        // Numeric context: optional sign/parenthesis, a number, then the breakout.
        i = 0;
        while (At(s, i).Kind == SqlKind.LParen || (At(s, i).Kind == SqlKind.Op && At(s, i).OpChar is '-' or '+' or '~' or '!'))
        {
            i++;
        }

        if (At(s, i).Kind == SqlKind.Num)
        {
            i++;
            while (At(s, i).Kind == SqlKind.RParen)
            {
                i++;
            }

            Breakout(t, s, i, allowWord: true, final, ref sink, RuleKey.SqliNumericBreakout);
            return;
        }

        // The whole value opens a SQL function call: "concat(", "group_concat(", "select(user(".
        if (final && s.Length is >= 2 and <= 4 && s[^1].Kind == SqlKind.LParen && s[^2].Kind == SqlKind.Func && s[^2].Word != SqlWord.None
            && !(t.Slice(s[^2].Start, s[^2].Length) is "left" or "right" or "replace" or "reverse" or "position" or "length" or "lower" or "upper"
                or "count" or "if" or "row" or "floor" or "len" or "exp" or "cast" or "convert" or "instr" or "locate" or "bin" or "oct"))
        {
            sink.Add(RuleKey.SqliFunction, 0, t.Length);
        }

        // A value that starts with a complete string literal: "'x'!='y", "'a' or 1=1".
        if (s[0].Kind == SqlKind.Str && s[0].Flag && s.Length > 2)
        {
            if (Breakout(t, s, 1, allowWord: false, final, ref sink, RuleKey.SqliQuotedBreakout, s[0].OpChar))
            {
                return;
            }
        }

        // Unquoted context starting with closing parentheses or a boolean: ") or 1=1--", "or 1=1".
        i = 0;
        while (At(s, i).Kind == SqlKind.RParen)
        {
            i++;
        }

        var y = At(s, i);
        if (i > 0 && y.Kind is SqlKind.Logic or SqlKind.Semi or SqlKind.Comment)
        {
            Breakout(t, s, i, allowWord: true, final, ref sink, RuleKey.SqliNumericBreakout);
        }
        else if (y.Kind == SqlKind.Logic)
        {
            var a = At(s, i + 1);
            var op = At(s, i + 2);
            var b = At(s, i + 3);
            if (a.Kind is SqlKind.Num or SqlKind.Str or SqlKind.Word && IsCompare(op) && b.Kind is SqlKind.Num or SqlKind.Str or SqlKind.Word or SqlKind.Func)
            {
                sink.Add(RuleKey.SqliTautology, 0, t.Length);
            }
        }
    }

    /// <summary>What follows a closed string or a number: booleans, operators, statements, clauses.</summary>
    private static bool Breakout(scoped ReadOnlySpan<char> t, scoped ReadOnlySpan<SqlToken> s, int i, bool allowWord, bool final, ref FindingSink sink, RuleKey key, char quote = '\0')
    {
        var x = At(s, i);
        switch (x.Kind)
        {
            case SqlKind.Logic:
                {
                    var j = i + 1;
                    while (At(s, j).Is(SqlKind.Kw, SqlWord.Not) || (At(s, j).Kind == SqlKind.Op && At(s, j).OpChar is '!' or '-' or '~' or '+'))
                    {
                        j++;
                    }

                    var y = At(s, j);
                    var z = At(s, j + 1);
                    var lastOpenString = y.Kind == SqlKind.Str && !y.Flag && y.OpChar == quote && j == s.Length - 1 && final && quote == '\'' && y.Length <= 24 && ShortClosure(t, s);
                    var hit = y.Kind switch
                    {
                        SqlKind.Func => y.Word != SqlWord.None || At(s, j + 2).Kind is SqlKind.Num or SqlKind.Str or SqlKind.RParen or SqlKind.Var,
                        SqlKind.Var or SqlKind.LParen => true,
                        SqlKind.Num => IsCompare(z) || z.Kind is SqlKind.Comment or SqlKind.Logic or SqlKind.Semi or SqlKind.RParen
                            || (z.Kind == SqlKind.None && final && quote == '\'') || (z.Kind == SqlKind.Op && ExpressionAhead(s, j + 1))
                            || (z.Is(SqlKind.Kw, SqlWord.Not) && IsCompare(At(s, j + 2))),
                        SqlKind.Str => IsCompare(z) || z.Kind is SqlKind.Comment or SqlKind.Semi || (z.Kind == SqlKind.Logic && quote == '\'') || lastOpenString
                            || (z.Kind == SqlKind.Op && ExpressionAhead(s, j + 1)),
                        SqlKind.Word => IsCompare(z) || (z.Kind == SqlKind.Comment && j + 1 == s.Length - 1)
                            || (z.Kind == SqlKind.Op && (ExpressionAhead(s, j + 1) || (y.Word != SqlWord.None && At(s, j + 2).Kind == SqlKind.Num)))
                            || (z.Kind == SqlKind.Logic && At(s, j + 2).Kind is SqlKind.Str or SqlKind.Num),
                        SqlKind.Kw => y.Word is SqlWord.Null or SqlWord.True or SqlWord.False or SqlWord.Exists && z.Kind is not (SqlKind.Word or SqlKind.Str or SqlKind.Num),
                        SqlKind.Verb => y.Word == SqlWord.Select && SelectArgs(t, s, j + 1),
                        _ => false,
                    };
                    if (hit)
                    {
                        sink.Add(key, 0, t.Length);
                        return true;
                    }

                    if (y.Kind == SqlKind.Num && z.Kind == SqlKind.None && final)
                    {
                        sink.Add(RuleKey.SqliWeakBreakout, 0, t.Length);
                    }

                    return false;
                }

            case SqlKind.Op:
                {
                    var yi = i + 1;
                    if (key != RuleKey.SqliNumericBreakout)
                    {
                        while (At(s, yi).Kind == SqlKind.Op && At(s, yi).OpChar is '!' or '-' or '+' or '~')
                        {
                            yi++;
                        }
                    }

                    var y = At(s, yi);
                    var z = At(s, yi + 1);
                    var lastOpenString = y.Kind == SqlKind.Str && !y.Flag && y.OpChar == quote && yi == s.Length - 1 && final && quote == '\'' && y.Length <= 24 && ShortClosure(t, s);
                    bool hit;
                    var tail = z.Kind is SqlKind.None or SqlKind.Comment or SqlKind.Logic or SqlKind.Semi || IsCompare(z)
                        || (z.Kind == SqlKind.Op && At(s, i + 3).Kind is SqlKind.Str or SqlKind.Num or SqlKind.LParen or SqlKind.Func);
                    if (key == RuleKey.SqliNumericBreakout)
                    {
                        // "1-sleep(5)", "1+(select ...)", "1=1--"
                        hit = (y.Kind == SqlKind.Func && y.Word != SqlWord.None)
                            || (y.Kind == SqlKind.LParen && At(s, i + 2).Is(SqlKind.Verb, SqlWord.Select))
                            || (x.Flag && y.Kind is SqlKind.Num or SqlKind.Str && z.Kind is SqlKind.Comment or SqlKind.Logic or SqlKind.Semi);
                    }
                    else if (x.Flag)
                    {
                        // A comparison right after the string closes: "'='", "' = 1 --", "'<>'x".
                        hit = y.Kind switch
                        {
                            SqlKind.Str => quote == '\'' || tail,
                            SqlKind.Num or SqlKind.Var => tail || ExpressionAhead(s, yi + 1),
                            SqlKind.Func => y.Word != SqlWord.None,
                            SqlKind.LParen => At(s, i + 2).Kind is SqlKind.Verb or SqlKind.Num or SqlKind.Str,
                            SqlKind.Word => quote == '\'' && (z.Kind is SqlKind.None or SqlKind.Comment or SqlKind.Logic or SqlKind.Semi || IsCompare(z)),
                            SqlKind.Kw => y.Word is SqlWord.Null or SqlWord.True or SqlWord.False,
                            _ => false,
                        };
                    }
                    else
                    {
                        // Concatenation or arithmetic: "'||'1'='1", "'+(select ...)+'", "' - sleep(5) - '".
                        hit = quote == '\'' && y.Kind switch
                        {
                            SqlKind.Str => z.Kind is SqlKind.Comment or SqlKind.Logic or SqlKind.Semi || IsCompare(z) || lastOpenString || ExpressionAhead(s, yi + 1),
                            SqlKind.Num => z.Kind is SqlKind.Comment or SqlKind.Logic or SqlKind.Semi || IsCompare(z) || ExpressionAhead(s, yi + 1),
                            SqlKind.Word => IsCompare(z) || (y.Word is SqlWord.InfoFunction or SqlWord.Catalog)
                                || (z.Kind is SqlKind.Op or SqlKind.Logic && ExpressionAhead(s, yi + 1) && At(s, yi + 2).Kind is SqlKind.Num or SqlKind.Str),
                            SqlKind.Kw => y.Word is SqlWord.Null or SqlWord.True or SqlWord.False && (IsCompare(z) || z.Kind is SqlKind.Op or SqlKind.Logic),
                            SqlKind.Func => y.Word != SqlWord.None,
                            SqlKind.Var => true,
                            SqlKind.LParen => At(s, yi + 1).Kind is SqlKind.Verb or SqlKind.Func || ExpressionAhead(s, yi + 1),
                            _ => false,
                        };
                    }

                    if (hit)
                    {
                        sink.Add(key, 0, t.Length);
                        return true;
                    }

                    return false;
                }

            case SqlKind.Semi:
                {
                    var y = At(s, i + 1);
                    if ((y.Kind == SqlKind.Verb && VerbContinues(t, s, i + 1)) || (y.Kind == SqlKind.Comment && quote != '"') || (y.Kind == SqlKind.None && key == RuleKey.SqliQuotedBreakout && final))
                    {
                        var strong = y.Kind != SqlKind.None || (quote == '\'' && s[0].Length <= 40 && t.Slice(s[0].Start, s[0].Length).IndexOfAny(' ', '\t') < 0);
                        sink.Add(strong ? key : RuleKey.SqliWeakBreakout, 0, t.Length);
                        return strong;
                    }

                    return false;
                }

            case SqlKind.Comment when key == RuleKey.SqliNumericBreakout:
                sink.Add(RuleKey.SqliWeakBreakout, 0, t.Length);
                return false;

            case SqlKind.Kw:
                {
                    if (x.Word == SqlWord.Not && At(s, i + 1).Kind == SqlKind.Kw)
                    {
                        i++;
                        x = At(s, i);
                    }

                    var y = At(s, i + 1);
                    var z = At(s, i + 2);
                    var hit = x.Word switch
                    {
                        SqlWord.From => y.Kind == SqlKind.Word && (z.Word is SqlWord.Where or SqlWord.Limit or SqlWord.Order or SqlWord.Group || z.Kind is SqlKind.Comment or SqlKind.Semi),
                        SqlWord.Order or SqlWord.Group => y.Is(SqlKind.Kw, SqlWord.By),
                        SqlWord.Having => y.Kind is SqlKind.Num or SqlKind.Str or SqlKind.Word or SqlKind.Func or SqlKind.LParen,
                        SqlWord.Limit => y.Kind == SqlKind.Num,
                        SqlWord.Into => y.Kind == SqlKind.Var || y.Word is SqlWord.Outfile or SqlWord.Dumpfile,
                        SqlWord.Procedure => y.Word == SqlWord.Analyse,
                        SqlWord.Where => y.Kind is SqlKind.Num or SqlKind.Str or SqlKind.Word && IsCompare(z),
                        SqlWord.Like or SqlWord.Regexp => y.Kind is SqlKind.Str or SqlKind.Num or SqlKind.LParen && quote != '"',
                        SqlWord.Is => y.Word is SqlWord.Null || (y.Word == SqlWord.Not && z.Word == SqlWord.Null),
                        SqlWord.In => y.Kind == SqlKind.LParen && !allowWord,
                        SqlWord.Between => IsLiteral(y),
                        SqlWord.Div or SqlWord.Mod => y.Kind is SqlKind.Num or SqlKind.Func or SqlKind.LParen
                            || (y.Kind == SqlKind.Str && !y.Flag && y.OpChar == quote && quote == '\'' && i + 1 == s.Length - 1 && ShortClosure(t, s)),
                        _ => false,
                    };
                    if (hit)
                    {
                        sink.Add(key, 0, t.Length);
                        return true;
                    }

                    return false;
                }

            case SqlKind.Verb:
                if (VerbContinues(t, s, i))
                {
                    sink.Add(key, 0, t.Length);
                    return true;
                }

                return false;

            case SqlKind.Union:
                return false;

            case SqlKind.Word when allowWord && key == RuleKey.SqliNumericBreakout:
                // "1 procedure analyse", "1 waitfor ..." are handled as keywords; a word after a number is prose.
                return false;
        }

        return false;
    }

    /// <summary>Whether a statement verb at <paramref name="i"/> is followed by that statement's grammar.</summary>
    private static bool VerbContinues(ReadOnlySpan<char> t, ReadOnlySpan<SqlToken> s, int i)
    {
        var v = s[i];
        var y = At(s, i + 1);
        var z = At(s, i + 2);
        switch (v.Word)
        {
            case SqlWord.Select:
                return SelectArgs(t, s, i + 1);
            case SqlWord.Insert:
                return y.Is(SqlKind.Kw, SqlWord.Into);
            case SqlWord.Update:
                return y.Kind == SqlKind.Word && z.Is(SqlKind.Kw, SqlWord.Set);
            case SqlWord.Delete:
                return y.Is(SqlKind.Kw, SqlWord.From) || (y.Kind == SqlKind.Word && z.Is(SqlKind.Kw, SqlWord.Where))
                    || (y.Kind == SqlKind.Word && t.Slice(y.Start, y.Length) is "low_priority" or "quick" or "ignore" && z.Is(SqlKind.Kw, SqlWord.From));
            case SqlWord.Drop or SqlWord.Create or SqlWord.Alter or SqlWord.Truncate:
                return y.Kind == SqlKind.Kw && y.Word is SqlWord.Table or SqlWord.Database or SqlWord.Procedure or SqlWord.Function or SqlWord.View
                    or SqlWord.User or SqlWord.Index or SqlWord.Trigger or SqlWord.Schema or SqlWord.Login
                    || (y.Kind == SqlKind.Word && y.Word == SqlWord.InfoFunction)
                    || (v.Word is SqlWord.Truncate or SqlWord.Drop && y.Kind == SqlKind.Word && z.Kind is SqlKind.Comment or SqlKind.Semi && At(s, i - 1).Kind == SqlKind.Semi);
            case SqlWord.Exec or SqlWord.Execute:
                {
                    if (y.Kind is SqlKind.Var or SqlKind.Str || y.Word == SqlWord.Catalog || (y.Kind == SqlKind.LParen && z.Kind is SqlKind.Str or SqlKind.Var))
                    {
                        return true;
                    }

                    if (y.Kind is SqlKind.Word or SqlKind.Func)
                    {
                        var w = t.Slice(y.Start, y.Length);
                        return w.StartsWith("xp_") || w.StartsWith("sp_") || w.StartsWith("master.") || w.StartsWith("dbo.") || w is "immediate";
                    }

                    return false;
                }

            case SqlWord.Declare:
                return y.Kind == SqlKind.Var;
            case SqlWord.Load:
                return t.Slice(y.Start, y.Length) is "data" or "xml" && At(s, i + 2).Kind == SqlKind.Word;
            case SqlWord.Shutdown:
                return y.Kind is SqlKind.None or SqlKind.Comment or SqlKind.Semi || y.Word == SqlWord.Null;
            case SqlWord.Waitfor:
                return y.Word is SqlWord.Delay or SqlWord.Time;
            case SqlWord.Grant or SqlWord.Revoke:
                return y.Is(SqlKind.Kw, SqlWord.All) || (y.Kind == SqlKind.Word && z.Is(SqlKind.Kw, SqlWord.On));
        }

        return false;
    }

    /// <summary>Whether a SELECT's arguments look like SQL rather than prose ("select the column").</summary>
    private static bool SelectArgs(ReadOnlySpan<char> t, ReadOnlySpan<SqlToken> s, int i)
    {
        while (At(s, i).Kind == SqlKind.Op && At(s, i).OpChar is '-' or '+' or '~' or '!' && At(s, i + 1).Kind is SqlKind.Num or SqlKind.Func or SqlKind.LParen or SqlKind.Str)
        {
            i++;
        }

        var a = At(s, i);
        var b = At(s, i + 1);
        switch (a.Kind)
        {
            case SqlKind.Func when a.Word != SqlWord.None:
            case SqlKind.Var:
                return true;
            case SqlKind.Func:
                return FromFollows(s, i + 1);
            case SqlKind.Num:
            case SqlKind.Str:
                return b.Kind is SqlKind.Comma or SqlKind.None or SqlKind.Comment or SqlKind.RParen or SqlKind.Semi or SqlKind.Union or SqlKind.Op
                    || b.Is(SqlKind.Kw, SqlWord.From) || b.Is(SqlKind.Kw, SqlWord.Into) || b.Is(SqlKind.Kw, SqlWord.As) || b.Is(SqlKind.Kw, SqlWord.Limit);
            case SqlKind.LParen:
                return b.Kind is SqlKind.Verb or SqlKind.Num or SqlKind.Str or SqlKind.Func or SqlKind.Var || b.Is(SqlKind.Kw, SqlWord.Case)
                    || (b.Kind is SqlKind.LParen or SqlKind.Word && FromFollows(s, i + 1));
            case SqlKind.Op when a.OpChar == '*':
                return b.Is(SqlKind.Kw, SqlWord.From) || b.Kind is SqlKind.None or SqlKind.Comment or SqlKind.Comma;
            case SqlKind.Kw when a.Word is SqlWord.Null or SqlWord.Top or SqlWord.Distinct or SqlWord.All or SqlWord.True or SqlWord.False or SqlWord.Case:
                return a.Word is SqlWord.Null or SqlWord.Top || FromFollows(s, i + 1) || b.Kind is SqlKind.Num or SqlKind.Func or SqlKind.Var or SqlKind.Comma;
            case SqlKind.Word:
                if (a.Word is SqlWord.InfoFunction or SqlWord.Catalog)
                {
                    return true;
                }

                // "select name, pass from users" or "select pass from users where|--|;|)" or "(select id-0 from users"
                if (b.Kind == SqlKind.Comma || (b.Kind == SqlKind.Op && !b.Flag && At(s, i - 2).Kind == SqlKind.LParen))
                {
                    return FromFollows(s, i + 2);
                }

                if (b.Is(SqlKind.Kw, SqlWord.From))
                {
                    var c = At(s, i + 2);
                    var d = At(s, i + 3);
                    var e = At(s, i + 4);
                    return c.Kind == SqlKind.Word && (d.Kind is SqlKind.Comment or SqlKind.Semi or SqlKind.RParen
                        || (d.Word is SqlWord.Where or SqlWord.Limit or SqlWord.Order or SqlWord.Group or SqlWord.Union && e.Kind != SqlKind.None && e.Kind != SqlKind.Word)
                        || (d.Word == SqlWord.Where && e.Kind == SqlKind.Word && IsCompare(At(s, i + 5)))
                        || c.Word == SqlWord.Catalog);
                }

                return false;
        }

        return false;
    }

    /// <summary>Whether the string the value closes is a single short token ("admin", "1", ""), not prose.</summary>
    private static bool ShortClosure(ReadOnlySpan<char> t, ReadOnlySpan<SqlToken> s)
    {
        var c = t.Slice(s[0].Start, s[0].Length).Trim();
        return c.Length <= 33 && c.IndexOfAny(' ', '\t') < 0;
    }

    private static bool ThenFollows(ReadOnlySpan<SqlToken> s, int i)
    {
        for (var k = i; k < s.Length && k < i + 10; k++)
        {
            if (s[k].Is(SqlKind.Kw, SqlWord.Then))
            {
                return true;
            }
        }

        return false;
    }

    private static bool CompareAhead(ReadOnlySpan<SqlToken> s, int i)
    {
        for (var k = i; k < s.Length && k < i + 12; k++)
        {
            if (s[k].Kind == SqlKind.Op && s[k].Flag)
            {
                var n = At(s, k + 1);
                return n.Kind is SqlKind.Num or SqlKind.LParen or SqlKind.Func or SqlKind.Str || (n.Kind == SqlKind.Op && n.OpChar is '-' or '~' or '!');
            }

            if (s[k].Kind is SqlKind.Word or SqlKind.Comma or SqlKind.Other)
            {
                return false;
            }
        }

        return false;
    }

    private static bool FromFollows(ReadOnlySpan<SqlToken> s, int i)
    {
        for (var k = i; k < s.Length && k < i + 24; k++)
        {
            if (s[k].Is(SqlKind.Kw, SqlWord.From))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether the tokens from <paramref name="i"/> form an expression that reaches a comparison, boolean or comment.</summary>
    private static bool ExpressionAhead(ReadOnlySpan<SqlToken> s, int i)
    {
        for (var k = i; k < s.Length && k < i + 12; k++)
        {
            var x = s[k];
            if (IsCompare(x) || x.Kind is SqlKind.Logic or SqlKind.Semi || (x.Kind == SqlKind.Comment && k == s.Length - 1))
            {
                return k > i;
            }

            if (x.Kind is SqlKind.Word or SqlKind.Str && At(s, k + 1).Kind is SqlKind.Word or SqlKind.Str or SqlKind.Num)
            {
                return false;
            }

            if (x.Kind is SqlKind.Other or SqlKind.Comma or SqlKind.Union)
            {
                return false;
            }
        }

        return false;
    }

    /// <summary>A server variable closed by an empty comment: "@version--", "@version /*".</summary>
    private static bool VariableThenComment(ReadOnlySpan<char> t, ReadOnlySpan<SqlToken> s)
    {
        if (s.Length != 2 || s[0].Kind != SqlKind.Var || s[1].Kind != SqlKind.Comment)
        {
            return false;
        }

        var c = t.Slice(s[1].Start, s[1].Length);
        return c.TrimStart("-#/*").Trim(" */-").IsEmpty;
    }

    /// <summary>An expression closed by a short trailing comment: "( @a OR COS ( 1 ) ) --", "1 * 1 --".</summary>
    private static void TrailingComment(scoped ReadOnlySpan<char> t, scoped ReadOnlySpan<SqlToken> s, ref FindingSink sink)
    {
        if (s.Length < 3 || s[^1].Kind != SqlKind.Comment)
        {
            return;
        }

        var c = t.Slice(s[^1].Start, s[^1].Length);
        var body = c.StartsWith("--") ? c[2..] : c.StartsWith("#") ? c[1..] : c.StartsWith("/*") ? c[2..].TrimEnd("*/") : c;
        if (body.Trim(" -+#\t").Length > 0)
        {
            return;
        }

        var prev = s[^2];
        if (prev.Kind is not (SqlKind.RParen or SqlKind.Num or SqlKind.Str or SqlKind.Var))
        {
            return;
        }

        var ops = 0;
        var words = 0;
        foreach (var x in s[..^1])
        {
            if (x.Kind is SqlKind.Op or SqlKind.Logic or SqlKind.Func or SqlKind.Verb or SqlKind.Var)
            {
                ops++;
            }
            else if (x.Kind == SqlKind.Word)
            {
                words++;
            }
        }

        if (ops > 0 && words <= ops)
        {
            sink.Add(RuleKey.SqliBreakoutComment, 0, t.Length);
        }
    }

    /// <summary>Statement-level rules at any position.</summary>
    private static void AnywhereRules(scoped ReadOnlySpan<char> t, scoped ReadOnlySpan<SqlToken> s, int limit, ref FindingSink sink)
    {
        for (var i = 0; i < limit && i < s.Length; i++)
        {
            var x = s[i];
            switch (x.Kind)
            {
                case SqlKind.Union when x.Word == SqlWord.Union && At(s, i - 1).Kind is SqlKind.Num or SqlKind.Op or SqlKind.RParen
                    && (i + 1 == s.Length || (i + 2 == s.Length && s[i + 1].Kind == SqlKind.Comment)) && limit == s.Length:
                    // "-1/**/union#--": a union that ends the value after a numeric expression.
                    sink.Add(RuleKey.SqliUnionSelect, x.Start, x.Length);
                    break;

                case SqlKind.Union:
                    {
                        var j = i + 1;
                        while (At(s, j).Kind == SqlKind.LParen || (At(s, j).Kind == SqlKind.Kw && At(s, j).Word is SqlWord.All or SqlWord.Distinct))
                        {
                            j++;
                        }

                        var y = At(s, j);
                        if (y.Is(SqlKind.Verb, SqlWord.Select) || (y.Kind == SqlKind.Func && t.Slice(y.Start, y.Length) is "select"))
                        {
                            var arg = At(s, j + 1);
                            var next = At(s, j + 2);
                            if (SelectArgs(t, s, j + 1)
                                || (x.Word == SqlWord.Union && (arg.Kind is not (SqlKind.Word or SqlKind.None) || next.Kind is SqlKind.Comma or SqlKind.None or SqlKind.Comment
                                    || next.Is(SqlKind.Kw, SqlWord.From))))
                            {
                                sink.Add(RuleKey.SqliUnionSelect, x.Start, y.Start + y.Length - x.Start);
                            }
                        }

                        break;
                    }

                case SqlKind.Semi:
                    {
                        var y = At(s, i + 1);
                        if (y.Kind == SqlKind.Func && t.Slice(y.Start, y.Length) is "if" && At(s, i - 1).Kind is SqlKind.RParen or SqlKind.Num or SqlKind.Str)
                        {
                            sink.Add(RuleKey.SqliStackedQuery, x.Start, y.Start + y.Length - x.Start);
                        }
                        else if (y.Kind == SqlKind.Verb && VerbContinues(t, s, i + 1))
                        {
                            sink.Add(RuleKey.SqliStackedQuery, x.Start, y.Start + y.Length - x.Start);
                        }

                        break;
                    }

                case SqlKind.Verb:
                    if (x.Word == SqlWord.Select && SelectArgs(t, s, i + 1)
                        && (FromFollows(s, i + 1) || At(s, i - 1).Kind is SqlKind.LParen or SqlKind.Logic or SqlKind.Op or SqlKind.Semi or SqlKind.Comma or SqlKind.Kw
                            || (i == 0 && At(s, i + 1).Kind is SqlKind.Var or SqlKind.Func)))
                    {
                        sink.Add(RuleKey.SqliSelectStatement, x.Start, x.Length);
                    }
                    else if (x.Word is SqlWord.Exec or SqlWord.Execute or SqlWord.Waitfor or SqlWord.Declare or SqlWord.Insert or SqlWord.Delete
                        or SqlWord.Drop or SqlWord.Truncate or SqlWord.Shutdown or SqlWord.Load
                        && (i == 0 || At(s, i - 1).Kind is SqlKind.Semi or SqlKind.Str or SqlKind.Num or SqlKind.RParen)
                        && VerbContinues(t, s, i))
                    {
                        sink.Add(x.Word == SqlWord.Waitfor ? RuleKey.SqliTimeDelay : RuleKey.SqliStackedQuery, x.Start, x.Length);
                    }

                    break;

                case SqlKind.Func:
                    {
                        var name = t.Slice(x.Start, x.Length);
                        if (SqlLexer.IsDelayOrFileFunction(name))
                        {
                            var key = name is "sleep" or "benchmark" or "pg_sleep" or "dbms_lock.sleep" or "dbms_pipe.receive_message" or "waitfor"
                                ? RuleKey.SqliTimeDelay : RuleKey.SqliFileAccess;

                            // "sleep(5)" needs a numeric argument to be the delay function rather than a word.
                            var arg = At(s, i + 2);
                            if (key != RuleKey.SqliTimeDelay || arg.Kind is SqlKind.Num or SqlKind.Func or SqlKind.LParen or SqlKind.Op or SqlKind.Var || At(s, i - 1).Kind is SqlKind.Logic or SqlKind.Op or SqlKind.Verb)
                            {
                                sink.Add(key, x.Start, x.Length);
                            }
                        }
                        else if (x.Word == SqlWord.InfoFunction && At(s, i + 2).Kind == SqlKind.RParen)
                        {
                            // version(), database(), user(): only injected SQL asks the server who it is.
                            var prev = At(s, i - 1);
                            sink.Add(prev.Kind is SqlKind.Word or SqlKind.Num or SqlKind.Str ? RuleKey.SqliWeakFunction : RuleKey.SqliFunction, x.Start, x.Length);
                        }
                        else if (x.Word != SqlWord.None)
                        {
                            var prev = At(s, i - 1);
                            if (prev.Kind == SqlKind.Logic && (At(s, i - 2).Kind is SqlKind.Str or SqlKind.Num or SqlKind.RParen))
                            {
                                sink.Add(RuleKey.SqliFunction, x.Start, x.Length);
                            }
                            else if (name is "char" or "chr" or "concat" or "concat_ws" or "group_concat" or "unhex" or "ascii" or "substring" or "cast" or "convert")
                            {
                                sink.Add(RuleKey.SqliWeakFunction, x.Start, x.Length);
                            }
                        }

                        break;
                    }

                case SqlKind.LParen when At(s, i - 1).Kind == SqlKind.Func && At(s, i - 1).Word != SqlWord.None
                    && At(s, i + 1).Kind == SqlKind.Func && At(s, i + 1).Word != SqlWord.None && At(s, i + 2).Kind == SqlKind.LParen:
                    // ascii(substring(...)), concat(char(...)): nested SQL functions.
                    sink.Add(RuleKey.SqliFunction, s[i - 1].Start, x.Start - s[i - 1].Start + 1);
                    break;

                case SqlKind.Word when x.Word == SqlWord.Catalog:
                    sink.Add(RuleKey.SqliCatalogName, x.Start, x.Length);
                    break;

                case SqlKind.Var when x.Flag:
                    {
                        var name = t.Slice(x.Start, x.Length);
                        if (name.StartsWith("@@version") || name.StartsWith("@@datadir") || name.StartsWith("@@hostname") || name.StartsWith("@@basedir")
                            || name.StartsWith("@@servername") || name.StartsWith("@@user") || name.StartsWith("@@tmpdir") || name.StartsWith("@@spid")
                            || name.StartsWith("@@language") || name.StartsWith("@@global") || name.StartsWith("@@session"))
                        {
                            sink.Add(RuleKey.SqliSystemVariable, x.Start, x.Length);
                        }

                        break;
                    }

                case SqlKind.Kw:
                    {
                        var y = At(s, i + 1);
                        var z = At(s, i + 2);
                        if (x.Word == SqlWord.Into && y.Word is SqlWord.Outfile or SqlWord.Dumpfile)
                        {
                            sink.Add(RuleKey.SqliFileAccess, x.Start, x.Length);
                        }
                        else if (x.Word == SqlWord.Limit && y.Kind == SqlKind.Num
                            && (z.Kind == SqlKind.Comment || (z.Kind == SqlKind.Comma && At(s, i + 3).Kind == SqlKind.Num && At(s, i + 4).Kind is SqlKind.Comment or SqlKind.Semi)))
                        {
                            sink.Add(RuleKey.SqliNumericBreakout, x.Start, x.Length);
                        }
                        else if (x.Word == SqlWord.Case && y.Is(SqlKind.Kw, SqlWord.When) && ThenFollows(s, i + 2))
                        {
                            sink.Add(RuleKey.SqliFunction, x.Start, x.Length);
                        }
                        else if (x.Word == SqlWord.Order && y.Is(SqlKind.Kw, SqlWord.By) && z.Kind == SqlKind.Num
                            && (At(s, i + 3).Kind is SqlKind.Comment or SqlKind.Semi || (At(s, i + 3).Kind == SqlKind.None && At(s, i - 1).Kind is SqlKind.Str or SqlKind.Num or SqlKind.RParen)))
                        {
                            sink.Add(RuleKey.SqliNumericBreakout, x.Start, x.Length);
                        }

                        break;
                    }

                case SqlKind.Logic:
                    {
                        // Arithmetic compared after a boolean: "and 1+2=3+4", "and cos(3)=sin(4)", "and (-8)=(-3)".
                        var a0 = At(s, i + 1);
                        if ((a0.Kind is SqlKind.LParen || (a0.Kind == SqlKind.Func && a0.Word != SqlWord.None) || (a0.Kind == SqlKind.Op && a0.OpChar is '-' or '~' or '!')
                                || (a0.Kind == SqlKind.Num && At(s, i + 2).Kind == SqlKind.Op && !At(s, i + 2).Flag))
                            && ExpressionAhead(s, i + 1) && CompareAhead(s, i + 1))
                        {
                            sink.Add(RuleKey.SqliTautology, x.Start, x.Length);
                            break;
                        }

                        // Tautology: "or 1=1", "and 'a'='a", "or x=x" (same operands on both sides).
                        var a = At(s, i + 1);
                        var op = At(s, i + 2);
                        var b = At(s, i + 3);
                        if (a.Kind is SqlKind.Num or SqlKind.Str or SqlKind.Word && op.Kind == SqlKind.Op && op.Flag && b.Kind == a.Kind)
                        {
                            var sa = Trim(t.Slice(a.Start, a.Length));
                            var sb = Trim(t.Slice(b.Start, b.Length));
                            if (sa.SequenceEqual(sb) || (a.Kind == SqlKind.Num && At(s, i - 1).Kind is SqlKind.Str or SqlKind.Num or SqlKind.RParen))
                            {
                                sink.Add(RuleKey.SqliTautology, x.Start, b.Start + b.Length - x.Start);
                            }
                        }

                        break;
                    }
            }
        }
    }

    private static ReadOnlySpan<char> Trim(ReadOnlySpan<char> s) => s.Trim("'\"");
}
