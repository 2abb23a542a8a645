using System.Collections.Frozen;

namespace ApiGuard.Inspection.Rules;

/// <summary>SQL token kinds.</summary>
internal enum SqlKind : byte
{
    None,
    Str,
    Word,
    Num,
    Kw,
    Union,
    Verb,
    Logic,
    Op,
    Func,
    LParen,
    RParen,
    Comma,
    Semi,
    Comment,
    Var,
    Other,

    /// <summary>A PostgreSQL cast <c>::type</c> to a SQL type; the detector folds it onto the operand before it.</summary>
    Cast,
}

/// <summary>SQL words the rules look at.</summary>
internal enum SqlWord : byte
{
    None,

    // keywords
    From, Where, Order, Group, By, Having, Limit, Into, Outfile, Dumpfile, Procedure, Analyse, All, Distinct,
    Like, In, Is, Not, Null, True, False, Between, Regexp, Table, Database, Set, Values, Case, When, Then, Else, End,
    Top, As, Join, On, Offset, Delay, Time, Exists, Schema, View, User, Index, Trigger, Function, Login, Collate, Div, Mod, Binary,

    // statement verbs
    Select, Insert, Update, Delete, Drop, Create, Alter, Truncate, Exec, Execute, Declare, Shutdown, Waitfor, Grant, Revoke, Load,

    // union-like
    Union, Intersect, Except, Minus,

    // logic
    And, Or, Xor,

    // functions
    StrongFunction, InfoFunction, WeakFunction,

    // catalog names
    Catalog,
}

/// <summary>One SQL token.</summary>
internal struct SqlToken
{
    public SqlKind Kind;
    public SqlWord Word;
    public bool Flag; // Str: terminated; Op: comparison; Comment: line comment
    public bool Cast; // the operand carries a ::type cast (set by the detector when it folds a Cast token)
    public char OpChar;
    public int Start;
    public int Length;

    public readonly bool Is(SqlKind kind, SqlWord word) => Kind == kind && Word == word;
}

