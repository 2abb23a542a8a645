using System.Buffers;
using static ApiGuard.Inspection.Rules.Spans;

namespace ApiGuard.Inspection.Rules;

/// <summary>
/// XSS at the level of HTML structure: a tag opener (<c>&lt;</c> + ASCII letter) is parsed into a tag name and
/// attributes; script-capable tags, event-handler attributes, script URIs and CSS expressions are findings, while
/// inert markup (<c>&lt;b&gt;</c>) and prose comparisons (<c>a &lt; b</c>, <c>&lt;любое&gt;</c>) are not. Outside tags:
/// attribute breakouts (<c>" onmouseover=</c>), <c>javascript:</c> URIs, and JS-string breakouts into a sink call.
/// </summary>
internal static class XssDetector
{
    private static readonly string[] s_domSinkNames =
    [
        ":expression(", "expression\\28", "document.cookie", "document.write", "document.domain", "window.location", "document.location",
        ".innerhtml", ".outerhtml", "-moz-binding", "url(javascript", "url('javascript", "url(\"javascript", ".call`", ".apply`", "${alert}",
    ];

    // The sinks and sources above leak or navigate by themselves; these DOM lookups only find an element.
    private static readonly string[] s_domLookupNames = ["document.queryselector", "document.createelement", "document.getelementby", "document.body"];
    private static readonly NeedleSet s_domSinks = new(s_domSinkNames);
    private static readonly NeedleSet s_domLookups = new(s_domLookupNames);
    private static readonly NeedleSet s_payloadSigns = new(["javascript", "alert", "prompt(", "confirm(", "eval", "cookie", ".src", "fromcharcode", "atob(", "import(", "innerhtml", "location", "onerror", "onload", "fetch("]);
    private static readonly SearchValues<char> s_codePunctuation = SearchValues.Create("=(+;'\"[`{");
    private static readonly SearchValues<char> s_jsCode = SearchValues.Create("(=`.;&[+");
    private static readonly SearchValues<char> s_gate = SearchValues.Create("<>\"'`=:(");
    private static readonly CharMask s_gateMask = CharMask.Set("<>\"'`=:(");
    private static readonly SearchValues<char> s_attrEnd = SearchValues.Create(" \t\n\r\f/>");

    // Static: a span of strings written as a collection expression is rebuilt on the stack at every call.
    private static readonly string[] s_globals = ["window", "self", "document", "top", "parent", "globalthis", "frames", "this"];

    public static void Detect(scoped ReadOnlySpan<char> t, ValueSource source, ref FindingSink sink)
    {
        // UTF-7 "+ADw-script" (checked before the gate: it has no markup characters).
        var m = sink.Chars;
        var u7 = m.IndexOf(t, "+adw-");
        if (u7 >= 0 && u7 + 5 < t.Length && char.IsAsciiLetter(t[u7 + 5]))
        {
            sink.Add(RuleKey.XssUtf7, u7, 5);
        }

        if (!m.HasAny(s_gateMask, t, s_gate))
        {
            DomSinks(t, ref sink);
            return;
        }

        if (t[0] == '<' && t[^1] == '>' && IsBracketedTagList(t))
        {
            // "<go><iframe><wget><reactjs>": a Q&A site's tags, each a bare name; no attribute, content or closing tag to run.
            return;
        }

        // Tags.
        var i = 0;
        var styleRead = false;
        while (i < t.Length)
        {
            var lt = t[i..].IndexOf('<');
            WorkMeter.Scanned(lt, t.Length - (i));
            if (lt < 0)
            {
                break;
            }

            i += lt;
            i = Tag(t, i, ref styleRead, ref sink);
        }

        // Script URIs anywhere a URL can start: value start, after = ( quote or whitespace.
        if (m.Has(':'))
        {
            ScriptUris(t, ref sink);
        }

        // Attribute breakout: quote/space/slash then on<event>= outside a tag.
        if (m.Has('='))
        {
            EventHandlers(t, ref sink);
        }

        // JS string breakout into a sink call: "';alert(1)//", "\"-prompt`1`-\"".
        if (m.Has('(') || m.Has('`'))
        {
            JsSinks(t, ref sink);
        }

        DomSinks(t, ref sink);
        if (m.Has('<'))
        {
            SpacedTagNames(t, ref sink);
            if (m.Has('=') && (m.Has('"') || m.Has('\'')))
            {
                DanglingMarkup(t, ref sink);
            }
        }
    }

    // Attributes whose value a browser loads as a URL.
    private static readonly string[] s_urlAttributes = [" src=", " href=", " action=", " background=", " content=", " formaction=", " ping=", " poster="];

