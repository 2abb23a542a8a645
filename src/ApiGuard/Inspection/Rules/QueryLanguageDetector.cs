using System.Buffers;
using static ApiGuard.Inspection.Rules.Spans;

namespace ApiGuard.Inspection.Rules;

/// <summary>
/// Injections into the other languages a back end evaluates: XPath predicates broken out of a quoted string
/// ("' or string-length(//user[1]/pass)>5 or 'a'='b"), search-engine queries that switch parser or run a script (Solr local
/// parameters "{!join ...}", Elasticsearch "painless" scripts), and edge/server-side include directives
/// ("&lt;esi:include src=...&gt;", "&lt;!--#exec cmd=...--&gt;") that a cache or web server executes.
/// </summary>
internal static class QueryLanguageDetector
{
    private static readonly SearchValues<char> s_gate = SearchValues.Create("'\"<{");
    private static readonly CharMask s_gateMask = CharMask.Set("'\"<{");

    // Elasticsearch script languages that run code on the cluster.
    private static readonly string[] s_scriptLanguages =
        ["\"lang\":\"painless\"", "\"lang\": \"painless\"", "\"lang\":\"groovy\"", "\"lang\": \"groovy\"", "\"lang\":\"mvel\""];

    // XPath 1.0 functions an injected predicate calls to test or walk the document; and the node tests.
    private static readonly string[] s_xpathCalls =
    [
        "string-length(", "substring(", "count(", "name(", "local-name(", "starts-with(", "normalize-space(", "string(", "position(",
        "last(", "text()", "node()", "contains(", "translate(", "concat(", "boolean(", "not(",
    ];

    /// <summary>Runs the checks over normalised (lower-cased) text.</summary>
    public static void Detect(scoped ReadOnlySpan<char> t, ref FindingSink sink)
    {
        if (sink.Chars.Contains(t, " eq "))
        {
            ODataTautology(t, ref sink);
        }

        if (!sink.Chars.HasAny(s_gateMask, t, s_gate))
        {
            return;
        }

        var m = sink.Chars;
        if (m.Has('<') && ((m.Has('e') && m.Has(':')) || (m.Has('!') && m.Has('#'))))
        {
            Includes(t, ref sink);
        }

        if (m.Has('{') && (m.Has('!') || t[0] == '{'))
        {
            SearchEngine(t, ref sink);
        }

        if (sink.Chars.Has('(') || sink.Chars.Has('/'))
        {
            XPath(t, ref sink);
        }

    }

    /// <summary>
    /// OData's "or 1 eq 1" and "or 'a' eq 'a'" (also "(1 eq 1"): a comparison of a literal with itself joined by OR into a
    /// $filter, the tautology that widens an OData query to every entity, as "or 1=1" does in SQL.
    /// </summary>
    private static void ODataTautology(scoped ReadOnlySpan<char> t, ref FindingSink sink)
    {
        var from = 0;
        while (from < t.Length && t[from..].IndexOf(" eq ", StringComparison.Ordinal) is var k and >= 0)
        {
            var at = from + k;
            from = at + 4;
            var before = t[..at];
            var start = before.LastIndexOfAny(' ', '(') + 1;
            var left = before[start..];
            var rest = t[(at + 4)..];
            var end = rest.IndexOfAny(' ', ')');
            var right = end < 0 ? rest : rest[..end];
            var joined = before[..start].TrimEnd(" (");
            if (left.Length > 0 && left.SequenceEqual(right) && (!left.ContainsAnyExceptInRange('0', '9') || (left.Length >= 2 && left[0] == '\'' && left[^1] == '\''))
                && (joined.EndsWith(" or") || joined is "or"))
            {
                sink.Add(RuleKey.SqliTautology, start, at + 4 + right.Length - start);
                return;
            }
        }
    }

    /// <summary>ESI tags ("&lt;esi:include", "&lt;esi:vars&gt;") and SSI directives ("&lt;!--#exec", "&lt;!--#include virtual=").</summary>
    private static void Includes(scoped ReadOnlySpan<char> t, ref FindingSink sink)
    {
        var esi = t.IndexOf("<esi:", StringComparison.Ordinal);
        if (esi >= 0 && esi + 5 < t.Length && char.IsAsciiLetter(t[esi + 5]))
        {
            sink.Add(RuleKey.CodeServerSideInclude, esi, 5);
            return;
        }

        var ssi = t.IndexOf("<!--#", StringComparison.Ordinal);
        if (ssi >= 0)
        {
            var d = t[(ssi + 5)..];
            if (d.StartsWith("exec") || d.StartsWith("include") || d.StartsWith("echo") || d.StartsWith("printenv") || d.StartsWith("config")
                || d.StartsWith("set ") || d.StartsWith("fsize") || d.StartsWith("flastmod"))
            {
                sink.Add(RuleKey.CodeServerSideInclude, ssi, 5);
            }
        }
    }

