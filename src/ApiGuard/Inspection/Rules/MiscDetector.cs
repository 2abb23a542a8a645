using System.Buffers;
using static ApiGuard.Inspection.Rules.Spans;

namespace ApiGuard.Inspection.Rules;

/// <summary>
/// The structural detectors that need little context: NoSQL operators (as JSON keys, <c>a[$ne]=</c> names, or inside a
/// JSON text), LDAP filter breakouts (<c>)(|(</c>, <c>*)(uid=*</c>), XXE declarations, CRLF header injection.
/// </summary>
internal static class MiscDetector
{
    private static readonly SearchValues<char> s_gate = SearchValues.Create("$)<\r\n!");
    private static readonly SearchValues<char> s_ipv4Chars = SearchValues.Create("0123456789.");
    private static readonly SearchValues<char> s_loginName = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789._@-+");
    private static readonly CharMask s_gateMask = CharMask.Set("$)<\r\n!");

    public static void Detect(scoped ReadOnlySpan<char> t, ValueSource source, ref FindingSink sink)
    {
        if (sink.Chars.Has('\\'))
        {
            EscapedCrlf(t, ref sink);
        }

        if (sink.Chars.Has('.') || sink.Chars.Has(';'))
        {
            MongoJavaScript(t, ref sink);
        }

        if (!sink.Chars.IsAscii)
        {
            WideCrlf(t, ref sink);
        }

        if (sink.Chars.Has('\u001b'))
        {
            AnsiEscape(t, ref sink);
        }

        if (!sink.Chars.HasAny(s_gateMask, t, s_gate))
        {
            return;
        }

        NoSql(t, source, ref sink);
        Ldap(t, ref sink);
        Xxe(t, ref sink);
        Crlf(t, source, ref sink);
    }

    private static void NoSql(scoped ReadOnlySpan<char> t, ValueSource source, ref FindingSink sink)
    {
        var i = 0;
        while (i < t.Length)
        {
            var p = WorkMeter.Next(t, ref i, '$');
            if (p < 0)
            {
                return;
            }

            var j = p + 1;
            while (j < t.Length && char.IsAsciiLetter(t[j]))
            {
                j++;
            }

            if (!IsOperator(t[(p + 1)..j]))
            {
                i = Math.Max(i, j);
                continue;
            }

            var prev = p > 0 ? t[p - 1] : '\0';
            var next = j < t.Length ? t[j] : '\0';
            var escapedKey = prev == '"' && p > 1 && t[p - 2] == '\\' && next == '\\' && j + 1 < t.Length && t[j + 1] == '"' && Colon(t, j + 2);

            // The whole value (a JSON key or parameter name), a[$ne]= names, {"$ne": 1} in JSON text, {$ne: 1} in Mongo shell syntax,
            // and {\"$ne\": 1}, JSON inside a JSON or GraphQL string.
            var embedded = (prev is '"' or '\'' && next is '"' or '\'' && Colon(t, j + 1)) || escapedKey || (prev is '{' or ' ' or ',' && next == ':');
            if (embedded && t[(p + 1)..j] is "and" or "or" or "nor" && Depth(t, p) >= 2 && !HasEmptyDocument(t[j..]))
            {
                // {"query": {"$and": [{"site": "depot"}, {"area": "line-3"}]}}: a query a client composes under its own key, on purpose;
                // the operators that bypass a check ($ne, $gt, $regex, $where) are judged wherever they stand inside it. At the root
                // ({"$or": [{"role": "admin"}, {"1": "1"}]}) the operator replaces the document the application built, and an empty
                // document among the operands ({"$or": [{}, ...]}) matches everything.
                i = Math.Max(i, j);
                continue;
            }

            if (embedded && t[0] == '{' && IsGeoOrDateFilter(t, p, j))
            {
                // {"location": {"$near": {"$geometry": ...}}}, {"createdAt": {"$gte": {"$date": "2024-03-31"}}}: a geo or date filter
                // document, as search APIs accept.
                i = Math.Max(i, j);
                continue;
            }

            if ((p == 0 && j == t.Length) || (prev == '[' && next == ']') || embedded)
            {
                sink.Add(source == ValueSource.JsonPropertyName || (p == 0 && j == t.Length) ? RuleKey.NosqlOperator : RuleKey.NosqlOperatorInValue, p, j - p);
                return;
            }

            i = Math.Max(i, j);
        }
    }