    /// <summary>
    /// Dangling markup: a tag the browser loads by itself whose URL attribute opens a quote that the value never closes
    /// ('&lt;img src="https://x.example/log?html='). The browser reads the page after the injection point into the URL up to the
    /// next such quote and sends it to that host (tokens, CSRF fields), with no script and no click.
    /// </summary>
    private static void DanglingMarkup(scoped ReadOnlySpan<char> t, ref FindingSink sink)
    {
        var last = t.LastIndexOf('<');
        if (last < 0)
        {
            return;
        }

        var tag = t[(last + 1)..];
        var name = 0;
        while (name < tag.Length && char.IsAsciiLetter(tag[name]))
        {
            name++;
        }

        // Only tags the browser loads by itself (a link or a form waits for a click).
        if (tag[..name] is not ("img" or "link" or "meta" or "base" or "iframe" or "input" or "table" or "td" or "body" or "frame" or "video" or "image"))
        {
            return;
        }

        foreach (var attribute in s_urlAttributes)
        {
            var a = tag.IndexOf(attribute, StringComparison.Ordinal);
            if (a < 0 || a + attribute.Length >= tag.Length || tag[a + attribute.Length] is not ('"' or '\''))
            {
                continue;
            }

            var quote = tag[a + attribute.Length];
            var url = tag[(a + attribute.Length + 1)..];
            if (url.IndexOf(quote) < 0 && (url.StartsWith("http") || url.StartsWith("//") || url.Contains("url=http", StringComparison.Ordinal)))
            {
                sink.Add(RuleKey.XssDangerousTag, last, t.Length - last);
                return;
            }
        }
    }

    private static int Tag(scoped ReadOnlySpan<char> t, int lt, ref bool styleRead, ref FindingSink sink)
    {
        var i = lt + 1;
        var closing = false;
        if (i < t.Length && t[i] == '/')
        {
            closing = true;
            i++;
        }

        // Some parsers skip control characters and some accept "<%00script".
        if (i >= t.Length || !char.IsAsciiLetter(t[i]))
        {
            if (i < t.Length && t[i] == '?' && (t[(i + 1)..].StartsWith("import")
                || (t[(i + 1)..].StartsWith("xml-stylesheet") && (Head(t[i..], 128).Contains("href=\"#", StringComparison.Ordinal) || Head(t[i..], 128).Contains("script:", StringComparison.Ordinal)))))
            {
                sink.Add(RuleKey.XssDangerousTag, lt, 8);
            }

            if (i < t.Length && t[i] == '!' && t[(i + 1)..].StartsWith("[cdata["))
            {
                sink.Add(RuleKey.XssInertTag, lt, 9);
            }

            return i;
        }

        var nameStart = i;
        while (i < t.Length && (char.IsAsciiLetterOrDigit(t[i]) || t[i] is '-' or ':' or '_'))
        {
            i++;
        }

        var name = t[nameStart..i];
        var svgNamespace = name.StartsWith("svg:");
        var colon = name.LastIndexOf(':');
        if (colon >= 0)
        {
            name = name[(colon + 1)..];
        }

        // A tag needs a delimiter after its name (or the end of the value).
        if (i < t.Length && !(IsSpace(t[i]) || t[i] is '/' or '>' or '\'' or '"' || (t[i] == '=' && name.StartsWith("import"))))
        {
            return i;
        }

        if (svgNamespace)
        {
            sink.Add(RuleKey.XssDangerousTag, lt, i - lt);
        }

        // A style sheet or an Outlook settings block runs nothing, and neither does its end tag: what follows it is judged on its own.
        var dangerousName = IsScriptTag(name)
            && !(name is "style" && (closing || IsPlainStyleSheet(t, i))) && !(name is "xml" && (closing || IsOfficeSettings(t, lt)));
        if (dangerousName)
        {
            sink.Add(RuleKey.XssScriptTag, lt, i - lt);
        }

        if (closing)
        {
            return i;
        }

        // Attributes until '>' (or the end: an unclosed tag still runs in many injection points).
        var anyAttribute = false;
        while (i < t.Length && t[i] != '>')
        {
            while (i < t.Length && (IsSpace(t[i]) || t[i] is '/' or '"' or '\'' or '`'))
            {
                i++;
            }

            if (i >= t.Length || t[i] == '>')
            {
                break;
            }

            if (t[i] == '<')
            {
                return i;
            }

            var an = i;
            while (i < t.Length && !IsSpace(t[i]) && t[i] is not ('=' or '>' or '/'))
            {
                i++;
            }

            var attr = t[an..i];
            while (i < t.Length && IsSpace(t[i]))
            {
                i++;
            }

            scoped ReadOnlySpan<char> value = default;
            if (i < t.Length && t[i] == '=')
            {
                i++;
                while (i < t.Length && IsSpace(t[i]))
                {
                    i++;
                }

                if (i < t.Length && t[i] is '"' or '\'' or '`')
                {
                    var q = t[i];
                    var close = t[(i + 1)..].IndexOf(q);
                    WorkMeter.Scanned(close, t.Length - ((i + 1)));
                    var end = close < 0 ? t.Length : i + 1 + close;
                    value = t[(i + 1)..end];
                    i = Math.Min(t.Length, end + 1);
                }
                else
                {
                    var vs = i;
                    var e = t[i..].IndexOfAny(' ', '\t', '>');
                    WorkMeter.Scanned(e, t.Length - (i));
                    i = e < 0 ? t.Length : i + e;
                    value = t[vs..i];
                }
            }

            if (attr.IsEmpty)
            {
                i++;
                continue;
            }

            anyAttribute = true;
            if (attr.Length > 2 && attr.StartsWith("on") && IsLetters(attr[2..]) && (!value.IsEmpty || (i < t.Length && t[i - 1] == '=')))
            {
                sink.Add(RuleKey.XssEventHandler, an, i - an);
            }
            else if (!value.IsEmpty && IsUrlAttribute(attr) && ScriptScheme(value) > 0)
            {
                sink.Add(RuleKey.XssScriptUri, an, i - an);
            }
            else if (attr is "style" && (CssExpression(value) || SuspiciousStyle(value)))
            {
                sink.Add(RuleKey.XssCssExpression, an, i - an);
            }
            else if (attr is "srcdoc" or "formaction" or "xlink:href" or "from" or "to" or "values" && ScriptScheme(value) > 0)
            {
                sink.Add(RuleKey.XssScriptUri, an, i - an);
            }
            else if (attr is "datasrc" or "datafld" or "dataformatas" or "xlink:href" or "ev:event" or "ev:handler" or "xsi:schemalocation" or "attributename"
                || attr is "xmlns:xsl" or "xmlns:xi" or "xmlns:ev"
                || (name is "svg" or "math" or "set" or "animate" or "meta" or "link" or "base" or "image" or "handler" && attr.Length > 0 && !IsInertAttribute(name, attr)))
            {
                sink.Add(RuleKey.XssDangerousTag, an, i - an);
            }
            else if (attr.StartsWith("ng-") && IsAngularEvent(attr[3..]) && (value.Contains("$event", StringComparison.Ordinal) || value.Contains("constructor", StringComparison.Ordinal)
                || value.Contains("alert", StringComparison.Ordinal) || value.Contains("$eval", StringComparison.Ordinal)))
            {
                // AngularJS event directives run their expression: 'ng-focus=$event.composedPath()|orderBy:"(z=alert)(1)"'.
                sink.Add(RuleKey.XssEventHandler, an, i - an);
            }
            else if (attr is "id" or "name" && IsClobberedDomName(value))
            {
                // DOM clobbering: '<img name=getElementById>', '<input name=attributes>' shadow the DOM API scripts rely on.
                sink.Add(RuleKey.XssDangerousTag, an, i - an);
            }
            else if (name is "form" && attr is "action" && (value.StartsWith("http://") || value.StartsWith("https://") || value.StartsWith("//")))
            {
                // '<form action="https://attacker.tld/login">' posts what the user types (a password prompt) to another site.
                sink.Add(RuleKey.XssDangerousTag, lt, i - lt);
            }
            else if ((name is "meta" && attr is "http-equiv" && value.StartsWith("refresh"))
                || (name is "link" && attr is "rel" && (value.Contains("stylesheet", StringComparison.Ordinal) || value.Contains("import", StringComparison.Ordinal)) && t[i..].Contains("href", StringComparison.Ordinal) && t[i..].Contains("//", StringComparison.Ordinal)))
            {
                sink.Add(RuleKey.XssDangerousTag, lt, i - lt);
            }
        }

        if (!dangerousName)
        {
            // Markup without script: <b>, <a href="/x">, <svg></svg>. Only higher paranoia levels count it.
            sink.Add(RuleKey.XssInertTag, lt, i - lt);
            _ = anyAttribute;
        }

        if (name is "style" && !styleRead)
        {
            // What follows the first style tag holds what follows every later one: read it once, so a value of many style tags
            // stays linear (a megabyte of "<style>" once took minutes).
            styleRead = true;
            var rest = t[i..];
            WorkMeter.Add(rest.Length);
            if (CssExpression(rest) || rest.Contains("url(", StringComparison.Ordinal))
            {
                sink.Add(RuleKey.XssCssExpression, lt, t.Length - lt);
            }
        }

        return i;
    }

