using System.Buffers;
using static ApiGuard.Inspection.Rules.Spans;

namespace ApiGuard.Inspection.Rules;

/// <summary>
/// Server-side template injection: <c>{{ }}</c>, <c>${ }</c>, <c>#{ }</c>, <c>&lt;%= %&gt;</c> whose content is an expression
/// (a call, arithmetic, attribute walk, string literal) rather than a plain placeholder name such as <c>{{count}}</c>;
/// and log4shell lookups, resolved through nested <c>${lower:j}</c>, <c>${::-j}</c>, <c>${env:X:-j}</c> obfuscation.
/// </summary>
internal static class TemplateDetector
{
    private const int MaxDepth = 8;
    private static readonly SearchValues<char> s_gate = SearchValues.Create("{%");
    private static readonly CharMask s_gateMask = CharMask.Set("{%");
    private static readonly SearchValues<char> s_codeChars = SearchValues.Create("{}()$`<>");
    private static readonly SearchValues<char> s_wikiName = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789 _-:/");
    private static readonly SearchValues<char> s_interpolation = SearchValues.Create("`;");

    public static void Detect(scoped ReadOnlySpan<char> t, ref FindingSink sink)
    {
        if (sink.Chars.Has('@') && sink.Chars.Has('('))
        {
            RazorExpression(t, ref sink);
        }

        if (!sink.Chars.HasAny(s_gateMask, t, s_gate))
        {
            return;
        }

        Log4Shell(t, ref sink);
        Log4jLookups(t, ref sink);
        TemplateToolkit(t, ref sink);

        // Smarty's reserved variable ("{$smarty.version}", "{$smarty.template_object->smarty}"): engine internals, the first
        // probe of a Smarty injection.
        var smarty = sink.Chars.Has('$') ? t.IndexOf("{$smarty.", StringComparison.Ordinal) : -1;
        if (smarty >= 0)
        {
            sink.Add(RuleKey.SstiExpression, smarty, Math.Min(9, t.Length - smarty));
            return;
        }

        var i = 0;
        while (i < t.Length - 1)
        {
            var k = t[i..].IndexOfAny('{', '<');
            WorkMeter.Scanned(k, t.Length - (i));
            if (k < 0)
            {
                break;
            }

            var p = i + k;
            i = p + 1;
            if (t[p] == '<')
            {
                if (p + 1 < t.Length && t[p + 1] == '%')
                {
                    var end = Head(t[(p + 2)..], 512).IndexOf("%>");
                    var body = end < 0 ? Head(t[(p + 2)..], 512) : t.Slice(p + 2, end);
                    if (IsExpression(body.TrimStart('=').Trim(), strict: false))
                    {
                        sink.Add(RuleKey.SstiExpression, p, end < 0 ? t.Length - p : end + 4);
                        return;
                    }
                }

                continue;
            }

            if (p + 1 < t.Length && t[p + 1] == '%' && StatementTag(t, p) is var statement and > 0)
            {
                sink.Add(RuleKey.SstiExpression, p, statement);
                return;
            }

            var prev = p > 0 ? t[p - 1] : '\0';
            var dollarSpaced = false;
            if (prev is ' ' or '\t')
            {
                var b = p - 1;
                while (b >= 0 && t[b] is ' ' or '\t')
                {
                    b--;
                }

                dollarSpaced = b >= 0 && t[b] == '$';
            }

            var close = Head(t[(p + 1)..], 512).IndexOf('}');
            if (close < 0)
            {
                continue;
            }

            var content = t.Slice(p + 1, close);
            if ((prev == '{' && p >= 2 && t[p - 2] == '$' && IsActionsExpression(content))
                || (prev == '$' && content.StartsWith('{') && IsActionsExpression(content[1..])))
            {
                // "${{ always() && needs.build.result == 'success' }}": a CI workflow's expression (GitHub Actions, Gitea, Forgejo),
                // calling only the runner's status and string functions.
                continue;
            }

            if (prev == '{' && (IsHandlebarsTag(content) || IsProseInBraces(content)))
            {
                // "{{#if (and is_vip (gt points 300))}}", "{{formatDate expires \"MMM D\"}}": a Handlebars or Mustache helper with
                // plain arguments; "{{Null results: 'p-hacking' revisited}}": BibTeX's case-keeping braces around a title.
                continue;
            }

            if (prev == '{')
            {
                // {{ ... }}; a Hugo shortcode "{{< figure src="/img/a.png" title="Q3" >}}" names a content block, not an expression.
                if ((!IsShortcode(content) && !IsWikiTemplate(content) && !IsHelperCall(content.Trim())
                    && (IsExpression(content, strict: false) || content.Trim().StartsWith('%'))) || RunsFilter(content))
                {
                    sink.Add(RuleKey.SstiExpression, p - 1, close + 3);
                    return;
                }
            }
            else if (prev == '$' && IsDashboardVariable(content))
            {
                // "${__from:date:iso}", "${__interval}": Grafana's global variables and their formats.
                continue;
            }
            else if (prev is '$' or '#' or '*' or '@' or '%' || dollarSpaced)
            {
                var inner = content.Trim();
                if (IsExpression(inner, strict: true) || (prev is '%' or '$' && IsOgnl(inner)))
                {
                    sink.Add(RuleKey.SstiExpression, p - 1, close + 2);
                    return;
                }

                // PHP variable variables: ${'a'}, $ {'x'.'y'}, ${$a}, $ {CONST}
                if ((prev == '$' || dollarSpaced) && !inner.IsEmpty && (inner.StartsWith('\'') || inner.StartsWith('"') || inner.StartsWith('$') || dollarSpaced))
                {
                    sink.Add(RuleKey.CodePhpVariableVariable, p - 1, close + 2);
                    return;
                }
            }
        }
    }