    /// <summary>
    /// Whether the operator "$op" at <paramref name="p"/> (its name ending at <paramref name="j"/>) searches a named field near or
    /// within a geometry, or compares it with a date: {"location": {"$near": {"$geometry": ...}}}, {"createdAt": {"$gte":
    /// {"$date": "2024-03-31"}}}. Not at the root, not on a credential or role field.
    /// </summary>
    private static bool IsGeoOrDateFilter(ReadOnlySpan<char> t, int p, int j)
    {
        var op = t[(p + 1)..j];
        var c = j < t.Length && t[j] is '"' or '\'' ? j + 1 : j;
        var colon = t[c..].TrimStart(' ');
        if (colon.IsEmpty || colon[0] != ':')
        {
            return false;
        }

        var value = Head(colon[1..].TrimStart(' '), 256);
        var field = FieldOf(t, p);
        if (value.IsEmpty || field.IsEmpty || field is "password" or "passwd" or "pass" or "pwd" or "secret" or "token" or "apikey" or "api_key" or "otp"
            or "pin" or "hash" or "username" or "user" or "login" or "role" or "roles" or "admin" or "isadmin" or "is_admin")
        {
            return false;
        }

        // A geometry to search near or within, or a date range: the shapes of a documented filter that no injection takes.
        // Plain comparisons ({"price": {"$gt": 0}}), patterns ({"name": {"$regex": "^adm"}}) and $in/$exists probe a collection
        // the application did not mean to expose, so they still count.
        return op switch
        {
            "near" or "geowithin" => value[0] == '{' && value[1..].TrimStart(' ').StartsWith("\"$geometry\""),
            "gt" or "gte" or "lt" or "lte" => value[0] == '{' && value[1..].TrimStart(' ').StartsWith("\"$date\""),
            _ => false,
        };
    }

    /// <summary>The key whose document holds position <paramref name="p"/> ("qty" in {"qty": {"$gte": 6}}), or empty at the root.</summary>
    private static ReadOnlySpan<char> FieldOf(ReadOnlySpan<char> t, int p)
    {
        var depth = 0;
        var open = -1;
        for (var k = p - 1; k >= 0 && p - k <= 256; k--)
        {
            if (t[k] == '}')
            {
                depth++;
            }
            else if (t[k] == '{' && depth-- == 0)
            {
                open = k;
                break;
            }
        }

        var before = open > 0 ? t[..open].TrimEnd(' ') : default;
        if (before.IsEmpty || before[^1] != ':')
        {
            return default;
        }

        before = before[..^1].TrimEnd(' ');
        if (before.IsEmpty || before[^1] is not ('"' or '\''))
        {
            return default;
        }

        var start = before[..^1].LastIndexOfAny('"', '\'');
        return start < 0 ? default : before[(start + 1)..^1];
    }

    /// <summary>How many braces are open at <paramref name="p"/> (counted over at most the 512 characters before it).</summary>
    private static int Depth(ReadOnlySpan<char> t, int p)
    {
        if (p > 512)
        {
            return 0;
        }

        var depth = 0;
        foreach (var c in t[..p])
        {
            depth += c == '{' ? 1 : c == '}' ? -1 : 0;
        }

        return depth;
    }

    /// <summary>Whether the first 256 characters hold an empty document "{}" (blanks allowed inside).</summary>
    private static bool HasEmptyDocument(ReadOnlySpan<char> t)
    {
        var head = Head(t, 256);
        for (var i = head.IndexOf('{'); i >= 0 && i < head.Length; i++)
        {
            if (head[i] != '{')
            {
                continue;
            }

            var j = i + 1;
            while (j < head.Length && head[j] is ' ' or '\t' or '\r' or '\n')
            {
                j++;
            }

            if (j < head.Length && head[j] == '}')
            {
                return true;
            }
        }

        return false;
    }

    private static bool Colon(ReadOnlySpan<char> t, int i)
    {
        while (i < t.Length && t[i] is ' ' or '\t')
        {
            i++;
        }

        return i < t.Length && t[i] == ':';
    }

    private static bool IsOperator(ReadOnlySpan<char> op) =>
        op is "where" or "ne" or "eq" or "gt" or "gte" or "lt" or "lte" or "in" or "nin" or "regex" or "exists" or "not" or "nor" or "or"
            or "and" or "elemmatch" or "expr" or "text" or "function" or "accumulator" or "all" or "size" or "type" or "mod" or "jsonschema"
            or "lookup" or "search" or "options" or "comment" or "geowithin" or "near" or "set" or "unset" or "rename" or "inc" or "push" or "pull"
            or "out" or "merge" or "match" or "unionwith" or "graphlookup";

    /// <summary>
    /// What follows a leading wildcard that closes the filter it was put into: "*))", "*)(", "*)" then a NUL, or an empty
    /// group before an operator "*()|&amp;'" (the classic LDAP probes). "*(optional)" is a footnote, not one of these.
    /// </summary>
    private static bool LdapWildcardBreakout(ReadOnlySpan<char> r) =>
        (r[0] == ')' && r[1] is ')' or '(' or '\0') || (r.StartsWith("()") && r.Length > 2 && r[2] is '|' or '&');