    private static bool IsAngularEvent(ReadOnlySpan<char> e) =>
        e is "click" or "dblclick" or "focus" or "blur" or "change" or "keyup" or "keydown" or "keypress" or "submit" or "copy" or "cut" or "paste"
            or "mouseover" or "mouseenter" or "mouseleave" or "mousedown" or "mouseup" or "mousemove" or "init";

    private static bool IsClobberedDomName(ReadOnlySpan<char> v) =>
        v is "getelementbyid" or "getelementsbyname" or "getelementsbytagname" or "getelementsbyclassname" or "queryselector" or "queryselectorall"
            or "createelement" or "appendchild" or "attributes" or "childnodes" or "nodename" or "nodetype" or "ownerdocument" or "defaultview"
            or "documentelement" or "implementation";

    private static bool IsScriptTag(ReadOnlySpan<char> n) =>
        n is "script" or "iframe" or "frame" or "frameset" or "object" or "embed" or "applet" or "base" or "xml" or "import"
            or "vmlframe" or "isindex" or "portal" or "bgsound" or "layer" or "ilayer" or "xss" or "handler" or "listener"
            or "xmp" or "plaintext" or "style" || n.StartsWith("import");

    /// <summary>
    /// Whether the style element opening at <paramref name="afterName"/> holds a plain style sheet and is closed: rules in
    /// braces ("@media only screen and (max-width:480px){ .col{width:100% !important;} }"), as every HTML e-mail carries, with
    /// nothing that loads or runs (url(), @import, expression(), behavior, -moz-binding, escapes, entities, script), no other
    /// markup inside and no brackets (the selector tricks of parser-differential vectors).
    /// </summary>
    private static bool IsPlainStyleSheet(ReadOnlySpan<char> t, int afterName)
    {
        // Each scan stops at the next '<', so a value of many style tags is read once, not once per tag.
        var rest = Head(t[afterName..], 4096);
        var gt = rest.IndexOfAny('>', '<');
        var close = gt < 0 || rest[gt] == '<' ? -1 : rest[(gt + 1)..].IndexOf('<');
        if (close < 0 || !rest[(gt + 1 + close)..].StartsWith("</style", StringComparison.Ordinal))
        {
            return false;
        }

        var css = rest.Slice(gt + 1, close);
        return css.Contains('{') && css.Contains('}') && css.IndexOfAny(s_cssEscapes) < 0 && !css.Contains("url(", StringComparison.Ordinal)
            && !ImportsOutsideImportant(css) && !css.Contains("expression", StringComparison.Ordinal)
            && !css.Contains("behavio", StringComparison.Ordinal) && !css.Contains("binding", StringComparison.Ordinal)
            && !css.Contains("script", StringComparison.Ordinal);
    }