/// <summary>
/// A forgiving SQL tokenizer over normalised (lower-cased) text: strings with doubled and backslash escapes, numbers
/// (decimal, hex, binary, exponent), words classified into keywords/verbs/logic/functions, operators, comments
/// (inline comments are folded away by the caller, MySQL versioned comments are opened), variables. It never fails
/// and always advances, so a pass is linear in the input.
/// </summary>
internal ref struct SqlLexer
{
    private static readonly FrozenDictionary<string, (SqlKind Kind, SqlWord Word)> s_words = BuildWords();
    private static readonly FrozenDictionary<string, (SqlKind Kind, SqlWord Word)>.AlternateLookup<ReadOnlySpan<char>> s_lookup =
        s_words.GetAlternateLookup<ReadOnlySpan<char>>();

    // Most prose words ("the", "value") are rejected by one table read instead of a hash lookup.
    private static readonly WordShapes s_shapes = new(s_words.Keys);

    private readonly ReadOnlySpan<char> _s;
    private int _pos;
    private char _openQuote;

    public SqlLexer(ReadOnlySpan<char> s, char contextQuote)
    {
        _s = s;
        _pos = 0;
        _openQuote = contextQuote;
        VersionedComment = false;
        Tokens = 0;
    }

    /// <summary>Whether a MySQL versioned comment (<c>/*!</c>) was seen.</summary>
    public bool VersionedComment { get; private set; }

    /// <summary>Tokens produced (the caller adds them to <see cref="WorkMeter"/> once per pass).</summary>
    public int Tokens { get; private set; }

    /// <summary>Position reached.</summary>
    public readonly int Position => _pos;

    public bool Next(out SqlToken t)
    {
        Tokens++;
        t = default;
        if (_openQuote != '\0')
        {
            // The context opened a string before the value: the value starts inside it.
            var q = _openQuote;
            _openQuote = '\0';
            var end = ScanStringBody(0, q, out var terminated);
            t.Kind = SqlKind.Str;
            t.Flag = terminated;
            t.OpChar = q;
            t.Start = 0;
            t.Length = end;
            _pos = end;
            return true;
        }

        var s = _s;
        var i = _pos;
        while (true)
        {
            while (i < s.Length && IsSpace(s[i]))
            {
                i++;
            }

            if (i >= s.Length)
            {
                _pos = i;
                return false;
            }

            // MySQL versioned comment /*!50000 ... */: its content is code.
            if (s[i] == '/' && i + 2 < s.Length && s[i + 1] == '*' && s[i + 2] == '!')
            {
                VersionedComment = true;
                i += 3;
                while (i < s.Length && char.IsAsciiDigit(s[i]))
                {
                    i++;
                }

                continue;
            }

            if (VersionedComment && s[i] == '*' && i + 1 < s.Length && s[i + 1] == '/')
            {
                i += 2;
                continue;
            }

            break;
        }

        var c = s[i];
        t.Start = i;
        switch (c)
        {
            case '\'':
            case '"':
                {
                    var end = ScanStringBody(i + 1, c, out var terminated);
                    t.Kind = SqlKind.Str;
                    t.Flag = terminated;
                    t.OpChar = c;
                    _pos = end;
                    t.Length = end - i;
                    return true;
                }

            case '`':
                {
                    var close = s[(i + 1)..].IndexOf('`');
                    var end = close < 0 ? s.Length : i + 2 + close;
                    t.Kind = SqlKind.Word;
                    if (IsCatalogName(s.Slice(i + 1, close < 0 ? s.Length - i - 1 : close)))
                    {
                        // A quoted identifier names the same catalog: `information_schema`.`tables`.
                        t.Word = SqlWord.Catalog;
                    }

                    _pos = end;
                    t.Length = end - i;
                    return true;
                }

            case '(':
                return Single(ref t, SqlKind.LParen, i);
            case ')':
                return Single(ref t, SqlKind.RParen, i);
            case ',':
                return Single(ref t, SqlKind.Comma, i);
            case ';':
                return Single(ref t, SqlKind.Semi, i);
            case '#' when i + 1 < s.Length && s[i + 1] == '>':
                // PostgreSQL JSON path extraction: #>, #>>.
                t.Kind = SqlKind.Op;
                t.OpChar = 'j';
                return Op(ref t, i, i + 2 < s.Length && s[i + 2] == '>' ? 3 : 2);
            case '#':
                return LineComment(ref t, i);
            case '-' when i + 1 < s.Length && s[i + 1] == '-':
                return LineComment(ref t, i);
            case '/' when i + 1 < s.Length && s[i + 1] == '*':
                {
                    var close = s[(i + 2)..].IndexOf("*/");
                    var end = close < 0 ? s.Length : i + 4 + close;
                    t.Kind = SqlKind.Comment;
                    _pos = end;
                    t.Length = end - i;
                    return true;
                }

            case '@' when i + 1 < s.Length && (s[i + 1] == '>' || (s[i + 1] is '?' or '@' && i + 2 < s.Length && s[i + 2] == ' ')):
                // PostgreSQL containment and JSON path predicates: @>, @? and @@ before a space.
                t.Kind = SqlKind.Op;
                t.OpChar = 'j';
                t.Flag = true;
                return Op(ref t, i, 2);

            case '@':
                {
                    var j = i + 1;
                    while (j < s.Length && (s[j] == '@' || IsWordChar(s[j])))
                    {
                        j++;
                    }

                    t.Kind = SqlKind.Var;
                    t.Flag = i + 1 < s.Length && s[i + 1] == '@';
                    _pos = j;
                    t.Length = j - i;
                    return true;
                }
        }

        if (char.IsAsciiDigit(c) || (c == '.' && i + 1 < s.Length && char.IsAsciiDigit(s[i + 1])))
        {
            var j = i;
            if (c == '0' && i + 1 < s.Length && (s[i + 1] == 'x' || s[i + 1] == 'b'))
            {
                j = i + 2;
                while (j < s.Length && Decoding.Normalizer.HexValue(s[j]) >= 0)
                {
                    j++;
                }
            }
            else
            {
                while (j < s.Length && (char.IsAsciiDigit(s[j]) || s[j] == '.'))
                {
                    j++;
                }

                if (j + 1 < s.Length && s[j] == 'e' && (char.IsAsciiDigit(s[j + 1]) || s[j + 1] is '+' or '-'))
                {
                    j += 2;
                    while (j < s.Length && char.IsAsciiDigit(s[j]))
                    {
                        j++;
                    }
                }
            }

            // MySQL reads "1FUNION", "1DUNION" as a number followed by UNION.
            if (j + 1 < s.Length && s[j] is 'f' or 'd' && s[(j + 1)..].StartsWith("union"))
            {
                j++;
            }

            t.Kind = SqlKind.Num;
            _pos = j;
            t.Length = j - i;
            return true;
        }

        if (IsWordStart(c))
        {
            var j = i + 1;
            while (j < s.Length && IsWordChar(s[j]))
            {
                j++;
            }

            var word = s[i..j];
            t.Length = j - i;
            _pos = j;

            // n'..', x'..', b'..' literal prefixes.
            if (j < s.Length && s[j] == '\'' && word.Length == 1 && word[0] is 'n' or 'x' or 'b')
            {
                var end = ScanStringBody(j + 1, '\'', out var terminated);
                t.Kind = SqlKind.Str;
                t.Flag = terminated;
                t.OpChar = '\'';
                _pos = end;
                t.Length = end - i;
                return true;
            }

            var k = SkipBlanksAndComments(s, j);
            var callFollows = k < s.Length && s[k] == '(';
            if (word is "sounds" && s[k..].StartsWith("like") && (k + 4 >= s.Length || !IsWordChar(s[k + 4])))
            {
                // MySQL "SOUNDS LIKE" is one comparison operator.
                t.Kind = SqlKind.Kw;
                t.Word = SqlWord.Like;
                _pos = k + 4;
                t.Length = k + 4 - i;
                return true;
            }

            if (s_shapes.MayContain(word) && s_lookup.TryGetValue(word, out var info))
            {
                t.Kind = info.Kind;
                t.Word = info.Word;
                if (callFollows && info.Kind == SqlKind.Word)
                {
                    t.Kind = SqlKind.Func;
                }
            }
            else if (callFollows)
            {
                t.Kind = SqlKind.Func;
            }
            else
            {
                t.Kind = SqlKind.Word;
                if (IsCatalogName(word))
                {
                    t.Word = SqlWord.Catalog;
                }
            }

            return true;
        }

        // Operators.
        var n = i + 1 < s.Length ? s[i + 1] : '\0';
        t.Kind = SqlKind.Op;
        t.OpChar = c;
        switch (c)
        {
            case '=':
                t.Flag = true;
                return Op(ref t, i, n == '=' ? 2 : 1);
            case '<' when n == '<':
            case '>' when n == '>':
                return Op(ref t, i, 2);
            case '<' when n == '@':
                // PostgreSQL "is contained by".
                t.OpChar = 'j';
                t.Flag = true;
                return Op(ref t, i, 2);
            case '<':
                t.Flag = true;
                return Op(ref t, i, n is '=' or '>' ? (i + 2 < s.Length && s[i + 2] == '>' ? 3 : 2) : 1);
            case '-' when n == '>':
                // PostgreSQL/MySQL JSON extraction: ->, ->>.
                t.OpChar = 'j';
                return Op(ref t, i, i + 2 < s.Length && s[i + 2] == '>' ? 3 : 2);
            case '?' when n is '|' or '&':
                // PostgreSQL JSON key existence: ?|, ?&.
                t.OpChar = 'j';
                t.Flag = true;
                return Op(ref t, i, 2);
            case '?' when QuoteFollows(s, i + 1) && QuoteBefore(s, i):
                // PostgreSQL JSON key existence between literals: '{"a":1}' ? 'a' (spaced on both sides).
                t.OpChar = 'j';
                t.Flag = true;
                return Op(ref t, i, 1);
            case ':' when n == ':':
                {
                    var end = CastEnd(s, i + 2);
                    if (end > 0)
                    {
                        t.Kind = SqlKind.Cast;
                        return Op(ref t, i, end - i);
                    }

                    break;
                }

            case '>':
                t.Flag = true;
                return Op(ref t, i, n == '=' ? 2 : 1);
            case '!':
                t.Flag = n is '=' or '<' or '>';
                return Op(ref t, i, t.Flag ? 2 : 1);
            case '|' when n == '|':
            case '&' when n == '&':
                t.Kind = SqlKind.Logic;
                t.Word = c == '|' ? SqlWord.Or : SqlWord.And;
                return Op(ref t, i, 2);
            case ':' when n == '=':
                return Op(ref t, i, 2);
            case '+' or '-' or '*' or '/' or '%' or '|' or '&' or '^' or '~':
                return Op(ref t, i, 1);
        }

        t.Kind = SqlKind.Other;
        t.OpChar = c;
        return Op(ref t, i, 1);
    }

    private bool Single(ref SqlToken t, SqlKind kind, int i)
    {
        t.Kind = kind;
        t.Length = 1;
        _pos = i + 1;
        return true;
    }

    private bool Op(ref SqlToken t, int i, int length)
    {
        t.Length = length;
        _pos = i + length;
        return true;
    }

    private bool LineComment(ref SqlToken t, int i)
    {
        var nl = _s[i..].IndexOfAny('\n', '\r');
        var end = nl < 0 ? _s.Length : i + nl;
        t.Kind = SqlKind.Comment;
        t.Flag = true;
        _pos = end;
        t.Length = end - i;
        return true;
    }

    /// <summary>Scans a string body from <paramref name="from"/>; returns the position after the closing quote (or the end).</summary>
    private readonly int ScanStringBody(int from, char q, out bool terminated)
    {
        var s = _s;
        var i = from;
        while (i < s.Length)
        {
            var idx = s[i..].IndexOfAny(q, '\\');
            if (idx < 0)
            {
                break;
            }

            i += idx;
            if (s[i] == '\\')
            {
                i += 2;
                continue;
            }

            if (i + 1 < s.Length && s[i + 1] == q)
            {
                i += 2;
                continue;
            }

            terminated = true;
            return i + 1;
        }

        terminated = false;
        return s.Length;
    }

    private static bool QuoteFollows(ReadOnlySpan<char> s, int i)
    {
        var start = i;
        while (i < s.Length && s[i] == ' ')
        {
            i++;
        }

        return i > start && i < s.Length && s[i] == '\'';
    }

    private static bool QuoteBefore(ReadOnlySpan<char> s, int i)
    {
        var end = i;
        while (i > 0 && s[i - 1] == ' ')
        {
            i--;
        }

        return i < end && i > 0 && s[i - 1] is '\'' or ')';
    }

    /// <summary>
    /// The end of a PostgreSQL cast's type after <c>::</c> at <paramref name="from"/> (optionally <c>[]</c> and a precision
    /// such as <c>(10)</c>), or 0 when what follows is not a SQL type name or continues a namespace path (<c>A::B::C</c>).
    /// </summary>
    private static int CastEnd(ReadOnlySpan<char> s, int from)
    {
        var j = from;
        while (j < s.Length && (char.IsAsciiLetterOrDigit(s[j]) || s[j] == '_'))
        {
            j++;
        }

        var type = s[from..j];
        if (!IsSqlType(type))
        {
            return 0;
        }

        if (type is "double" && s[j..].StartsWith(" precision"))
        {
            j += 10;
        }
        else if (type is "character" && s[j..].StartsWith(" varying"))
        {
            j += 8;
        }

        if (j + 1 < s.Length && s[j] == '(' && char.IsAsciiDigit(s[j + 1]))
        {
            // A length or precision: varchar(10), numeric(10,2).
            var k = j + 1;
            while (k < s.Length && (char.IsAsciiDigit(s[k]) || s[k] is ',' or ' '))
            {
                k++;
            }

            if (k < s.Length && s[k] == ')')
            {
                j = k + 1;
            }
        }

        if (j + 1 < s.Length && s[j] == '[' && s[j + 1] == ']')
        {
            j += 2;
        }

        return j < s.Length && (s[j] == ':' || char.IsAsciiLetterOrDigit(s[j])) ? 0 : j;
    }

    /// <summary>PostgreSQL built-in type names a cast names.</summary>
    public static bool IsSqlType(ReadOnlySpan<char> w) => w is "int" or "int2" or "int4" or "int8" or "integer" or "bigint" or "smallint"
        or "bool" or "boolean" or "text" or "varchar" or "char" or "character" or "bpchar" or "numeric" or "decimal" or "real" or "float"
        or "float4" or "float8" or "double" or "money" or "json" or "jsonb" or "xml" or "bytea" or "date" or "time" or "timestamp"
        or "timestamptz" or "interval" or "uuid" or "inet" or "cidr" or "oid" or "regclass" or "regproc" or "regtype" or "regnamespace"
        or "name" or "tsvector" or "tsquery" or "bit" or "varbit";

    /// <summary>
    /// The position after blanks and inline comments from <paramref name="i"/>: "sleep/**/(5)" calls sleep as "sleep (5)" does.
    /// A comment counts only when it closes within 64 characters, so every word looks a bounded distance ahead.
    /// </summary>
    private static int SkipBlanksAndComments(ReadOnlySpan<char> s, int i)
    {
        while (true)
        {
            while (i < s.Length && IsSpace(s[i]))
            {
                i++;
            }

            if (i + 3 < s.Length && s[i] == '/' && s[i + 1] == '*' && s[i + 2] != '!')
            {
                var close = s.Slice(i + 2, Math.Min(64, s.Length - i - 2)).IndexOf("*/");
                if (close >= 0)
                {
                    i += close + 4;
                    continue;
                }
            }

            return i;
        }
    }

    public static bool IsSpace(char c) => c <= ' ' || c == '\u007F' || c == '\u00A0';

    private static bool IsWordStart(char c) => c < 128 ? (CharClasses[c] & WordStartClass) != 0 : c != '\uFFFD';

    private static bool IsWordChar(char c) => c < 128 ? (CharClasses[c] & WordClass) != 0 : c != '\uFFFD';

    private const byte WordStartClass = 1;
    private const byte WordClass = 2;

    // ASCII character classes: letters, '_' and '$' start a word (3); digits and '.' continue one (2).
    private static ReadOnlySpan<byte> CharClasses =>
    [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 0, 0,
        0, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 0, 0, 0, 0, 3,
        0, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 0, 0, 0, 0, 0,
    ];

    private static bool IsCatalogName(ReadOnlySpan<char> w) =>
        w.Length >= 4 && w[0] is 'i' or 's' or 'm' or 'p' or 'a' or 'u' or 'd' or 'v' or 'x' or 'r' or 't' && (w.IndexOfAny('_', '.', '$') >= 0 || w.Contains(':') || w is "sysobjects" or "syscolumns" or "sysusers" or "msysobjects" or "msdb" or "msysaccessobjects" or "msysqueries" or "msysrelationships" or "msysaces") && IsCatalogNameCore(w);

    private static bool IsCatalogNameCore(ReadOnlySpan<char> w) =>
        w.StartsWith("information_schema") || w.StartsWith("sysobjects") || w.StartsWith("syscolumns")
        || w.StartsWith("sysibm.") || w.StartsWith("mysql.user") || w.StartsWith("mysql.db") || w.StartsWith("pg_catalog")
        || w.StartsWith("pg_shadow") || w.StartsWith("pg_user") || w.StartsWith("sqlite_master") || w.StartsWith("sqlite_schema")
        || w.StartsWith("all_tables") || w.StartsWith("all_tab_") || w.StartsWith("all_users") || w.StartsWith("user_tables") || w.StartsWith("msysobjects")
        || w.StartsWith("sys.objects") || w.StartsWith("sys.tables") || w.StartsWith("sys.columns") || w.StartsWith("sys.databases")
        || w.StartsWith("master..") || w.StartsWith("master.dbo") || w.StartsWith("xp_cmdshell") || w.StartsWith("sp_password")
        || w.StartsWith("sp_executesql") || w.StartsWith("sp_oacreate") || w.StartsWith("dba_users") || w.StartsWith("v$version")
        || w.StartsWith("sys.user$") || w is "msdb" or "msysaccessobjects" or "msysqueries" or "msysrelationships" or "msysaces" || w.StartsWith("tempdb.") || w.StartsWith("msdb.") || w.StartsWith("sysmaster:") || w.StartsWith("rdb$") || w.StartsWith("sysusers") || w.StartsWith("master.sys");

    private static FrozenDictionary<string, (SqlKind, SqlWord)> BuildWords()
    {
        var d = new Dictionary<string, (SqlKind, SqlWord)>(StringComparer.Ordinal);
        void K(string w, SqlWord word) => d[w] = (SqlKind.Kw, word);
        void V(string w, SqlWord word) => d[w] = (SqlKind.Verb, word);
        void F(SqlWord cls, params string[] names)
        {
            foreach (var n in names)
            {
                d[n] = (SqlKind.Word, cls);
            }
        }

        K("from", SqlWord.From); K("where", SqlWord.Where); K("order", SqlWord.Order); K("group", SqlWord.Group); K("by", SqlWord.By);
        K("having", SqlWord.Having); K("limit", SqlWord.Limit); K("into", SqlWord.Into); K("outfile", SqlWord.Outfile);
        K("dumpfile", SqlWord.Dumpfile); K("procedure", SqlWord.Procedure); K("analyse", SqlWord.Analyse); K("analyze", SqlWord.Analyse);
        K("all", SqlWord.All); K("distinct", SqlWord.Distinct); K("distinctrow", SqlWord.Distinct); K("like", SqlWord.Like); K("ilike", SqlWord.Like);
        K("in", SqlWord.In); K("is", SqlWord.Is); K("not", SqlWord.Not); K("null", SqlWord.Null); K("true", SqlWord.True);
        K("false", SqlWord.False); K("between", SqlWord.Between); K("regexp", SqlWord.Regexp); K("rlike", SqlWord.Regexp);
        K("sounds", SqlWord.Like); K("table", SqlWord.Table); K("database", SqlWord.Database); K("set", SqlWord.Set);
        K("values", SqlWord.Values); K("case", SqlWord.Case); K("when", SqlWord.When); K("then", SqlWord.Then); K("else", SqlWord.Else);
        K("end", SqlWord.End); K("top", SqlWord.Top); K("as", SqlWord.As); K("join", SqlWord.Join); K("on", SqlWord.On);
        K("offset", SqlWord.Offset); K("delay", SqlWord.Delay); K("time", SqlWord.Time); K("exists", SqlWord.Exists);
        K("schema", SqlWord.Schema); K("view", SqlWord.View); K("user", SqlWord.User); K("index", SqlWord.Index);
        K("trigger", SqlWord.Trigger); K("function", SqlWord.Function); K("login", SqlWord.Login); K("collate", SqlWord.Collate);
        K("div", SqlWord.Div); K("mod", SqlWord.Mod); K("binary", SqlWord.Binary);

        V("select", SqlWord.Select); V("insert", SqlWord.Insert); V("update", SqlWord.Update); V("delete", SqlWord.Delete);
        V("drop", SqlWord.Drop); V("create", SqlWord.Create); V("alter", SqlWord.Alter); V("truncate", SqlWord.Truncate);
        V("exec", SqlWord.Exec); V("execute", SqlWord.Execute); V("declare", SqlWord.Declare); V("shutdown", SqlWord.Shutdown);
        V("waitfor", SqlWord.Waitfor); V("grant", SqlWord.Grant); V("revoke", SqlWord.Revoke); V("load", SqlWord.Load);

        d["union"] = (SqlKind.Union, SqlWord.Union);
        d["intersect"] = (SqlKind.Union, SqlWord.Intersect);
        d["except"] = (SqlKind.Union, SqlWord.Except);
        d["minus"] = (SqlKind.Union, SqlWord.Minus);
        d["and"] = (SqlKind.Logic, SqlWord.And);
        d["or"] = (SqlKind.Logic, SqlWord.Or);
        d["xor"] = (SqlKind.Logic, SqlWord.Xor);

        // Functions only SQL injection calls: time delays, file access, error-based extraction, OS access.
        F(SqlWord.StrongFunction, "sleep", "benchmark", "pg_sleep", "load_file", "extractvalue", "updatexml", "xp_cmdshell",
            "dbms_pipe.receive_message", "dbms_lock.sleep", "utl_inaddr.get_host_address", "utl_inaddr.get_host_name", "utl_http.request",
            "sys_eval", "sys_exec", "pg_read_file", "pg_ls_dir", "lo_import", "lo_export", "name_const", "dblink", "openrowset", "opendatasource",
            "randomblob", "sqlite_version", "ctxsys.drithsx.sn", "dbms_xmlgen.getxml", "exp", "gtid_subset", "json_keys", "geometrycollection",
            "multipoint", "polygon", "multilinestring", "multipolygon", "linestring", "make_set", "elt", "row_count", "floor", "rand",
            "group_concat", "concat_ws", "unhex", "hex", "ascii", "ord", "char", "chr", "nchar", "substring", "substr", "mid",
            "concat", "cast", "convert", "count", "if", "ifnull", "isnull", "coalesce", "nullif", "iif", "len", "length", "lower", "upper",
            "md5", "sha1", "sha2", "instr", "locate", "position", "left", "right", "lpad", "rpad", "reverse", "replace", "strcmp",
            "bin", "oct", "conv", "char_length", "unicode", "xmltype", "to_char", "to_number", "sys_context", "row",
            "json_extract", "procedure_analyse", "pi", "sin", "cos", "tan", "atan", "sqrt", "abs", "current_date", "localtime", "now", "sysdate",
            "lo_get", "decode", "encode", "unicode", "db_name", "schema_name", "table_name", "iif", "choose", "charindex", "patindex", "soundex", "current_database", "has_database_privilege", "pg_user",
            // String, math, compression, crypto and JSON built-ins of MySQL, PostgreSQL, SQLite and SQL Server.
            "trim", "ltrim", "rtrim", "btrim", "pow", "log10", "log2",
            "compress", "uncompress", "uncompressed_length", "aes_encrypt", "aes_decrypt", "des_encrypt", "des_decrypt", "crc32", "sha256",
            "from_base64", "to_base64", "quote_ident", "quote_literal", "quote_nullable", "unistr", "starts_with", "string_agg", "array_agg",
            "json_agg", "jsonb_agg", "json_build_object", "jsonb_build_object", "json_object", "json_array", "jsonb_pretty", "json_typeof",
            "jsonb_typeof", "json_value", "json_query", "json_unquote", "find_in_set", "substring_index", "regexp_replace",
            "regexp_substr", "regexp_like", "octet_length", "bit_length", "string_to_array", "array_to_string",
            "sqlite_compileoption_used", "sqlite_compileoption_get", "load_extension", "zeroblob",
            "current_setting", "set_config", "inet_server_addr", "inet_server_port", "pg_backend_pid", "query_to_xml", "table_to_xml",
            "database_to_xml", "xmlagg", "xmlelement", "getpgusername", "is_srvrolemember", "is_member", "serverproperty", "fn_varbintohexstr",
            "object_id", "object_name", "col_name", "type_name", "data_length", "utl_raw.cast_to_varchar2", "bit_and", "bit_or", "bit_xor");
        F(SqlWord.InfoFunction, "version", "database", "user", "current_user", "system_user", "session_user", "schema",
            "@@version", "last_insert_id", "connection_id", "db_name", "host_name", "suser_name", "user_name", "current_schema",
            "sqlite_version");
        return d.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>Whether a function name (a <see cref="SqlKind.Func"/> token's text) is one only SQL injection calls.</summary>
    public static bool IsDelayOrFileFunction(ReadOnlySpan<char> name) =>
        name is "sleep" or "benchmark" or "pg_sleep" or "load_file" or "extractvalue" or "updatexml" or "xp_cmdshell"
            or "dbms_pipe.receive_message" or "dbms_lock.sleep" or "utl_inaddr.get_host_address" or "utl_inaddr.get_host_name"
            or "utl_http.request" or "sys_eval" or "sys_exec" or "pg_read_file" or "pg_ls_dir" or "lo_import" or "lo_export"
            or "name_const" or "dblink" or "openrowset" or "opendatasource" or "randomblob" or "ctxsys.drithsx.sn"
            or "dbms_xmlgen.getxml" or "gtid_subset" or "waitfor" or "lo_get";
}