    /// <summary>
    /// Whether a filter holds a term that compares two numbers, "(1=1)" or "(1=0)": no directory has an attribute named by a
    /// bare number, so the term exists only to make the filter always true or always false.
    /// </summary>
    private static bool HasNumericTerm(ReadOnlySpan<char> t)
    {
        var i = 0;
        while (i < t.Length)
        {
            var p = WorkMeter.Next(t, ref i, '(');
            if (p < 0)
            {
                return false;
            }

            var d = p + 1;
            while (d < t.Length && char.IsAsciiDigit(t[d]))
            {
                d++;
            }

            if (d > p + 1 && d + 2 < t.Length && t[d] == '=' && char.IsAsciiDigit(t[d + 1]))
            {
                return true;
            }
        }

        return false;
    }

    private static void Ldap(scoped ReadOnlySpan<char> t, ref FindingSink sink)
    {
        if (t.StartsWith('(') && Balanced(t))
        {
            // A complete, balanced filter is a filter, not a breakout from one, unless it is a composition that matches every
            // entry through presence wildcards: "(&(uid=*)(userPassword=*))".
            if (t.Length > 2 && t[1] is '&' or '|' && (t.Contains("=*)", StringComparison.Ordinal) || HasNumericTerm(t)))
            {
                sink.Add(RuleKey.LdapFilterBreakout, 0, t.Length);
            }

            return;
        }

        if (t.Length > 2 && t[0] == '*' && LdapWildcardBreakout(t[1..]))
        {
            sink.Add(RuleKey.LdapFilterBreakout, 0, Math.Min(t.Length, 4));
            return;
        }

        // "*(|(mail=*))", "x(&(objectClass=*)": a value that opens a filter composition of its own.
        var op = t.IndexOf('(');
        while (op >= 0 && op + 2 < t.Length)
        {
            var k = Skip(t, op + 1);
            var m = k + 1 < t.Length && t[k] is '&' or '|' or '!' ? Skip(t, k + 1) : t.Length;
            if (m < t.Length && t[m] == '(')
            {
                sink.Add(RuleKey.LdapFilterBreakout, op, k + 1 - op);
                return;
            }

            var next = t[(op + 1)..].IndexOf('(');
            WorkMeter.Scanned(next, t.Length - op - 1);
            op = next < 0 ? -1 : op + 1 + next;
        }

        var i = 0;
        while (i < t.Length)
        {
            var p = WorkMeter.Next(t, ref i, ')');
            if (p < 0)
            {
                return;
            }

            var j = Skip(t, p + 1);
            if (j >= t.Length)
            {
                continue;
            }

            if (t[j] is '&' or '|' or '!')
            {
                var after = Skip(t, j + 1);

                // "§ 1332(a)(1) & (c)(1)": an operator with blanks on both sides joins prose; a filter has none.
                if (after < t.Length && t[after] == '(' && !(j > p + 1 && after > j + 1))
                {
                    sink.Add(RuleKey.LdapFilterBreakout, p, after + 1 - p);
                    return;
                }

                continue;
            }

            if (t[j] != '(')
            {
                continue;
            }

            j = Skip(t, j + 1);
            var nested = 0;
            while (j < t.Length && t[j] == '(' && nested++ < 8)
            {
                // "admin*)((|userPassword=*)": more groups opened before the operator.
                j = Skip(t, j + 1);
            }

            if (j >= t.Length)
            {
                // "value)(" at the end: an opened group.
                sink.Add(RuleKey.LdapOperatorGroup, p, j - p);
                continue;
            }

            if (t[j] is '&' or '|' or '!')
            {
                sink.Add(RuleKey.LdapFilterBreakout, p, j + 1 - p);
                return;
            }

            // )(attr=  )(attr~=  )(attr>=  )(attr<=
            var a = j;
            while (j < t.Length && (char.IsAsciiLetterOrDigit(t[j]) || t[j] is '-' or '.' or ';'))
            {
                j++;
            }

            if (j == a || j - a > 64)
            {
                continue;
            }

            j = Skip(t, j);
            if (j < t.Length && (t[j] == '=' || (j + 1 < t.Length && t[j] is '~' or '>' or '<' && t[j + 1] == '=')))
            {
                sink.Add(RuleKey.LdapFilterBreakout, p, j + 1 - p);
                return;
            }
        }
    }

    private static bool Balanced(ReadOnlySpan<char> t)
    {
        var depth = 0;
        foreach (var c in t)
        {
            if (c == '(')
            {
                depth++;
            }
            else if (c == ')' && --depth < 0)
            {
                return false;
            }
        }

        return depth == 0;
    }

    private static int Skip(ReadOnlySpan<char> t, int i)
    {
        while (i < t.Length && t[i] is ' ' or '\t' or '\n' or '\r')
        {
            i++;
        }

        return i;
    }

