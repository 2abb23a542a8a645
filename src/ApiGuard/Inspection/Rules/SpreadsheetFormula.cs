namespace ApiGuard.Inspection.Rules;

/// <summary>
/// Recognises a spreadsheet formula as users type them into cells and as sheet and table APIs carry them:
/// "=STDEV.S(C2:C18)/SQRT(COUNT(C2:C18))", "=SUMIF(D:D,\"&lt;&gt;\",F2:I)", "=IF('Q3 Budget'!B2>100,\"high\",\"low\")".
/// SQL shares the function names (COUNT, ROW, IF) but not the grammar: formulas are functions applied to cells, ranges,
/// numbers and strings, with no bare words. One linear pass, bounded by the value's length.
/// </summary>
internal static class SpreadsheetFormula
{
    /// <summary>
    /// Whether the (lower-cased) value is a formula: '=' then only calls ("sum("), cell references ("a1", "$b$2", "c2:c18",
    /// "a:a", "'sheet 1'!a1"), numbers, double-quoted strings without a SQL comment or an odd number of single quotes,
    /// operators and the booleans. A bare word that is none of these ("=1 union select 1") is not a formula.
    /// </summary>
    public static bool Is(ReadOnlySpan<char> t)
    {
        if (t.Length is < 3 or > 2048 || t[0] != '=')
        {
            return false;
        }

        var depth = 0;
        var calls = 0;
        var i = 1;
        while (i < t.Length)
        {
            var c = t[i];
            if (c is ' ' or ',' or '+' or '-' or '*' or '/' or '^' or '&' or '=' or '<' or '>' or '%' or ':' or ';')
            {
                i++;
            }
            else if (c == '(')
            {
                depth++;
                i++;
            }
            else if (c == ')')
            {
                if (--depth < 0)
                {
                    return false;
                }

                i++;
            }
            else if (c == '"')
            {
                var close = t[(i + 1)..].IndexOf('"');
                if (close < 0 || !IsPlainString(t.Slice(i + 1, close)))
                {
                    return false;
                }

                i += close + 2;
            }
            else if (c == '\'')
            {
                // A quoted sheet name before '!': "'Q3 Budget'!A1", "'Team O''Brien'!B2".
                var close = i + 1;
                while (close < t.Length && (t[close] != '\'' || (close + 1 < t.Length && t[close + 1] == '\'')))
                {
                    close += t[close] == '\'' ? 2 : 1;
                }

                if (close + 1 >= t.Length || t[close + 1] != '!')
                {
                    return false;
                }

                i = close + 2;
            }
            else if (char.IsAsciiDigit(c) || c == '.')
            {
                while (i < t.Length && (char.IsAsciiDigit(t[i]) || t[i] == '.'))
                {
                    i++;
                }
            }
            else if (char.IsAsciiLetter(c) || c == '$')
            {
                var start = i;
                while (i < t.Length && (char.IsAsciiLetterOrDigit(t[i]) || t[i] is '.' or '_' or '$'))
                {
                    i++;
                }

                var word = t[start..i];
                if (i < t.Length && t[i] == '(')
                {
                    if (IsSqlOnlyFunction(word))
                    {
                        return false;
                    }

                    calls++;
                }
                else if (i < t.Length && t[i] == '!')
                {
                    // An unquoted sheet name: "Sheet2!A1".
                    i++;
                }
                else if (!IsCell(word, (i < t.Length && t[i] == ':') || (start > 0 && t[start - 1] == ':')) && word is not ("true" or "false"))
                {
                    return false;
                }
            }
            else
            {
                return false;
            }
        }

        return depth == 0 && calls > 0;
    }

    // The functions of SQL injection that no spreadsheet has: "=sleep(5)" and "=if(1=1,benchmark(1e7,md5(1)),0)" are probes.
    private static bool IsSqlOnlyFunction(ReadOnlySpan<char> name) =>
        name is "sleep" or "pg_sleep" or "benchmark" or "load_file" or "extractvalue" or "updatexml" or "user" or "database" or "version"
            or "current_user" or "system_user" or "session_user" or "schema" or "substring" or "substr" or "ascii" or "ord" or "hex" or "unhex"
            or "md5" or "sha1" or "sha2" or "group_concat" or "dbms_pipe.receive_message" or "utl_inaddr.get_host_address" or "utl_http.request"
            or "xp_cmdshell" or "xp_dirtree" or "randomblob" or "sqlite_version" or "json_extract" or "make_set" or "elt" or "waitfor"
            or "exec" or "execute" or "select" or "union" or "from" or "where" or "having" or "convert" or "cast";

    /// <summary>A cell or a range of cells, each end a cell of its own: "a2", "$b$7", "c2:c18".</summary>
    public static bool IsCellReference(ReadOnlySpan<char> a)
    {
        foreach (var range in a.Split(':'))
        {
            if (!IsCell(a[range], inRange: false))
            {
                return false;
            }
        }

        return true;
    }

    // A cell ("a1", "$b$2", "aa10"), or a whole column in a range ("a" in "a:a", "f2:i").
    private static bool IsCell(ReadOnlySpan<char> word, bool inRange)
    {
        var w = word.TrimStart('$');
        var letters = w.IndexOfAnyExceptInRange('a', 'z');
        if (letters < 0)
        {
            return inRange && w.Length <= 3;
        }

        var digits = w[letters..].TrimStart('$');
        return letters is >= 1 and <= 3 && !digits.IsEmpty && !digits.ContainsAnyExceptInRange('0', '9');
    }

    // A formula's string argument: a label, a criterion ("<>", ">=100"), a date format, a QUERY clause; not one that
    // closes a SQL string the formula might be pasted into, nor one carrying a SQL comment.
    private static bool IsPlainString(ReadOnlySpan<char> s) =>
        s.Count('\'') % 2 == 0 && !s.Contains("--", StringComparison.Ordinal) && !s.Contains("/*", StringComparison.Ordinal) && s.IndexOfAny('#', ';') < 0;
}