    /// <summary>
    /// Whether <c>{{ ... }}</c> content is one call of a template's own helper on literals or names, with optional plain filters:
    /// "states('sensor.plc_12_temp')", "is_state('light.porch', 'on')", "now()", "format_date(order.date) | upper". Home
    /// automation, e-mail and CMS templates are full of them. A callee reached through an object ("_self.env.register...(",
    /// "x.getClass()"), a helper that runs, imports, reads or reaches the engine's globals, or any computation, is not one.
    /// </summary>
    private static bool IsHelperCall(ReadOnlySpan<char> c)
    {
        var open = c.IndexOf('(');
        if (open < 1 || c.Length > 160 || HasDunder(c))
        {
            return false;
        }

        var name = c[..open].TrimEnd(' ');
        if (name.IsEmpty || !(char.IsAsciiLetter(name[0]) || name[0] == '_') || name.ContainsAnyExcept(s_helperName)
            || name is "system" or "exec" or "eval" or "popen" or "open" or "import" or "getattr" or "setattr" or "attr" or "compile" or "execfile"
                or "input" or "globals" or "locals" or "vars" or "dir" or "range" or "lipsum" or "cycler" or "joiner" or "namespace" or "url_for"
                or "get_flashed_messages" or "self" or "request" or "include" or "read" or "write" or "subprocess" or "os"
                or "t" or "new" or "forname" or "getruntime" or "constructor" or "require" or "process" or "file" or "dump" or "debug" or "print"
                or "echo" or "shell" or "cmd" or "spawn" or "call" or "run" or "load" or "loads" or "pickle" or "yaml" or "fromjson" or "template"
                or "render" or "render_template_string" or "query" or "sql" or "fetch" or "curl" or "http_get" or "lookup")
        {
            return false;
        }

        var close = c.IndexOf(')');
        if (close < open)
        {
            return false;
        }

        // Arguments: quoted words, numbers, names, keyword arguments ("materialized='table'"); no nested call, operator or quote
        // inside a quote. Twig's source() reads a template file, so its arguments may only name one ("source('stripe', 'accounts')"
        // in a dbt model), never a path.
        var args = c[(open + 1)..close];
        var quoted = '\0';
        var source = name is "source";
        foreach (var ch in args)
        {
            if (quoted != '\0')
            {
                quoted = ch == quoted ? '\0' : quoted;
                if (ch is '{' or '}' or '$' or '`' or '(' || (source && ch is '/' or '\\' or '.' or '@' or ':'))
                {
                    return false;
                }

                continue;
            }

            if (ch is '\'' or '"')
            {
                quoted = ch;
            }
            else if (!(char.IsAsciiLetterOrDigit(ch) || ch is '_' or '.' or ',' or ' ' or '-' or '='))
            {
                return false;
            }
        }

        // After the call only plain filters ("| round(1)", "| upper") or a unit's text may follow.
        var tail = c[(close + 1)..].Trim(' ');
        if (quoted != '\0' || tail.IsEmpty)
        {
            return quoted == '\0';
        }

        // Judged as "x | filters", the helper's result standing in for a variable (c is at most 160 characters).
        Span<char> piped = stackalloc char[tail.Length + 2];
        piped[0] = 'x';
        piped[1] = ' ';
        tail.CopyTo(piped[2..]);
        return tail[0] == '|' && IsValueThroughFilters(piped);
    }