    private static void Xxe(scoped ReadOnlySpan<char> t, ref FindingSink sink)
    {
        var d = t.IndexOf("<!doctype");
        if (d >= 0)
        {
            var r = t[(d + 9)..];
            var end = r.IndexOf('>');
            var decl = end < 0 ? r : r[..end];
            if (decl.IndexOf('[') >= 0 || decl.Contains(" system ", StringComparison.Ordinal) || decl.Contains(" public ", StringComparison.Ordinal))
            {
                sink.Add(RuleKey.XxeDoctype, d, 9);
            }
        }

        if (t.Contains("+adw-!doctype", StringComparison.Ordinal) || t.Contains("+adw-!entity", StringComparison.Ordinal))
        {
            // A UTF-7 document ("encoding=\"UTF-7\"") spells '<' as "+ADw-": the same declarations, unseen by a '<' search.
            sink.Add(RuleKey.XxeEntity, 0, t.Length);
            return;
        }

        var pi = t.IndexOf("<?xml-stylesheet");
        if (pi >= 0 && t[pi..].IndexOf("href=") is var href and > 0 && t[(pi + href + 5)..].TrimStart("\"'").StartsWith("http"))
        {
            // A stylesheet fetched from elsewhere: an XSLT processor runs what it returns (file reads, SSRF, code).
            sink.Add(RuleKey.XxeDoctype, pi, 16);
            return;
        }

        var e = t.IndexOf("!entity");
        if (e >= 0 && ((e > 0 && t[e - 1] == '<') || t[e..].Contains(" system", StringComparison.Ordinal) || t[e..].Contains('%')))
        {
            sink.Add(RuleKey.XxeEntity, e, 7);
        }
    }

    /// <summary>
    /// A line break written as the escapes "\\r\\n" or "\\n" and followed by a response header ("x\\r\\nSet-Cookie: a=b"):
    /// a backend that unescapes the value before writing a header splits it there.
    /// </summary>
    private static void EscapedCrlf(scoped ReadOnlySpan<char> t, ref FindingSink sink)
    {
        var i = 0;
        while (i < t.Length - 2)
        {
            var p = WorkMeter.Next(t, ref i, "\\n");
            if (p < 0)
            {
                return;
            }

            var after = t[i..];
            if (after.StartsWith("\\r\\n") || after.StartsWith("\\n"))
            {
                after = after[(after.IndexOf('n') + 1)..];
            }

            if (StartsWithInjectedHeader(after) || after.StartsWith("bcc:") || IsSmtpCommand(after))
            {
                sink.Add(RuleKey.CrlfHeaderInjection, p, 2);
                return;
            }
        }
    }

    /// <summary>
    /// JavaScript for MongoDB's <c>$where</c> and <c>mapReduce</c>: a string closed then "return true", "return this.x" or
    /// "return db..." ("'; return true; var x='"),
    /// a document field walked with a regex or sleep ("this.password.match(/.*/)"), a shell collection call at the start
    /// ("db.users.find({})").
    /// </summary>
    /// <summary>
    /// Where a JavaScript string breakout returns a constant or a probe from a $where function: "'; return true; var x='",
    /// "\";return this.password!=''", "';return sleep(5)". Returns the quote's position, or -1.
    /// </summary>
    private static int QuoteThenReturn(ReadOnlySpan<char> t)
    {
        var i = 0;
        while (i < t.Length)
        {
            var r = WorkMeter.Next(t, ref i, "return");
            if (r < 0)
            {
                return -1;
            }

            var b = r - 1;
            while (b >= 0 && t[b] == ' ')
            {
                b--;
            }

            if (b < 1 || t[b] != ';')
            {
                continue;
            }

            b--;
            while (b >= 0 && t[b] == ' ')
            {
                b--;
            }

            var returned = t[(r + 6)..];
            if (returned.IsEmpty || returned[0] is not (' ' or '(' or '!'))
            {
                continue;
            }

            returned = returned.TrimStart(' ');
            if (b >= 0 && (t[b] is '\'' or '"' || (char.IsAsciiDigit(t[b]) && b == 0)) && (returned.StartsWith("true") || returned.StartsWith("1") || returned.StartsWith("this.")
                || returned.StartsWith("db.") || returned.StartsWith("sleep(") || returned.StartsWith("!") || returned.StartsWith("''") || returned.StartsWith("\"\"")))
            {
                return b;
            }
        }

        return -1;
    }

    /// <summary>Whether a MongoDB shell call on a collection follows: ".find(", ".drop(", ".remove(", ".deleteMany(", ...</summary>
    private static bool IsCollectionCall(ReadOnlySpan<char> call) =>
        call.StartsWith(".find(") || call.StartsWith(".drop(") || call.StartsWith(".remove(") || call.StartsWith(".deletemany(")
        || call.StartsWith(".updatemany(") || call.StartsWith(".insert(");

    /// <summary>Where "db." opens a statement after a ';' ("1; db.dropDatabase()"), or 0.</summary>
    private static int DbAfterSemicolon(ReadOnlySpan<char> t)
    {
        var d = t.IndexOf("db.");
        if (d <= 0)
        {
            return 0;
        }

        var b = d - 1;
        while (b >= 0 && t[b] == ' ')
        {
            b--;
        }

        return b >= 0 && t[b] == ';' ? d : 0;
    }