    private static readonly SearchValues<char> s_cssEscapes = SearchValues.Create("<\\&`[]");

    // "import" anywhere but in "!important": an @import, however spelt, loads a sheet.
    private static bool ImportsOutsideImportant(ReadOnlySpan<char> css)
    {
        var from = 0;
        while (css[from..].IndexOf("import", StringComparison.Ordinal) is var k and >= 0)
        {
            var at = from + k;
            if (at == 0 || css[at - 1] != '!')
            {
                return true;
            }

            from = at + 6;
        }

        return false;
    }

    /// <summary>
    /// Whether the xml element at <paramref name="lt"/> is the Office settings block of an HTML e-mail's Outlook conditional
    /// comment ("&lt;!--[if gte mso 9]&gt;&lt;xml&gt;&lt;o:OfficeDocumentSettings&gt;..."), which only Outlook's Word engine reads.
    /// </summary>
    private static bool IsOfficeSettings(ReadOnlySpan<char> t, int lt)
    {
        // The conditional comment stands right before the element ("<!--[if gte mso 9]><xml>"): look no further back than that.
        var before = t[Math.Max(0, lt - 64)..lt];
        var gt = Head(t[lt..], 64).IndexOf('>');
        return before.EndsWith("]>", StringComparison.Ordinal) && before.LastIndexOf("<!--[if", StringComparison.Ordinal) is var c and >= 0
            && before[c..].Contains("mso", StringComparison.Ordinal) && gt > 0 && t[(lt + gt + 1)..].TrimStart(" \t\r\n").StartsWith("<o:", StringComparison.Ordinal);
    }

    private static bool IsUrlAttribute(ReadOnlySpan<char> a) =>
        a is "href" or "src" or "action" or "formaction" or "data" or "background" or "lowsrc" or "dynsrc" or "codebase" or "poster"
            or "xlink:href" or "url" or "content" or "value" or "code" or "srcset" or "ping" or "cite" or "longdesc" or "usemap"
            or "profile" or "classid" or "archive" or "manifest" or "icon" or "style";

    private static bool CssExpression(ReadOnlySpan<char> v)
    {
        return v.Contains("expression(", StringComparison.Ordinal) || ContainsLoose(v, "expression(")
            || v.Contains("behavior:", StringComparison.Ordinal) || v.Contains("-moz-binding", StringComparison.Ordinal)
            || (v.Contains("url(", StringComparison.Ordinal) && ScriptSchemeAnywhere(v)) || v.Contains("@import", StringComparison.Ordinal);
    }

    /// <summary>Whether <paramref name="v"/> contains <paramref name="word"/> with comments, backslashes or whitespace interleaved.</summary>
    private static bool ContainsLoose(ReadOnlySpan<char> v, ReadOnlySpan<char> word)
    {
        var k = 0;
        for (var i = 0; i < v.Length; i++)
        {
            var c = v[i];
            if (c == word[k])
            {
                if (++k == word.Length)
                {
                    return true;
                }

                continue;
            }

            if (c == '/' && i + 1 < v.Length && v[i + 1] == '*')
            {
                var close = v[(i + 2)..].IndexOf("*/");
                if (close < 0)
                {
                    return false;
                }

                i += close + 3;
                continue;
            }

            if (c is '\\' or ' ' or '\t' or '\n' or '\r' || (c == '0' && k > 0))
            {
                continue;
            }

            k = c == word[0] ? 1 : 0;
        }

        return false;
    }

