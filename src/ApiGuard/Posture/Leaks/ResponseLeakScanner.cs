using System.Buffers;
using System.Runtime.CompilerServices;

namespace ApiGuard.Posture.Leaks;

/// <summary>
/// Finds leaks in a response body. Works on spans only: <see cref="SearchValues{T}"/> and <see cref="AnchorTable"/> prefilters locate candidate anchors,
/// hand-written verifiers confirm them; no regular expressions, no allocation.
/// </summary>
internal sealed class ResponseLeakScanner
{
    private readonly bool[] _enabled = new bool[(int)LeakType.Custom + 1];
    private readonly IResponseLeakDetector[] _custom;

    public ResponseLeakScanner(IEnumerable<LeakType> disabled, IEnumerable<IResponseLeakDetector> custom)
    {
        Array.Fill(_enabled, true);
        foreach (var d in disabled)
        {
            if ((uint)d < (uint)_enabled.Length)
            {
                _enabled[(int)d] = false;
            }
        }

        _custom = custom.ToArray();
    }

    public IReadOnlyList<IResponseLeakDetector> CustomDetectors => _custom;

    /// <summary>
    /// Scans <paramref name="text"/> (body bytes widened one-to-one) and writes matches; returns how many were written.
    /// JSON string escapes (<c>\n</c>, <c>\"</c>, <c>\u0027</c> for ASCII) and the HTML entities error pages use
    /// (<c>&amp;quot;</c>, <c>&amp;#39;</c>, <c>&amp;lt;</c>, <c>&amp;gt;</c>, <c>&amp;amp;</c>) are decoded first so detectors see
    /// the text as written; match offsets are mapped back to the original bytes (a match then covers the escapes too).
    /// </summary>
    public int Scan(ReadOnlySpan<char> text, Span<LeakMatch> matches)
    {
        if (!text.ContainsAny(s_escapeStarts))
        {
            return ScanCore(text, matches);
        }

        var decoded = ArrayPool<char>.Shared.Rent(text.Length);
        var map = ArrayPool<int>.Shared.Rent(text.Length + 1);
        try
        {
            var n = Unescape(text, decoded, map);
            var count = ScanCore(decoded.AsSpan(0, n), matches);
            for (var i = 0; i < count; i++)
            {
                var m = matches[i];
                var start = map[m.Start];
                matches[i] = m with { Start = start, Length = map[m.Start + m.Length] - start };
            }

            return count;
        }
        finally
        {
            ArrayPool<int>.Shared.Return(map);
            ArrayPool<char>.Shared.Return(decoded);
        }
    }

    private static readonly SearchValues<char> s_escapeStarts = SearchValues.Create("\\&");

    private static readonly (string Entity, char Value)[] s_entities =
        [("&quot;", '"'), ("&#34;", '"'), ("&#39;", '\''), ("&#x27;", '\''), ("&apos;", '\''), ("&lt;", '<'), ("&gt;", '>'), ("&amp;", '&')];

    /// <summary>
    /// Decodes JSON escapes that stand for ASCII and the common HTML entities; <paramref name="map"/>[j] is the source index
    /// of output char j, plus one entry for the end.
    /// </summary>
    internal static int Unescape(ReadOnlySpan<char> text, Span<char> output, Span<int> map)
    {
        var o = 0;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            var consumed = 1;
            if (c == '\\' && i + 1 < text.Length)
            {
                switch (text[i + 1])
                {
                    case 'n': c = '\n'; consumed = 2; break;
                    case 't': c = '\t'; consumed = 2; break;
                    case 'r': c = '\r'; consumed = 2; break;
                    case 'b' or 'f': c = ' '; consumed = 2; break;
                    case '"': c = '"'; consumed = 2; break;
                    case '\\': c = '\\'; consumed = 2; break;
                    case '/': c = '/'; consumed = 2; break;
                    case 'u' when i + 5 < text.Length && ushort.TryParse(text.Slice(i + 2, 4), System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out var code) && code < 0x80:
                        c = (char)code;
                        consumed = 6;
                        break;
                }
            }
            else if (c == '&')
            {
                foreach (var (entity, value) in s_entities)
                {
                    if (text[i..].StartsWith(entity, StringComparison.Ordinal))
                    {
                        c = value;
                        consumed = entity.Length;
                        break;
                    }
                }
            }

            map[o] = i;
            output[o++] = c;
            i += consumed;
        }