    private static void MongoJavaScript(scoped ReadOnlySpan<char> t, ref FindingSink sink)
    {
        var m = sink.Chars;
        if (m.Has(';') && QuoteThenReturn(t) is var r and >= 0)
        {
            sink.Add(RuleKey.NosqlOperatorInValue, r, t.Length - r);
            return;
        }

        var th = m.IndexOf(t, "this.");
        if (th >= 0 && (th == 0 || !char.IsAsciiLetterOrDigit(t[th - 1])))
        {
            var f = th + 5;
            while (f < t.Length && (char.IsAsciiLetterOrDigit(t[f]) || t[f] == '_'))
            {
                f++;
            }

            var call = t[f..];
            if (f > th + 5 && (call.StartsWith(".match(") || call.StartsWith(".test(") || call.StartsWith(".search(") || t[(th + 5)..].StartsWith("sleep(")))
            {
                sink.Add(RuleKey.NosqlOperatorInValue, th, f - th);
                return;
            }
        }

        if (t.StartsWith("db.getcollection(") && t.IndexOf(").") is var cl and > 0)
        {
            // "db.getCollection('users').drop()": the shell's way to name a collection, then the same calls as below.
            if (IsCollectionCall(t[(cl + 1)..]))
            {
                sink.Add(RuleKey.NosqlOperatorInValue, 0, cl + 1);
                return;
            }
        }

        var dbAt = t.StartsWith("db.") ? 0 : DbAfterSemicolon(t);
        if (dbAt > 0)
        {
            t = t[dbAt..];
        }

        if (t.StartsWith("db.") && t.Length > 4)
        {
            var f = 3;
            while (f < t.Length && (char.IsAsciiLetterOrDigit(t[f]) || t[f] == '_'))
            {
                f++;
            }

            var call = t[f..];
            if ((f > 3 && IsCollectionCall(call))
                || (call.StartsWith('(') && t[3..f] is "dropdatabase" or "dropuser" or "dropallusers" or "shutdownserver" or "eval" or "runcommand" or "createuser"))
            {
                // "db.users.drop()", and the database's own methods: "1; db.dropDatabase()".
                sink.Add(RuleKey.NosqlOperatorInValue, 0, f);
            }
        }
    }

    /// <summary>
    /// A line break spelt as a wide character whose low byte is CR or LF ("嘊嘍", U+560A U+560D) before a response header: servers
    /// that narrow header values to bytes turn it into CRLF ("%E5%98%8A%E5%98%8DSet-Cookie:...").
    /// </summary>
    private static void WideCrlf(scoped ReadOnlySpan<char> t, ref FindingSink sink)
    {
        for (var i = 0; i < t.Length - 1; i++)
        {
            var c = t[i];
            if (c <= 0xFF || (c & 0xFF) is not (0x0A or 0x0D))
            {
                continue;
            }

            var rest = t[(i + 1)..];
            var breaks = 1;
            while (rest.Length > 0 && rest[0] > 0xFF && (rest[0] & 0xFF) is 0x0A or 0x0D && breaks < 8)
            {
                rest = rest[1..];
                breaks++;
            }

            if (breaks >= 3 && rest.StartsWith('<'))
            {
                // Wide line breaks making a blank line, then markup: the headers end and an injected body follows.
                sink.Add(RuleKey.CrlfHeaderInjection, i, breaks);
                return;
            }

            if (LooksLikeLogRecord(rest))
            {
                sink.Add(RuleKey.CrlfLogForging, i, t.Length - i);
                return;
            }

            if (StartsWithInjectedHeader(rest) || StartsWithMailHeaderOrCommand(rest))
            {
                sink.Add(RuleKey.CrlfHeaderInjection, i, 1);
                return;
            }
        }
    }

    /// <summary>Whether a response header that an injected line break would set begins here ("set-cookie:", "location:" ...).</summary>
    /// <summary>
    /// Whether the value is iCalendar text: it opens with a calendar or event property ("BEGIN:VEVENT", "SUMMARY:...",
    /// "DTSTART:...") and has a start time in its first 512 characters (bounded, so asking per line stays linear).
    /// </summary>
    private static bool IsCalendar(ReadOnlySpan<char> t) =>
        (t.StartsWith("begin:v") || t.StartsWith("summary:") || t.StartsWith("dtstart") || t.StartsWith("uid:") || t.StartsWith("description:"))
        && (t.StartsWith("dtstart") || Head(t, 512).Contains("\ndtstart", StringComparison.Ordinal));

    /// <summary>Whether the value opens with a YAML mapping key on a line of its own ("headers:", "alert:").</summary>
    private static bool IsYamlBlock(ReadOnlySpan<char> t)
    {
        // Only the first 64 characters are read, so asking once per line break stays linear.
        var head = t[..Math.Min(t.Length, 65)];
        var eol = head.IndexOfAny('\r', '\n');
        var first = eol < 0 ? head : head[..eol];
        return eol > 1 && first[^1] == ':' && first.IndexOfAny(' ', '\t') < 0;
    }