    /// <summary>Length of a script scheme at the start of <paramref name="v"/> (whitespace and controls inside skipped), or 0.</summary>
    private static int ScriptScheme(ReadOnlySpan<char> v)
    {
        var i = 0;
        while (i < v.Length && (v[i] <= ' ' || v[i] == '\u007F'))
        {
            i++;
        }

        return MatchLoose(v, i, "javascript:") ?? MatchLoose(v, i, "vbscript:") ?? MatchLoose(v, i, "livescript:")
            ?? MatchLoose(v, i, "mocha:") ?? DataScheme(v, i) ?? 0;
    }

    private static int? DataScheme(ReadOnlySpan<char> v, int i)
    {
        var m = MatchLoose(v, i, "data:");
        if (m is null)
        {
            return null;
        }

        var rest = v[m.Value..].TrimStart();
        return rest.StartsWith("text/html") || rest.StartsWith("image/svg") || rest.StartsWith("application/x-javascript")
            || rest.StartsWith("text/javascript") || rest.StartsWith("application/javascript") || rest.StartsWith("text/xml")
            || rest.StartsWith("application/xhtml") || rest.StartsWith(',') ? m : null;
    }

    private static int? MatchLoose(ReadOnlySpan<char> v, int i, ReadOnlySpan<char> word)
    {
        var k = 0;
        while (i < v.Length && k < word.Length)
        {
            var c = v[i];
            if (c == word[k])
            {
                k++;
                i++;
                continue;
            }

            if (k > 0 && (c is '\t' or '\n' or '\r' or '\\' or ' ' || c < ' '))
            {
                i++;
                continue;
            }

            return null;
        }

        return k == word.Length ? i : null;
    }

    private static bool ScriptSchemeAnywhere(ReadOnlySpan<char> v)
    {
        var i = v.IndexOf("script:");
        return i >= 0;
    }

    private static void ScriptUris(scoped ReadOnlySpan<char> t, ref FindingSink sink)
    {
        var i = 0;
        while (i < t.Length)
        {
            var c = t.Slice(i).IndexOf(':');
            if (c < 0)
            {
                return;
            }

            var colon = i + c;
            i = colon + 1;

            // Walk back over the scheme letters (allowing the controls browsers strip).
            var s = colon - 1;
            while (s >= 0 && (char.IsAsciiLetter(t[s]) || t[s] is '\t' or '\n' or '\r' or '\\' || (t[s] < ' ')))
            {
                s--;
            }

            var start = s + 1;
            if (colon - start < 4)
            {
                continue;
            }

            // The URL has to start a value, an attribute or a CSS url().
            if (s >= 0 && !(t[s] is '=' or '(' or '"' or '\'' or '`' or ' ' or '[' or ','))
            {
                continue;
            }

            var len = ScriptScheme(t[start..]);
            if (len == 0)
            {
                continue;
            }

            var obfuscated = !IsLetters(t[start..colon]);
            var rest = t[(start + len)..];
            if (rest.Length > 256)
            {
                rest = rest[..256];
            }

            var trimmed = rest.TrimStart(' ');
            var code = rest.IndexOfAny(s_jsCode) >= 0 || trimmed.IsEmpty || !char.IsAsciiLetter(trimmed[0]) || rest.Contains("//", StringComparison.Ordinal);
            if (obfuscated || code || t[start..].StartsWith("data:"))
            {
                sink.Add(RuleKey.XssScriptUri, start, len);
                return;
            }
        }
    }

    private static void EventHandlers(scoped ReadOnlySpan<char> t, ref FindingSink sink)
    {
        // Script-capable attributes injected after a quote: "'formaction=", "\" srcdoc=".
        foreach (var attr in (ReadOnlySpan<string>)["formaction", "srcdoc"])
        {
            var at = t.IndexOf(attr);
            if (at > 0 && t[at - 1] is '"' or '\'' or ' ' or '/' && t[(at + attr.Length)..].TrimStart().StartsWith('='))
            {
                sink.Add(RuleKey.XssAttributeBreakout, at, attr.Length);
                return;
            }
        }

        var i = 0;
        while (i < t.Length - 3)
        {
            var k = t[i..].IndexOf("on");
            WorkMeter.Scanned(k, t.Length - (i));
            if (k < 0)
            {
                return;
            }

            var p = i + k;
            i = p + 2;
            if (p == 0 || !(IsSpace(t[p - 1]) || t[p - 1] is '"' or '\'' or '/' or '`' or ';'))
            {
                continue;
            }

            var j = p + 2;
            while (j < t.Length && char.IsAsciiLetter(t[j]))
            {
                j++;
            }

            i = j;

            if (j - p < 5)
            {
                continue;
            }

            var e = j;
            while (e < t.Length && IsSpace(t[e]))
            {
                e++;
            }

            if (e >= t.Length || t[e] != '=' || (e + 1 < t.Length && t[e + 1] == '='))
            {
                continue;
            }

            if (!IsEventName(t[(p + 2)..j]) && (j - p < 5 || j - p > 32 || !(p == 0 || t[p - 1] is '"' or '\'' or ' ' or '\t')))
            {
                continue;
            }

            sink.Add(RuleKey.XssAttributeBreakout, p, e + 1 - p);
            return;
        }
    }