    /// <summary>
    /// Solr local parameters opening a query ("{!join from=owner_id to=id}", "{!xmlparser v=...}", "{!func}"), and an
    /// Elasticsearch script in a query body ("\"lang\":\"painless\"", "\"script\":{\"source\":...").
    /// </summary>
    private static void SearchEngine(scoped ReadOnlySpan<char> t, ref FindingSink sink)
    {
        var local = sink.Chars.Has('!') ? t.IndexOf("{!", StringComparison.Ordinal) : -1;
        if (local >= 0 && (local == 0 || t[local - 1] is ' ' or '=' or '(' or ':' or '"' or '\''))
        {
            var n = local + 2;
            while (n < t.Length && n - local < 24 && char.IsAsciiLetter(t[n]))
            {
                n++;
            }

            if (n < t.Length && t[n] is ' ' or '}' && t[(local + 2)..n] is "join" or "xmlparser" or "func" or "frange" or "lucene" or "dismax"
                or "edismax" or "terms" or "graph" or "child" or "parent" or "switch" or "query" or "boost" or "collapse" or "rerank" or "mlt"
                or "complexphrase" or "surround" or "bool" or "prefix" or "raw" or "field" or "geofilt" or "bbox" or "knn")
            {
                sink.Add(RuleKey.CodeSearchEngineScript, local, n - local);
                return;
            }
        }

        // A query body is a JSON document of its own.
        if (t[0] == '{' && t.Contains("\"lang\"", StringComparison.Ordinal))
        {
            foreach (var lang in s_scriptLanguages)
            {
                if (t.Contains(lang, StringComparison.Ordinal))
                {
                    sink.Add(RuleKey.CodeSearchEngineScript, 0, t.Length);
                    return;
                }
            }
        }
    }

    /// <summary>
    /// A quote that closes an XPath string, then "or"/"and" and a function or path that walks the document
    /// ("' or string-length(//employee[1]/salary)>5 or 'a'='b", "' or count(/users/*)=3 or '"), or a union with a path
    /// ("'] | //user/* | a['").
    /// </summary>
    private static void XPath(scoped ReadOnlySpan<char> t, ref FindingSink sink)
    {
        var from = 0;
        while (from < t.Length)
        {
            var q = t[from..].IndexOfAny('\'', '"');
            WorkMeter.Scanned(q, t.Length - from);
            if (q < 0)
            {
                return;
            }

            q += from;
            from = q + 1;
            var rest = t[(q + 1)..];
            if (rest.StartsWith("] | //") || rest.StartsWith(")] | //") || rest.StartsWith("]|//"))
            {
                sink.Add(RuleKey.XpathInjection, q, Math.Min(t.Length - q, 8));
                return;
            }

            var r = rest.TrimStart(' ');
            var logic = r.StartsWith("or ") ? 3 : r.StartsWith("and ") ? 4 : 0;
            if (logic == 0)
            {
                continue;
            }

            var operand = r[logic..].TrimStart(' ');
            var head = Head(operand, 24);
            if (head.StartsWith("//") || (head.StartsWith('/') && head.Length > 1 && char.IsAsciiLetter(head[1]) && head.IndexOfAny('[', '/', '*') > 1))
            {
                sink.Add(RuleKey.XpathInjection, q, Math.Min(t.Length - q, 16));
                return;
            }

            foreach (var call in s_xpathCalls)
            {
                if (!head.StartsWith(call, StringComparison.Ordinal))
                {
                    continue;
                }

                var args = operand[call.Length..];
                if (Head(args, 48).IndexOfAny('/', '@') >= 0 || call is "name(" or "local-name(" or "position(" or "last(" or "text()" or "node()")
                {
                    sink.Add(RuleKey.XpathInjection, q, Math.Min(t.Length - q, 16));
                    return;
                }
            }
        }
    }
}