        map[o] = text.Length;
        return o;
    }

    private int ScanCore(ReadOnlySpan<char> text, Span<LeakMatch> matches)
    {
        var sink = new MatchSink(matches);
        if (_enabled[(int)LeakType.StackTrace] || _enabled[(int)LeakType.SqlError])
        {
            ScanPhrases(text, ref sink, _enabled[(int)LeakType.StackTrace], _enabled[(int)LeakType.SqlError]);
        }

        if (_enabled[(int)LeakType.StackTrace] && !sink.Full)
        {
            ScanFrames(text, ref sink);
        }

        if ((_enabled[(int)LeakType.ExceptionType] || _enabled[(int)LeakType.SqlError]) && !sink.Full)
        {
            ScanExceptionTypes(text, ref sink, _enabled[(int)LeakType.ExceptionType], _enabled[(int)LeakType.SqlError]);
        }

        if (_enabled[(int)LeakType.SqlError] && !sink.Full)
        {
            ScanSqlStates(text, ref sink);
        }

        if (_enabled[(int)LeakType.SqlError] && !sink.Full)
        {
            ScanErrnoTuples(text, ref sink);
        }

        if (_enabled[(int)LeakType.PrivateKey] && !sink.Full)
        {
            ScanPem(text, ref sink);
        }

        if (_enabled[(int)LeakType.CloudCredential] && !sink.Full)
        {
            ScanCredentials(text, ref sink);
        }

        if (_enabled[(int)LeakType.Jwt] && !sink.Full)
        {
            ScanJwts(text, ref sink);
        }

        if (_enabled[(int)LeakType.CardNumber] && !sink.Full)
        {
            ScanCards(text, ref sink);
        }

        for (var d = 0; d < _custom.Length && !sink.Full; d++)
        {
            var pos = 0;
            while (pos < text.Length && !sink.Full)
            {
                var idx = _custom[d].FindNext(text, pos, out var length);
                if (idx < pos || idx >= text.Length)
                {
                    break;
                }

                length = Math.Clamp(length, 1, text.Length - idx);
                sink.Add(new LeakMatch(LeakType.Custom, idx, length, d));
                pos = idx + length;
            }
        }

        return sink.Count;
    }

    private ref struct MatchSink(Span<LeakMatch> matches)
    {
        private readonly Span<LeakMatch> _matches = matches;

        public int Count;

        public readonly bool Full => Count >= _matches.Length;

        public void Add(LeakMatch match)
        {
            if (Count < _matches.Length)
            {
                _matches[Count++] = match;
            }
        }
    }

    // ---- phrases: stack-trace and SQL error messages, case-insensitive, one vectorised multi-string search ----

    private enum Check : byte
    {
        None,
        FiveDigits,      // ORA-12345, PLS-00201
        Digit,           // :line 42, Msg 208
        JavaLine,        // .java:123)
        PythonLine,      // ", line 12, in
        Near,            // another fixed text follows within 160 chars
        LineLabel,       // "ERROR:  ", "DETAIL:": exact case, at the start of a line or string
        ErrorCode,       // ER_BAD_FIELD_ERROR: (mysqljs): exact case, an upper-case code then ':'
        SourceJavaLine,  // File.kt:14) after a file name
        SourceLine,      // File.cs:line 12, File.cs, line 12, File.php on line 3 after a file name
        SourceLineColumn, // file.js:88:31 after a file name
        SourceGoOffset,  // file.go:74 +0x1ba after a file name
        SourceRubyIn,    // file.rb:23:in after a file name
        SourceParenLine, // file.php(18) after a file name
        SourceLineEnd,   // file.php:712 then the end of the token, after a file name
        NodeInternal,    // (node:internal/process/task_queues:95:5)
        FourDigitsDot,   // Error Code: 1175. (MySQL clients)
    }

    private readonly record struct Phrase(string Text, LeakType Type, Check Check, string? Near = null);

    private static readonly Phrase[] s_phrases =
    [
        // .NET
        new("--- End of stack trace from previous location", LeakType.StackTrace, Check.None),
        new("--- End of inner exception stack trace ---", LeakType.StackTrace, Check.None),
        new(":line ", LeakType.StackTrace, Check.Digit),
        new("Unhandled exception. System.", LeakType.StackTrace, Check.None),
        // Java
        new(".java:", LeakType.StackTrace, Check.JavaLine),
        new("(Native Method)", LeakType.StackTrace, Check.None),
        new("(Unknown Source)", LeakType.StackTrace, Check.None),
        new("Exception in thread \"", LeakType.StackTrace, Check.None),
        new("Exception in thread \\\"", LeakType.StackTrace, Check.None),
        // Python
        new("Traceback (most recent call last)", LeakType.StackTrace, Check.None),
        new("\", line ", LeakType.StackTrace, Check.PythonLine),
        // Source locations: a file name with a language's extension and a line (stack frames of any runtime)
        new(".cs:line ", LeakType.StackTrace, Check.SourceLine),
        new(".vb:line ", LeakType.StackTrace, Check.SourceLine),
        new(".fs:line ", LeakType.StackTrace, Check.SourceLine),
        new(".cs, line ", LeakType.StackTrace, Check.SourceLine),
        new(".cshtml, line ", LeakType.StackTrace, Check.SourceLine),
        new(".razor, line ", LeakType.StackTrace, Check.SourceLine),
        new(".php on line ", LeakType.StackTrace, Check.SourceLine),
        new(".kt:", LeakType.StackTrace, Check.SourceJavaLine),
        new(".scala:", LeakType.StackTrace, Check.SourceJavaLine),
        new(".groovy:", LeakType.StackTrace, Check.SourceJavaLine),
        new(".js:", LeakType.StackTrace, Check.SourceLineColumn),
        new(".mjs:", LeakType.StackTrace, Check.SourceLineColumn),
        new(".cjs:", LeakType.StackTrace, Check.SourceLineColumn),
        new(".ts:", LeakType.StackTrace, Check.SourceLineColumn),
        new(".tsx:", LeakType.StackTrace, Check.SourceLineColumn),
        new(".jsx:", LeakType.StackTrace, Check.SourceLineColumn),
        new(".go:", LeakType.StackTrace, Check.SourceGoOffset),
        new(".rb:", LeakType.StackTrace, Check.SourceRubyIn),
        new(".php(", LeakType.StackTrace, Check.SourceParenLine),
        new(".php:", LeakType.StackTrace, Check.SourceLineEnd),
        new("(node:", LeakType.StackTrace, Check.NodeInternal),
        // SQL Server
        new("Incorrect syntax near", LeakType.SqlError, Check.None),
        new("Unclosed quotation mark after the character string", LeakType.SqlError, Check.None),
        new("Invalid object name '", LeakType.SqlError, Check.None),
        new("Invalid column name '", LeakType.SqlError, Check.None),
        new("Conversion failed when converting", LeakType.SqlError, Check.None),
        new("Violation of PRIMARY KEY constraint", LeakType.SqlError, Check.None),
        new("Violation of UNIQUE KEY constraint", LeakType.SqlError, Check.None),
        new("Cannot insert the value NULL into column", LeakType.SqlError, Check.None),
        new("statement conflicted with the FOREIGN KEY constraint", LeakType.SqlError, Check.None),
        new("statement conflicted with the REFERENCE constraint", LeakType.SqlError, Check.None),
        new("String or binary data would be truncated", LeakType.SqlError, Check.None),
        new("Cannot insert duplicate key row in object", LeakType.SqlError, Check.None),
        new("A network-related or instance-specific error occurred while establishing a connection to SQL Server", LeakType.SqlError, Check.None),
        new("Login failed for user '", LeakType.SqlError, Check.None),
        new("Transaction (Process ID", LeakType.SqlError, Check.None),
        new("Microsoft.Data.SqlClient", LeakType.SqlError, Check.None),
        new("System.Data.SqlClient", LeakType.SqlError, Check.None),
        new("Msg ", LeakType.SqlError, Check.Near, ", Level "),
        new("[SQL Server]", LeakType.SqlError, Check.None),
        new("com.microsoft.sqlserver.jdbc", LeakType.SqlError, Check.None),
        // PostgreSQL
        new("syntax error at or near", LeakType.SqlError, Check.None),
        new("syntax error at end of input", LeakType.SqlError, Check.None),
        new("duplicate key value violates unique constraint", LeakType.SqlError, Check.None),
        new("violates foreign key constraint", LeakType.SqlError, Check.None),
        new("violates not-null constraint", LeakType.SqlError, Check.None),
        new("invalid input syntax for type", LeakType.SqlError, Check.None),
        new("current transaction is aborted, commands ignored", LeakType.SqlError, Check.None),
        new("Npgsql.PostgresException", LeakType.SqlError, Check.None),
        new("org.postgresql.util.PSQLException", LeakType.SqlError, Check.None),
        new("psycopg2.errors.", LeakType.SqlError, Check.None),
        new("psycopg2.OperationalError", LeakType.SqlError, Check.None),
        new("psycopg2.ProgrammingError", LeakType.SqlError, Check.None),
        new("relation \"", LeakType.SqlError, Check.Near, "does not exist"),
        new("relation \\\"", LeakType.SqlError, Check.Near, "does not exist"),
        new("column \"", LeakType.SqlError, Check.Near, "does not exist"),
        new("column \\\"", LeakType.SqlError, Check.Near, "does not exist"),
        new("permission denied for table", LeakType.SqlError, Check.None),
        new("SQLSTATE[", LeakType.SqlError, Check.None),
        new("pg_query(): Query failed", LeakType.SqlError, Check.None),
        new("sqlalchemy.exc.", LeakType.SqlError, Check.None),
        // libpq / server message layout: "ERROR:  text", then DETAIL/HINT/CONTEXT lines
        new("ERROR:  ", LeakType.SqlError, Check.LineLabel),
        new("FATAL:  ", LeakType.SqlError, Check.LineLabel),
        new("DETAIL: ", LeakType.SqlError, Check.LineLabel),
        new("HINT: ", LeakType.SqlError, Check.LineLabel),
        new("CONTEXT: ", LeakType.SqlError, Check.LineLabel),
        // MySQL
        new("You have an error in your SQL syntax", LeakType.SqlError, Check.None),
        new("manual that corresponds to your MySQL server version", LeakType.SqlError, Check.None),
        new("manual that corresponds to your MariaDB server version", LeakType.SqlError, Check.None),
        new("MySqlException", LeakType.SqlError, Check.None),
        new("MySqlConnector.", LeakType.SqlError, Check.None),
        new("com.mysql.cj.jdbc.exceptions", LeakType.SqlError, Check.None),
        new("Unknown column '", LeakType.SqlError, Check.Near, "' in '"),
        new("Table '", LeakType.SqlError, Check.Near, "' doesn't exist"),
        new("Duplicate entry '", LeakType.SqlError, Check.Near, "' for key '"),
        new("MySQL server has gone away", LeakType.SqlError, Check.None),
        new("Access denied for user '", LeakType.SqlError, Check.None),
        new("Lock wait timeout exceeded; try restarting transaction", LeakType.SqlError, Check.None),
        new("Deadlock found when trying to get lock", LeakType.SqlError, Check.None),
        new("mysqli_", LeakType.SqlError, Check.None),
        new("pymysql.err.", LeakType.SqlError, Check.None),
        new("mysql.connector.errors.", LeakType.SqlError, Check.None),
        new("ER_", LeakType.SqlError, Check.ErrorCode),
        new("for column '", LeakType.SqlError, Check.Near, "' at row "),
        new("Error Code: ", LeakType.SqlError, Check.FourDigitsDot),
        // Oracle
        new("ORA-", LeakType.SqlError, Check.FiveDigits),
        new("PLS-", LeakType.SqlError, Check.FiveDigits),
        new("quoted string not properly terminated", LeakType.SqlError, Check.None),
        new("Oracle.ManagedDataAccess", LeakType.SqlError, Check.None),
        // SQLite
        new("SQLite Error", LeakType.SqlError, Check.None),
        new("SQLITE_ERROR", LeakType.SqlError, Check.None),
        new("SQLITE_CONSTRAINT", LeakType.SqlError, Check.None),
        new("SQLITE_BUSY", LeakType.SqlError, Check.None),
        new("SqliteException", LeakType.SqlError, Check.None),
        new("sqlite3.OperationalError", LeakType.SqlError, Check.None),
        new("no such table: ", LeakType.SqlError, Check.None),
        new("no such column: ", LeakType.SqlError, Check.None),
        new("UNIQUE constraint failed: ", LeakType.SqlError, Check.None),
        new("NOT NULL constraint failed: ", LeakType.SqlError, Check.None),
        // Frameworks
        new("Microsoft.EntityFrameworkCore.DbUpdateException", LeakType.SqlError, Check.None),
        new("An error occurred while saving the entity changes", LeakType.SqlError, Check.None),
        new("org.hibernate.", LeakType.SqlError, Check.None),
        new("java.sql.SQLException", LeakType.SqlError, Check.None),
        new("java.sql.SQLSyntaxErrorException", LeakType.SqlError, Check.None),
        new("django.db.utils.", LeakType.SqlError, Check.None),
        new("ActiveRecord::StatementInvalid", LeakType.SqlError, Check.None),
        new("PDOException", LeakType.SqlError, Check.None),
    ];

    private static readonly AnchorTable s_phraseTable = new(s_phrases.Select(p => p.Text).ToArray(), ignoreCase: true);

    private static void ScanPhrases(ReadOnlySpan<char> text, ref MatchSink sink, bool stack, bool sql)
    {
        var pos = 0;
        while (pos < text.Length && !sink.Full)
        {
            var idx = s_phraseTable.Next(text, pos, out var candidates);
            if (idx < 0)
            {
                return;
            }

            var rest = text[idx..];
            var advanced = 1;
            foreach (var p in candidates)
            {
                ref readonly var phrase = ref s_phrases[p];
                if (!s_phraseTable.MayMatch(text, idx, p) || !rest.StartsWith(phrase.Text, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                var length = Verify(text, idx, phrase);
                if (length == 0)
                {
                    continue;
                }

                if ((phrase.Type == LeakType.StackTrace && stack) || (phrase.Type == LeakType.SqlError && sql))
                {
                    sink.Add(new LeakMatch(phrase.Type, idx, length));
                }

                advanced = length;
                break;
            }

            pos = idx + advanced;
        }
    }

    private static int Verify(ReadOnlySpan<char> text, int idx, in Phrase phrase)
    {
        var rest = text[idx..];
        var n = phrase.Text.Length;
        var before = idx > 0 ? text[idx - 1] : '\n';
        switch (phrase.Check)
        {
            case Check.None:
                return n;
            case Check.LineLabel:
                return before is '\n' or '\r' or '"' && rest.StartsWith(phrase.Text, StringComparison.Ordinal) && rest.Length > n && char.IsAsciiLetter(rest[n]) ? n : 0;
            case Check.ErrorCode:
                {
                    if (char.IsAsciiLetterOrDigit(before) || before == '_' || !rest.StartsWith(phrase.Text, StringComparison.Ordinal))
                    {
                        return 0;
                    }

                    var code = RunLength(rest[n..], s_upperUnderscore);
                    return code >= 3 && rest.Length > n + code && rest[n + code] == ':' ? n + code + 1 : 0;
                }

            case Check.SourceJavaLine or Check.SourceLine or Check.SourceLineColumn or Check.SourceGoOffset or Check.SourceRubyIn or Check.SourceParenLine or Check.SourceLineEnd:
                return IsFileNameChar(before) ? VerifySourceLine(rest, n, phrase.Check) : 0;
            case Check.FourDigitsDot:
                return rest.Length > n + 4 && IsAsciiDigits(rest.Slice(n, 4)) && rest[n + 4] == '.' ? n + 5 : 0;
            case Check.NodeInternal:
                {
                    // (node:internal/process/task_queues:95:5) or (node:net:1595:16)
                    var module = RunLength(rest[n..], s_nodeModuleChars);
                    if (module == 0 || rest.Length <= n + module || rest[n + module] != ':')
                    {
                        return 0;
                    }

                    var at = n + module + 1;
                    var line = CountDigits(rest[at..]);
                    if (line == 0 || rest.Length <= at + line || rest[at + line] != ':')
                    {
                        return 0;
                    }

                    at += line + 1;
                    var column = CountDigits(rest[at..]);
                    return column > 0 && rest.Length > at + column && rest[at + column] == ')' ? at + column + 1 : 0;
                }
            case Check.FiveDigits:
                return rest.Length >= n + 5 && IsAsciiDigits(rest.Slice(n, 5)) && (rest.Length == n + 5 || !char.IsAsciiDigit(rest[n + 5]))
                    ? n + 5 : 0;
            case Check.Digit:
                {
                    var d = CountDigits(rest[n..]);
                    return d is > 0 and < 8 ? n + d : 0;
                }

            case Check.JavaLine:
                {
                    var d = CountDigits(rest[n..]);
                    return d > 0 && rest.Length > n + d && rest[n + d] == ')' ? n + d + 1 : 0;
                }

            case Check.PythonLine:
                {
                    var d = CountDigits(rest[n..]);
                    return d > 0 && rest[(n + d)..].StartsWith(", in ", StringComparison.Ordinal) ? n + d + 5 : 0;
                }

            case Check.Near:
                {
                    var window = rest[n..Math.Min(rest.Length, n + 160)];
                    var at = window.IndexOf(phrase.Near, StringComparison.OrdinalIgnoreCase);
                    return at < 0 ? 0 : n + at + phrase.Near!.Length;
                }

            default:
                return 0;
        }
    }

    private static readonly SearchValues<char> s_upperUnderscore = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZ_");
    private static readonly SearchValues<char> s_nodeModuleChars = SearchValues.Create("abcdefghijklmnopqrstuvwxyz_/");

    private static bool IsFileNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '$';

    /// <summary>The line part of a source location after a file extension: each runtime writes it its own way.</summary>
    private static int VerifySourceLine(ReadOnlySpan<char> rest, int n, Check check)
    {
        var d = CountDigits(rest[n..]);
        if (d is 0 or > 7)
        {
            return 0;
        }

        var end = n + d;
        var tail = rest[end..];
        return check switch
        {
            Check.SourceLine => end,
            Check.SourceJavaLine or Check.SourceParenLine => tail.StartsWith(')') ? end + 1 : 0,
            Check.SourceLineColumn => tail.Length > 1 && tail[0] == ':' && char.IsAsciiDigit(tail[1]) ? end + 1 + CountDigits(tail[1..]) : 0,
            Check.SourceGoOffset => tail.StartsWith(" +0x", StringComparison.Ordinal) ? end + 4 : 0,
            Check.SourceRubyIn => tail.StartsWith(":in ", StringComparison.Ordinal) ? end + 4 : 0,
            Check.SourceLineEnd => tail.IsEmpty || !(char.IsAsciiLetterOrDigit(tail[0]) || tail[0] is '.' or '/' or ':' or '-' or '_') ? end : 0,
            _ => 0,
        };
    }

    private static bool IsAsciiDigits(ReadOnlySpan<char> s) => !s.ContainsAnyExceptInRange('0', '9');

    private static int CountDigits(ReadOnlySpan<char> s)
    {
        var i = s.IndexOfAnyExceptInRange('0', '9');
        return i < 0 ? s.Length : i;
    }

    // ---- stack frames: "at Namespace.Type.Method(" (.NET and Java) ----

    private static readonly SearchValues<char> s_frameChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.`<>$[],\\+|");

    private static void ScanFrames(ReadOnlySpan<char> text, ref MatchSink sink)
    {
        var pos = 0;
        while (pos < text.Length && !sink.Full)
        {
            var rel = text[pos..].IndexOf("at ", StringComparison.Ordinal);
            if (rel < 0)
            {
                return;
            }

            var idx = pos + rel;
            pos = idx + 3;
            if (!IsFrameStart(text, idx))
            {
                continue;
            }

            var token = text[pos..];
            var end = token.IndexOfAnyExcept(s_frameChars);
            if (end < 5 || token[end] != '(' || !char.IsAsciiLetter(token[0]))
            {
                continue;
            }

            var dots = token[..end].Count('.');
            if (dots < 2)
            {
                continue;
            }

            sink.Add(new LeakMatch(LeakType.StackTrace, pos, end));
            pos += end;
        }
    }

    private static bool IsFrameStart(ReadOnlySpan<char> text, int idx)
    {
        if (idx == 0)
        {
            return true;
        }

        var c = text[idx - 1];
        if (c is ' ' or '\t' or '\n' or '\r' or '"' or '[')
        {
            return true;
        }

        // JSON-escaped "\tat" or "\nat".
        return (c is 't' or 'n') && idx >= 2 && text[idx - 2] == '\\';
    }

    // ---- exception type names: a dotted name whose last segment ends in Exception (or Error followed by ':') ----

    private static readonly SearchValues<char> s_identChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.");

    private static void ScanExceptionTypes(ReadOnlySpan<char> text, ref MatchSink sink, bool types, bool sql)
    {
        ScanDottedSuffix(text, "Exception", requireColon: false, ref sink, types, sql);
        if (!sink.Full)
        {
            ScanDottedSuffix(text, "Error", requireColon: true, ref sink, types, sql);
        }
    }

    /// <summary>Database drivers' exception types (SqlException, PSQLException, SQLServerException, OracleException, ...) are SQL errors.</summary>
    private static bool IsDatabaseType(ReadOnlySpan<char> name) =>
        name.Contains("sql", StringComparison.OrdinalIgnoreCase) || name.Contains("Oracle", StringComparison.Ordinal) || name.Contains("Postgres", StringComparison.Ordinal);

    private static void ScanDottedSuffix(ReadOnlySpan<char> text, string suffix, bool requireColon, ref MatchSink sink, bool types, bool sql)
    {
        var pos = 0;
        while (pos < text.Length && !sink.Full)
        {
            var rel = text[pos..].IndexOf(suffix, StringComparison.Ordinal);
            if (rel < 0)
            {
                return;
            }

            var idx = pos + rel;
            var end = idx + suffix.Length;
            pos = end;
            if (end < text.Length && char.IsAsciiLetterOrDigit(text[end]))
            {
                continue;
            }

            if (requireColon && (end >= text.Length || text[end] != ':'))
            {
                continue;
            }

            var startSearch = text[..idx].LastIndexOfAnyExcept(s_identChars);
            var start = startSearch + 1;
            var name = text[start..end];
            if (name.Length <= suffix.Length + 2 || !char.IsAsciiLetter(name[0]))
            {
                continue;
            }

            var lastDot = name.LastIndexOf('.');
            if (lastDot < 0)
            {
                // An undotted name is reported only for database drivers' types before a message (SqliteError: ..., MySqlException: ...).
                if (sql && end < text.Length && text[end] == ':' && IsDatabaseType(name))
                {
                    sink.Add(new LeakMatch(LeakType.SqlError, start, name.Length));
                }

                continue;
            }

            if (lastDot == 0 || lastDot == name.Length - suffix.Length - 1 || name.Contains("..", StringComparison.Ordinal))
            {
                // Needs a namespace and a type name before the suffix ("System.Exception" is a type too: allow "X.Exception" only with 2+ segments).
                if (!(lastDot > 0 && name[..lastDot].Contains('.')))
                {
                    continue;
                }
            }

            // The segment before the type must start with a letter (skip "1.0Exception"-like noise) and the name must not be a file or host.
            if (!char.IsAsciiLetter(name[(lastDot + 1)..][0]))
            {
                continue;
            }

            var type = sql && IsDatabaseType(name) ? LeakType.SqlError : LeakType.ExceptionType;
            if (type == LeakType.SqlError || types)
            {
                sink.Add(new LeakMatch(type, start, name.Length));
            }
        }
    }

    // ---- SQLSTATE-prefixed driver messages: "42P01: relation ... does not exist" (Npgsql's Message), "23505: duplicate key ..." ----

    private static readonly SearchValues<char> s_sqlStateChars = SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ");

    private static void ScanSqlStates(ReadOnlySpan<char> text, ref MatchSink sink)
    {
        var pos = 5;
        while (pos < text.Length && !sink.Full)
        {
            var rel = text[pos..].IndexOf(": ", StringComparison.Ordinal);
            if (rel < 0)
            {
                return;
            }

            var colon = pos + rel;
            pos = colon + 2;
            var start = colon - 5;
            if (start > 0 && text[start - 1] is not (' ' or '\n' or '\t' or '"' or '(' or '['))
            {
                continue;
            }

            if (pos >= text.Length || !char.IsAsciiLetterLower(text[pos]) || !IsSqlState(text.Slice(start, 5)))
            {
                continue;
            }

            sink.Add(new LeakMatch(LeakType.SqlError, start, 7));
        }
    }

    // ---- Python DB-API exception arguments: (1452, 'Cannot add or update a child row: ...') (MySQLdb, PyMySQL) ----

    private static void ScanErrnoTuples(ReadOnlySpan<char> text, ref MatchSink sink)
    {
        var pos = 5;
        while (pos < text.Length && !sink.Full)
        {
            var rel = text[pos..].IndexOf(", ", StringComparison.Ordinal);
            if (rel < 0)
            {
                return;
            }

            var comma = pos + rel;
            pos = comma + 2;
            var start = comma - 5;
            if (start < 0 || text[start] != '(' || !IsAsciiDigits(text.Slice(start + 1, 4)) || text[start + 1] is < '1' or > '4')
            {
                continue;
            }

            if (pos + 1 >= text.Length || text[pos] is not ('\'' or '"') || !char.IsAsciiLetterUpper(text[pos + 1]))
            {
                continue;
            }

            sink.Add(new LeakMatch(LeakType.SqlError, start, 8));
        }
    }

    /// <summary>A five-character SQLSTATE of an error class (connection, data, integrity, transaction, syntax/access, resources, system).</summary>
    private static bool IsSqlState(ReadOnlySpan<char> code)
    {
        if (code.ContainsAnyExcept(s_sqlStateChars))
        {
            return false;
        }

        var digits = 0;
        foreach (var c in code)
        {
            digits += char.IsAsciiDigit(c) ? 1 : 0;
        }

        if (digits < 2)
        {
            return false;
        }

        return code[..2] switch
        {
            "08" or "0A" or "0B" or "0F" or "0L" or "0P" or "0Z" or "20" or "21" or "22" or "23" or "24" or "25" or "26" or "27" or "28"
                or "2B" or "2D" or "2F" or "34" or "38" or "39" or "3B" or "3D" or "3F" or "40" or "42" or "44" or "53" or "54" or "55"
                or "57" or "58" or "72" or "F0" or "HV" or "P0" or "XX" => true,
            _ => false,
        };
    }

    // ---- PEM private keys ----

    private static void ScanPem(ReadOnlySpan<char> text, ref MatchSink sink)
    {
        const string Begin = "-----BEGIN ";
        var pos = 0;
        while (pos < text.Length && !sink.Full)
        {
            var rel = text[pos..].IndexOf(Begin, StringComparison.Ordinal);
            if (rel < 0)
            {
                return;
            }

            var idx = pos + rel;
            pos = idx + Begin.Length;
            var label = text[pos..Math.Min(text.Length, pos + 48)];
            var keyAt = label.IndexOf("PRIVATE KEY", StringComparison.Ordinal);
            if (keyAt < 0 || label[..keyAt].ContainsAnyExcept(s_pemLabelChars))
            {
                continue;
            }

            var afterLabel = pos + keyAt + "PRIVATE KEY".Length;
            var tail = text[afterLabel..];
            if (!tail.StartsWith("-----", StringComparison.Ordinal) && !tail.StartsWith(" BLOCK-----", StringComparison.Ordinal))
            {
                continue;
            }

            // Mask up to the END line when it is within reach, else the header and what follows it on the scanned part.
            var window = text[afterLabel..Math.Min(text.Length, afterLabel + 16384)];
            var endRel = window.IndexOf("-----END ", StringComparison.Ordinal);
            int end;
            if (endRel >= 0)
            {
                var close = window[(endRel + 9)..].IndexOf("-----", StringComparison.Ordinal);
                end = close >= 0 ? afterLabel + endRel + 9 + close + 5 : afterLabel + endRel + 9;
            }
            else
            {
                end = afterLabel + window.Length;
            }

            sink.Add(new LeakMatch(LeakType.PrivateKey, idx, end - idx));
            pos = end;
        }
    }

    private static readonly SearchValues<char> s_pemLabelChars = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZ ");

    // ---- cloud credentials ----

    private enum Cred : byte
    {
        AwsKeyId,
        AwsSecret,
        GitHub,
        Stripe,
        Slack,
        Google,
        AzureKey,
    }

    private static readonly (string Anchor, Cred Kind)[] s_credentials =
    [
        ("AKIA", Cred.AwsKeyId), ("ASIA", Cred.AwsKeyId), ("ABIA", Cred.AwsKeyId), ("ACCA", Cred.AwsKeyId), ("AGPA", Cred.AwsKeyId),
        ("AIDA", Cred.AwsKeyId), ("AIPA", Cred.AwsKeyId), ("ANPA", Cred.AwsKeyId), ("ANVA", Cred.AwsKeyId), ("APKA", Cred.AwsKeyId),
        ("AROA", Cred.AwsKeyId), ("ASCA", Cred.AwsKeyId),
        ("aws_secret_access_key", Cred.AwsSecret), ("AWS_SECRET_ACCESS_KEY", Cred.AwsSecret), ("SecretAccessKey", Cred.AwsSecret),
        ("secretAccessKey", Cred.AwsSecret), ("secret_access_key", Cred.AwsSecret),
        ("ghp_", Cred.GitHub), ("gho_", Cred.GitHub), ("ghu_", Cred.GitHub), ("ghs_", Cred.GitHub), ("ghr_", Cred.GitHub), ("github_pat_", Cred.GitHub),
        ("sk_live_", Cred.Stripe), ("rk_live_", Cred.Stripe),
        ("xoxb-", Cred.Slack), ("xoxp-", Cred.Slack), ("xoxa-", Cred.Slack), ("xoxr-", Cred.Slack),
        ("AIza", Cred.Google),
        ("AccountKey=", Cred.AzureKey),
    ];

    private static readonly AnchorTable s_credentialTable = new(s_credentials.Select(c => c.Anchor).ToArray(), ignoreCase: false);

    private static readonly SearchValues<char> s_upperAlnum = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
    private static readonly SearchValues<char> s_alnumUnderscore = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_");
    private static readonly SearchValues<char> s_base64UrlChars = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-");
    private static readonly SearchValues<char> s_base64Chars = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+=\\");
    private static readonly SearchValues<char> s_secretGap = SearchValues.Create("\"'=: \\");

    private static void ScanCredentials(ReadOnlySpan<char> text, ref MatchSink sink)
    {
        var pos = 0;
        while (pos < text.Length && !sink.Full)
        {
            var idx = s_credentialTable.Next(text, pos, out var candidates);
            if (idx < 0)
            {
                return;
            }

            var rest = text[idx..];
            var length = 0;
            var anchorLength = 1;
            foreach (var c in candidates)
            {
                var (anchor, kind) = s_credentials[c];
                if (!s_credentialTable.MayMatch(text, idx, c) || !rest.StartsWith(anchor, StringComparison.Ordinal))
                {
                    continue;
                }

                anchorLength = anchor.Length;
                length = VerifyCredential(text, idx, anchor.Length, kind);
                break;
            }

            if (length > 0)
            {
                sink.Add(new LeakMatch(LeakType.CloudCredential, idx, length));
                pos = idx + length;
            }
            else
            {
                pos = idx + anchorLength;
            }
        }
    }

    private static int VerifyCredential(ReadOnlySpan<char> text, int idx, int anchorLength, Cred kind)
    {
        var precededByWord = idx > 0 && (char.IsAsciiLetterOrDigit(text[idx - 1]) || text[idx - 1] == '_');
        var body = text[(idx + anchorLength)..];
        switch (kind)
        {
            case Cred.AwsKeyId:
                {
                    if (precededByWord || body.Length < 16)
                    {
                        return 0;
                    }

                    var run = RunLength(body, s_upperAlnum);
                    return run == 16 ? anchorLength + 16 : 0;
                }

            case Cred.AwsSecret:
                {
                    var gap = RunLength(body, s_secretGap);
                    if (gap is 0 or > 8)
                    {
                        return 0;
                    }

                    var run = RunLength(body[gap..], s_base64Chars);
                    return run is >= 40 and <= 64 ? anchorLength + gap + run : 0;
                }

            case Cred.GitHub:
                {
                    var run = RunLength(body, s_alnumUnderscore);
                    return !precededByWord && run >= 30 ? anchorLength + run : 0;
                }

            case Cred.Stripe:
                {
                    var run = RunLength(body, s_alnumUnderscore);
                    return !precededByWord && run >= 20 ? anchorLength + run : 0;
                }

            case Cred.Slack:
                {
                    var run = RunLength(body, s_base64UrlChars);
                    return !precededByWord && run >= 20 ? anchorLength + run : 0;
                }

            case Cred.Google:
                {
                    var run = RunLength(body, s_base64UrlChars);
                    return !precededByWord && run == 35 ? anchorLength + run : 0;
                }

            case Cred.AzureKey:
                {
                    var run = RunLength(body, s_base64Chars);
                    return run >= 80 ? anchorLength + run : 0;
                }

            default:
                return 0;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int RunLength(ReadOnlySpan<char> s, SearchValues<char> allowed)
    {
        var i = s.IndexOfAnyExcept(allowed);
        return i < 0 ? s.Length : i;
    }

    // ---- JWTs: eyJ<header>.ey<payload>.<signature> ----

    private static void ScanJwts(ReadOnlySpan<char> text, ref MatchSink sink)
    {
        var pos = 0;
        while (pos < text.Length && !sink.Full)
        {
            var rel = text[pos..].IndexOf("eyJ", StringComparison.Ordinal);
            if (rel < 0)
            {
                return;
            }

            var idx = pos + rel;
            pos = idx + 3;
            if (idx > 0 && s_base64UrlChars.Contains(text[idx - 1]))
            {
                continue;
            }

            var rest = text[idx..];
            var header = RunLength(rest, s_base64UrlChars);
            if (header < 10 || header >= rest.Length || rest[header] != '.')
            {
                continue;
            }

            var payloadPart = rest[(header + 1)..];
            var payload = RunLength(payloadPart, s_base64UrlChars);
            if (payload < 10 || !payloadPart.StartsWith("ey", StringComparison.Ordinal) || payload >= payloadPart.Length || payloadPart[payload] != '.')
            {
                continue;
            }

            var signature = RunLength(payloadPart[(payload + 1)..], s_base64UrlChars);
            var length = header + 1 + payload + 1 + signature;
            sink.Add(new LeakMatch(LeakType.Jwt, idx, length));
            pos = idx + length;
        }
    }

    // ---- payment card numbers ----

    private static void ScanCards(ReadOnlySpan<char> text, ref MatchSink sink)
    {
        Span<byte> digits = stackalloc byte[19];
        Span<int> groups = stackalloc int[8];
        var pos = 0;
        while (pos < text.Length && !sink.Full)
        {
            var rel = text[pos..].IndexOfAnyInRange('2', '6');
            if (rel < 0)
            {
                return;
            }

            var idx = pos + rel;
            if (idx > 0 && IsCardBoundaryViolation(text[idx - 1]))
            {
                // Inside a longer token: skip the rest of this digit run.
                pos = idx + Math.Max(1, CountDigits(text[idx..]));
                continue;
            }

            var count = 0;
            var groupCount = 0;
            var groupLength = 0;
            var separator = '\0';
            var i = idx;
            var tooLong = false;
            var badSeparator = false;
            while (i < text.Length)
            {
                var c = text[i];
                if (char.IsAsciiDigit(c))
                {
                    if (count == 19)
                    {
                        tooLong = true;
                        break;
                    }

                    digits[count++] = (byte)(c - '0');
                    groupLength++;
                    i++;
                }
                else if ((c == ' ' || c == '-') && groupLength > 0 && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1]))
                {
                    if (separator != '\0' && separator != c)
                    {
                        badSeparator = true;
                        break;
                    }

                    separator = c;
                    if (groupCount == groups.Length)
                    {
                        badSeparator = true;
                        break;
                    }

                    groups[groupCount++] = groupLength;
                    groupLength = 0;
                    i++;
                }
                else
                {
                    break;
                }
            }

            if (groupLength > 0 && groupCount < groups.Length)
            {
                groups[groupCount++] = groupLength;
            }

            var runEnd = i;
            if (tooLong || badSeparator)
            {
                // Skip the whole digit/separator run so no sub-run of it is taken for a card.
                while (runEnd < text.Length && (char.IsAsciiDigit(text[runEnd]) || text[runEnd] is ' ' or '-'))
                {
                    runEnd++;
                }

                pos = runEnd;
                continue;
            }

            pos = Math.Max(runEnd, idx + 1);
            if (count < 13 || (runEnd < text.Length && IsCardTrailViolation(text, runEnd)))
            {
                continue;
            }

            var number = digits[..count];
            if (!IsIssuerRange(number) || !GroupsValid(groups[..groupCount], separator != '\0') || !LuhnValid(number))
            {
                continue;
            }

            // Grouped digits are written for people: card formatting. A bare digit run is as often a numeric id (one in ten
            // passes Luhn), so it counts only with card words shortly before it.
            if (separator == '\0' && !HasCardContext(text[Math.Max(0, idx - CardContextWindow)..idx]))
            {
                continue;
            }

            sink.Add(new LeakMatch(LeakType.CardNumber, idx, runEnd - idx));
        }
    }

    private const int CardContextWindow = 64;

    /// <summary>Words naming a payment card; found anywhere in a key or text (cardNumber, credit_card, "Card 4111...").</summary>
    private static readonly string[] s_cardWords = ["card", "credit", "debit", "visa", "mastercard", "amex", "discover", "maestro", "unionpay", "primaryaccount"];

    /// <summary>Abbreviations that are card words only as a whole token (pan, PAN=, cc=, ccNumber), not inside other words (company, accept).</summary>
    private static readonly string[] s_cardTokens = ["pan", "cc", "ccn"];

    private static bool HasCardContext(ReadOnlySpan<char> window)
    {
        foreach (var word in s_cardWords)
        {
            if (window.Contains(word, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        foreach (var token in s_cardTokens)
        {
            var from = 0;
            while (from < window.Length)
            {
                var rel = window[from..].IndexOf(token, StringComparison.OrdinalIgnoreCase);
                if (rel < 0)
                {
                    break;
                }

                var at = from + rel;
                var end = at + token.Length;
                var startsToken = at == 0 || !char.IsAsciiLetter(window[at - 1]);
                var endsToken = end >= window.Length || !char.IsAsciiLetterLower(window[end]);
                if (startsToken && endsToken)
                {
                    return true;
                }

                from = at + 1;
            }
        }

        return false;
    }

    private static bool IsCardBoundaryViolation(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '/' or '+' or '#';

    private static bool IsCardTrailViolation(ReadOnlySpan<char> text, int end)
    {
        var c = text[end];
        if (char.IsAsciiLetterOrDigit(c) || c is '_' or '/')
        {
            return true;
        }

        // A decimal or a dotted version number continues the token.
        return (c is '.' or '-') && end + 1 < text.Length && char.IsAsciiDigit(text[end + 1]);
    }

    private static bool GroupsValid(ReadOnlySpan<int> groups, bool separated)
    {
        if (!separated)
        {
            return groups.Length == 1;
        }

        // 4-6-5 (Amex) or 4-6-4 (Diners)
        if (groups.Length == 3 && groups[0] == 4 && groups[1] == 6 && groups[2] is 4 or 5)
        {
            return true;
        }

        if (groups.Length < 4)
        {
            return false;
        }

        for (var g = 0; g < groups.Length - 1; g++)
        {
            if (groups[g] != 4)
            {
                return false;
            }
        }

        return groups[^1] is >= 1 and <= 4;
    }

    private static bool IsIssuerRange(ReadOnlySpan<byte> d)
    {
        var length = d.Length;
        var two = (d[0] * 10) + d[1];
        var four = (two * 100) + (d[2] * 10) + d[3];
        return d[0] switch
        {
            4 => length is 16 or 19,                                                            // Visa (13-digit numbers are no longer issued)
            5 => two is >= 51 and <= 55 && length == 16,                                        // Mastercard
            2 => four is >= 2221 and <= 2720 && length == 16,                                   // Mastercard 2-series
            3 => (two is 34 or 37 && length == 15)                                              // Amex
                 || ((two is 36 or 38 or 39 || (two == 30 && d[2] <= 5)) && length is 14 or 16) // Diners
                 || (four is >= 3528 and <= 3589 && length is >= 16 and <= 19),                 // JCB
            6 => (four == 6011 || two == 65 || (four / 10 is >= 644 and <= 649) || two == 62) && length is >= 16 and <= 19, // Discover, UnionPay
            _ => false,
        };
    }

    internal static bool LuhnValid(ReadOnlySpan<byte> digits)
    {
        var sum = 0;
        var doubleIt = false;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            int d = digits[i];
            if (doubleIt)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
            doubleIt = !doubleIt;
        }

        return sum % 10 == 0;
    }
}