    private static bool IsEventName(ReadOnlySpan<char> n) =>
        n.StartsWith("load") || n.StartsWith("error") || n.StartsWith("mouse") || n.StartsWith("click") || n.StartsWith("focus")
        || n.StartsWith("blur") || n.StartsWith("key") || n.StartsWith("change") || n.StartsWith("submit") || n.StartsWith("pointer")
        || n.StartsWith("drag") || n.StartsWith("drop") || n.StartsWith("touch") || n.StartsWith("animation") || n.StartsWith("transition")
        || n.StartsWith("begin") || n.StartsWith("end") || n.StartsWith("toggle") || n.StartsWith("scroll") || n.StartsWith("resize")
        || n.StartsWith("input") || n.StartsWith("dblclick") || n.StartsWith("contextmenu") || n.StartsWith("copy") || n.StartsWith("paste")
        || n.StartsWith("cut") || n.StartsWith("before") || n.StartsWith("after") || n.StartsWith("hash") || n.StartsWith("message")
        || n.StartsWith("page") || n.StartsWith("popstate") || n.StartsWith("storage") || n.StartsWith("unload") || n.StartsWith("select")
        || n.StartsWith("search") || n.StartsWith("show") || n.StartsWith("play") || n.StartsWith("pause") || n.StartsWith("wheel")
        || n.StartsWith("readystate") || n.StartsWith("start") || n.StartsWith("finish") || n.StartsWith("bounce") || n.StartsWith("abort")
        || n.StartsWith("canplay") || n.StartsWith("cuechange") || n.StartsWith("durationchange") || n.StartsWith("ended")
        || n.StartsWith("invalid") || n.StartsWith("reset") || n.StartsWith("seek") || n.StartsWith("timeupdate") || n.StartsWith("volume")
        || n.StartsWith("waiting") || n.StartsWith("activate") || n.StartsWith("online") || n.StartsWith("offline") || n.StartsWith("auxclick")
        || n.StartsWith("filterchange") || n.StartsWith("propertychange") || n.StartsWith("help") || n.StartsWith("move") || n.StartsWith("row")
        || n.StartsWith("data") || n.StartsWith("control") || n.StartsWith("losecapture") || n.StartsWith("mozfullscreen") || n.StartsWith("webkit")
        || n.StartsWith("fullscreen") || n.StartsWith("visibility") || n.StartsWith("repeat") || n.StartsWith("progress") || n.StartsWith("suspend")
        || n.StartsWith("stalled") || n.StartsWith("emptied") || n.StartsWith("ratechange") || n.StartsWith("loadstart") || n.StartsWith("close")
        || n.StartsWith("cancel") || n.StartsWith("formdata") || n.StartsWith("slotchange") || n.StartsWith("securitypolicy");

    private static void JsSinks(scoped ReadOnlySpan<char> t, ref FindingSink sink)
    {
        var i = 0;
        while (i < t.Length)
        {
            var k = t[i..].IndexOfAny('(', '`');
            WorkMeter.Scanned(k, t.Length - (i));
            if (k < 0)
            {
                return;
            }

            var p = i + k;
            i = p + 1;
            var e = p - 1;
            while (e >= 0 && IsSpace(t[e]))
            {
                e--;
            }

            var s = e;
            while (s >= 0 && (char.IsAsciiLetterOrDigit(t[s]) || t[s] is '.' or '_' or '$'))
            {
                s--;
            }

            var name = t[(s + 1)..(e + 1)];
            var dot = name.LastIndexOf('.');
            var fn = dot >= 0 ? name[(dot + 1)..] : name;
            if (!(fn is "alert" or "prompt" or "confirm" or "eval" or "settimeout" or "setinterval" or "fromcharcode" or "atob" or "fetch"
                || fn is "write" or "writeln" && name.StartsWith("document") || fn is "import" or "execscript" or "function" or "constructor"))
            {
                continue;
            }

            // What precedes the call: a JS-string or statement breakout, or a script context.
            var b = s;
            while (b >= 0 && IsSpace(t[b]))
            {
                b--;
            }

            var prev = b >= 0 ? t[b] : '\0';
            if (fn is "function" && t[p] == '(' && !IsJsFunction(t, p))
            {
                // R's "apply(m, 2, function(col) sd(col))": a JS function has a braced body, and the Function constructor a string.
                continue;
            }

            if (t[p] == '`' && s >= 0 && t[s] == '`')
            {
                // "the `alert` job", "`setInterval` callback": a markdown code span naming the function, not a tagged template.
                continue;
            }

            if (prev is '\'' or '"' or ';' or '+' or '-' or '(' or '{' or '}' or '>' or '=' or ':' or '|' or '&' or ',' or '[' or '*' or '/' or '!' or '~' or '?' or '`' or '\\'
                || (b < 0 && fn is not "function" and not "import" && NextIsArgument(t, p)))
            {
                // "1alert(1)" (no separator) is not a call in JS.
                sink.Add(RuleKey.XssJsSinkCall, s + 1, p - s);
                return;
            }
        }
    }