    /// <summary>
    /// Whether the line at <paramref name="j"/> is a forged log entry after a one-token value ("admin\n2026-12-05 12:00:00 INFO
    /// User admin logged in"): a timestamp and a level, as the application's own log lines begin. A pasted log in a support
    /// message follows prose, which has blanks before its line break.
    /// </summary>
    private static bool ForgedLogLine(ReadOnlySpan<char> t, int p, int j)
    {
        var first = t[..p];
        if (first.Length > 64)
        {
            return false;
        }

        if (first.ContainsAnyExcept(s_loginName))
        {
            // A user or account name ("admin", "j.doe@example.com") takes any log record after it; a short status ("sensor ok")
            // a timestamped one. Markup such as "{noformat}", a label ("Log:"), a title ("Unhandled Runtime Error") or prose
            // opens a pasted log.
            return IsShortStatus(first) && j < t.Length && char.IsAsciiDigit(t[j]) && LooksLikeLogRecord(t[j..]);
        }

        return LooksLikeLogRecord(t[j..]);
    }

    /// <summary>A value's first line of one or two short words and nothing else ("sensor ok", "door3 closed").</summary>
    private static bool IsShortStatus(ReadOnlySpan<char> first)
    {
        if (first.Length > 24 || first.Count(' ') > 1 || first.IsEmpty || first[0] == ' ' || first[^1] == ' ')
        {
            return false;
        }

        foreach (var c in first)
        {
            if (c != ' ' && !s_loginName.Contains(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Whether a line opens as a log record: a level ("[INFO] ...", "error: ..."), an access-log entry, or a timestamp and a
    /// level ("2026-12-05 12:00:00 INFO ...", "2026-12-05T10:00:00Z ...").
    /// </summary>
    private static bool LooksLikeLogRecord(ReadOnlySpan<char> record)
    {
        if (IsSyslogHeader(record))
        {
            return true;
        }

        var line = record.TrimStart('[');
        if (line.StartsWith("info]") || line.StartsWith("warn]") || line.StartsWith("error]") || line.StartsWith("debug]") || IsAccessLogLine(line)
            || line.StartsWith("info ") || line.StartsWith("warn ") || line.StartsWith("warning ") || line.StartsWith("error ") || line.StartsWith("debug ")
            || line.StartsWith("fatal ") || line.StartsWith("audit ") || line.StartsWith("info:") || line.StartsWith("error:"))
        {
            // "[INFO] 2026-12-05 login succeeded", "127.0.0.1 - admin [05/Dec/2026:10:00:00] "GET /admin HTTP/1.1" 200".
            return true;
        }

        if (line.Length < 20 || !char.IsAsciiDigit(line[0]) || !char.IsAsciiDigit(line[3]) || line[4] != '-' || line[7] != '-'
            || !char.IsAsciiDigit(line[8]) || line[10] is not (' ' or 't'))
        {
            return false;
        }

        if (line.Length > 16 && line[10] == 't' && char.IsAsciiDigit(line[11]) && line[13] == ':')
        {
            // An ISO 8601 timestamp ("2026-12-05T10:00:00Z fwupd OTA ok") opens a log record whatever follows.
            return true;
        }

        var head = line[..Math.Min(line.Length, 48)];
        var eol = head.IndexOfAny('\r', '\n');
        head = eol < 0 ? head : head[..eol];
        return head.Contains(" info", StringComparison.Ordinal) || head.Contains(" warn", StringComparison.Ordinal)
            || head.Contains(" error", StringComparison.Ordinal) || head.Contains(" debug", StringComparison.Ordinal)
            || head.Contains(" fatal", StringComparison.Ordinal) || head.Contains("level=", StringComparison.Ordinal);
    }

    /// <summary>
    /// Whether a line opens as a syslog record: RFC 3164's "Dec  5 12:00:00 host tag:" or RFC 5424's "&lt;13&gt;1 2026-12-05T...".
    /// </summary>
    private static bool IsSyslogHeader(ReadOnlySpan<char> line)
    {
        if (line.Length > 8 && line[0] == '<' && char.IsAsciiDigit(line[1]))
        {
            var close = Head(line, 5).IndexOf('>');
            return close > 1 && close + 2 < line.Length && line[close + 1] == '1' && line[close + 2] == ' ';
        }

        return line.Length > 15 && line[..3] is "jan" or "feb" or "mar" or "apr" or "may" or "jun" or "jul" or "aug" or "sep" or "oct" or "nov" or "dec"
            && line[3] == ' ' && (char.IsAsciiDigit(line[4]) || line[4] == ' ') && char.IsAsciiDigit(line[5]) && line[6] == ' '
            && char.IsAsciiDigit(line[7]) && line[9] == ':' && line[12] == ':';
    }

    /// <summary>Whether a line opens as a web server's access log entry: an IPv4 address, " - ", a user, then a bracketed time.</summary>
    private static bool IsAccessLogLine(ReadOnlySpan<char> line)
    {
        var sp = line.IndexOf(" - ", StringComparison.Ordinal);
        if (sp is < 7 or > 15 || line[..sp].ContainsAnyExcept(s_ipv4Chars) || line[..sp].Count('.') != 3)
        {
            return false;
        }

        var bracket = line[sp..].IndexOf(" [", StringComparison.Ordinal);
        return bracket is > 2 and < 40;
    }

    /// <summary>
    /// A terminal control sequence (ESC '[' ... or ESC ']' ...): it clears, moves over or recolours what an operator reads in a
    /// log or console ("\x1b[1A\x1b[2KAuthentication succeeded for root"), and typed text never holds one.
    /// </summary>
    private static void AnsiEscape(scoped ReadOnlySpan<char> t, ref FindingSink sink)
    {
        var e = t.IndexOf('\u001b');
        while (e >= 0 && e + 1 < t.Length)
        {
            if (t[e + 1] is '[' or ']')
            {
                sink.Add(RuleKey.CrlfLogForging, e, 2);
                return;
            }

            var next = t[(e + 1)..].IndexOf('\u001b');
            WorkMeter.Scanned(next, t.Length - e - 1);
            e = next < 0 ? -1 : e + 1 + next;
        }
    }

    /// <summary>The request and response headers an injected line sets to split a message, smuggle or poison a cache.</summary>
    private static bool IsInjectedHeaderName(ReadOnlySpan<char> name) =>
        name is "set-cookie" or "location" or "content-type" or "content-length" or "content-disposition" or "refresh" or "x-xss-protection"
            or "access-control-allow-origin" or "access-control-allow-credentials" or "transfer-encoding" or "host" or "cookie" or "connection"
            or "cache-control" or "x-forwarded-for" or "x-forwarded-host" or "content-security-policy" or "link" or "authorization" or "x-frame-options"
        || name.StartsWith("x-");

    /// <summary>
    /// Whether <paramref name="rest"/> opens with a mail header that adds recipients or an SMTP command ("bcc:", "rcpt to:"):
    /// after a character that only encodes a line break (U+560A), no sentence does.
    /// </summary>
    private static bool StartsWithMailHeaderOrCommand(ReadOnlySpan<char> rest) =>
        rest.StartsWith("bcc:") || rest.StartsWith("cc:") || rest.StartsWith("to:") || rest.StartsWith("reply-to:") || rest.StartsWith("subject:")
        || rest.StartsWith("from:") || IsSmtpCommand(rest);

    /// <summary>An SMTP command opening a line: "rcpt to:", "mail from:" (a line break before it injects a recipient or a message).</summary>
    /// <summary>
    /// A Redis command that reconfigures or takes over the server, on a line of its own after a break: the protocol smuggling
    /// of an SSRF into Redis ("key\r\nCONFIG SET dir /var/www/html\r\n", "\nSLAVEOF attacker.example 6379").
    /// </summary>
    private static bool IsRedisAdminCommand(ReadOnlySpan<char> line) =>
        line.StartsWith("config set ") || line.StartsWith("slaveof ") || line.StartsWith("replicaof ") || line.StartsWith("module load ")
            || line.StartsWith("flushall") || line.StartsWith("eval \"") || line.StartsWith("script load ");

    private static bool IsSmtpCommand(ReadOnlySpan<char> line) =>
        line.StartsWith("rcpt to:") || line.StartsWith("mail from:") || line.StartsWith("rcpt to :") || line.StartsWith("mail from :");

    /// <summary>Whether <paramref name="rest"/> opens with "name:" for a header an injected line would set.</summary>
    private static bool StartsWithInjectedHeader(ReadOnlySpan<char> rest)
    {
        var n = 0;
        while (n < rest.Length && n < 64 && (char.IsAsciiLetterOrDigit(rest[n]) || rest[n] == '-'))
        {
            n++;
        }

        return n > 0 && n < rest.Length && rest[n] == ':' && IsInjectedHeaderName(rest[..n]);
    }

    /// <summary>
    /// Whether a line starts an iCalendar component or adds a participant ("END:VEVENT", "BEGIN:VEVENT", "ATTENDEE;RSVP=TRUE:mailto:"):
    /// a line break before it in an event's title or description writes a property or a second event into the invitation.
    /// </summary>
    private static bool IsCalendarLine(ReadOnlySpan<char> line)
    {
        if (line.StartsWith("begin:v") || line.StartsWith("end:v"))
        {
            return true;
        }

        var rest = line.StartsWith("attendee") ? line[8..] : line.StartsWith("organizer") ? line[9..] : default;
        return rest is [';' or ':', ..] && Head(rest, 256).Contains("mailto:", StringComparison.Ordinal);
    }

    private static void Crlf(scoped ReadOnlySpan<char> t, ValueSource source, ref FindingSink sink)
    {
        var i = 0;
        while (i < t.Length)
        {
            var k = t[i..].IndexOfAny('\r', '\n');
            WorkMeter.Scanned(k, t.Length - (i));
            if (k < 0)
            {
                return;
            }

            var p = i + k;
            if (source == ValueSource.Header)
            {
                sink.Add(RuleKey.CrlfInHeaderValue, p, 1);
                return;
            }

            var j = p;
            while (j < t.Length && t[j] is '\r' or '\n' or ' ' or '\t')
            {
                j++;
            }

            i = j;
            if (IsSmtpCommand(t[j..]) || IsRedisAdminCommand(t[j..]) || IsCalendarLine(t[j..]))
            {
                sink.Add(RuleKey.CrlfHeaderInjection, p, Math.Min(j + 8, t.Length) - p);
                return;
            }

            if (ForgedLogLine(t, p, j))
            {
                sink.Add(RuleKey.CrlfLogForging, p, t.Length - p);
                return;
            }

            var n = j;
            while (n < t.Length && (char.IsAsciiLetterOrDigit(t[n]) || t[n] == '-'))
            {
                n++;
            }

            if (n == j || n >= t.Length || t[n] != ':')
            {
                // "http/1.1 200 ok" starts a second response; "1\r\n\r\n<html>" after a one-word value ends the headers and
                // writes the body (response splitting). Prose from a text area has words and spaces before its blank line.
                if (t[j..].StartsWith("http/1.")
                    || (t[j..].StartsWith('<') && t[p..].StartsWith("\r\n\r\n") && p <= 64 && t[..p].IndexOfAny(' ', '\t', '\n') < 0))
                {
                    sink.Add(RuleKey.CrlfHeaderInjection, p, 8);
                    return;
                }

                continue;
            }

            if (t[j - 1] is ' ' or '\t' && IsYamlBlock(t))
            {
                // An indented line of a YAML block ("headers:\n  X-Tenant: acme") continues the previous one in HTTP (obsolete
                // line folding) and opens no header of its own.
                continue;
            }

            var name = t[j..n];
            if (name is "location" or "link" && t[n..].Length > 1 && t[n + 1] != ' ' && IsCalendar(t))
            {
                // "SUMMARY:Review\nLOCATION:Bldg C, Rm 2.24\nDTSTART:20251121T100000Z": an iCalendar event's properties.
                continue;
            }

            if (IsInjectedHeaderName(name))
            {
                sink.Add(RuleKey.CrlfHeaderInjection, p, n + 1 - p);
                return;
            }

            if (name is "bcc" or "cc" or "to" or "from" or "reply-to" or "sender" or "subject" && MailHeaderInjection(t, p, n))
            {
                sink.Add(RuleKey.CrlfHeaderInjection, p, n + 1 - p);
                return;
            }

            sink.Add(RuleKey.CrlfGenericHeaderLine, p, n + 1 - p);
        }
    }

    /// <summary>
    /// Whether a mail address header follows the first line break of a one-line value ("user\r\nBcc: victim@example.com"):
    /// the line before is short and holds no header of its own, and the header names an address. A pasted e-mail with its
    /// "From:" and "To:" lines starts with a header itself.
    /// </summary>
    private static bool MailHeaderInjection(ReadOnlySpan<char> t, int lineBreak, int colon)
    {
        // The value before is one line, a name or a subject ("Re: your listing" may carry its reply prefix's colon).
        var first = t[..lineBreak];
        if (first.Length > 64 || first.IndexOfAny('\r', '\n') >= 0
            || (first.Contains(':') && !(first.StartsWith("re:") || first.StartsWith("fw:") || first.StartsWith("fwd:") || first.StartsWith("aw:") || first.StartsWith("subject:"))))
        {
            return false;
        }

        // After a bare name ("name\r\nSubject: ..."), any mail header line is injected: a name field holds one line.
        if (!first.IsEmpty && !first.ContainsAnyExcept(s_loginName))
        {
            return true;
        }

        // An address on the injected line, or another header line after it ("\r\nCc: x@y\r\nSubject: ...").
        var value = t[(colon + 1)..];
        var end = value.IndexOfAny('\r', '\n');
        if ((end < 0 ? value : value[..end]).Contains('@'))
        {
            return true;
        }

        var next = end < 0 ? default : value[end..].TrimStart("\r\n");
        return next.StartsWith("subject:") || next.StartsWith("bcc:") || next.StartsWith("cc:") || next.StartsWith("to:") || next.StartsWith("from:")
            || next.StartsWith("reply-to:") || next.StartsWith("content-type:");
    }
}

/// <summary>Identifier fields: letters, digits and <c>-_.:</c> only; anything else is a finding and nothing more is inspected.</summary>
internal static class IdentifierRule
{
    private static readonly SearchValues<char> s_allowed = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789-_.:");

    public static void Detect(scoped ReadOnlySpan<char> t, ref FindingSink sink)
    {
        var bad = t.IndexOfAnyExcept(s_allowed);
        if (bad >= 0)
        {
            sink.Add(RuleKey.FieldTypeViolation, bad, 1);
        }
    }
}