    /// <summary>
    /// A dashboard's global variable: two underscores, a lower-case name, then optional ":format" parts of letters, digits,
    /// hyphens and underscores ("__from:date:iso", "__to:date:YYYY-MM-DD", "__rate_interval"). No lookup prefix of Log4j or
    /// expression of any engine has that shape.
    /// </summary>
    private static bool IsDashboardVariable(ReadOnlySpan<char> c)
    {
        if (c.Length < 3 || c.Length > 64 || !c.StartsWith("__") || !char.IsAsciiLetterLower(c[2]))
        {
            return false;
        }

        var colon = false;
        foreach (var ch in c[2..])
        {
            if (ch == ':')
            {
                colon = true;
            }
            else if (!(char.IsAsciiLetterLower(ch) || ch == '_' || (colon && (char.IsAsciiLetterOrDigit(ch) || ch == '-'))))
            {
                return false;
            }
        }

        return !c.EndsWith(':') && !c.Contains("::", StringComparison.Ordinal);
    }

    /// <summary>
    /// Whether content reaches a dunder name ("__class__", "x.__init__"): two underscores outside quotes, or a quoted literal
    /// that opens or closes with them ("attr('__globals__')"). A model name with a double underscore inside a literal
    /// ("ref('mart_finance__pnl')") is none.
    /// </summary>
    private static bool HasDunder(ReadOnlySpan<char> c)
    {
        var quote = '\0';
        for (var i = 0; i + 1 < c.Length; i++)
        {
            var ch = c[i];
            if (quote == '\0' && ch is '\'' or '"')
            {
                quote = ch;
                if (c[(i + 1)..].StartsWith("__"))
                {
                    return true;
                }
            }
            else if (ch == quote)
            {
                if (i >= 2 && c[i - 1] == '_' && c[i - 2] == '_')
                {
                    return true;
                }

                quote = '\0';
            }
            else if (quote == '\0' && ch == '_' && c[i + 1] == '_')
            {
                return true;
            }
        }

        return false;
    }

    private static readonly SearchValues<char> s_handlebarsPath = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789_.@/-");
    private static readonly SearchValues<char> s_braceProse = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789 ,:;!?'-\"");

    /// <summary>
    /// Whether the content of "{{ }}" is a Handlebars or Mustache tag as templates write them: an optional block, partial or
    /// closing sigil, then names and paths ("this.title", "@index", "../name"), numbers, quoted literals, hash arguments
    /// ("default=10") and parenthesised sub-expressions of the same ("(gt points 300)"), and block parameters ("as |item|").
    /// Nothing is called with parentheses, nothing computed, and no path reaches the prototype chain that the known
    /// Handlebars escapes climb ("constructor", "this.push", "string.sub", or a "#with" over a string literal).
    /// </summary>
    private static bool IsHandlebarsTag(ReadOnlySpan<char> c)
    {
        var t = c.Trim(" \t\n~");
        if (t.IsEmpty || t.Length > 200)
        {
            return false;
        }

        var partial = t[0] == '>';
        var with = t.StartsWith("#with");
        if (t[0] is '#' or '/' or '^' or '>' or '&')
        {
            t = t[1..].TrimStart(' ');
        }

        var depth = 0;
        var tokens = 0;
        var i = 0;
        while (i < t.Length)
        {
            var ch = t[i];
            if (ch is ' ' or '\t' or '\n')
            {
                i++;
                continue;
            }

            if (ch == '(')
            {
                // A sub-expression opens after a blank or another '(' only ("name(" is a call), and names a helper ("( )" is a call).
                if ((i > 0 && t[i - 1] is not (' ' or '(' or '=')) || ++depth > 4 || t[(i + 1)..].TrimStart(' ') is var inner && (inner.IsEmpty || inner[0] == ')'))
                {
                    return false;
                }

                i++;
                continue;
            }

            if (ch == ')')
            {
                if (--depth < 0)
                {
                    return false;
                }

                i++;
                continue;
            }

            if (ch is '"' or '\'')
            {
                var close = t[(i + 1)..].IndexOf(ch);
                if (close < 0 || t.Slice(i + 1, close).IndexOfAny(s_codeInLiteral) >= 0 || !IsHandlebarsPath(t.Slice(i + 1, close), partial) || (with && tokens == 1))
                {
                    return false;
                }

                i += close + 2;
                tokens++;
                continue;
            }

            if (ch == '|')
            {
                // Block parameters: "as |item index|".
                var close = t[(i + 1)..].IndexOf('|');
                if (close < 0 || t.Slice(i + 1, close).ContainsAnyExcept(s_blockParams))
                {
                    return false;
                }

                i += close + 2;
                continue;
            }

            var start = i;
            while (i < t.Length && (s_handlebarsPath.Contains(t[i]) || t[i] == '='))
            {
                i++;
            }

            if (i == start)
            {
                return false;
            }

            var word = t[start..i];
            var eq = word.IndexOf('=');
            if (eq == 0 || (eq > 0 && word[(eq + 1)..].Contains('=')) || !IsHandlebarsPath(eq > 0 ? word[..eq] : word, partial))
            {
                return false;
            }

            tokens++;
        }

        return depth == 0 && tokens > 0;
    }