    /// <summary>
    /// Whether "function(" at <paramref name="p"/> opens JavaScript: a body in braces after the parameters
    /// ("function(){alert(1)}"), or a string handed to the Function constructor ("Function('alert(1)')").
    /// </summary>
    private static bool IsJsFunction(ReadOnlySpan<char> t, int p)
    {
        var rest = Head(t[(p + 1)..], 256).TrimStart(' ');
        if (rest.IsEmpty || rest[0] is '\'' or '"' or '`')
        {
            return true;
        }

        var close = rest.IndexOf(')');
        return close < 0 || rest[(close + 1)..].TrimStart(' ') is var body && (body.IsEmpty || body[0] is '{' or '=');
    }

    private static bool NextIsArgument(ReadOnlySpan<char> t, int p)
    {
        // alert(1), alert(document.cookie), alert`1`: argument then closing.
        var window = t[(p + 1)..];
        if (window.Length > 64)
        {
            window = window[..64];
        }

        return window.IndexOfAny(')', '`') >= 0;
    }

    private static bool SuspiciousStyle(ReadOnlySpan<char> v) =>
        v.Contains("url(", StringComparison.Ordinal) || v.Contains("behavio", StringComparison.Ordinal) || v.Contains("binding", StringComparison.Ordinal)
        || v.IndexOfAny('\\', '{', '}') >= 0 || v.Contains("/*", StringComparison.Ordinal) || v.Contains("[", StringComparison.Ordinal)
        || v.Contains("&#", StringComparison.Ordinal) || v.Contains("expression", StringComparison.Ordinal);

    /// <summary>DOM and JS sinks without markup: document.cookie, window.location, window["alert"], [].sort.call`${alert}`, JSFuck.</summary>
    private static void DomSinks(scoped ReadOnlySpan<char> t, ref FindingSink sink)
    {
        var m = sink.Chars;
        if (m.Contains(t, "expression") || m.Contains(t, "document") || m.Contains(t, "window") || m.Contains(t, "self") || m.Contains(t, "-moz-binding")
            || m.Contains(t, "url(") || m.Has('`') || m.Contains(t, "![]") || m.Contains(t, "top") || m.Contains(t, "parent"))
        {
            // Exact spellings in one pass; the comment/whitespace-tolerant spellings only when the value has such padding.
            // A sink named in a sentence of words with no code around it ("window.location vs document.location?") is a question
            // about it; a DOM lookup ("document.querySelector('#app')") finds an element and leaks nothing unless the value also
            // carries what a payload does with it (markup, script, a cookie, a navigation).
            var sinkNamed = (s_domSinks.IndexOfAny(t, m) >= 0 && !(t.IndexOfAny(s_codePunctuation) < 0 && MarkdownProse.Words(t) >= 3))
                || (s_domLookups.IndexOfAny(t, m) is var lookup and >= 0 && (m.Has('<') || s_payloadSigns.IndexOfAny(t, m) >= 0 || AssignsThrough(t, lookup)))
                || (m.Has('[') && BracketAccess(t)) || (Padded(t, m) && LooseDomSink(t, m));
            if (sinkNamed && !PathLike(t, "document") && !PathLike(t, "window"))
            {
                sink.Add(RuleKey.XssJsSinkCall, 0, t.Length);
                return;
            }

            var jf = m.IndexOf(t, "![]");
            if (jf >= 0)
            {
                var n = 0;
                foreach (var c in t)
                {
                    if (c is '[' or ']' or '(' or ')' or '!' or '+' or ' ')
                    {
                        n++;
                    }
                }

                if (n * 10 >= t.Length * 6)
                {
                    sink.Add(RuleKey.XssJsSinkCall, jf, 3);
                }
            }
        }
    }

    /// <summary>Whether the whole value is three or more bare bracketed names and nothing else: "&lt;sed&gt;&lt;bash&gt;&lt;xml&gt;".</summary>
    private static bool IsBracketedTagList(ReadOnlySpan<char> t)
    {
        var tags = 0;
        var i = 0;
        while (i < t.Length)
        {
            if (t[i] != '<')
            {
                return false;
            }

            var close = t[(i + 1)..].IndexOf('>');
            if (close < 1 || t.Slice(i + 1, close).ContainsAnyExcept(s_tagListName))
            {
                return false;
            }

            tags++;
            i += close + 2;
        }

        return tags >= 3;
    }

    private static readonly SearchValues<char> s_tagListName = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789.#+-");

    /// <summary>
    /// Whether the element a DOM lookup at <paramref name="at"/> finds is written to: a property of the call's result assigned
    /// ("document.querySelector('p').textContent='XSS'", "document.body.innerText=..."), not compared ("==") or an arrow.
    /// </summary>
    private static bool AssignsThrough(ReadOnlySpan<char> t, int at)
    {
        var rest = t[at..];
        var eq = rest.IndexOf('=');
        while (eq > 0)
        {
            var next = eq + 1 < rest.Length ? rest[eq + 1] : '\0';
            if (next is not ('=' or '>') && rest[eq - 1] is not ('=' or '!' or '<' or '>'))
            {
                // The assigned target is a property reached from the lookup: a dot after its call (or after "document.body").
                var target = rest[..eq];
                return target.LastIndexOf('.') > target.IndexOf(')') || target.StartsWith("document.body");
            }

            var more = rest[(eq + 1)..].IndexOf('=');
            eq = more < 0 ? -1 : eq + 1 + more;
        }

        return false;
    }

