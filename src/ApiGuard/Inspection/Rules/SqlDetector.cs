using System.Buffers;
using System.Runtime.CompilerServices;
using static ApiGuard.Inspection.Rules.Spans;

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

    private static readonly SearchValues<char> s_typeChars = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789_");
    // What SQL injection needs and prose rarely has: a quote, a statement separator, a comment, a variable, a call.
    private const string GateChars = "'\"`;#@(";
    private const string PairChars = "-/|&:";
    private const string LogicOperandChars = "=<>!~^+-*/%0123456789";
    private static readonly SearchValues<char> s_gate = SearchValues.Create(GateChars);
    private static readonly CharMask s_gateMask = CharMask.Set(GateChars);

    // Two-character operators: comments (--, /*), booleans (||, &&) and PostgreSQL casts (::).
    private static readonly SearchValues<char> s_pairStarts = SearchValues.Create(PairChars);

    // A boolean ("or", "and", also inside words: the prefilter stays simple) counts with a comparison, a number or a literal word.
    private static readonly SearchValues<char> s_logicOperands = SearchValues.Create(LogicOperandChars);
    private static readonly CharMask s_logicOperandMask = CharMask.Set(LogicOperandChars);

    public static void Detect(scoped ReadOnlySpan<char> t, ref FindingSink sink)
    {
        if (!MayHoldSql(t, sink.Chars) || (sink.Chars.Has('@') && EmailAddress.IsPlain(t)) || SpreadsheetFormula.Is(t))
        {
            return;
        }

        Span<SqlToken> buf = stackalloc SqlToken[Window];
        Run(t, '\0', buf, ref sink);
        if (!sink.Settled && sink.Chars.Has('"') && IsJsonDocument(t))
        {
            // In a JSON document ('{"and":[{"==":[{"var":"plan"},"pro"]}]}') double quotes delimit its strings: they close no SQL
            // string the value was put in, and a single quote means something only inside one. Each string is read as a value
            // of its own ('{"filter":"status = 'open' OR 1=1 --"}').
            JsonStrings(t, buf, ref sink);
            return;
        }

        if (!sink.Settled && sink.Chars.Has('\'') && t.Contains('\''))
        {
            Run(t, '\'', buf, ref sink);
            if (!sink.Settled && t.StartsWith("\\'"))
            {
                // "\' OR 1=1-- -": where the application escapes quotes with a backslash, the value's own backslash escapes that
                // one and its quote closes the string (the addslashes bypass).
                Run(t[1..], '\'', buf, ref sink);
            }
        }

        if (!sink.Settled && sink.Chars.Has('"') && t.Contains('"'))
        {
            Run(t, '"', buf, ref sink);
        }
    }

    /// <summary>
    /// The prefilter: whether any rule could fire. Every rule needs a quote, a separator, comment, variable or call, one of the
    /// gate words, or a boolean with a comparison, number or literal, so text without them (most prose) skips the lexer.
    /// </summary>
    private static bool MayHoldSql(ReadOnlySpan<char> t, in CharMask m)
    {
        // The engine's character profile answers most of these without a pass over the text.
        if (m.HasAny(s_gateMask, t, s_gate) || (m.HasAny(PairChars) && HasOperatorPair(t)) || HasGateWord(t))
        {
            return true;
        }

        return (m.Contains(t, "or") || m.Contains(t, "and"))
            && (m.HasAny(s_logicOperandMask, t, s_logicOperands) || m.Contains(t, "true") || m.Contains(t, "false") || m.Contains(t, "null"));
    }

    /// <summary>
    /// Whether a word starts with a SQL word that carries an injection without quotes, calls or comments ("1 union select 1",
    /// "1 where 1=1", "information_schema.tables"). One scalar pass over word starts: cheaper than a multi-string search on
    /// short values.
    /// </summary>
    private static bool HasGateWord(ReadOnlySpan<char> t)
    {
        var previousIsLetter = false;
        for (var i = 0; i < t.Length; i++)
        {
            var c = t[i];
            var isLetter = (uint)(c - 'a') <= 'z' - 'a';
            if (isLetter && !previousIsLetter && IsGateWordAt(t[i..]))
            {
                return true;
            }

            previousIsLetter = isLetter;
        }

        return false;
    }

    private static bool IsGateWordAt(ReadOnlySpan<char> w) => w[0] switch
    {
        'a' => w.StartsWith("alter table"),
        'b' => w.StartsWith("between"),
        'c' => w.StartsWith("case"),
        'd' => w.StartsWith("delete") || w.StartsWith("drop") || w.StartsWith("declare") || WholeWord(w, "div"),
        'e' => w.StartsWith("exec"),
        'g' => w.StartsWith("group"),
        'h' => w.StartsWith("having"),
        'i' => w.StartsWith("insert") || w.StartsWith("into") || w.StartsWith("information_schema") || w.StartsWith("is null") || w.StartsWith("is not"),
        'l' => w.StartsWith("limit") || w.StartsWith("like"),
        'm' => w.StartsWith("msdb") || w.StartsWith("msys") || w.StartsWith("mysql.") || WholeWord(w, "mod"),
        'o' => w.StartsWith("order"),
        'p' => w.StartsWith("pg_catalog") || w.StartsWith("procedure"),
        'r' => w.StartsWith("regexp") || w.StartsWith("rlike"),
        's' => w.StartsWith("select") || w.StartsWith("sleep") || w.StartsWith("shutdown") || w.StartsWith("sysobjects") || w.StartsWith("sqlite_master")
            || w.StartsWith("schema_name") || w.StartsWith("sounds"),
        't' => w.StartsWith("tempdb."),
        'u' => w.StartsWith("union") || w.StartsWith("update"),
        'w' => w.StartsWith("where") || w.StartsWith("waitfor"),
        _ => false,
    };

    private static bool WholeWord(ReadOnlySpan<char> w, string word) =>
        w.StartsWith(word) && (w.Length == word.Length || (uint)(w[word.Length] - 'a') > 'z' - 'a');

    private static bool HasOperatorPair(ReadOnlySpan<char> t)
    {
        var i = 0;
        while (true)
        {
            var k = t[i..].IndexOfAny(s_pairStarts);
            if (k < 0)
            {
                return false;
            }

            i += k + 1;
            if (i < t.Length && (t[i - 1] == '/' ? t[i] == '*' : t[i] == t[i - 1]))
            {
                return true;
            }
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

                if (tok.Kind == SqlKind.Cast)
                {
                    // A PostgreSQL cast is folded onto its operand. A literal or a call result cast to a SQL type
                    // ('{"a":1}'::jsonb, 1::int, unistr(x)::int) is PostgreSQL expression syntax, never prose.
                    if (n > 0)
                    {
                        ref var operand = ref buf[n - 1];
                        operand.Cast = true;
                        if (operand.Kind is SqlKind.Num or SqlKind.RParen || (operand.Kind == SqlKind.Str && operand.Flag))
                        {
                            sink.Add(RuleKey.SqliFunction, operand.Start, tok.Start + tok.Length - operand.Start);
                        }
                    }

                    continue;
                }

                if (tok.Kind == SqlKind.Comment && tok.Length > 11 && t.Slice(tok.Start, tok.Length).Contains("sp_password", StringComparison.Ordinal))
                {
                    // MSSQL leaves a statement that mentions sp_password out of its logs: a comment naming it hides the injection.
                    sink.Add(RuleKey.SqliCatalogName, tok.Start, tok.Length);
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

        WorkMeter.Add(lexer.Tokens);
        if (lexer.VersionedComment)
        {
            sink.Add(RuleKey.SqliVersionedComment, 0, t.Length);
        }
    }

    /// <summary>
    /// Whether a trailing comment is SQL-shaped: "--", "/*" or a "#" with nothing after it; not a quoted command-line
    /// option ("--help", '--verbose'), where the dashes open a word that the same quote closes.
    /// </summary>
    private static bool CommentBreaks(ReadOnlySpan<char> t, in SqlToken c, char quote)
    {
        var text = t.Slice(c.Start, c.Length);
        if (text.StartsWith("--") && text.Length > 2 && char.IsAsciiLetter(text[2]) && quote != '\0' && text.Contains(quote))
        {
            return false;
        }

        return text.StartsWith("--") || text.StartsWith("/*") || text.TrimEnd().Length == 1;
    }

    private static readonly SqlToken s_none;

    /// <summary>The token at <paramref name="i"/>, or a <see cref="SqlKind.None"/> token past either end (by reference: no copy).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref readonly SqlToken At(ReadOnlySpan<SqlToken> s, int i)
    {
        if ((uint)i < (uint)s.Length)
        {
            return ref s[i];
        }

        return ref s_none;
    }

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
            if ((x.Kind == SqlKind.Comment && i == s.Length - 1 && CommentBreaks(t, x, quote)) || (x.Kind == SqlKind.Semi && i == s.Length - 1 && final))
            {
                // "admin'--" and "admin';": the string closed and the statement ended or commented out after it.
                var closed = t.Slice(s[0].Start, s[0].Length);
                var key = closed.Length <= 40 && closed.IndexOfAny(' ', '\t') < 0 && closed.IndexOf("''") < 0
                    ? RuleKey.SqliBreakoutComment : RuleKey.SqliWeakBreakout;
                sink.Add(key, 0, t.Length);
            }

            return;
        }

        // The whole value is a column cast to a PostgreSQL type: "password::int" (error-based extraction).
        if (final && s.Length == 1 && s[0].Kind == SqlKind.Word && s[0].Cast && IsExtractionCast(t, s[0]))
        {
            sink.Add(RuleKey.SqliFunction, 0, t.Length);
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
        if (final && s.Length is >= 2 and <= 4 && s[^1].Kind == SqlKind.LParen && (s[^2].Kind == SqlKind.Func || s[^2].Is(SqlKind.Verb, SqlWord.Insert)) && s[^2].Word != SqlWord.None
            && !(t.Slice(s[^2].Start, s[^2].Length) is "left" or "right" or "replace" or "reverse" or "position" or "length" or "lower" or "upper"
                or "count" or "if" or "row" or "floor" or "len" or "exp" or "cast" or "convert" or "instr" or "locate" or "bin" or "oct"))
        {
            sink.Add(RuleKey.SqliFunction, 0, t.Length);
        }

        // A value that continues a select list or ORDER BY with a SQL function: ", find_in_set('22', category)".
        if (s[0].Kind == SqlKind.Comma && At(s, 1).Kind == SqlKind.Func && At(s, 1).Word != SqlWord.None && At(s, 2).Kind == SqlKind.LParen
            && At(s, 3).Kind is SqlKind.Num or SqlKind.Str or SqlKind.Word)
        {
            sink.Add(RuleKey.SqliFunction, 0, s[1].Start + s[1].Length);
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
        if (i > 0 && (y.Kind is SqlKind.Logic or SqlKind.Semi or SqlKind.Comment || (y.Kind == SqlKind.Kw && y.Word is SqlWord.Like or SqlWord.Regexp)))
        {
            Breakout(t, s, i, allowWord: true, final, ref sink, RuleKey.SqliNumericBreakout);
        }
        else if (y.Kind == SqlKind.Logic)
        {
            var a = At(s, i + 1);
            var op = At(s, i + 2);
            var b = At(s, i + 3);
            if (a.Kind is SqlKind.Num or SqlKind.Str or SqlKind.Word && IsCompare(op) && b.Kind is SqlKind.Num or SqlKind.Str or SqlKind.Word or SqlKind.Func
                && !(op.Kind == SqlKind.Kw && a.Kind == SqlKind.Word && b.Kind is SqlKind.Word or SqlKind.Func))
            {
                // (Not "and there is only one", "or the value is used": prose that starts with a conjunction.)
                sink.Add(RuleKey.SqliTautology, 0, t.Length);
            }
            else if (a.Kind is SqlKind.Num or SqlKind.Str && op.Kind == SqlKind.Op && b.Kind is SqlKind.Num or SqlKind.Str && ExpressionAhead(s, i + 1))
            {
                // "or '{"a":1}' -> 'a' = 1": literal operators reaching a comparison.
                sink.Add(RuleKey.SqliTautology, 0, t.Length);
            }
        }
    }

    /// <summary>
    /// Whether the parenthesis at <paramref name="open"/> groups plain words with AND/OR and nothing else: the group of a search
    /// engine's query after a quoted phrase ('"nanny" AND (remote OR hybrid) NOT senior'). A group with a number, a string, an
    /// operator, a call or a statement ('" AND (1=1) --', '"x" AND (SELECT 1)') is SQL.
    /// </summary>
    private static bool BooleanSearchGroup(ReadOnlySpan<SqlToken> s, int open)
    {
        var logic = 0;
        for (var k = open + 1; k < s.Length && k - open <= 16; k++)
        {
            switch (s[k].Kind)
            {
                case SqlKind.Word:
                    continue;
                case SqlKind.Logic:
                    logic++;
                    continue;
                case SqlKind.RParen:
                    return logic > 0 && s[k - 1].Kind == SqlKind.Word;
                default:
                    return false;
            }
        }

        return false;
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
                    while (At(s, j).Is(SqlKind.Kw, SqlWord.Not) || At(s, j).Is(SqlKind.Kw, SqlWord.Binary) || (At(s, j).Kind == SqlKind.Op && At(s, j).OpChar is '!' or '-' or '~' or '+'))
                    {
                        j++;
                    }

                    var y = At(s, j);
                    var z = At(s, j + 1);
                    var lastOpenString = y.Kind == SqlKind.Str && !y.Flag && y.OpChar == quote && j == s.Length - 1 && final && quote == '\'' && y.Length <= 24 && ShortClosure(t, s) && !OpenProse(t, s, j);
                    var hit = y.Kind switch
                    {
                        SqlKind.Func => y.Word != SqlWord.None || At(s, j + 2).Kind is SqlKind.Num or SqlKind.Str or SqlKind.RParen or SqlKind.Var
                            || CallThenEnd(s, j, final),
                        SqlKind.Var => true,
                        SqlKind.LParen => !(quote == '"' && BooleanSearchGroup(s, j)),
                        SqlKind.Num => IsCompare(z) || z.Kind is SqlKind.Comment or SqlKind.Logic or SqlKind.Semi or SqlKind.RParen
                            || (z.Kind == SqlKind.None && final && quote == '\'') || (z.Kind == SqlKind.Op && ExpressionAhead(s, j + 1))
                            || (z.Is(SqlKind.Kw, SqlWord.Not) && IsCompare(At(s, j + 2))),
                        SqlKind.Str => IsCompare(z) || z.Kind is SqlKind.Comment or SqlKind.Semi || (z.Kind == SqlKind.Logic && quote == '\'') || lastOpenString
                            || (z.Kind == SqlKind.Op && ExpressionAhead(s, j + 1)),
                        SqlKind.Word => IsCompare(z) || (z.Kind == SqlKind.Comment && j + 1 == s.Length - 1)
                            || (z.Kind == SqlKind.Op && !IsHyphenatedCode(s, j) && (ExpressionAhead(s, j + 1) || (y.Word != SqlWord.None && At(s, j + 2).Kind == SqlKind.Num)))
                            || (z.Kind == SqlKind.Logic && At(s, j + 2).Kind is SqlKind.Str or SqlKind.Num)
                            || OpenQuoteTail(t, s, j, quote, final, arithmetic: false),
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
                    var lastOpenString = y.Kind == SqlKind.Str && !y.Flag && y.OpChar == quote && yi == s.Length - 1 && final && quote == '\'' && y.Length <= 24 && ShortClosure(t, s) && !OpenProse(t, s, yi);
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
                            SqlKind.Str => (quote == '\'' || tail) && !ProseTail(t, s, yi) && (quote != '"' || ShortClosure(t, s)),
                            SqlKind.Num => (tail || ExpressionAhead(s, yi + 1)) && !VersionRange(t, x.Start, quote),
                            SqlKind.Var => tail || ExpressionAhead(s, yi + 1),
                            SqlKind.Func => y.Word != SqlWord.None,
                            SqlKind.LParen => At(s, SkipUnary(s, yi + 1)).Kind is SqlKind.Verb or SqlKind.Num or SqlKind.Str,
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

                        // Arithmetic that runs into the application's closing quote: "1' * id - '0", "0' / current_date xor '1".
                        hit = hit || (x.OpChar is '*' or '/' or '%' or '^' or '|' or '&' && OpenQuoteTail(t, s, yi, quote, final, arithmetic: true));
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
                    var vi = i + 1;
                    if (At(s, vi).Kind == SqlKind.Word && t.Slice(At(s, vi).Start, At(s, vi).Length) is "begin")
                    {
                        // T-SQL block: "; begin declare ...".
                        vi++;
                    }

                    var y = At(s, vi);
                    var statement = y.Kind == SqlKind.Verb && (VerbContinues(t, s, vi)
                        || (quote != '\0' && ShortClosure(t, s) && y.Word is SqlWord.Select or SqlWord.Insert or SqlWord.Update or SqlWord.Delete
                            or SqlWord.Drop or SqlWord.Create or SqlWord.Alter or SqlWord.Truncate or SqlWord.Exec or SqlWord.Execute
                            or SqlWord.Declare or SqlWord.Shutdown or SqlWord.Waitfor));
                    var conditional = y.Kind is SqlKind.Word or SqlKind.Func && t.Slice(y.Start, y.Length) is "if"
                        && (At(s, vi + 1).Kind == SqlKind.LParen || At(s, vi + 1).Is(SqlKind.Kw, SqlWord.Exists) || At(s, vi + 1).Is(SqlKind.Kw, SqlWord.Not));
                    if (statement || conditional || (y.Kind == SqlKind.Comment && quote != '"') || (y.Kind == SqlKind.None && key == RuleKey.SqliQuotedBreakout && final))
                    {
                        var strong = y.Kind != SqlKind.None || (quote == '\'' && s[0].Length <= 40 && t.Slice(s[0].Start, s[0].Length).IndexOfAny(' ', '\t') < 0);
                        sink.Add(strong ? key : RuleKey.SqliWeakBreakout, 0, t.Length);
                        return strong;
                    }

                    return false;
                }

            case SqlKind.Comment when key == RuleKey.SqliNumericBreakout:
                if (final && i == s.Length - 1 && EmptyComment(t, x) && !(At(s, i - 1).Kind == SqlKind.Num && t[At(s, i - 1).Start + At(s, i - 1).Length - 1] == '.')
                    && !IsDialedPin(t, At(s, i - 1)))
                {
                    // (Not after "3." — list numbering before a code comment; nor a dialled PIN.)
                    // A number closed by an empty comment: "1--", "417652 /*", "-1#".
                    sink.Add(RuleKey.SqliBreakoutComment, 0, t.Length);
                    return true;
                }

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
                    var operand = At(s, SkipUnary(s, i + 1));

                    // A quoted keyword in a sentence ("'like' means similar"): what follows is the rest of the sentence.
                    var hit = !OpenProse(t, s, SkipUnary(s, i + 1)) && x.Word switch
                    {
                        SqlWord.From => y.Kind == SqlKind.Word && (z.Word is SqlWord.Where or SqlWord.Limit or SqlWord.Order or SqlWord.Group || z.Kind is SqlKind.Comment or SqlKind.Semi),
                        SqlWord.Order or SqlWord.Group => y.Is(SqlKind.Kw, SqlWord.By) && ByOperandIsSql(t, s, i + 2),
                        SqlWord.Having => y.Kind is SqlKind.Num or SqlKind.Str or SqlKind.Func or SqlKind.LParen || (y.Kind == SqlKind.Word && IsCompare(z)),
                        SqlWord.Limit => y.Kind == SqlKind.Num,
                        SqlWord.Into => y.Kind == SqlKind.Var || y.Word is SqlWord.Outfile or SqlWord.Dumpfile,
                        SqlWord.Procedure => y.Word == SqlWord.Analyse,
                        SqlWord.Where => y.Kind is SqlKind.Num or SqlKind.Str or SqlKind.Word && IsCompare(z),
                        SqlWord.Like or SqlWord.Regexp => (operand.Kind is SqlKind.Str or SqlKind.Num or SqlKind.LParen or SqlKind.Var
                            || (operand.Kind == SqlKind.Func && operand.Word != SqlWord.None)) && quote != '"',
                        SqlWord.Is => y.Word is SqlWord.Null || (y.Word == SqlWord.Not && z.Word == SqlWord.Null)
                            || (y.Kind == SqlKind.Num && (IsCompare(z) || z.Kind == SqlKind.Logic)),
                        SqlWord.In => y.Kind == SqlKind.LParen && !allowWord,
                        SqlWord.Between => IsLiteral(y),
                        SqlWord.Mod when y.Kind == SqlKind.Num && IsCompare(z) && At(s, i + 3).Kind == SqlKind.Num && i + 3 == s.Length - 1 => false,
                        SqlWord.Div or SqlWord.Mod => y.Kind is SqlKind.Num or SqlKind.Func or SqlKind.LParen or SqlKind.Var
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

    /// <summary>
    /// Whether "insert into" goes on as SQL after its table: a column list, VALUES, SELECT, SET, DEFAULT, or the end.
    /// "insert into the slot then turn clockwise" goes on as prose.
    /// </summary>
    private static bool InsertTail(ReadOnlySpan<SqlToken> s, int table)
    {
        var t = At(s, table);
        if (t.Kind is not (SqlKind.Word or SqlKind.Str))
        {
            return true;
        }

        var n = At(s, table + 1);
        return n.Kind is SqlKind.None or SqlKind.LParen or SqlKind.Comment or SqlKind.Semi or SqlKind.Verb
            || (n.Kind == SqlKind.Kw && n.Word is SqlWord.Values or SqlWord.Set) || (n.Kind == SqlKind.Func && n.Word != SqlWord.None)
            || n.Kind == SqlKind.Word && n.Word == SqlWord.None && At(s, table + 2).Kind == SqlKind.LParen;
    }

    /// <summary>
    /// Whether "delete from" goes on as SQL after its table (and alias): the end, a comment, ';', WHERE, LIMIT, ORDER, a
    /// join. "Delete from my cart the items I added" goes on as prose.
    /// </summary>
    private static bool DeleteTail(ReadOnlySpan<SqlToken> s, int table)
    {
        var after = PastTable(s, table);
        if (after < 0)
        {
            return true;
        }

        var n = At(s, after);
        return n.Kind is SqlKind.None or SqlKind.Comment or SqlKind.Semi or SqlKind.RParen or SqlKind.Union or SqlKind.Str
            || (n.Kind == SqlKind.Kw && n.Word is SqlWord.Where or SqlWord.Limit or SqlWord.Order or SqlWord.Join or SqlWord.On);
    }

    /// <summary>
    /// Whether "drop table" goes on as SQL after its table: the end, a comment, ';', ',', an operator, IF EXISTS, CASCADE.
    /// </summary>
    private static bool DropTail(ReadOnlySpan<char> t, ReadOnlySpan<SqlToken> s, int table)
    {
        var x = At(s, table);
        var keyword = At(s, table - 1);
        if (x.Kind != SqlKind.None && t[x.Start] is '?' or '!' && x.Start == keyword.Start + keyword.Length)
        {
            // "drop table? nah, we flip tables here": a question about the words, punctuated as prose.
            return false;
        }

        if (x.Kind is SqlKind.Func or SqlKind.LParen || ClosesQuotedPhrase(t, x))
        {
            // "Drop Table Lamp (Oak)", "DROP TABLE (SQLite docs)": no table name takes or is a parenthesis; '"drop table"
            // in:file': the quote closes a quoted phrase and prose goes on.
            return false;
        }

        if (t.Slice(x.Start, x.Length) is "if")
        {
            // "drop table if exists users;" is judged by what follows its name, like "drop table users;" ("Drop table if
            // exists (duplicate)" is a question's title).
            var exists = At(s, table + 1);
            return exists.Kind == SqlKind.None || t.Slice(exists.Start, exists.Length) is not "exists" || DropTail(t, s, table + 2);
        }

        if (x.Kind is not (SqlKind.Word or SqlKind.Str))
        {
            return true;
        }

        // '{"q":"drop table lamp"}': the name is followed by the quote that closes the phrase, and nothing closes that.
        var n = At(s, table + 1);
        if (n.Kind == SqlKind.Str && !n.Flag)
        {
            return false;
        }

        return n.Kind is SqlKind.None or SqlKind.Comment or SqlKind.Semi or SqlKind.Comma or SqlKind.RParen or SqlKind.Str or SqlKind.Op
            || (n.Kind == SqlKind.Word && t.Slice(n.Start, n.Length) is "cascade" or "restrict" or "purge");
    }

    /// <summary>Runs the raw and single-quoted passes over each string of a JSON document (escapes left as they are).</summary>
    private static void JsonStrings(scoped ReadOnlySpan<char> t, scoped Span<SqlToken> buf, ref FindingSink sink)
    {
        var i = 0;
        while (i < t.Length && !sink.Settled)
        {
            var open = WorkMeter.Next(t, ref i, '"');
            if (open < 0)
            {
                return;
            }

            var close = i;
            while (close < t.Length && t[close] != '"')
            {
                close += t[close] == '\\' ? 2 : 1;
            }

            WorkMeter.Add(close - i);
            var content = t[i..Math.Min(close, t.Length)];
            i = close + 1;
            if (content.Length < 4 || !MayHoldSql(content, CharMask.Of(content)))
            {
                continue;
            }

            Run(content, '\0', buf, ref sink);
            if (!sink.Settled && content.Contains('\''))
            {
                Run(content, '\'', buf, ref sink);
            }
        }
    }

    /// <summary>
    /// Whether the value is shaped as a JSON object or array whose strings are all closed: it opens with '{"' or '[' and ends
    /// with its closing bracket, and its double quotes pair up outside backslash escapes.
    /// </summary>
    private static bool IsJsonDocument(ReadOnlySpan<char> t)
    {
        if (t.Length < 4 || !((t[0] == '{' && t[1] == '"' && t[^1] == '}') || (t[0] == '[' && t[^1] == ']')))
        {
            return false;
        }

        var quotes = 0;
        for (var i = 0; i < t.Length; i++)
        {
            if (t[i] == '\\')
            {
                i++;
            }
            else if (t[i] == '"')
            {
                quotes++;
            }
        }

        return quotes % 2 == 0;
    }

    /// <summary>Whether a token is a quote that opens no string but runs to the end over prose: the end of a quoted phrase.</summary>
    private static bool ClosesQuotedPhrase(ReadOnlySpan<char> t, in SqlToken x) =>
        x.Kind == SqlKind.Str && !x.Flag && t.Slice(x.Start, x.Length).Contains(' ');

    /// <summary>
    /// Whether a DROP that opens the value ends with its object's name: "drop table lamp" is a search for a lamp, and as a
    /// whole value it injects nothing; "drop table users;" and "drop table users--" end a statement to run another.
    /// </summary>
    private static bool UnterminatedDrop(ReadOnlySpan<SqlToken> s, int i) =>
        At(s, i + 2).Kind == SqlKind.Word && At(s, i + 3).Kind is SqlKind.None or SqlKind.Word;

    /// <summary>
    /// Whether a keyword is a word of its own between two quotes or two wildcards: '"exec" OR "widget"', "$['select']['from']",
    /// RSQL's "name==*select*". A statement is followed by its grammar, not by the quote or wildcard it started after.
    /// </summary>
    private static bool IsEnclosedWord(ReadOnlySpan<char> t, in SqlToken x)
    {
        var end = x.Start + x.Length;
        if (x.Start == 0 || end >= t.Length || t[x.Start - 1] is not ('\'' or '"' or '*') || t[end] != t[x.Start - 1])
        {
            return false;
        }

        // What follows the closing mark is a separator of the filter language, not more of a statement ("*select*from users").
        var next = end + 1 < t.Length ? t[end + 1] : '\0';
        return t[end] == '*' ? next is '\0' or ',' or ';' or ')' or '&' or '|' : !(char.IsAsciiLetterOrDigit(next) || next is '*' or '(' or '/');
    }

    // Where an e-mail address starting at "start" would end: at the first blank, quote, comma or bracket, and within the 254
    // characters an address can have (so the scan is bounded whatever follows).
    private static int EmailEnd(ReadOnlySpan<char> t, int start)
    {
        var head = Head(t[start..], 255);
        var e = head.IndexOfAny(s_emailEnd);
        return start + (e < 0 ? head.Length : e);
    }

    private static readonly SearchValues<char> s_emailEnd = SearchValues.Create(" \t\r\n'\",;()<>[]");

    /// <summary>Whether a statement verb at <paramref name="i"/> is followed by that statement's grammar.</summary>
    private static bool VerbContinues(ReadOnlySpan<char> t, ReadOnlySpan<SqlToken> s, int i)
    {
        var v = s[i];
        var end = v.Start + v.Length;
        if ((end < t.Length && t[end] == '@' && end + 1 < t.Length && t[end + 1] != '@' && EmailAddress.IsPlain(t[v.Start..EmailEnd(t, v.Start)]))
            || IsEnclosedWord(t, v))
        {
            // "reporter = \"select@example.com\"" is an address whose mailbox is named select; '"exec" OR "widget"' quotes the word.
            return false;
        }

        var y = At(s, i + 1);
        var z = At(s, i + 2);
        switch (v.Word)
        {
            case SqlWord.Select:
                return SelectArgs(t, s, i + 1);
            case SqlWord.Insert:
                return y.Is(SqlKind.Kw, SqlWord.Into) && InsertTail(s, i + 2);
            case SqlWord.Update:
                return y.Kind == SqlKind.Word && z.Is(SqlKind.Kw, SqlWord.Set);
            case SqlWord.Delete:
                return (y.Is(SqlKind.Kw, SqlWord.From) && DeleteTail(s, i + 2)) || (y.Kind == SqlKind.Word && z.Is(SqlKind.Kw, SqlWord.Where))
                    || (y.Kind == SqlKind.Word && t.Slice(y.Start, y.Length) is "low_priority" or "quick" or "ignore" && z.Is(SqlKind.Kw, SqlWord.From));
            case SqlWord.Create or SqlWord.Alter or SqlWord.Truncate when y.Kind == SqlKind.Kw && ClosesQuotedPhrase(t, z):
                // 'the "Create table" button is greyed out': the quote after the object closes a quoted label and prose goes on.
                return false;
            case SqlWord.Drop when y.Is(SqlKind.Kw, SqlWord.Table) && !DropTail(t, s, i + 2):
                // "Drop Table Furniture Co.": a name goes on as prose after the table.
                return false;
            case SqlWord.Drop or SqlWord.Create or SqlWord.Alter or SqlWord.Truncate:
                return y.Kind == SqlKind.Kw && y.Word is SqlWord.Table or SqlWord.Database or SqlWord.Procedure or SqlWord.Function or SqlWord.View
                    or SqlWord.User or SqlWord.Index or SqlWord.Trigger or SqlWord.Schema or SqlWord.Login
                    || (y.Kind == SqlKind.Word && y.Word == SqlWord.InfoFunction)
                    || (v.Word is SqlWord.Truncate or SqlWord.Drop && y.Kind == SqlKind.Word && z.Kind is SqlKind.Comment or SqlKind.Semi && At(s, i - 1).Kind == SqlKind.Semi);
            case SqlWord.Exec or SqlWord.Execute:
                {
                    if (y.Kind == SqlKind.Var || (y.Kind == SqlKind.Str && y.Flag) || y.Word == SqlWord.Catalog || (y.Kind == SqlKind.LParen && z.Kind is SqlKind.Str or SqlKind.Var)
                        || (y.Is(SqlKind.Kw, SqlWord.As) && z.Kind == SqlKind.Kw && z.Word is SqlWord.Login or SqlWord.User))
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
                // "; shutdown --", "1; SHUTDOWN WITH NOWAIT", a line of its own ("shutdown\n", a batch); a value that is only the
                // word ("SHUTDOWN", a machine's state) stacks nothing.
                return (y.Kind == SqlKind.None && (i > 0 || t[(v.Start + v.Length)..].Contains('\n'))) || y.Kind is SqlKind.Comment or SqlKind.Semi || y.Word == SqlWord.Null
                    || (t.Slice(y.Start, y.Length) is "with" && t.Slice(z.Start, z.Length) is "nowait");
            case SqlWord.Waitfor:
                return y.Word is SqlWord.Delay or SqlWord.Time;
            case SqlWord.Grant or SqlWord.Revoke:
                return y.Is(SqlKind.Kw, SqlWord.All) || (y.Kind == SqlKind.Word && z.Is(SqlKind.Kw, SqlWord.On));
        }

        return false;
    }

    /// <summary>
    /// Whether the string at <paramref name="i"/> is only the closing quote of a quoted keyword at the value's end:
    /// "(reading 'select')", "the 'select'." — the keyword is a word someone quoted, with nothing for it to select.
    /// </summary>
    private static bool QuotedWordEnds(ReadOnlySpan<char> t, ReadOnlySpan<SqlToken> s, int i)
    {
        var a = s[i];
        var keyword = At(s, i - 1);
        return i == s.Length - 1 && !a.Flag && i > 0 && a.Start == keyword.Start + keyword.Length
            && t.Slice(a.Start + 1, a.Length - 1).Trim(").,;:!?] ").IsEmpty;
    }

    /// <summary>
    /// Whether the quoted run from <paramref name="from"/> (a comparison right after the quote that closed the string) to the
    /// next <paramref name="quote"/> is a package version range: "&gt;=16.8 &lt;19", "&gt;=2.0.0 &lt;3.0.0 || &gt;=3.1.0", "^1.2 || ~2.0".
    /// Comparators, dotted numbers, wildcards and "||" only, with a dotted number and a closing quote.
    /// </summary>
    private static bool VersionRange(ReadOnlySpan<char> t, int from, char quote)
    {
        if (quote == '\0')
        {
            return false;
        }

        var rest = t[from..];
        var end = Head(rest, 64).IndexOf(quote);
        if (end < 2)
        {
            return false;
        }

        var range = rest[..end];
        var dotted = false;
        for (var k = 0; k < range.Length; k++)
        {
            var c = range[k];
            if (c == '.' && k > 0 && char.IsAsciiDigit(range[k - 1]) && k + 1 < range.Length && char.IsAsciiDigit(range[k + 1]))
            {
                dotted = true;
            }
            else if (!(char.IsAsciiDigit(c) || c is '<' or '>' or '=' or '~' or '^' or '|' or '*' or 'x' or '.' or ' ' or '-'))
            {
                return false;
            }
        }

        return dotted;
    }

    /// <summary>
    /// Whether the word at <paramref name="j"/> and the number after it are joined by a bare hyphen into one code
    /// ("SKU-67230", "JK-541"): a product code, not a subtraction.
    /// </summary>
    private static bool IsHyphenatedCode(ReadOnlySpan<SqlToken> s, int j)
    {
        var w = At(s, j);
        var op = At(s, j + 1);
        var n = At(s, j + 2);
        return op.Kind == SqlKind.Op && op.OpChar == '-' && op.Start == w.Start + w.Length && n.Kind is SqlKind.Num or SqlKind.Word && n.Start == op.Start + 1;
    }

    /// <summary>
    /// Whether "select 'EU West' from the list" is an instruction: a quoted label of words, then FROM and an article. SQL's
    /// FROM names a table, and no query names one "the" or "a" ahead of another word.
    /// </summary>
    private static bool ArticleFollows(ReadOnlySpan<char> t, ReadOnlySpan<SqlToken> s, int k, in SqlToken label)
    {
        var w = At(s, k);
        return label.Kind == SqlKind.Str && t.Slice(label.Start, label.Length).Contains(' ') && w.Kind == SqlKind.Word
            && t.Slice(w.Start, w.Length) is "the" or "a" or "an" or "this" or "that" or "my" or "your" or "our" or "their" or "its"
            && At(s, k + 1).Kind == SqlKind.Word;
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
            case SqlKind.Str when QuotedWordEnds(t, s, i):
                return false;
            case SqlKind.Str when b.Kind == SqlKind.Op && b.OpChar == '<' && b.Start + 1 < t.Length && t[b.Start + 1] == '/':
                // 'select "Export"</li>': a quoted label before a closing tag, not a comparison.
                return false;
            case SqlKind.Num:
            case SqlKind.Str:
                return !OpenProse(t, s, i) && b.Kind is SqlKind.Comma or SqlKind.None or SqlKind.Comment or SqlKind.RParen or SqlKind.Semi or SqlKind.Union or SqlKind.Op
                    || (b.Is(SqlKind.Kw, SqlWord.From) && !ArticleFollows(t, s, i + 2, a)) || b.Is(SqlKind.Kw, SqlWord.Into) || b.Is(SqlKind.Kw, SqlWord.As)
                    || b.Is(SqlKind.Kw, SqlWord.Limit);
            case SqlKind.LParen:
                return b.Kind is SqlKind.Verb or SqlKind.Num or SqlKind.Str or SqlKind.Func or SqlKind.Var || b.Is(SqlKind.Kw, SqlWord.Case)
                    || (b.Kind is SqlKind.LParen or SqlKind.Word && FromFollows(s, i + 1));
            case SqlKind.Op when a.OpChar == '*':
                return b.Is(SqlKind.Kw, SqlWord.From) || b.Kind is SqlKind.None or SqlKind.Comment or SqlKind.Comma;
            case SqlKind.Kw when a.Word is SqlWord.Null or SqlWord.Top or SqlWord.Distinct or SqlWord.All or SqlWord.True or SqlWord.False or SqlWord.Case:
                return a.Word is SqlWord.Null or SqlWord.Top || FromFollows(s, i + 1) || b.Kind is SqlKind.Num or SqlKind.Func or SqlKind.Var or SqlKind.Comma;
            case SqlKind.Kw when a.Word is SqlWord.Login or SqlWord.User or SqlWord.Time or SqlWord.Schema or SqlWord.Index or SqlWord.View
                or SqlWord.Database or SqlWord.Function or SqlWord.Trigger or SqlWord.Delay or SqlWord.Offset:
            // Keywords MySQL also accepts as column names: "(select login/2 from users".
            case SqlKind.Word:
                if (a.Word is SqlWord.InfoFunction or SqlWord.Catalog || DelayOrFileName(t, a))
                {
                    return true;
                }

                // "select u.* from": a table-qualified star.
                if (b.Kind == SqlKind.Op && b.OpChar == '*' && t[a.Start + a.Length - 1] == '.' && a.Start + a.Length == b.Start)
                {
                    return true;
                }

                // "select name, pass from users" or "select pass from users where|--|;|)" or "(select id-0 from users"
                if (b.Kind == SqlKind.Comma || (b.Kind == SqlKind.Op && !b.Flag && At(s, i - 2).Kind == SqlKind.LParen))
                {
                    return FromFollows(s, i + 2);
                }

                // "select username||':'||password from users": columns joined into one string by the concatenation operator.
                if (b.Is(SqlKind.Logic, SqlWord.Or) && t[b.Start] == '|')
                {
                    var k = i + 1;
                    while (At(s, k).Is(SqlKind.Logic, SqlWord.Or) && t[At(s, k).Start] == '|' && At(s, k + 1).Kind is SqlKind.Word or SqlKind.Str && k - i < 16)
                    {
                        k += 2;
                    }

                    if (k > i + 1 && At(s, k).Is(SqlKind.Kw, SqlWord.From) && At(s, k + 1).Kind == SqlKind.Word)
                    {
                        return true;
                    }
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

    /// <summary>
    /// Whether the call at <paramref name="f"/> has SQL-shaped arguments: a literal, call, variable or subquery, a column list,
    /// or a single column whose result is used ("length(password)>5"); not a parenthetical remark ("trim (level)").
    /// </summary>
    private static bool SqlArguments(ReadOnlySpan<SqlToken> s, int f)
    {
        var a = At(s, f + 2);
        switch (a.Kind)
        {
            case SqlKind.Num or SqlKind.Str or SqlKind.Func or SqlKind.Var or SqlKind.LParen or SqlKind.Verb or SqlKind.RParen:
                return true;
            case SqlKind.Kw:
                return a.Word is SqlWord.Null or SqlWord.Distinct or SqlWord.Binary or SqlWord.Case || a.Word is SqlWord.User or SqlWord.Database or SqlWord.Schema;
            case SqlKind.Op:
                return a.OpChar is '*' or '-' or '~' or '!';
            case SqlKind.Word:
                {
                    if (a.Word != SqlWord.None)
                    {
                        return true;
                    }

                    var b = At(s, f + 3);
                    if (b.Kind == SqlKind.Comma || (b.Kind == SqlKind.Op && b.OpChar is not ('-' or '+')) || IsCompare(b))
                    {
                        return true;
                    }

                    var c = At(s, f + 4);
                    return b.Kind == SqlKind.RParen && (IsCompare(c) || c.Kind is SqlKind.Op or SqlKind.Comment or SqlKind.Logic or SqlKind.Semi or SqlKind.RParen);
                }
        }

        return false;
    }

    /// <summary>
    /// Whether the token at <paramref name="k"/> is the value's last, an unterminated string holding prose (words with spaces,
    /// "' must be the last."): a quoted operator in a sentence, not the application's closing quote.
    /// </summary>
    private static bool ProseTail(ReadOnlySpan<char> t, ReadOnlySpan<SqlToken> s, int k)
    {
        var x = At(s, k);
        return k == s.Length - 1 && x.Kind == SqlKind.Str && !x.Flag && x.Length > 12 && t.Slice(x.Start + 1, x.Length - 1).Trim().IndexOfAny(' ', '\t') >= 0;
    }

    /// <summary>Whether the token at <paramref name="k"/> is the value's last, an unterminated string whose text has several words.</summary>
    private static bool OpenProse(ReadOnlySpan<char> t, ReadOnlySpan<SqlToken> s, int k)
    {
        var x = At(s, k);
        return k == s.Length - 1 && x.Kind == SqlKind.Str && !x.Flag && t.Slice(x.Start + 1, x.Length - 1).Trim().IndexOfAny(' ', '\t') >= 0;
    }

    /// <summary>A delay or file function named without its call, when the name cannot be an English word: "pg_sleep", "load_file".</summary>
    private static bool DelayOrFileName(ReadOnlySpan<char> t, in SqlToken w)
    {
        if (w.Kind != SqlKind.Word)
        {
            return false;
        }

        var name = t.Slice(w.Start, w.Length);
        return name.IndexOfAny('_', '.') > 0 && SqlLexer.IsDelayOrFileFunction(name);
    }

    /// <summary>Skips unary operators and MySQL's BINARY modifier from <paramref name="i"/>.</summary>
    private static int SkipUnary(ReadOnlySpan<SqlToken> s, int i)
    {
        while (At(s, i).Is(SqlKind.Kw, SqlWord.Binary) || (At(s, i).Kind == SqlKind.Op && At(s, i).OpChar is '-' or '+' or '~' or '!'))
        {
            i++;
        }

        return i;
    }

    /// <summary>
    /// The index after a numeric operand at <paramref name="i"/>: unary operators, parentheses, a number, the matching
    /// closing parentheses ("3", "~1", "(3)", "-(2)"); 0 when there is none.
    /// </summary>
    private static int NumericOperandEnd(ReadOnlySpan<SqlToken> s, int i)
    {
        var open = 0;
        while (At(s, i).Kind == SqlKind.LParen || (At(s, i).Kind == SqlKind.Op && At(s, i).OpChar is '-' or '+' or '~' or '!'))
        {
            open += At(s, i).Kind == SqlKind.LParen ? 1 : 0;
            i++;
        }

        if (At(s, i).Kind != SqlKind.Num)
        {
            return 0;
        }

        i++;
        for (; open > 0; open--, i++)
        {
            if (At(s, i).Kind != SqlKind.RParen)
            {
                return 0;
            }
        }

        return i;
    }

    /// <summary>
    /// Whether a function call at <paramref name="f"/> is closed and followed by the end of the value, a trailing comment or a
    /// comparison: "sqlite_compileoption_used (id)--".
    /// </summary>
    private static bool CallThenEnd(ReadOnlySpan<SqlToken> s, int f, bool final)
    {
        if (At(s, f + 1).Kind != SqlKind.LParen)
        {
            return false;
        }

        var depth = 0;
        for (var k = f + 1; k < s.Length && k < f + 12; k++)
        {
            depth += s[k].Kind == SqlKind.LParen ? 1 : s[k].Kind == SqlKind.RParen ? -1 : 0;
            if (s[k].Kind is SqlKind.Other or SqlKind.Semi)
            {
                return false;
            }

            if (depth == 0)
            {
                var n = At(s, k + 1);
                return (n.Kind == SqlKind.Comment && k + 1 == s.Length - 1) || IsCompare(n) || (n.Kind == SqlKind.None && final);
            }
        }

        return false;
    }

    /// <summary>
    /// Whether the tokens from <paramref name="k"/> are an expression that ends in the string the application closes
    /// ("column ^ '-1", "id - '0"), with <paramref name="arithmetic"/> or an arithmetic operator among them: what a value
    /// looks like that stays syntactically valid inside a quoted string.
    /// </summary>
    private static bool OpenQuoteTail(ReadOnlySpan<char> t, ReadOnlySpan<SqlToken> s, int k, char quote, bool final, bool arithmetic)
    {
        if (!final || quote != '\'' || s.Length - k > 8 || s.Length - k < 2)
        {
            return false;
        }

        var last = s[^1];
        if (last.Kind != SqlKind.Str || last.Flag || last.OpChar != quote || last.Length > 24 || !ShortClosure(t, s)
            || t.Slice(last.Start + 1, last.Length - 1).Trim().IndexOfAny(' ', '\t') >= 0)
        {
            return false;
        }

        var operands = 0;
        for (var j = k; j < s.Length - 1; j++)
        {
            var x = s[j];
            if (x.Kind == SqlKind.Op && !x.Flag)
            {
                arithmetic |= x.OpChar is '*' or '/' or '%' or '^' or '|' or '&';
            }
            else if (x.Kind is SqlKind.Word or SqlKind.Num || (x.Kind == SqlKind.Str && x.Flag))
            {
                operands++;
            }
            else if (x.Kind != SqlKind.Logic)
            {
                return false;
            }
        }

        return arithmetic && operands > 0;
    }

    /// <summary>Whether a comment holds nothing but comment punctuation: "--", "/* */", "#", "-- -".</summary>
    /// <summary>
    /// Whether a number is the PIN of a conference line's one-tap dial string ("+1-206-462-5569,,,6561138937#"): after the
    /// commas that pause the dialler, and closed by '#'. SQL has no empty list item.
    /// </summary>
    private static bool IsDialedPin(ReadOnlySpan<char> t, SqlToken number) =>
        number.Kind == SqlKind.Num && t[..number.Start].EndsWith(",,") && t[(number.Start + number.Length)..].TrimStart(' ').StartsWith('#');

    private static bool EmptyComment(ReadOnlySpan<char> t, in SqlToken c) => t.Slice(c.Start, c.Length).Trim(" \t-#/*+").IsEmpty;

    /// <summary>Whether a lone "column::type" names a type injected casts use to leak a value in an error (int, text, ...).</summary>
    private static bool IsExtractionCast(ReadOnlySpan<char> t, in SqlToken w)
    {
        var rest = t[(w.Start + w.Length)..];
        var colons = rest.IndexOf("::", StringComparison.Ordinal);
        if (colons < 0)
        {
            return false;
        }

        var type = rest[(colons + 2)..];
        var end = type.IndexOfAnyExcept(s_typeChars);
        type = end < 0 ? type : type[..end];
        return type is "int" or "int2" or "int4" or "int8" or "bigint" or "smallint" or "numeric" or "varchar" or "jsonb" or "bytea"
            or "regclass" or "oid" or "timestamptz";
    }

    /// <summary>Whether a token names a stored procedure injection executes (xp_cmdshell, sp_executesql, master..xp_dirtree).</summary>
    private static bool ProcedureName(ReadOnlySpan<char> t, in SqlToken y)
    {
        if (y.Kind is not (SqlKind.Word or SqlKind.Func))
        {
            return false;
        }

        var w = t.Slice(y.Start, y.Length);
        return (w.StartsWith("xp_") || w.StartsWith("sp_") || w.StartsWith("master.")) && w.Length > 4;
    }

    /// <summary>
    /// DDL with its grammar: "create table t (", "create function f (", "alter table `t` add|change|drop|modify|rename".
    /// </summary>
    private static bool Ddl(ReadOnlySpan<char> t, ReadOnlySpan<SqlToken> s, int i)
    {
        var obj = At(s, i + 1);
        if (obj.Kind != SqlKind.Kw || obj.Word is not (SqlWord.Table or SqlWord.Function or SqlWord.Procedure or SqlWord.View or SqlWord.Trigger))
        {
            return false;
        }

        var name = At(s, i + 2);
        var next = At(s, i + 3);
        if (s[i].Word == SqlWord.Create)
        {
            // The name is lexed as a call when a parameter or column list follows it.
            return (name.Kind == SqlKind.Func && next.Kind == SqlKind.LParen && At(s, i + 4).Kind is SqlKind.Word or SqlKind.RParen)
                || (name.Kind == SqlKind.Word && next.Is(SqlKind.Kw, SqlWord.As) && At(s, i + 4).Is(SqlKind.Verb, SqlWord.Select));
        }

        return name.Kind == SqlKind.Word && (next.Kind == SqlKind.Verb && next.Word is SqlWord.Drop or SqlWord.Alter
            || (next.Kind == SqlKind.Word && t.Slice(next.Start, next.Length) is "add" or "change" or "modify" or "rename"));
    }

    /// <summary>
    /// Whether the tokens up to FROM read as a select list rather than prose: no boolean and no number followed by a word
    /// ("Select 1, 2, or 3 items from the list").
    /// </summary>
    private static bool SelectList(ReadOnlySpan<SqlToken> s, int i)
    {
        for (var k = i; k < s.Length && !s[k].Is(SqlKind.Kw, SqlWord.From); k++)
        {
            if (s[k].Kind == SqlKind.Logic || (s[k].Kind == SqlKind.Num && At(s, k + 1).Kind == SqlKind.Word))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A select list that starts with numbered columns, as UNION probing writes it: "1,2,3,concat(...),5".</summary>
    private static bool ColumnList(ReadOnlySpan<SqlToken> s, int i) =>
        At(s, i).Kind == SqlKind.Num && At(s, i + 1).Kind == SqlKind.Comma && At(s, i + 2).Kind == SqlKind.Num && At(s, i + 3).Kind == SqlKind.Comma;

    /// <summary>A simple CASE: "case 1 when 2 then", "case sin(1) when 2 then".</summary>
    private static bool SimpleCase(ReadOnlySpan<SqlToken> s, int i)
    {
        var first = At(s, i);
        if (first.Kind is not (SqlKind.Num or SqlKind.Str or SqlKind.Func))
        {
            return false;
        }

        for (var k = i + 1; k < s.Length && k < i + 8; k++)
        {
            if (s[k].Is(SqlKind.Kw, SqlWord.When))
            {
                return IsLiteral(At(s, k + 1)) && At(s, k + 2).Is(SqlKind.Kw, SqlWord.Then);
            }

            if (s[k].Kind is SqlKind.Word or SqlKind.Other or SqlKind.Comma)
            {
                return false;
            }
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
        var depth = 0;
        for (var k = i; k < s.Length && k < i + 12; k++)
        {
            if (s[k].Kind == SqlKind.Op && s[k].Flag && depth <= 0)
            {
                var n = At(s, k + 1);
                return n.Kind is SqlKind.Num or SqlKind.LParen or SqlKind.Func or SqlKind.Str || (n.Kind == SqlKind.Op && n.OpChar is '-' or '~' or '!');
            }

            depth += s[k].Kind == SqlKind.LParen ? 1 : s[k].Kind == SqlKind.RParen ? -1 : 0;

            // Inside a call's parentheses, literal arguments and commas are part of the operand.
            if (s[k].Kind is SqlKind.Other || (s[k].Kind is SqlKind.Word or SqlKind.Comma && depth <= 0))
            {
                return false;
            }
        }

        return false;
    }

    private static bool IsProseWord(in SqlToken x) => x.Kind == SqlKind.Word && x.Word == SqlWord.None;

    /// <summary>
    /// Whether the FROM after <paramref name="i"/> ends like SQL: its table (and alias) followed by the end, a comment, a
    /// separator, a quote or a clause. "told to select 'Other' from the dropdown and insert my order" goes on as prose.
    /// </summary>
    private static bool FromTailIsSql(ReadOnlySpan<SqlToken> s, int i)
    {
        var j = i;
        while (j < s.Length && !s[j].Is(SqlKind.Kw, SqlWord.From))
        {
            j++;
        }

        var after = PastTable(s, j + 1);
        if (after < 0)
        {
            return true;
        }

        var n = At(s, after);
        return n.Kind is SqlKind.None or SqlKind.Comment or SqlKind.Semi or SqlKind.RParen or SqlKind.Comma or SqlKind.Union or SqlKind.Str or SqlKind.Op
            || (n.Kind == SqlKind.Kw && n.Word is SqlWord.Where or SqlWord.Order or SqlWord.Group or SqlWord.Limit or SqlWord.Having or SqlWord.Join
                or SqlWord.Into or SqlWord.Procedure or SqlWord.On);
    }

    /// <summary>
    /// The token after a table name at <paramref name="table"/> and its optional alias ("users", "users u", "users as u"), or -1
    /// when no plain name stands there (a subquery, a call): what a statement-tail check then reads.
    /// </summary>
    private static int PastTable(ReadOnlySpan<SqlToken> s, int table)
    {
        if (At(s, table).Kind is not (SqlKind.Word or SqlKind.Str))
        {
            return -1;
        }

        var j = table + 1;
        if (At(s, j).Is(SqlKind.Kw, SqlWord.As))
        {
            j++;
        }

        return IsProseWord(At(s, j)) ? j + 1 : j;
    }

    private static bool FromFollows(ReadOnlySpan<SqlToken> s, int i, int reach = 24)
    {
        for (var k = i; k < s.Length && k < i + reach; k++)
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
        var depth = 0;
        for (var k = i; k < s.Length && k < i + 12; k++)
        {
            var x = s[k];
            if (depth <= 0 && (IsCompare(x) || x.Kind is SqlKind.Logic or SqlKind.Semi || (x.Kind == SqlKind.Comment && k == s.Length - 1)))
            {
                return k > i;
            }

            depth += x.Kind == SqlKind.LParen ? 1 : x.Kind == SqlKind.RParen ? -1 : 0;
            if (depth > 0 && x.Kind is SqlKind.Comma or SqlKind.Num or SqlKind.Str)
            {
                // Literal arguments of a call: json_extract('{...}', '$.name') = 'x'.
                continue;
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

        if (s[0].Kind == SqlKind.Op && s[0].OpChar is '*' or '/' or '%' or '^' or '&' or '|')
        {
            // An expression cannot open with a binary operator: "*100#" and "*812#" are phone service codes, not SQL.
            return;
        }

        if ((t.Contains("://", StringComparison.Ordinal) && t.IndexOfAny(' ', '\'', '"') < 0) || IsDialedPin(t, prev))
        {
            // "hdfs:///data/2020/*", "s3://bucket/2024/*": a URI whose last segment is a glob; its slashes divide nothing.
            return;
        }

        var ops = 0;
        var words = 0;
        var depth = 0;
        var balanced = s[0].Kind == SqlKind.LParen;
        foreach (var x in s[..^1])
        {
            // A name SQL does not know before a parenthesis is a word with a parenthetical ("Marketing (EMEA)/*"), not a call.
            var unknownCall = x.Kind == SqlKind.Func && x.Word == SqlWord.None;
            if (!unknownCall && (x.Kind is SqlKind.Op or SqlKind.Logic or SqlKind.Func or SqlKind.Verb or SqlKind.Var || x.Is(SqlKind.Kw, SqlWord.Binary)))
            {
                ops++;
            }
            else if (unknownCall || x.Kind is SqlKind.Word or SqlKind.Kw or SqlKind.Other or SqlKind.Comma or SqlKind.Semi)
            {
                words += x.Kind is SqlKind.Word || unknownCall ? 1 : 0;
                balanced = false;
            }

            depth += x.Kind == SqlKind.LParen ? 1 : x.Kind == SqlKind.RParen ? -1 : 0;
            balanced &= depth > 0 || x.Start == s[^2].Start;
        }

        // "( ( 1 ) ) --", "( 'a' ) --": a parenthesised literal expression closed by an empty comment.
        if ((ops > 0 && words <= ops) || (balanced && depth == 0))
        {
            sink.Add(RuleKey.SqliBreakoutComment, 0, t.Length);
        }
    }

    private static bool IsWordish(SqlKind kind) => kind is SqlKind.Word or SqlKind.Kw or SqlKind.Verb or SqlKind.Logic or SqlKind.Union or SqlKind.Func;

    /// <summary>Statement-level rules at any position.</summary>
    private static void AnywhereRules(scoped ReadOnlySpan<char> t, scoped ReadOnlySpan<SqlToken> s, int limit, ref FindingSink sink)
    {
        for (var i = 0; i < limit && i < s.Length; i++)
        {
            var x = s[i];
            switch (x.Kind)
            {
                case SqlKind.Union when x.Word == SqlWord.Union && (At(s, i - 1).Kind is SqlKind.Num or SqlKind.RParen || (At(s, i - 1).Kind == SqlKind.Op && !IsWordish(At(s, i - 2).Kind)))
                    && (i + 1 == s.Length || (i + 2 == s.Length && s[i + 1].Kind == SqlKind.Comment)) && limit == s.Length:
                    // "-1/**/union#--": a union that ends the value after a numeric expression. Not after a word and an
                    // operator: "non-union", "albany-union" and "from-the-union" are slugs and compound words.
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
                    VerbRules(t, s, i, limit, ref sink);
                    break;

                case SqlKind.Func:
                    FunctionRules(t, s, i, limit, ref sink);
                    break;

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
                    KeywordRules(t, s, i, limit, ref sink);
                    break;

                case SqlKind.Logic:
                    LogicRules(t, s, i, limit, ref sink);
                    break;
            }
        }
    }

    /// <summary>Statement verbs anywhere: SELECT with SQL arguments, stacked statements, procedures, declarations, DDL.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void VerbRules(scoped ReadOnlySpan<char> t, scoped ReadOnlySpan<SqlToken> s, int i, int limit, ref FindingSink sink)
    {
        ref readonly var x = ref s[i];
        if (x.Word == SqlWord.Select && SelectArgs(t, s, i + 1) && !IsEnclosedWord(t, x)
            && (At(s, i - 1).Kind is SqlKind.LParen or SqlKind.Logic or SqlKind.Op or SqlKind.Semi or SqlKind.Comma or SqlKind.Kw
                || (i == 0 && At(s, i + 1).Kind is SqlKind.Var or SqlKind.Func) || (i == 0 && DelayOrFileName(t, At(s, i + 1)))
                || (FromFollows(s, i + 1) && SelectList(s, i + 1) && ((i > 0 && !IsProseWord(At(s, i - 1))) || FromTailIsSql(s, i + 1)))
                || (ColumnList(s, i + 1) && FromFollows(s, i + 1, Window) && SelectList(s, i + 1))))
        {
            sink.Add(RuleKey.SqliSelectStatement, x.Start, x.Length);
        }
        else if (x.Word is SqlWord.Exec or SqlWord.Execute or SqlWord.Waitfor or SqlWord.Declare or SqlWord.Insert or SqlWord.Delete
            or SqlWord.Drop or SqlWord.Truncate or SqlWord.Shutdown or SqlWord.Load
            && (i == 0 || At(s, i - 1).Kind is SqlKind.Semi or SqlKind.Str or SqlKind.Num or SqlKind.RParen)
            && VerbContinues(t, s, i) && !(i == 0 && x.Word == SqlWord.Drop && UnterminatedDrop(s, i)))
        {
            sink.Add(x.Word == SqlWord.Waitfor ? RuleKey.SqliTimeDelay : RuleKey.SqliStackedQuery, x.Start, x.Length);
        }
        else if (x.Word is SqlWord.Exec or SqlWord.Execute && ProcedureName(t, At(s, i + 1)))
        {
            // "exec xp_cmdshell", "execute sp_executesql" wherever they stand.
            sink.Add(RuleKey.SqliStackedQuery, x.Start, x.Length);
        }
        else if (x.Word == SqlWord.Declare && At(s, i + 1).Kind == SqlKind.Var && At(s, i + 2).Kind is SqlKind.Word or SqlKind.Func)
        {
            // "declare @x varchar(8000)": a T-SQL variable declaration.
            sink.Add(RuleKey.SqliStackedQuery, x.Start, x.Length);
        }
        else if (x.Word is SqlWord.Create or SqlWord.Alter && Ddl(t, s, i))
        {
            sink.Add(RuleKey.SqliStackedQuery, x.Start, x.Length);
        }
    }

    /// <summary>Calls anywhere: delay and file functions, server introspection, conditions on literals, SQL functions after a boolean.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void FunctionRules(scoped ReadOnlySpan<char> t, scoped ReadOnlySpan<SqlToken> s, int i, int limit, ref FindingSink sink)
    {
        ref readonly var x = ref s[i];
        var name = t.Slice(x.Start, x.Length);
        if (SqlLexer.IsDelayOrFileFunction(name))
        {
            var key = name is "sleep" or "benchmark" or "pg_sleep" or "dbms_lock.sleep" or "dbms_pipe.receive_message" or "waitfor"
                ? RuleKey.SqliTimeDelay : RuleKey.SqliFileAccess;

            // "sleep(5)" needs a numeric argument to be the delay function rather than a word.
            // A numeric argument must end there ("sleep(5)", "benchmark(5000000,"), not run into prose ("sleep (8 hours)").
            var arg = At(s, i + 2);
            var after = At(s, i + 3);
            var numeric = arg.Kind == SqlKind.Num && (name is "benchmark" ? after.Kind == SqlKind.Comma : after.Kind is SqlKind.RParen or SqlKind.Op or SqlKind.Comma or SqlKind.None || after.Start == arg.Start + arg.Length);

            // Between two words of prose ("The sleep(8) study found...") the call is a name in a sentence: SQL has no word
            // before a function call other than its keywords.
            var inProse = IsProseWord(At(s, i - 1)) && after.Kind == SqlKind.RParen && IsProseWord(At(s, i + 4));
            if (inProse && key == RuleKey.SqliTimeDelay)
            {
                return;
            }

            if (key != RuleKey.SqliTimeDelay || numeric || arg.Kind is SqlKind.Func or SqlKind.LParen or SqlKind.Op or SqlKind.Var || At(s, i - 1).Kind is SqlKind.Logic or SqlKind.Op or SqlKind.Verb)
            {
                sink.Add(key, x.Start, x.Length);
            }
        }
        else if (name is "if" or "iif" && At(s, i + 1).Kind == SqlKind.LParen && At(s, i + 2).Kind is SqlKind.Num or SqlKind.Str
            && IsCompare(At(s, i + 3)) && At(s, i + 4).Kind is SqlKind.Num or SqlKind.Str or SqlKind.None)
        {
            // A condition on two literals: "if(1=1,", "iif(2510=9436,": boolean-blind probing.
            sink.Add(RuleKey.SqliFunction, x.Start, x.Length);
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
            if (prev.Kind == SqlKind.Logic && (At(s, i - 2).Kind is SqlKind.Str or SqlKind.Num or SqlKind.RParen) && SqlArguments(s, i))
            {
                sink.Add(RuleKey.SqliFunction, x.Start, x.Length);
            }
            else if (name is "char" or "chr" or "concat" or "concat_ws" or "group_concat" or "unhex" or "ascii" or "substring" or "cast" or "convert")
            {
                sink.Add(RuleKey.SqliWeakFunction, x.Start, x.Length);
            }
        }
    }

    /// <summary>
    /// Whether ORDER BY / GROUP BY is followed by SQL: a column number, a call or a parenthesis, or a column and then the end,
    /// a comment, a comma, ASC/DESC, HAVING, LIMIT or a set operation. "The word 'order by' appears" quotes the words in prose.
    /// </summary>
    private static bool ByOperandIsSql(ReadOnlySpan<char> t, ReadOnlySpan<SqlToken> s, int i)
    {
        var x = At(s, i);
        if (x.Kind is SqlKind.Num or SqlKind.Func or SqlKind.LParen or SqlKind.Var)
        {
            return true;
        }

        if (x.Kind != SqlKind.Word)
        {
            return false;
        }

        var n = At(s, i + 1);
        return n.Kind is SqlKind.None or SqlKind.Comment or SqlKind.Comma or SqlKind.Semi or SqlKind.RParen or SqlKind.Union
            || (n.Kind == SqlKind.Kw && n.Word is SqlWord.Having or SqlWord.Limit or SqlWord.Procedure)
            || (n.Kind == SqlKind.Word && t.Slice(n.Start, n.Length) is "asc" or "desc");
    }

    /// <summary>Whether a token is a number, a string or a backtick-quoted identifier: what a select-list column alias follows.</summary>
    private static bool IsQuotedOrNumber(ReadOnlySpan<char> t, in SqlToken x) =>
        x.Kind is SqlKind.Num or SqlKind.Str || (x.Kind == SqlKind.Word && x.Length > 0 && t[x.Start] == '`');

    /// <summary>Clauses anywhere: INTO OUTFILE, LIMIT, CASE, PROCEDURE ANALYSE, HAVING, VALUES, ORDER BY, a column alias before FROM.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void KeywordRules(scoped ReadOnlySpan<char> t, scoped ReadOnlySpan<SqlToken> s, int i, int limit, ref FindingSink sink)
    {
        ref readonly var x = ref s[i];
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
        else if (x.Word == SqlWord.Case && (y.Is(SqlKind.Kw, SqlWord.When) && ThenFollows(s, i + 2) || SimpleCase(s, i + 1)))
        {
            sink.Add(RuleKey.SqliFunction, x.Start, x.Length);
        }
        else if (i == 1 && x.Word == SqlWord.As && z.Is(SqlKind.Kw, SqlWord.From) && (y.Kind == SqlKind.Str || (y.Kind == SqlKind.Word && y.Word == SqlWord.None))
            && IsQuotedOrNumber(t, s[0]))
        {
            // A select list's tail right after the application's value: "1234 as \"total\" from", "' as user_id from"; not
            // prose, where more words come before "as".
            sink.Add(RuleKey.SqliSelectStatement, x.Start, z.Start + z.Length - x.Start);
        }
        else if (x.Word == SqlWord.Procedure && y.Is(SqlKind.Kw, SqlWord.Analyse))
        {
            sink.Add(RuleKey.SqliFunction, x.Start, x.Length);
        }
        else if (x.Word == SqlWord.Having && y.Kind == SqlKind.Func && y.Word != SqlWord.None && z.Kind == SqlKind.LParen && CompareAhead(s, i + 1))
        {
            // "having count(id) >= 9": an aggregate condition.
            sink.Add(RuleKey.SqliFunction, x.Start, x.Length);
        }
        else if (x.Word == SqlWord.Values && At(s, i - 1).Kind == SqlKind.RParen && y.Kind == SqlKind.LParen
            && z.Kind is SqlKind.Num or SqlKind.Str or SqlKind.Var && At(s, i + 3).Kind is SqlKind.Comma or SqlKind.RParen)
        {
            // "(id, name) values (1, 'x')": an insert's column and value lists.
            sink.Add(RuleKey.SqliStackedQuery, x.Start, x.Length);
        }
        else if (x.Word == SqlWord.Order && y.Is(SqlKind.Kw, SqlWord.By) && z.Kind == SqlKind.Num
            && (At(s, i + 3).Kind is SqlKind.Comment or SqlKind.Semi || (At(s, i + 3).Kind == SqlKind.None && At(s, i - 1).Kind is SqlKind.Str or SqlKind.Num or SqlKind.RParen)))
        {
            sink.Add(RuleKey.SqliNumericBreakout, x.Start, x.Length);
        }
    }

    /// <summary>Booleans anywhere: arithmetic comparisons, contradictions and tautologies.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void LogicRules(scoped ReadOnlySpan<char> t, scoped ReadOnlySpan<SqlToken> s, int i, int limit, ref FindingSink sink)
    {
        ref readonly var x = ref s[i];
        // Arithmetic compared after a boolean: "and 1+2=3+4", "and cos(3)=sin(4)", "and (-8)=(-3)".
        var a0 = At(s, i + 1);
        if ((a0.Kind is SqlKind.LParen || (a0.Kind == SqlKind.Func && a0.Word != SqlWord.None) || (a0.Kind == SqlKind.Op && a0.OpChar is '-' or '~' or '!')
                || (a0.Kind == SqlKind.Num && At(s, i + 2).Kind == SqlKind.Op && !At(s, i + 2).Flag))
            && ExpressionAhead(s, i + 1) && CompareAhead(s, i + 1))
        {
            sink.Add(RuleKey.SqliTautology, x.Start, x.Length);
            return;
        }

        // A comparison of two numbers that ends the condition: "and 8=3", "or 1 = ~1", "and 8=(3)".
        // (Not "==": that is program code, not SQL.)
        if (At(s, i + 1).Kind == SqlKind.Num && At(s, i + 2).Kind == SqlKind.Op && At(s, i + 2).Flag && At(s, i + 2).OpChar != 'j'
            && !(At(s, i + 2).OpChar == '=' && At(s, i + 2).Length == 2))
        {
            var e = NumericOperandEnd(s, i + 3);
            if (e > 0 && At(s, e).Kind is SqlKind.None or SqlKind.Comment or SqlKind.Logic or SqlKind.Semi or SqlKind.RParen && (e < s.Length || limit == s.Length))
            {
                sink.Add(RuleKey.SqliTautology, x.Start, s[e - 1].Start + s[e - 1].Length - x.Start);
                return;
            }
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
    }


    private static ReadOnlySpan<char> Trim(ReadOnlySpan<char> s) => s.Trim("'\"");
}