    private static readonly SearchValues<char> s_codeInLiteral = SearchValues.Create("(){}$`\\;");
    private static readonly SearchValues<char> s_blockParams = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789_ ");

    /// <summary>A name, path, number or literal of a Handlebars tag that reaches nothing of the JavaScript object model ("lookup this 'constructor'").</summary>
    private static bool IsHandlebarsPath(ReadOnlySpan<char> word, bool partial)
    {
        if (word.Contains("__", StringComparison.Ordinal) || (partial && word.Contains("..", StringComparison.Ordinal)))
        {
            return false;
        }

        foreach (var range in word.SplitAny("./"))
        {
            // Handlebars separates path segments with '.' or '/' ("this/constructor"). The prototype chain, and the objects and functions that template-injection probes reach in Jinja, Django, Go and Twig.
            if (word[range] is "constructor" or "prototype" or "push" or "pop" or "sub" or "split" or "call" or "apply" or "bind" or "require"
                or "process" or "mainmodule" or "child_process" or "execsync" or "eval" or "function" or "concat" or "valueof" or "tostring"
                or "config" or "settings" or "self" or "_self" or "request" or "lipsum" or "cycler" or "joiner" or "namespace" or "exec" or "system"
                or "popen" or "os" or "subprocess" or "env" or "getenv" or "readfile" or "include" or "import" or "app" or "secret_key")
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Whether the content of "{{ }}" is a phrase of plain words (three or more, with ordinary punctuation and quotes), as
    /// BibTeX keeps a title's capitals: "{{Null results in replication: 'p-hacking' revisited}}". Template expressions are
    /// names, calls and operators, never a sentence.
    /// </summary>
    private static bool IsProseInBraces(ReadOnlySpan<char> c)
    {
        var t = c.Trim(' ');
        return t.Length is >= 12 and <= 300 && !t.ContainsAnyExcept(s_braceProse) && char.IsAsciiLetter(t[0]) && t.Count(' ') >= 2
            && t.Count('\'') % 2 == 0 && t.Count('"') % 2 == 0 && !t.Contains("constructor", StringComparison.Ordinal);
    }

    private static readonly SearchValues<char> s_helperName = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789_");

    /// <summary>A filter that runs its input ("{{ x | system }}" where an application registered one) or reaches attributes.</summary>
    private static bool IsRunningFilter(ReadOnlySpan<char> name) =>
        name is "system" or "exec" or "shell" or "shell_exec" or "popen" or "eval" or "passthru" or "attr" or "call" or "render" or "include" or "source";

    /// <summary>Whether template content pipes a value through a filter that runs it ("x | system", "'id' | shell_exec").</summary>
    private static bool RunsFilter(ReadOnlySpan<char> c)
    {
        var pipe = c.IndexOf('|');
        while (pipe >= 0 && pipe + 1 < c.Length)
        {
            var rest = c[(pipe + 1)..];
            var start = rest.Length - rest.TrimStart(' ').Length;
            var end = start;
            while (end < rest.Length && (char.IsAsciiLetter(rest[end]) || rest[end] == '_'))
            {
                end++;
            }

            if (end > start && IsRunningFilter(rest[start..end]) && (end == rest.Length || !char.IsAsciiLetterOrDigit(rest[end])))
            {
                return true;
            }

            var next = rest.IndexOf('|');
            pipe = next < 0 ? -1 : pipe + 1 + next;
        }

        return false;
    }

    /// <summary>
    /// A statement tag that computes or discloses ("{% debug %}" dumps the context, "{%print(7*7)%}", "{% set x = cycler.__init__ %}"):
    /// its body calls, computes on literals or walks internals. "{% if user.is_staff %}", "{% url 'home' %}" and
    /// "{% for item in items %}" only name things. Returns the tag's length, or 0.
    /// </summary>
    private static int StatementTag(ReadOnlySpan<char> t, int p)
    {
        var end = Head(t[(p + 2)..], 512).IndexOf("%}", StringComparison.Ordinal);
        if (end < 0)
        {
            return 0;
        }

        var body = t.Slice(p + 2, end).Trim(" -+\t");
        var keyword = body.IndexOfAny(' ', '(') is var k and > 0 ? body[..k] : body;
        if (body is "debug" || (keyword is "print" or "set" or "import" or "from" or "include" or "exec" && IsExpression(body[keyword.Length..].Trim(), strict: true))
            || (keyword is not ("if" or "elif" or "for" or "with" or "url" or "static" or "trans" or "blocktrans" or "block" or "extends" or "macro" or "call" or "filter")
                && body.Contains("__", StringComparison.Ordinal)))
        {
            return end + 4;
        }

        return 0;
    }

    /// <summary>
    /// Whether <c>${{ ... }}</c> content is a CI workflow expression: contexts, literals, comparisons and logic, with calls only to the
    /// runner's functions (<c>always()</c>, <c>hashFiles(...)</c>, <c>contains(...)</c>, <c>format(...)</c>, ...).
    /// </summary>
    private static bool IsActionsExpression(ReadOnlySpan<char> c)
    {
        if (c.Length > 256 || c.Contains("__", StringComparison.Ordinal) || c.Contains('`') || c.Contains('$'))
        {
            return false;
        }

        var quoted = false;
        for (var i = 0; i < c.Length; i++)
        {
            if (c[i] == '\'')
            {
                quoted = !quoted;
                continue;
            }

            if (!quoted && c[i] is '*' or '+' or '/' or '%' or ';' or '^' or '~')
            {
                // The runner's expressions have no arithmetic: "${{7*7}}" is a probe of some other engine.
                return false;
            }

            if (quoted || c[i] != '(')
            {
                continue;
            }

            var start = i;
            while (start > 0 && char.IsAsciiLetter(c[start - 1]))
            {
                start--;
            }

            if (c[start..i] is not ("always" or "success" or "failure" or "cancelled" or "hashfiles" or "contains" or "startswith" or "endswith"
                or "format" or "join" or "tojson" or "fromjson" or ""))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Whether the content of <c>%{...}</c> or <c>${...}</c> is an OGNL program (Struts): a parenthesised variable assignment
    /// "(#cmd='id')", the member-access override or a static call "@java.lang.Runtime@getRuntime()". An i18n placeholder
    /// "%{count}" is none of these.
    /// </summary>
    private static bool IsOgnl(ReadOnlySpan<char> c) =>
        (c.StartsWith("(#") && c.Length > 2 && (char.IsAsciiLetter(c[2]) || c[2] == '_'))
        || c.Contains("#_memberaccess", StringComparison.Ordinal) || c.Contains("#context[", StringComparison.Ordinal)
        || (c.Contains('@') && (c.Contains("@java.", StringComparison.Ordinal) || c.Contains("@ognl", StringComparison.Ordinal)));

    /// <summary>Whether template content is an expression (call, arithmetic on literals, dunder walk, literal string, index).</summary>
    private static bool IsExpression(ReadOnlySpan<char> c, bool strict)
    {
        if (c.IsEmpty || c.Length > 400)
        {
            return false;
        }

        if (c.Contains("__", StringComparison.Ordinal) || c.Contains(".getclass", StringComparison.Ordinal) || c.Contains("runtime", StringComparison.Ordinal)
            || c.Contains("processbuilder", StringComparison.Ordinal) || c.Contains("t(java", StringComparison.Ordinal))
        {
            return true;
        }

        if (!strict && IsValueThroughFilters(c))
        {
            // "{{ 'Save' | translate }}", "{{ first_name | default: \"there\" }}", "{{ invoice.due_date | date: \"%b %d, %Y\" }}":
            // a label or a variable through plain filters, as Angular, Jinja and Liquid pages and e-mail templates write them.
            return false;
        }

        for (var i = 0; i < c.Length; i++)
        {
            var ch = c[i];
            if (ch == '(' && i > 0 && (char.IsAsciiLetterOrDigit(c[i - 1]) || c[i - 1] is ' ' or ')' or ']' or '\'' or '"'))
            {
                return true;
            }

            if (ch is '*' or '+' or '-' or '/' or '%' && i > 0 && i + 1 < c.Length)
            {
                // 7*7, 7 * 7, a*b
                // "7*7", "7*'7'" (Jinja repeats the string: a probe that tells the engine apart).
                var l = c[..i].TrimEnd().TrimEnd("'\"");
                var r = c[(i + 1)..].TrimStart().TrimStart("'\"");
                if (l.Length > 0 && r.Length > 0 && char.IsAsciiDigit(l[^1]) && char.IsAsciiDigit(r[0]))
                {
                    return true;
                }
            }

            if (!strict && ch is '[' or '\'' or '"')
            {
                return true;
            }
        }

        var t = c.Trim();
        return !strict && (t.StartsWith("config") || t.StartsWith("self") || t.StartsWith("request") || t.StartsWith("lipsum") || t.StartsWith("cycler")
            || t.StartsWith("joiner") || t.StartsWith("namespace") || t.StartsWith("settings.") || t.StartsWith("_self") || t.StartsWith("app.request"));
    }

    /// <summary>
    /// Whether the content is one quoted literal of words, or a variable (a dotted name that reaches no template internals),
    /// piped through one or more filters named by a bare identifier, each with optional arguments that are literals, numbers
    /// or names ("| date: \"%b %d, %Y\"", "| truncate: 20, \"...\""). Nothing is called and nothing is computed.
    /// </summary>
    private static bool IsValueThroughFilters(ReadOnlySpan<char> c)
    {
        var t = c.Trim();
        int i;
        if (t.Length >= 2 && t[0] is '\'' or '"')
        {
            var end = t[1..].IndexOf(t[0]);
            if (end < 0)
            {
                return false;
            }

            foreach (var ch in t.Slice(1, end))
            {
                if (!(char.IsAsciiLetterOrDigit(ch) || ch is ' ' or '.' or '_' or '-' or ','))
                {
                    return false;
                }
            }

            i = end + 2;
        }
        else
        {
            i = NamePath(t, 0);
            if (i == 0 || IsTemplateInternal(t[..i]))
            {
                return false;
            }
        }

        var filters = 0;
        while (true)
        {
            i = SkipBlanks(t, i);
            if (i >= t.Length)
            {
                return filters > 0;
            }

            if (t[i] != '|')
            {
                return false;
            }

            i = SkipBlanks(t, i + 1);
            var name = NamePath(t, i);
            if (name == i || t[i..name].Contains('.') || IsRunningFilter(t[i..name]))
            {
                return false;
            }

            filters++;
            i = SkipBlanks(t, name);
            var call = i < t.Length && t[i] == '(';
            if (i < t.Length && (t[i] == ':' || call))
            {
                // Arguments: literals, numbers or names, separated by commas, after a colon (Liquid: "| default: 'n/a'") or in
                // parentheses (Jinja, Nunjucks: "| round(1)", "| default('n/a')", "| truncate(20, end='…')").
                do
                {
                    i = SkipBlanks(t, i + 1);
                    if (call && NamePath(t, i) is var key && key > i && key < t.Length && t[key] == '=' && !t[i..key].Contains('.'))
                    {
                        // A keyword argument: "end='…'".
                        i = key + 1;
                    }

                    if (call && i < t.Length && t[i] == ')')
                    {
                        break;
                    }

                    if (i < t.Length && t[i] is '\'' or '"')
                    {
                        var close = t[(i + 1)..].IndexOf(t[i]);
                        var literal = close < 0 ? default : t.Slice(i + 1, close);
                        if (close < 0 || literal.IndexOfAny(s_codeChars) >= 0 || IsRunningFilter(literal) || literal.Contains("__", StringComparison.Ordinal))
                        {
                            return false;
                        }

                        i += close + 2;
                    }
                    else
                    {
                        var a = i;
                        while (i < t.Length && (char.IsAsciiDigit(t[i]) || t[i] is '.' or '-'))
                        {
                            i++;
                        }

                        if (i == a)
                        {
                            i = NamePath(t, a);
                            if (i == a || IsTemplateInternal(t[a..i]))
                            {
                                return false;
                            }
                        }
                    }

                    i = SkipBlanks(t, i);
                }
                while (i < t.Length && t[i] == ',');
                if (call)
                {
                    if (i >= t.Length || t[i] != ')')
                    {
                        return false;
                    }

                    i++;
                }
            }
        }
    }

    /// <summary>The end of a dotted name at <paramref name="i"/> ("invoice.due_date"), or <paramref name="i"/> when there is none.</summary>
    private static int NamePath(ReadOnlySpan<char> t, int i)
    {
        var j = i;
        while (j < t.Length && (char.IsAsciiLetter(t[j]) || t[j] == '_' || (j > i && (char.IsAsciiDigit(t[j]) || (t[j] == '.' && j + 1 < t.Length && char.IsAsciiLetter(t[j + 1]))))))
        {
            j++;
        }

        return j;
    }

    private static int SkipBlanks(ReadOnlySpan<char> t, int i)
    {
        while (i < t.Length && t[i] is ' ' or '\t')
        {
            i++;
        }

        return i;
    }

    /// <summary>Names through which template engines reach their own objects (and from there the runtime): never a plain variable.</summary>
    private static bool IsTemplateInternal(ReadOnlySpan<char> name) =>
        name.StartsWith("self") || name.StartsWith("config") || name.StartsWith("request") || name.StartsWith("lipsum") || name.StartsWith("cycler")
        || name.StartsWith("joiner") || name.StartsWith("namespace") || name.StartsWith("settings") || name.StartsWith("_") || name.StartsWith("app")
        || name.StartsWith("range") || name.StartsWith("dict") || name.StartsWith("url_for") || name.StartsWith("get_flashed") || name.StartsWith("this")
        || name.StartsWith("constructor") || name.StartsWith("session") || name.StartsWith("env") || name.StartsWith("system") || name.Contains("._", StringComparison.Ordinal);

    /// <summary>
    /// Whether the content of "{{ ... }}" is a MediaWiki template call: a name of words ("Infobox album", "Start date", "cite
    /// web") and '|'-separated parameters of text, links and nested templates ("| artist = [[Oasis]]", "|2017|1|13"), with
    /// nothing called, no template internals ("config", "self", dunders) and no interpolation.
    /// </summary>
    private static bool IsWikiTemplate(ReadOnlySpan<char> content)
    {
        var bar = content.IndexOf('|');
        if (bar <= 1)
        {
            return false;
        }

        var name = content[..bar].TrimEnd(" \t\r\n");
        if (name.IsEmpty || !char.IsAsciiLetter(name[0]) || name.ContainsAnyExcept(s_wikiName) || IsTemplateInternal(name))
        {
            return false;
        }

        var parameters = content[bar..];
        if (parameters.Contains("__", StringComparison.Ordinal) || parameters.Contains("${", StringComparison.Ordinal) || parameters.Contains("#{", StringComparison.Ordinal)
            || parameters.Contains("%{", StringComparison.Ordinal) || parameters.Contains("{%", StringComparison.Ordinal) || parameters.IndexOfAny(s_interpolation) >= 0)
        {
            // Interpolation or statements inside; "Joey Bada$$", "Trainspotting #2" and "Wembley '86" are names.
            return false;
        }

        // Nothing is called: no '(' straight after a name, a closing bracket or a quote ("attr('x')", "x()"); "Union (Deluxe)" is prose.
        var open = parameters.IndexOf('(');
        while (open > 0)
        {
            if (char.IsAsciiLetterOrDigit(parameters[open - 1]) || parameters[open - 1] is ')' or ']' or '\'' or '"' or '_')
            {
                return false;
            }

            var next = parameters[(open + 1)..].IndexOf('(');
            open = next < 0 ? -1 : open + 1 + next;
        }

        return true;
    }

    /// <summary>
    /// Whether the content of "{{ ... }}" is a Hugo shortcode, "&lt; name key="value" ... &gt;" or "&lt; /name &gt;": a name and
    /// attributes whose values are quoted text or bare words, with no call, brace or variable.
    /// </summary>
    private static bool IsShortcode(ReadOnlySpan<char> content)
    {
        var c = content.Trim();
        if (c.Length < 3 || c[0] != '<' || c[^1] != '>')
        {
            return false;
        }

        var inner = c[1..^1].Trim();
        if (inner.StartsWith('/'))
        {
            inner = inner[1..];
        }

        var n = 0;
        while (n < inner.Length && (char.IsAsciiLetterOrDigit(inner[n]) || inner[n] is '-' or '_' or '/'))
        {
            n++;
        }

        if (n == 0)
        {
            return false;
        }

        var i = n;
        while (true)
        {
            i = SkipBlanks(inner, i);
            if (i >= inner.Length)
            {
                return true;
            }

            var k = i;
            while (k < inner.Length && (char.IsAsciiLetterOrDigit(inner[k]) || inner[k] is '-' or '_'))
            {
                k++;
            }

            if (k < inner.Length && inner[k] == '=')
            {
                k++;
            }
            else if (k > i)
            {
                // A positional bare word.
                i = k;
                continue;
            }

            if (k < inner.Length && inner[k] is '"' or '\'')
            {
                var close = inner[(k + 1)..].IndexOf(inner[k]);
                if (close < 0 || inner.Slice(k + 1, close).IndexOfAny(s_codeChars) >= 0)
                {
                    return false;
                }

                i = k + close + 2;
                continue;
            }

            var w = k;
            while (w < inner.Length && !(inner[w] is ' ' or '\t' or '"' or '\'' or '(' or ')' or '{' or '}' or '$' or '<' or '>' or '`'))
            {
                w++;
            }

            if (w == k)
            {
                return false;
            }

            i = w;
        }
    }

    /// <summary>
    /// Log4j lookups that read the server's secrets or environment without JNDI ("${env:AWS_SECRET_ACCESS_KEY}",
    /// "${sys:java.version}", "${k8s:...}"): logged, they resolve, and an error page or DNS lookup carries the value out.
    /// </summary>
    private static void Log4jLookups(scoped ReadOnlySpan<char> t, ref FindingSink sink)
    {
        var i = 0;
        while (i < t.Length - 2)
        {
            var p = WorkMeter.Next(t, ref i, "${");
            if (p < 0)
            {
                return;
            }

            var name = t[i..];
            var colon = Head(name, 12).IndexOf(':');
            if (colon > 0 && name[..colon] is "env" or "sys" or "java" or "ctx" or "main" or "bundle" or "k8s" or "docker" or "spring" or "web"
                or "jvmrunargs" or "log4j" or "marker" or "sd" or "base64" or "upper" or "lower"
                or "script" or "dns" or "url" or "file" or "xml" or "const" or "urldecoder" or "urlencoder" or "base64decoder" or "localhost"
                && colon + 1 < name.Length && name[colon + 1] != '}')
            {
                sink.Add(RuleKey.SstiLog4Shell, p, colon + 3);
                return;
            }
        }
    }

    /// <summary>
    /// Perl Template Toolkit directives that load a plugin or call something: "[% USE dir = Directory('/etc') %]",
    /// "[% x.system('id') %]".
    /// </summary>
    private static void TemplateToolkit(scoped ReadOnlySpan<char> t, ref FindingSink sink)
    {
        var open = t.IndexOf("[%");
        if (open < 0)
        {
            return;
        }

        var body = Head(t[(open + 2)..], 512);
        var close = body.IndexOf("%]");
        var content = (close < 0 ? body : body[..close]).Trim();
        if (content.StartsWith("use ") || content.StartsWith("perl") || content.StartsWith("rawperl") || IsExpression(content, strict: true))
        {
            sink.Add(RuleKey.SstiExpression, open, close < 0 ? t.Length - open : close + 4);
        }
    }

    /// <summary>A Razor expression with code in it: "@(1+2)", "@(System.IO.File.ReadAllText(...))".</summary>
    private static void RazorExpression(scoped ReadOnlySpan<char> t, ref FindingSink sink)
    {
        var at = sink.Chars.IndexOf(t, "@(");
        if (at < 0 || (at > 0 && char.IsAsciiLetterOrDigit(t[at - 1])))
        {
            return;
        }

        var close = Head(t[(at + 2)..], 256).IndexOf(')');
        var content = close < 0 ? default : t.Slice(at + 2, close);
        if (!content.IsEmpty && IsExpression(content, strict: true))
        {
            sink.Add(RuleKey.SstiExpression, at, close + 3);
        }
    }

    private static void Log4Shell(scoped ReadOnlySpan<char> t, ref FindingSink sink)
    {
        // Plain "${jndi:" with anything between "${" and "jndi" resolved by the evaluator below.
        var j = t.IndexOf("jndi");
        while (j >= 0)
        {
            var from = Math.Max(0, j - 64);
            var window = t[from..j];
            if (window.IndexOf("${") >= 0 || (window.EndsWith("{") && window.IndexOf('$') >= 0))
            {
                sink.Add(RuleKey.SstiLog4Shell, from, Math.Min(t.Length, j + 5) - from);
                return;
            }

            var next = t[(j + 4)..].IndexOf("jndi");
            WorkMeter.Scanned(next, t.Length - ((j + 4)));
            j = next < 0 ? -1 : j + 4 + next;
        }

        // Obfuscated lookups: resolve ${...} with nested lookups and defaults, then look for "jndi:".
        Span<char> buf = stackalloc char[128];
        var i = 0;
        while (i < t.Length - 1)
        {
            var k = t[i..].IndexOf("${");
            WorkMeter.Scanned(k, t.Length - (i));
            if (k < 0)
            {
                return;
            }

            var p = i + k;
            var w = 0;
            var end = Eval(t, p + 2, 0, buf, ref w);
            var resolved = buf[..w];
            if (resolved.Contains("jndi:", StringComparison.Ordinal) || resolved.StartsWith("jndi"))
            {
                sink.Add(RuleKey.SstiLog4Shell, p, end - p);
                return;
            }

            i = Math.Max(end, p + 2);
        }
    }

    /// <summary>Evaluates a lookup body starting at <paramref name="i"/> (after <c>${</c>); appends its value; returns the index after <c>}</c>.</summary>
    private static int Eval(ReadOnlySpan<char> t, int i, int depth, Span<char> output, ref int w)
    {
        Span<char> content = stackalloc char[64];
        Span<char> inner = stackalloc char[64];
        var n = 0;
        while (i < t.Length)
        {
            var c = t[i];
            if (c == '}')
            {
                i++;
                break;
            }

            if (c == '$' && i + 1 < t.Length && t[i + 1] == '{' && depth < MaxDepth)
            {
                var sub = 0;
                i = Eval(t, i + 2, depth + 1, inner, ref sub);
                for (var k = 0; k < sub && n < content.Length; k++)
                {
                    content[n++] = inner[k];
                }

                continue;
            }

            if (n < content.Length)
            {
                content[n++] = c;
            }

            i++;
        }

        // ${prefix:name:-default} resolves to the default when the name is unknown; lower:/upper: return their argument.
        ReadOnlySpan<char> value = content[..n];
        var dflt = value.IndexOf(":-");
        if (dflt >= 0)
        {
            value = value[(dflt + 2)..];
        }
        else if (value.StartsWith("lower:") || value.StartsWith("upper:"))
        {
            value = value[6..];
        }
        else if (!value.StartsWith("jndi"))
        {
            var colon = value.IndexOf(':');
            if (colon >= 0 && !value.StartsWith("jndi"))
            {
                value = value[(colon + 1)..];
                if (!(value.StartsWith("jndi") || value.Length <= 1))
                {
                    value = default;
                }
            }
        }

        foreach (var ch in value)
        {
            if (w < output.Length)
            {
                output[w++] = ch;
            }
        }

        return i;
    }
}