    /// <summary>
    /// The presentational attributes of an icon or a page's metadata, which load and run nothing: '&lt;svg viewBox="0 0 24 24"&gt;',
    /// '&lt;meta name="viewport" content="width=device-width"&gt;', a formula's '&lt;math display="block"&gt;'. (http-equiv, charset, href,
    /// from/to/values and events still count.)
    /// </summary>
    private static bool IsInertAttribute(ReadOnlySpan<char> tag, ReadOnlySpan<char> attr) =>
        (tag is "svg" && attr is "viewbox" or "width" or "height" or "fill" or "stroke" or "class" or "version" or "preserveaspectratio" or "role"
            or "focusable" or "aria-hidden" or "aria-label" or "xmlns")
        || (tag is "math" && attr is "xmlns" or "display" or "mathvariant" or "dir" or "class" or "alttext")
        || (tag is "meta" && attr is "name" or "content" or "property" or "itemprop");

    /// <summary>Whether the value has the comment or whitespace padding that the loose sink spellings need.</summary>
    private static bool Padded(ReadOnlySpan<char> t, in CharMask m) =>
        m.Contains(t, "/*") || m.Contains(t, " .") || m.Contains(t, ". ") || m.Has('\\') || m.Contains(t, "( ") || m.Contains(t, " `") || m.Has('\t');

    private static bool LooseDomSink(ReadOnlySpan<char> t, in CharMask m)
    {
        foreach (var sinkName in s_domSinkNames)
        {
            // A loose spelling still has every character of the name.
            if (m.HasAll(sinkName) && ContainsLoose(t, sinkName))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="word"/> first occurs inside a path or identifier ("manual/document.cookie").</summary>
    private static bool PathLike(ReadOnlySpan<char> t, ReadOnlySpan<char> word)
    {
        // A hyphen joins words ("pop-up-window") only between letters or digits: after a quote it is the minus of a JS breakout.
        var i = t.IndexOf(word);
        return i > 0 && (char.IsAsciiLetterOrDigit(t[i - 1]) || t[i - 1] is '/' or '_' or '\\'
            || (t[i - 1] == '-' && i > 1 && char.IsAsciiLetterOrDigit(t[i - 2])));
    }

    /// <summary>window["alert"], (document)["cookie"], self[/*x*/"alert"]: global objects indexed by a string.</summary>
    private static bool BracketAccess(ReadOnlySpan<char> t)
    {
        foreach (var g in s_globals)
        {
            var i = t.IndexOf(g);
            if (i < 0 || (i > 0 && char.IsAsciiLetterOrDigit(t[i - 1])))
            {
                continue;
            }

            var j = SkipJunk(t, i + g.Length);
            while (j < t.Length && t[j] == ')')
            {
                j = SkipJunk(t, j + 1);
            }

            if (j < t.Length && t[j] == '[')
            {
                j = SkipJunk(t, j + 1);
                if (j < t.Length && t[j] is '"' or '\'' or '`')
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static int SkipJunk(ReadOnlySpan<char> t, int j)
    {
        while (j < t.Length)
        {
            if (IsSpace(t[j]))
            {
                j++;
                continue;
            }

            if (t[j] == '/' && j + 1 < t.Length && t[j + 1] == '*')
            {
                var close = t[(j + 2)..].IndexOf("*/");
                WorkMeter.Scanned(close, t.Length - ((j + 2)));
                if (close < 0)
                {
                    return t.Length;
                }

                j += close + 4;
                continue;
            }

            break;
        }

        return j;
    }

    /// <summary>Tag names spelled with spaces: "&lt;f o r m", "&lt; x: script".</summary>
    private static void SpacedTagNames(scoped ReadOnlySpan<char> t, ref FindingSink sink)
    {
        Span<char> name = stackalloc char[12];
        var i = 0;
        while (i < t.Length)
        {
            var p = WorkMeter.Next(t, ref i, '<');
            if (p < 0)
            {
                return;
            }

            var n = 0;
            var spaces = 0;
            var j = p + 1;
            while (j < t.Length && n < name.Length && j - p < 32)
            {
                var c = t[j];
                if (char.IsAsciiLetter(c))
                {
                    name[n++] = c;
                }
                else if (c is ' ' or '\t' or ':')
                {
                    spaces++;
                    if (c == ':')
                    {
                        n = 0;
                    }
                }
                else
                {
                    break;
                }

                j++;
            }

            if (spaces > 0 && n >= 4 && name[..n] is "form" or "script" or "dialog" or "iframe" or "object" or "embed" or "style" or "frameset" or "applet" or "vmlframe")
            {
                sink.Add(RuleKey.XssDangerousTag, p, j - p);
                return;
            }
        }
    }

    private static bool IsLetters(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (!char.IsAsciiLetter(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsSpace(char c) => c <= ' ' || c == '\u007F';
}
