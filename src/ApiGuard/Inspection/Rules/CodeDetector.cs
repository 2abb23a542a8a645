using System.Buffers;
using static ApiGuard.Inspection.Rules.Spans;

namespace ApiGuard.Inspection.Rules;

/// <summary>
/// Server-side code injection: PHP open tags, calls of PHP's code-execution and decoding functions (with comments and
/// whitespace between name and parenthesis), variable-function calls (<c>$a(</c>, <c>$__[x](</c>), superglobals, stream
/// wrappers, serialized objects, script file names in upload names; Node.js function/constructor tricks and prototype
/// pollution; Java runtime classes and deserialization gadget chains; infinite JS loops.
/// </summary>
internal static class CodeDetector
{
    private static readonly NeedleSet s_nodeStrings = new(
        ["_$$nd_func$$_", "__js_function", "this.constructor.constructor", "process.mainmodule",
         "process.binding", "process.spawn", "global.process", "require('", "require(\"", ".constructor(", "require[", "string.fromcharcode",
         ":constructor:constructor", ":module:prototype", "\"_response\"", "'_response'"]);

    private static readonly NeedleSet s_prototypeStrings = new(
        ["__proto__", "constructor.prototype", "constructor[prototype]", "[constructor][prototype]", "constructor['prototype']", "constructor[\"prototype\"]"]);

    private static readonly NeedleSet s_javaStrings = new(
        ["org.apache.commons", "org.omg.", "sun.misc.", "sun.reflect.", "org.mozilla.javascript", "jdk.jshell", "org.python.", "groovy.lang.",
         "org.springframework.", "javax.script", "javax.naming", "javax.management", "com.sun.", "com.opensymphony.xwork2", "runtime.getruntime",
         "getruntime()", "org.codehaus.groovy.runtime", "bsh.interpreter", "freemarker.template.utility", "java:comp/env", "ch.qos.logback.core.db", "init=runscript"]);

    private static readonly NeedleSet s_gadgetStrings = new(
        ["clonetransformer", "forclosure", "instantiatefactory", "instantiatetransformer", "invokertransformer", "prototypeclonefactory",
         "prototypeserializationfactory", "whileclosure", "chainedtransformer", "constanttransformer", "ognl.", "@ognl"]);

    private static readonly SearchValues<char> s_iniName = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789_.");
    private static readonly SearchValues<char> s_letters = SearchValues.Create("abcdefghijklmnopqrstuvwxyz");
    private static readonly SearchValues<char> s_digits = SearchValues.Create("0123456789");
    private static readonly SearchValues<char> s_algebra = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789 +-*/^.");
    private static readonly SearchValues<char> s_fileExtension = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789");
    private static readonly SearchValues<char> s_notFileName = SearchValues.Create("/\\:?=&<>");
    private static readonly SearchValues<char> s_gate = SearchValues.Create("(<$[{:_.;\"");
    private static readonly SearchValues<char> s_codeSyntax = SearchValues.Create("();{}`$");
    private static readonly CharMask s_gateMask = CharMask.Set("(<$[{:_.;\"");

    private static readonly NeedleSet s_nodeWords = new(
        ["_$$nd_func$$_", "__js_function", "this.constructor.constructor", "module.exports", "child_process", "process.mainmodule",
         "process.binding", "require(", "new function", "function(", "function (", "process.spawn", "process.kill", "process.exit(",
         "global.process", "constructor(", "__proto__", "constructor.prototype", "constructor[prototype]", "prototype[", "java.", "javax.",
         "com.sun.", "org.apache.commons", "com.opensymphony", "processbuilder", "getruntime", "transformer", "forclosure",
         "instantiatefactory", "closure", "ognl", "while(", "while (", "sess_", "xwork", "rmi://", "java:comp", "bsh.", "groovy.", "freemarker.", "org.springframework.", "clojure.",
         "process", "console", "require[", "fromcharcode", "data:", "org.omg.", "sun.", "org.", "jdk.", ":constructor", ":module", "_response", "ch.qos.", "runscript", "constructor]", ".execute(", "@grab"]);

    private static readonly string[] s_phpStatements = ["echo", "print", "system", "eval", "exec", "include", "require", "passthru", "die"];

    // Static: a span of strings written as a collection expression is rebuilt on the stack at every call.
    private static readonly string[] s_longPhpFunctions =
    [
        "base64_decode", "gzinflate", "gzuncompress", "gzdecode", "bzdecompress", "str_rot13", "call_user_func", "call_user_func_array",
        "fsockopen", "pfsockopen", "file_put_contents", "file_get_contents", "create_function", "shell_exec", "proc_open", "passthru",
        "preg_replace", "phpinfo", "move_uploaded_file", "stream_socket_client", "convert_uudecode", "hex2bin", "gzopen", "posix_getpwuid",
        "mb_ereg_replace", "array_map", "usort", "register_shutdown_function", "set_error_handler", "ob_start",
    ];

    // How serialized objects begin once lower-cased (see Detect).
    private static readonly string[] s_serializedPrefixes = ["ro0ab", "\"ro0ab", "aced0005", "aaeaaad/////", "gasv", "cos\n", "cposix\n", "cnt\n", "csubprocess\n", "cbuiltins\n", "c__builtin__\n"];

    public static void Detect(scoped ReadOnlySpan<char> t, ValueSource source, ref FindingSink sink)
    {
        // A serialized Java object in base64 ("rO0AB...", the stream magic AC ED 00 05), a Python pickle in base64 ("gASV...",
        // protocol 4 and 5) or in text protocol 0 naming a command module ("cos\nsystem\n(S'id'..."): deserialization carriers.
        if (!t.IsEmpty && t[0] is 'r' or '"' or 'a' or 'g' or 'c')
        {
            foreach (var prefix in s_serializedPrefixes)
            {
                if (t.StartsWith(prefix, StringComparison.Ordinal))
                {
                    sink.Add(RuleKey.CodeUnsafeDeserialization, 0, t.Length);
                    break;
                }
            }
        }

        FormulaInjection(t, ref sink);

        if (!sink.Chars.HasAny(s_gateMask, t, s_gate))
        {
            if (t.Contains('='))
            {
                IniDirective(t, ref sink);
            }

            return;
        }

        if (sink.Chars.Has('=') && IsCommonJsImport(t))
        {
            return;
        }

        Php(t, ref sink);
        ScriptFileName(t, ref sink);
        if (s_nodeWords.IndexOfAny(t, sink.Chars) >= 0)
        {
            NodeAndJava(t, ref sink);
        }

        if (s_pythonAndYaml.IndexOfAny(t, sink.Chars) is var py and >= 0 && !(sink.Chars.Has('`') && MarkdownProse.InCodeSpanOfProse(t, py)))
        {
            sink.Add(py < t.Length - 1 && t[py] == '!' ? RuleKey.CodeUnsafeDeserialization : RuleKey.CodePythonInjection, py, t.Length - py);
        }

        ConstructorPrototype(t, ref sink);
    }

    // Python calls that run commands or code, YAML tags that construct arbitrary objects (PyYAML, SnakeYAML), Spring4Shell's
    // class loader walk.
    private static readonly NeedleSet s_pythonAndYaml = new(
        ["subprocess.call(", "subprocess.popen(", "subprocess.run(", "subprocess.check_output(", "subprocess.getoutput(", "os.system(", "os.popen(",
         "os.exec", "pty.spawn(", "__import__(", "__builtins__", "!!python/", "!!javax.", "!!java.", "!!com.sun.", "!!org.", "class.module.classloader",
         "class.classloader", "__subclasses__", "__globals__", "__mro__", "!ruby/object", "!ruby/hash", "!ruby/struct", "!ruby/marshal"]);

    /// <summary>
    /// Spreadsheet formula injection in a value that a CSV or spreadsheet export will hold: a DDE command ("=cmd|' /c calc'!A0",
    /// "+cmd|...", "@SUM(1+1)*cmd|...") or a formula that sends data out ("=HYPERLINK(\"http://x/?\"&amp;A1)", "=IMPORTXML(...)",
    /// "=WEBSERVICE(...)"). "=SUM(A1:A3)" computes and stays.
    /// </summary>
    private static void FormulaInjection(scoped ReadOnlySpan<char> t, ref FindingSink sink)
    {
        var v = t.TrimStart(" \t\r\n'\"");
        if (v.IsEmpty || v[0] is not ('=' or '+' or '-' or '@'))
        {
            return;
        }

        var dde = v.IndexOf('|');
        if (dde > 0 && dde < 64)
        {
            var app = v[..dde].TrimStart("=+-@ ");
            var start = app.Length;
            while (start > 0 && char.IsAsciiLetterOrDigit(app[start - 1]))
            {
                start--;
            }

            if (app[start..] is "cmd" or "msexcel" or "powershell" or "pwsh" or "mshta" or "rundll32" or "regsvr32" or "certutil" or "bitsadmin")
            {
                sink.Add(RuleKey.CodeFormulaInjection, 0, dde + 1);
                return;
            }
        }

        if (v[0] == '=' && v.Length > 6)
        {
            var f = v[1..].TrimStart();
            if (f.StartsWith("dde(") || f.StartsWith("ddeauto("))
            {
                // '=DDE("cmd";"/C calc";"x")': the DDE function starts the named application.
                sink.Add(RuleKey.CodeFormulaInjection, 0, t.Length);
                return;
            }

            if ((f.StartsWith("hyperlink(") || f.StartsWith("importxml(") || f.StartsWith("importdata(") || f.StartsWith("importhtml(")
                    || f.StartsWith("importfeed(") || f.StartsWith("importrange(") || f.StartsWith("webservice(") || f.StartsWith("image("))
                && f.Contains("http", StringComparison.Ordinal) && (f.Contains('&') || f.Contains("concat", StringComparison.Ordinal)))
            {
                sink.Add(RuleKey.CodeFormulaInjection, 0, t.Length);
            }
        }
    }

    /// <summary>JSON prototype pollution through the constructor: {"constructor": {"prototype": {...}}}.</summary>
    private static void ConstructorPrototype(scoped ReadOnlySpan<char> t, ref FindingSink sink)
    {
        var c = sink.Chars.IndexOf(t, "constructor\"");
        if (c < 0)
        {
            return;
        }

        var r = t[(c + 12)..].TrimStart(" \t\r\n:{");
        if (r.StartsWith("\"prototype\""))
        {
            sink.Add(RuleKey.CodePrototypePollution, c, t.Length - c);
        }
    }

    private static void Php(scoped ReadOnlySpan<char> t, ref FindingSink sink)
    {
        var m = sink.Chars;
        var tag = m.IndexOf(t, "<?");
        if (tag >= 0)
        {
            var r = t[(tag + 2)..];
            var rt = r.TrimStart();
            var code = rt.StartsWith("php") ? rt[3..] : r.StartsWith('=') ? r[1..] : rt;
            var body = code.TrimStart();
            var php = (rt.StartsWith("php") || r.StartsWith('=')) && body.Length > 0 && (body.Length < code.Length || r.StartsWith('='));
            if (php || (body.Length > 0 && !rt.StartsWith("xml") && !rt.StartsWith("xpacket") && (body[0] == '$' || PhpCallAhead(body) || PhpStatementAhead(body)))
                || (r.StartsWith("xml") && r.Length > 3 && !r[3..].TrimStart().StartsWith("version") && r[3..].TrimStart().IndexOfAny(":;(") is >= 0 and < 8))
            {
                sink.Add(RuleKey.CodePhpOpenTag, tag, Math.Min(5, t.Length - tag));
            }
        }

        if (m.Contains(t, "[php]") || m.Contains(t, "[/php]") || m.Contains(t, "[\\php]") || m.Contains(t, "{php}") || m.Contains(t, "{/php}"))
        {
            sink.Add(RuleKey.CodePhpBbTag, 0, t.Length);
        }

        // Stream wrappers.
        var w = m.IndexOf(t, "://");
        if (w > 0)
        {
            var s = w;
            while (s > 0 && (char.IsAsciiLetterOrDigit(t[s - 1]) || t[s - 1] is '.' or '_'))
            {
                s--;
            }

            var scheme = t[s..w];
            if (scheme is "php" or "phar" or "zip" or "compress.zlib" or "compress.bzip2" or "expect" or "glob" or "rar" or "ogg" or "zlib" or "data"
                || scheme.StartsWith("ssh2."))
            {
                sink.Add(RuleKey.CodePhpWrapper, s, w + 3 - s);
            }
        }

        // Serialized objects: O:8:"stdClass":0:{}  a:2:{i:0;...}. Each candidate is a letter before a colon, so the scan
        // jumps from colon to colon.
        var colon = 0;
        while (colon < t.Length)
        {
            var next = WorkMeter.Next(t, ref colon, ':');
            if (next < 0)
            {
                break;
            }

            var i = next - 1;
            if (i >= 0 && i + 3 < t.Length && t[i] is 'o' or 'c' or 'a' && char.IsAsciiDigit(t[i + 2]) && (i == 0 || !char.IsAsciiLetterOrDigit(t[i - 1])))
            {
                var j = i + 2;
                while (j < t.Length && char.IsAsciiDigit(t[j]))
                {
                    j++;
                }

                if (j + 1 < t.Length && t[j] == ':' && (t[j + 1] == '"' && t[i] != 'a' || t[j + 1] == '{' && t[i] == 'a'))
                {
                    sink.Add(RuleKey.CodePhpSerialized, i, j + 2 - i);
                    break;
                }
            }
        }

        if (m.Has('='))
        {
            IniDirective(t, ref sink);
        }

        if (m.Has('('))
        {
            CallableExpressions(t, ref sink);
        }

        var dollar = t.IndexOf('$');
        if (dollar >= 0)
        {
            Variables(t, dollar, ref sink);
        }

        if (m.Has('('))
        {
            Functions(t, ref sink);
        }

        // (system)('uname'), ('sys'.'tem')('id'), (x)/* c */('uname'), (x)[0]
        var k = 0;
        while (m.Has(')') && (m.Has('(') || m.Has('[')) && k < t.Length)
        {
            var c = t[k..].IndexOf(')');
            WorkMeter.Scanned(c, t.Length - (k));
            if (c < 0)
            {
                break;
            }

            var p = k + c + 1;
            k = p;
            var q = p;
            while (q < t.Length && t[q] is ' ' or '\t')
            {
                q++;
            }

            if (q + 1 < t.Length && t[q] == '/' && t[q + 1] == '*')
            {
                var end = Head(t[(q + 2)..], 256).IndexOf("*/");
                if (end < 0)
                {
                    break;
                }

                q += end + 4;
                while (q < t.Length && t[q] is ' ' or '\t')
                {
                    q++;
                }
            }

            if (q + 1 < t.Length && t[q] == '(' && t[q + 1] is '\'' or '"')
            {
                sink.Add(RuleKey.CodePhpFunctionCall, k - 1, q + 2 - k + 1);
                break;
            }

            if (q < t.Length && t[q] == '[' && t[(q + 1)..].StartsWith("0]"))
            {
                sink.Add(RuleKey.CodePhpFunctionCall, k - 1, q - k + 1);
                break;
            }
        }
    }

    private static void IniDirective(scoped ReadOnlySpan<char> t, ref FindingSink sink)
    {
        // A php.ini / .user.ini directive as the whole value: "allow_url_include=1", "memory_limit = 512M".
        var eq = t.IndexOf('=');
        if (eq <= 0 || eq > 48)
        {
            return;
        }

        var name = t[..eq].Trim();
        var setting = t[(eq + 1)..].Trim();
        if (name.IndexOfAnyExcept(s_iniName) >= 0 || setting.Length > 128 || (setting.IndexOf(' ') >= 0 && setting[0] is not ('"' or '\'')))
        {
            // "Precision = TP / (TP + FP) and ...": a sentence, not a directive, whose value is one token or one quoted string.
            return;
        }

        if (name is "engine" or "extension" or "precision" or "smtp" or "memory_limit" or "extension_dir" or "unserialize_max_depth" or "allow_url_include"
                or "allow_url_fopen" or "auto_prepend_file" or "auto_append_file" or "disable_functions" or "disable_classes" or "open_basedir" or "safe_mode"
                or "display_errors" or "error_log" or "include_path" or "register_globals" or "file_uploads" or "upload_tmp_dir" or "sendmail_path"
                or "max_execution_time" or "short_open_tag" or "expose_php" or "log_errors" or "zend_extension" or "html_errors" or "error_reporting"
            || name.StartsWith("opcache.") || name.StartsWith("mbstring.") || name.StartsWith("session.save") || name.StartsWith("phar.")
            || name.StartsWith("pcre.") || name.StartsWith("zend.") || name.StartsWith("assert."))
        {
            sink.Add(RuleKey.CodePhpIniDirective, 0, t.Length);
        }
    }

    /// <summary>PHP callable expressions: (system)('id'), "system"(ls);, [system][0](ls);, (string)"sys"."tem"('id').</summary>
    private static void CallableExpressions(scoped ReadOnlySpan<char> t, ref FindingSink sink)
    {
        var brackets = default(LastOpenBracket);
        var i = 0;
        while (i < t.Length)
        {
            var p = WorkMeter.Next(t, ref i, '(');
            if (p < 0)
            {
                return;
            }

            var b = BackOverJunk(t, p - 1);
            if (b < 0 || t[b] is not (')' or ']' or '"' or '\'' or '}'))
            {
                continue;
            }

            var spaced = b < p - 1;
            var close = Head(t[(p + 1)..], 64).IndexOf(')');
            if (close < 0)
            {
                continue;
            }

            var args = t.Slice(p + 1, close);
            if (t[b] == ')' && IsAlgebra(args) && t[Math.Max(0, b - 64)..b].LastIndexOf('(') is var ob and >= 0
                && IsAlgebra(t[(Math.Max(0, b - 64) + ob + 1)..b]))
            {
                // "(9a + 7b)(1a - b)": a product of two algebraic factors.
                continue;
            }

            if (t[b] == ')' && SpreadsheetFormula.IsCellReference(args) && t[0] == '=')
            {
                // "=LAMBDA(x, IF(x<0, \"neg\", \"pos\"))(A2)": a spreadsheet formula applying its lambda to a cell.
                continue;
            }

            if (t[b] == ')' && IsEnumerationLabel(args) && EnumerationLabelBefore(t, b))
            {
                // "12(b)(6)", "§ 123(a)(1)(B)(ii)": subsection labels of legal and technical citations, not a call.
                continue;
            }

            if (args.IndexOfAny('=', '&', '|') >= 0 || args.Contains("//", StringComparison.Ordinal) || args.StartsWith('#') || args.StartsWith('/')
                || (t[b] is ']' or '}' && b > 0 && t[b - 1] is '[' or '{')
                || (t[b] == ']' && (args.IndexOfAny('.', ':', '/') >= 0 || BracketText(t, brackets.Before(t, b), b).Trim(' ').IndexOf(' ') >= 0
                    || IsGenericMethod(t, brackets.Before(t, b), b))))
            {
                // Markdown links "[text](url)", LDAP filters and generic methods of stack traces ("First[TSource](...)") are not calls.
                continue;
            }

            if (spaced && t[b] is '"' or '\'' && !(args.StartsWith('\'') || args.StartsWith('"') || args.StartsWith('$')))
            {
                // 'said "too many bugs" (their words).': a quotation, then a parenthetical; a spaced PHP call quotes its argument.
                continue;
            }

            if (spaced && args.IndexOf(' ') > 0 && char.IsAsciiLetter(args[0]) && !args.Contains('\'') && !args.Contains('"'))
            {
                // "(n = 4405; 95% CI 0.6–2.9) (see Table 3)": a parenthetical of words after another; a call quotes its arguments.
                continue;
            }

            if (spaced && args.Length > 0 && char.IsAsciiDigit(args[0]) && args.IndexOf(':') > 0 && !args.Contains('\'') && !args.Contains('"'))
            {
                // "Oslo S (OSL) (07:12–09:40);": a parenthetical time after another; PHP has no argument of that shape.
                continue;
            }

            var after = t[(p + close + 2)..].TrimStart(" \t/*");
            if ((after.IsEmpty && !spaced) || after.StartsWith(';') || (after.StartsWith('.') && after.Length > 1 && !IsFileExtension(after)))
            {
                // The callee has to name something: a bracketed/quoted/parenthesised word before the call.
                var open = Math.Max(0, b - 64);
                var callee = t[open..(b + 1)];
                if (callee.Length >= 3 && callee.IndexOfAny(s_letters) >= 0)
                {
                    sink.Add(RuleKey.CodePhpFunctionCall, open, p + close + 2 - open);
                    return;
                }
            }
        }
    }

    /// <summary>
    /// Whether the '$' at <paramref name="p"/> opens inline TeX math: it starts the value or follows a blank or '(', a letter
    /// follows it, and a closing '$' follows within 200 characters with blanks or TeX commands but no quote, ';' or '['
    /// between (PHP calls quote their arguments, end in ';' or index arrays).
    /// </summary>
    private static bool IsTexMath(ReadOnlySpan<char> t, int p)
    {
        if (p > 0 && t[p - 1] is not (' ' or '(' or '\n'))
        {
            return false;
        }

        var span = Head(t[(p + 1)..], 200);
        var close = span.IndexOf('$');
        if (close <= 1 || span[close - 1] == ' ' || !char.IsAsciiLetter(span[0]))
        {
            return false;
        }

        // Math reads as words and operators ("$f(x) = x^2$") or TeX commands ("$O(n \log n)$"); "$__[$_[1]](7)" does neither.
        var inner = span[..close];
        var after = p + 1 + close + 1;
        return inner.IndexOfAny("'\";[") < 0 && inner.IndexOfAny(' ', '\\') >= 0 && (after >= t.Length || !char.IsAsciiLetterOrDigit(t[after]));
    }

    /// <summary>Whether a parenthesised text is a citation label: one to four letters or digits ("b", "6", "ii", "A").</summary>
    private static bool IsEnumerationLabel(ReadOnlySpan<char> label)
    {
        if (label.IsEmpty || label.Length > 4)
        {
            return false;
        }

        foreach (var c in label)
        {
            if (!char.IsAsciiLetterOrDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether the group closing at <paramref name="close"/> is itself a citation label: "(b)" in "12(b)(6)".</summary>
    private static bool EnumerationLabelBefore(ReadOnlySpan<char> t, int close)
    {
        var open = t[Math.Max(0, close - 5)..close].LastIndexOf('(');
        return open >= 0 && IsEnumerationLabel(t[(Math.Max(0, close - 5) + open + 1)..close]);
    }

    /// <summary>
    /// Whether the bracket closing at <paramref name="close"/> holds type parameters right after a dotted member name, as .NET
    /// stack traces print generic methods: "Enumerable.First[TSource](", "Dictionary`2.TryAdd[TKey,TValue](". A PHP
    /// callable needs a quoted or bracketed name ("[system][0](") or a variable ("$f[0](").
    /// </summary>
    private static bool IsGenericMethod(ReadOnlySpan<char> t, int open, int close)
    {
        if (open < 2 || open + 1 == close)
        {
            return false;
        }

        foreach (var c in t[(open + 1)..close])
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or ',' or '`'))
            {
                return false;
            }
        }

        // The member name before the bracket: word characters back to a dot, which a .NET type or namespace precedes.
        var n = open;
        while (n > 0 && (char.IsAsciiLetterOrDigit(t[n - 1]) || t[n - 1] == '_'))
        {
            n--;
        }

        return n < open && n > 0 && t[n - 1] == '.' && n - 1 > 0 && char.IsAsciiLetterOrDigit(t[n - 2]);
    }

    /// <summary>
    /// Whether a Java class name is an exception or error class ("java.lang.NullPointerException", "java.io.IOException: x"),
    /// as pasted error messages and logs name them: a throwable names what failed, not a class an injection would load.
    /// </summary>
    private static bool IsThrowableName(ReadOnlySpan<char> name)
    {
        var end = 0;
        while (end < name.Length && (char.IsAsciiLetterOrDigit(name[end]) || name[end] is '.' or '_' or '$'))
        {
            end++;
        }

        var qualified = name[..end];
        return (qualified.EndsWith("exception") || qualified.EndsWith("error")) && (end == name.Length || name[end] is ':' or ' ' or '\n' or '\r' or ',' or ')');
    }

    private static ReadOnlySpan<char> BracketText(ReadOnlySpan<char> t, int open, int close) => open < 0 ? default : t[(open + 1)..close];

    /// <summary>
    /// The last '[' before a position, for positions that only grow (the calls of one left-to-right scan): each character is
    /// looked at once however many brackets close, so "](x)](x)..." stays linear.
    /// </summary>
    private struct LastOpenBracket
    {
        private int _scanned;
        private int _last;

        public int Before(ReadOnlySpan<char> t, int position)
        {
            if (_scanned == 0)
            {
                _last = -1;
            }

            if (position > _scanned)
            {
                var k = t[_scanned..position].LastIndexOf('[');
                WorkMeter.Add(position - _scanned);
                if (k >= 0)
                {
                    _last = _scanned + k;
                }

                _scanned = position;
            }

            return _last < position ? _last : t[..position].LastIndexOf('[');
        }
    }

    private static int BackOverJunk(ReadOnlySpan<char> t, int e)
    {
        while (e >= 0)
        {
            if (t[e] is ' ' or '\t' or '\n' or '\r')
            {
                e--;
                continue;
            }

            if (e >= 1 && t[e] == '/' && t[e - 1] == '*')
            {
                var from = Math.Max(0, e - 257);
                var open = t[from..(e - 1)].LastIndexOf("/*");
                open = open < 0 ? -1 : from + open;
                if (open < 0)
                {
                    return e;
                }

                e = open - 1;
                continue;
            }

            break;
        }

        return e;
    }

    private static bool PhpStatementAhead(ReadOnlySpan<char> body)
    {
        foreach (var st in s_phpStatements)
        {
            if (body.StartsWith(st) && (body.Length == st.Length || !char.IsAsciiLetterOrDigit(body[st.Length])))
            {
                return true;
            }
        }

        return false;
    }

    private static bool PhpCallAhead(ReadOnlySpan<char> body)
    {
        var j = 0;
        while (j < body.Length && (char.IsAsciiLetterOrDigit(body[j]) || body[j] == '_'))
        {
            j++;
        }

        return j > 0 && j < body.Length && body[j..].TrimStart().StartsWith('(');
    }

    private static void Variables(scoped ReadOnlySpan<char> t, int from, ref FindingSink sink)
    {
        var i = from;
        while (i < t.Length)
        {
            var p = WorkMeter.Next(t, ref i, '$');
            if (p < 0)
            {
                return;
            }

            var j = p + 1;
            while (j < t.Length && t[j] == '$')
            {
                j++;
            }

            WorkMeter.Add(j - p);

            var ns = j;
            if (j < t.Length && t[j] == '{')
            {
                // ${@a}(10), ${@$b}(12)
                var close = Head(t[j..], 34).IndexOf('}');
                if (close > 1 && j + close + 1 < t.Length && t[j + close + 1] == '(')
                {
                    sink.Add(RuleKey.CodePhpVariableCall, p, close + 3);
                    return;
                }
            }

            while (j < t.Length && (char.IsAsciiLetterOrDigit(t[j]) || t[j] == '_'))
            {
                j++;
            }

            var name = t[ns..j];
            if (name.IsEmpty || char.IsAsciiDigit(name[0]))
            {
                // Every '$' of the run reads the same name: go on after it ("$$$$..." stays linear).
                i = Math.Max(i, j);
                continue;
            }

            if (name is "_server" or "_get" or "_post" or "_cookie" or "_request" or "_files" or "_env" or "_session" or "globals" or "http_raw_post_data"
                || name.StartsWith("http_") && name.EndsWith("_vars"))
            {
                sink.Add(RuleKey.CodePhpSuperglobal, p, j - p);
                return;
            }

            // $a(1), $$b(2), $__[o](4), $__['o'](5), $x /*c*/ [5] {0} (17)
            var q = SkipPhpJunk(t, j);
            var guard = 0;
            var indexed = false;
            while (q < t.Length && t[q] is '[' or '{' && guard++ < 6)
            {
                var close = MatchingBracket(Head(t[q..], 34));
                if (close < 2)
                {
                    break;
                }

                indexed = true;
                q = SkipPhpJunk(t, q + close + 1);
            }

            var spacedCall = q > j && !indexed && t[j..q].Trim().IsEmpty;
            if (IsTexMath(t, p))
            {
                // "$O(n \log n)$", "$P(A \cup B)$": inline TeX math, delimited by dollar signs, not a PHP variable call.
                i = Math.Max(i, j);
                continue;
            }

            if (q < t.Length && t[q] == '(' && name.Length <= 16
                && (!spacedCall || (q + 1 < t.Length && (char.IsAsciiDigit(t[q + 1]) || t[q + 1] is ')' or '\'' or '"' or '$'))))
            {
                sink.Add(RuleKey.CodePhpVariableCall, p, q + 1 - p);
                return;
            }

            i = Math.Max(i, j);
        }
    }

    /// <summary>Index of the bracket closing the one at 0 (nesting counted), or -1.</summary>
    private static int MatchingBracket(ReadOnlySpan<char> s)
    {
        var depth = 0;
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] is '[' or '{')
            {
                depth++;
            }
            else if (s[i] is ']' or '}' && --depth == 0)
            {
                return i;
            }
        }

        return -1;
    }

    private static int SkipPhpJunk(ReadOnlySpan<char> t, int j)
    {
        while (j < t.Length)
        {
            if (t[j] is ' ' or '\t' or '\n' or '\r')
            {
                j++;
            }
            else if (t[j] == '/' && j + 1 < t.Length && t[j + 1] == '*')
            {
                var close = t[(j + 2)..].IndexOf("*/");
                WorkMeter.Scanned(close, t.Length - ((j + 2)));
                j = close < 0 ? t.Length : j + close + 4;
            }
            else if ((t[j] == '/' && j + 1 < t.Length && t[j + 1] == '/') || t[j] == '#')
            {
                var nl = t[j..].IndexOfAny('\n', '\r');
                WorkMeter.Scanned(nl, t.Length - (j));
                j = nl < 0 ? t.Length : j + nl;
            }
            else
            {
                break;
            }
        }

        return j;
    }

    /// <summary>
    /// Whether the loop's condition is followed by prose: "my while(true) loop freezes" names the loop; a statement follows
    /// as '{', ';', a call or an assignment ("while(1){}", "while(true) x++;", "while(1) alert(1)").
    /// </summary>
    private static bool ProseAfterLoop(ReadOnlySpan<char> r)
    {
        var close = r.IndexOf(')');
        if (close < 0 || close > 64)
        {
            return false;
        }

        var rest = r[(close + 1)..];
        if (!rest.StartsWith(' '))
        {
            return false;
        }

        rest = rest.TrimStart(' ');
        var w = 0;
        while (w < rest.Length && char.IsAsciiLetter(rest[w]))
        {
            w++;
        }

        return w >= 2 && w + 1 < rest.Length && rest[w] == ' ' && char.IsAsciiLetter(rest[w + 1]);
    }

    /// <summary>Whether a bracket's content is algebra: digits, variables of one or two letters, operators and blanks.</summary>
    private static bool IsAlgebra(ReadOnlySpan<char> c)
    {
        if (c.IsEmpty || c.ContainsAnyExcept(s_algebra))
        {
            return false;
        }

        var run = 0;
        foreach (var ch in c)
        {
            run = char.IsAsciiLetter(ch) ? run + 1 : 0;
            if (run > 2)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether the text is a file extension and nothing else: "Report (final) (1).pdf" is a copy's file name.</summary>
    private static bool IsFileExtension(ReadOnlySpan<char> after) =>
        after.Length is >= 3 and <= 9 && !after[1..].ContainsAnyExcept(s_fileExtension);

    /// <summary>Whether a word of prose follows at <paramref name="j"/> (after a closing backtick): a blank, then a letter.</summary>
    private static bool WordFollows(ReadOnlySpan<char> t, int j)
    {
        if (j < t.Length && t[j] == '`')
        {
            j++;
        }

        return j + 1 < t.Length && t[j] == ' ' && char.IsAsciiLetter(t[j + 1]);
    }

    private static void Functions(scoped ReadOnlySpan<char> t, ref FindingSink sink)
    {
        var i = 0;
        while (i < t.Length)
        {
            var p = WorkMeter.Next(t, ref i, '(');
            if (p < 0)
            {
                return;
            }


            // Walk back over whitespace and comments to the name.
            var e = p - 1;
            while (e >= 0 && t[e] is ' ' or '\t' or '\n' or '\r')
            {
                e--;
            }

            var spaced = e < p - 1;
            if (e < p - 1 && t[(e + 1)..p].IndexOfAny('\n', '\r') >= 0)
            {
                // "exec //comment\n (x)": a line comment between the name and its arguments.
                var lineStart = t[..(e + 1)].LastIndexOfAny('\n', '\r') + 1;
                var line = t[lineStart..(e + 1)];
                var cm = line.IndexOf("//");
                if (cm < 0)
                {
                    cm = line.IndexOf('#');
                }

                if (cm > 0)
                {
                    e = lineStart + cm - 1;
                    while (e >= 0 && t[e] is ' ' or '\t')
                    {
                        e--;
                    }
                }

                spaced = false;
            }

            if (e >= 1 && t[e] == '/' && t[e - 1] == '*')
            {
                var from = Math.Max(0, e - 257);
                var open = t[from..(e - 1)].LastIndexOf("/*");
                open = open < 0 ? -1 : from + open;
                if (open < 0)
                {
                    continue;
                }

                e = open - 1;
                while (e >= 0 && t[e] is ' ' or '\t')
                {
                    e--;
                }

                spaced = true;
            }

            var s = e;
            while (s >= 0 && (char.IsAsciiLetterOrDigit(t[s]) || t[s] == '_'))
            {
                s--;
            }

            var word = t[(s + 1)..(e + 1)];
            if (word.Length < 3)
            {
                continue;
            }

            var boundary = s < 0 || !char.IsAsciiLetterOrDigit(t[s]);
            var closeAt = Head(t[(p + 1)..], 256).IndexOf(')');
            if (closeAt < 0)
            {
                // "base64_decode(" without its arguments still names a decoder only attacks call.
                if (IsLongPhpFunction(word, out var l0) && l0 >= 9 && word.Contains('_') && p == t.TrimEnd().Length - 1)
                {
                    sink.Add(RuleKey.CodePhpFunctionCall, e + 1 - l0, p + 1 - (e + 1 - l0));
                }

                return;
            }

            var emptyArgs = t.Slice(p + 1, closeAt).Trim().IsEmpty;
            if (emptyArgs)
            {
                spaced = false;
            }

            if (emptyArgs && word is "system" or "exec" or "eval" or "assert" or "passthru" or "popen" or "shell_exec" or "proc_open" or "pcntl_exec"
                or "include" or "require" or "file" or "fopen" or "readfile" or "unserialize" or "chmod" or "unlink" or "symlink" or "chr" or "ord" or "substr"
                or "extract" or "parse_str" or "putenv" or "mkdir" or "rmdir" or "chdir" or "highlight_file" or "show_source" or "ini_set"
                && !spaced && s >= 0 && t[s] is ' ' or '`' && WordFollows(t, p + closeAt + 2))
            {
                // "paths with spaces break `exec()` in", "the system() call": these do nothing without arguments, so an empty call
                // between words is the function's name in a sentence. phpinfo() and getenv() run as they are and stay probes.
                continue;
            }

            if (s >= 0 && t[s] == '@' && t[(p + 1)..].TrimStart(' ').StartsWith("if"))
            {
                // GraphQL's "@include(if: $withFriends)" and "@skip(if: true)" directives.
                continue;
            }

            var arg = emptyArgs ? ')' : p + 1 < t.Length ? t[p + 1] : '\0';
            var strongArg = arg is ')' or '\'' or '"' or '$' or '@' || char.IsAsciiDigit(arg) || (arg is ' ' && spaced);
            if (IsLongPhpFunction(word, out var len) && (word.Length == len || !char.IsAsciiDigit(word[^(len + 1)])))
            {
                sink.Add(RuleKey.CodePhpFunctionCall, e + 1 - len, p + 1 - (e + 1 - len));
                return;
            }

            // PHP's function families and common built-ins, called with a closed argument list: curl_init(), posix_getegid(), substr($x).
            if (boundary && (IsPhpFamily(word) || word is "substr" or "printf" or "sprintf" or "intval" or "strrev" or "unpack" or "print_r" or "var_dump"
                    or "filegroup" or "fileowner" or "strip_tags" or "serialize" or "crc32" or "implode" or "explode" or "readline" or "system" or "exec"
                    or "eval" or "assert" or "passthru" or "popen" or "chr" or "ord" or "dl" or "die" or "extract" or "parse_str" or "putenv"
                    or "getenv" or "phpversion" or "php_uname" or "phpinfo" or "scandir" or "opendir" or "readdir" or "chmod"
                    or "unlink" or "symlink" or "tempnam" or "tmpfile" or "highlight_file" or "show_source")
                && !spaced && arg != ' ' && (word.Contains('_') || IsPhpFamily(word) || arg is ')' or '$' or '\'' or '"' || char.IsAsciiDigit(arg) || s < 0))
            {
                sink.Add(RuleKey.CodePhpFunctionCall, s + 1, p + 1 - (s + 1));
                return;
            }

            if (boundary && word is "eval" or "exec" or "system" or "assert" or "passthru" or "popen" or "chr" or "file" or "include" or "require"
                or "unserialize" or "phpinfo" or "shell_exec" or "proc_open" or "pcntl_exec" or "readfile" or "fopen" or "highlight_file"
                or "show_source" or "php_uname" or "getenv" or "putenv" or "ini_set" or "escapeshellcmd" or "chdir" or "mkdir" or "rmdir" or "unlink")
            {
                var prev = s >= 0 ? t[s] : '\0';
                if (strongArg || (prev is '@' or ';' or '(' or '\0' && arg != ' ') || (spaced && (prev is '\0' or '@' or ';')))
                {
                    sink.Add(RuleKey.CodePhpFunctionCall, s + 1, p + 1 - (s + 1));
                    return;
                }
            }
        }
    }

    /// <summary>
    /// PHP's is_* checks by name ("is_file", "is_readable", "is_callable"): the probes of a code injection; spreadsheet and
    /// Airtable formulas name their own ("IS_BEFORE({Created}, TODAY())", "IS_AFTER", "ISBLANK").
    /// </summary>
    private static bool IsPhpTypeCheck(ReadOnlySpan<char> w) =>
        w.StartsWith("is_") && w[3..] is "array" or "bool" or "callable" or "dir" or "file" or "executable" or "readable" or "writable" or "writeable"
            or "numeric" or "string" or "int" or "integer" or "long" or "null" or "object" or "link" or "uploaded_file" or "a" or "subclass_of" or "iterable"
            or "countable" or "float" or "double" or "resource" or "scalar" or "finite" or "infinite" or "nan";

    private static bool IsPhpFamily(ReadOnlySpan<char> w) =>
        w.Length > 5 && (w.Contains('_') || w[0] is 'g' or 'b' or 'f' or 'e') && (w.StartsWith("posix_") || w.StartsWith("curl_") || w.StartsWith("array_") || w.StartsWith("preg_") || w.StartsWith("mb_")
            || w.StartsWith("str_") || w.StartsWith("file_") || IsPhpTypeCheck(w) || w.StartsWith("zlib_") || w.StartsWith("proc_") || w.StartsWith("pcntl_")
            || w.StartsWith("stream_") || w.StartsWith("ini_") || w.StartsWith("ob_") || w.StartsWith("ftp_") || w.StartsWith("mysql_") || w.StartsWith("mysqli_")
            || w.StartsWith("pg_") || w.StartsWith("openssl_") || w.StartsWith("assert_") || w.StartsWith("func_") || w.StartsWith("call_")
            || w.StartsWith("get_") || w.StartsWith("set_") || w.StartsWith("session_") || w.StartsWith("shell_") || w.StartsWith("escapeshell")
            || w.StartsWith("gz") || w.StartsWith("bz") || w.StartsWith("fsock") || w.StartsWith("fput") || w.StartsWith("fget") || w.StartsWith("base64_"));

    private static bool IsLongPhpFunction(ReadOnlySpan<char> w, out int length)
    {
        if (w.Length < 5)
        {
            length = 0;
            return false;
        }

        var last = w[^1];
        foreach (var n in s_longPhpFunctions)
        {
            if (n[^1] == last && w.EndsWith(n))
            {
                length = n.Length;
                return n.Length >= 8 || w.Length == n.Length;
            }
        }

        length = 0;
        return false;
    }

    private static void ScriptFileName(scoped ReadOnlySpan<char> t, ref FindingSink sink)
    {
        // A bare file name (upload names, X-Filename) with a server-side script extension: a.php, shell.jsp.., a.phtml.
        if (t.Length > 96 || t.Contains("://", StringComparison.Ordinal))
        {
            return;
        }

        if (t.StartsWith('/'))
        {
            // "/load.php" is a request path, not an upload name.
            return;
        }

        var slash = t.LastIndexOfAny('/', '\\');
        var v = t[(slash + 1)..];
        if (v.IndexOfAny(s_notFileName) >= 0)
        {
            return;
        }

        v = v.TrimEnd(". \t");
        var dot = v.LastIndexOf('.');
        if (dot <= 0)
        {
            return;
        }

        var ext = v[(dot + 1)..].TrimStart(' ');
        var stem = v[..dot].TrimEnd(' ');
        if (stem.IsEmpty || stem.IndexOf(' ') >= 0 && stem.Length > 20)
        {
            return;
        }

        if (ext is "phtml" or "phar" or "pht" or "phps" or "phpt" or "jsp" or "jspx" or "jspf" or "shtml" or "cgi" or "asp" or "aspx" or "ashx" or "asmx" or "cfm"
            || (ext.StartsWith("php") && ext[3..].IndexOfAnyExcept(s_digits) < 0))
        {
            sink.Add(RuleKey.CodeScriptFileName, 0, t.Length);
        }

    }

    /// <summary>
    /// Whether a data URI carries a document in base64 ("data:application/pdf;base64,JVBERi0x..."): an upload, not a script for
    /// PHP's data:// wrapper. The engine decodes its payload like any base64 value, so PHP code inside still counts.
    /// </summary>
    private static bool IsDocumentDataUri(ReadOnlySpan<char> t)
    {
        if (Decoding.Base64Layer.DataUriPayload(t, out var type).IsEmpty)
        {
            return false;
        }

        return type.StartsWith("application/pdf") || type.StartsWith("application/octet-stream") || type.StartsWith("application/zip")
            || type.StartsWith("application/msword") || type.StartsWith("application/vnd.") || type.StartsWith("application/gzip");
    }

    /// <summary>
    /// Whether what follows a value-leading "process.env" is one variable's name with at most a fallback: the value is a
    /// setting that names where its value comes from ("process.env.CI_JOB_ID ?? ''"), not code that reads the environment.
    /// </summary>
    private static bool EnvironmentReference(ReadOnlySpan<char> r)
    {
        if (r.Length < 2 || r[0] != '.' || !(char.IsAsciiLetter(r[1]) || r[1] == '_'))
        {
            return false;
        }

        var end = 1;
        while (end < r.Length && (char.IsAsciiLetterOrDigit(r[end]) || r[end] == '_'))
        {
            end++;
        }

        var tail = r[end..].TrimStart(' ');
        if (tail.StartsWith("===") || tail.StartsWith("!=="))
        {
            tail = tail[3..];
        }
        else if (tail.StartsWith("==") || tail.StartsWith("!="))
        {
            tail = tail[2..];
        }
        else
        {
            return tail.IsEmpty || ((tail.StartsWith("??") || tail.StartsWith("||")) && tail[2..].TrimStart(' ').IndexOfAny(s_codeSyntax) < 0);
        }

        // A comparison with a literal ("process.env.NODE_ENV !== 'production'"), whatever prose follows it.
        tail = tail.TrimStart(' ');
        var close = tail.Length > 1 && tail[0] is '\'' or '"' ? tail[1..].IndexOf(tail[0]) : -1;
        return close >= 0 && tail[1..(close + 1)].IndexOfAny(s_codeSyntax) < 0;
    }

    /// <summary>
    /// Whether the code at <paramref name="at"/> is mentioned in a sentence (after a space, a backtick or a quote), with no
    /// template, substitution, call or concatenation opened before it ("why does `process.env.NODE_ENV !== 'production'`
    /// throw?"); "{{ process.env.SECRET }}" is a template's.
    /// </summary>
    private static bool QuotedInProse(ReadOnlySpan<char> t, int at) =>
        t[at - 1] is ' ' or '`' or '\'' or '"' && t[..at].IndexOfAny(s_openedCode) < 0;

    private static readonly SearchValues<char> s_openedCode = SearchValues.Create("{$(+=<[;");

    /// <summary>
    /// "module.exports" assigned something other than an object of its names ("module.exports=", "module.exports = x =>
    /// ..."), or with code that runs something beside it; a module exporting its functions ("module.exports = { run }") or
    /// the name in a question is no injection.
    /// </summary>
    private static bool ModuleExportsCode(ReadOnlySpan<char> t, in CharMask chars)
    {
        var at = t.IndexOf("module.exports");
        if (at < 0)
        {
            return false;
        }

        if (s_moduleCode.IndexOfAny(t, chars) >= 0)
        {
            return true;
        }

        var rest = t[(at + 14)..].TrimStart(' ');
        if (!rest.StartsWith('=') || rest.StartsWith("=="))
        {
            return false;
        }

        rest = rest[1..].TrimStart(' ');
        var close = rest.IndexOf('}');
        return !(rest.StartsWith('{') && close > 0 && !rest[1..close].ContainsAnyExcept(s_importNames));
    }

    // What makes "module.exports" code that runs something rather than a module exporting its names ("module.exports = { run }").
    private static readonly NeedleSet s_moduleCode = new(["require", "process", "function", "=>", "eval", "import(", "constructor", "child_process", "exec", "spawn", "fs."]);

    /// <summary>
    /// A CommonJS import and nothing else: "const { spawn } = require(\"node:child_process\");", "const fs = require('fs')".
    /// It binds names and runs nothing; PHP has no such destructuring, and what the module is used for would follow it.
    /// </summary>
    private static bool IsCommonJsImport(ReadOnlySpan<char> t)
    {
        var s = t.StartsWith("const ") ? t[6..] : t.StartsWith("let ") ? t[4..] : t.StartsWith("var ") ? t[4..] : default;
        var eq = s.IndexOf('=');
        if (eq < 1 || s.Length > 160)
        {
            return false;
        }

        var names = s[..eq].Trim(' ');
        if (names.IsEmpty || names.ContainsAnyExcept(s_importNames) || (names[0] == '{') != (names[^1] == '}'))
        {
            return false;
        }

        var rhs = s[(eq + 1)..].Trim(' ').TrimEnd(';').TrimEnd(' ');
        if (!rhs.StartsWith("require(") || !rhs.EndsWith(')'))
        {
            return false;
        }

        var arg = rhs[8..^1].Trim(' ');
        return arg.Length > 2 && arg[0] is '\'' or '"' && arg[^1] == arg[0] && !arg[1..^1].ContainsAnyExcept(s_moduleName);
    }

    private static readonly SearchValues<char> s_importNames = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789_${}, :");
    private static readonly SearchValues<char> s_moduleName = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789_-@/:.");

    /// <summary>
    /// Node's <c>child_process</c> module used in code: loaded ("_load('child_process')", "import('node:child_process')") or
    /// called on ("child_process.exec('id')"). Named in a docs link, a keyword list or an API reference
    /// ("nodejs.org/api/child_process.html", "bash, exec, child_process", "child_process.execFile -> None") it runs nothing.
    /// </summary>
    private static bool ChildProcessInCode(ReadOnlySpan<char> t)
    {
        var at = t.IndexOf("child_process");
        if (at < 0)
        {
            return false;
        }

        var after = t[(at + 13)..];
        return Head(after, 48).Contains('(') || (after.Length >= 2 && after[0] is '\'' or '"' or '`' && after[1] == ')');
    }

    private static void NodeAndJava(scoped ReadOnlySpan<char> t, ref FindingSink sink)
    {
        if (s_nodeStrings.IndexOfAny(t, sink.Chars) >= 0 || ContainsCall(t, "new function") || AnonymousFunction(t) || ChildProcessInCode(t)
            || ModuleExportsCode(t, sink.Chars))
        {
            sink.Add(RuleKey.CodeNodeInjection, 0, t.Length);
        }

        var proc = t.IndexOf("process");
        if (proc >= 0 && (proc == 0 || !char.IsAsciiLetterOrDigit(t[proc - 1])))
        {
            var r = t[(proc + 7)..];
            if (r.StartsWith('[') || (r.StartsWith(".env") && !((proc == 0 || QuotedInProse(t, proc)) && EnvironmentReference(r[4..]))) || r.StartsWith(".mainmodule") || r.StartsWith(".binding") || r.StartsWith(".dlopen")
                || r.StartsWith(".kill") || r.StartsWith(".exit") || r.StartsWith(".spawn") || r.StartsWith(".argv") || r.StartsWith(".cwd("))
            {
                sink.Add(RuleKey.CodeNodeInjection, proc, 8);
            }
        }

        // Groovy runs a string or a list as a command: "'id'.execute()", "['bash','-c','id'].execute().text", and fetches code
        // with @Grab (Jenkins script consoles and pipelines).
        var exec = t.IndexOf(".execute(");
        if (exec > 0 && t[exec - 1] is '"' or '\'' or ']')
        {
            sink.Add(RuleKey.CodeJavaGadget, exec, 9);
        }

        if (t.Contains("@grab(", StringComparison.Ordinal) || t.Contains("@grabresolver(", StringComparison.Ordinal))
        {
            sink.Add(RuleKey.CodeJavaGadget, 0, t.Length);
        }

        // .NET process start and assembly loading from text (C# scripting, PowerShell "[System.Diagnostics.Process]::Start(").
        var net = t.IndexOf("system.diagnostics.process");
        if (net >= 0)
        {
            var r = t[(net + 26)..];
            if (r.StartsWith(".start") || r.StartsWith("]::start") || r.StartsWith("startinfo"))
            {
                sink.Add(RuleKey.CodeDotNetInjection, net, t.Length - net);
            }
        }

        var cons = t.IndexOf("console");
        if (cons >= 0 && (cons == 0 || !char.IsAsciiLetterOrDigit(t[cons - 1])))
        {
            var r = t[(cons + 7)..];
            if (r.StartsWith('[') || ((r.StartsWith(".log") || r.StartsWith(".info") || r.StartsWith(".warn") || r.StartsWith(".error") || r.StartsWith(".debug")
                || r.StartsWith(".dir") || r.StartsWith(".trace")) && r.IndexOf('(') is >= 0 and < 16))
            {
                sink.Add(RuleKey.CodeNodeInjection, cons, 8);
            }
        }

        if (s_prototypeStrings.IndexOfAny(t, sink.Chars) >= 0)
        {
            sink.Add(RuleKey.CodePrototypePollution, 0, t.Length);
        }

        var java = t.IndexOf("java.");
        if (java >= 0 && (java == 0 || !char.IsAsciiLetterOrDigit(t[java - 1])) && !IsThrowableName(t[java..]))
        {
            var r = t[(java + 5)..];
            if (r.StartsWith("lang") || r.StartsWith("io.") || r.StartsWith("util.") || r.StartsWith("net.") || r.StartsWith("nio.")
                || r.StartsWith("beans.") || r.StartsWith("rmi.") || r.StartsWith("security.") || r.StartsWith("runtime") || r.StartsWith("processbuilder")
                || r.StartsWith("lang.") || r.StartsWith("sql.") || r.StartsWith("awt."))
            {
                sink.Add(RuleKey.CodeJavaClass, java, 9);
            }
        }

        if (t.StartsWith("data:") && t.Length > 6 && (t[5..].StartsWith("text/") || t[5..].StartsWith("application/")) && !t[5..].StartsWith("text/csv")
            && !IsDocumentDataUri(t))
        {
            sink.Add(RuleKey.CodeDataScheme, 0, 5);
        }

        if (s_javaStrings.IndexOfAny(t, sink.Chars) is var js and >= 0 && !IsThrowableName(t[js..]))
        {
            sink.Add(RuleKey.CodeJavaClass, 0, t.Length);
        }

        var pb = t.IndexOf("processbuilder");
        if (pb >= 0)
        {
            var r = t[(pb + 14)..];
            if (r.StartsWith('.') || r.StartsWith('(') || r.StartsWith("\"") || r.StartsWith("<") || pb > 0 && t[pb - 1] == '.')
            {
                sink.Add(RuleKey.CodeJavaGadget, pb, 14);
            }
        }

        if (s_gadgetStrings.IndexOfAny(t, sink.Chars) >= 0)
        {
            sink.Add(RuleKey.CodeJavaGadget, 0, t.Length);
        }

        var wl = t.IndexOf("while");
        if (wl >= 0)
        {
            var r = t[(wl + 5)..].TrimStart();
            var direct = t[(wl + 5)..].StartsWith('(');
            if (direct && !r.StartsWith("(!") && !r.StartsWith("(0)") && !r.StartsWith("(false)") && !r.StartsWith("(null)") && !r.StartsWith("(''")
                && !r.StartsWith("(\"\"") && !r.StartsWith("(undefined)") && !r.StartsWith("(nan)") && !r.StartsWith("()") && !ProseAfterLoop(r))
            {
                sink.Add(RuleKey.CodeJsLoop, wl, 6);
            }

            var neg = r.StartsWith("(!") ? r[2..].TrimStart() : default;
            var falsy = neg.StartsWith("false") || neg.StartsWith("0") || neg.StartsWith("-0") || neg.StartsWith("+0") || neg.StartsWith("''")
                || neg.StartsWith("\"\"") || neg.StartsWith("``") || neg.StartsWith("null") || neg.StartsWith("undefined") || neg.StartsWith("nan")
                || neg.StartsWith("[]") is false && neg.StartsWith("!");
            if ((falsy || r.StartsWith("(true)") || r.StartsWith("(1)") || r.StartsWith("(1==1)")) && !ProseAfterLoop(r))
            {
                sink.Add(RuleKey.CodeJsLoop, wl, 6);
            }
        }

        var sess = t.IndexOf("sess_");
        if (sess >= 0 && (sess == 0 || t[sess - 1] is '/' or '\\'))
        {
            var j = sess + 5;
            while (j < t.Length && (char.IsAsciiLetterOrDigit(t[j]) || t[j] == '-'))
            {
                j++;
            }

            if (j - sess - 5 >= 20 && j == t.Length)
            {
                sink.Add(RuleKey.CodePhpSessionFile, sess, j - sess);
            }
        }
    }

    private static bool AnonymousFunction(ReadOnlySpan<char> t)
    {
        var f = t.IndexOf("function");
        if (f < 0 || (f > 0 && char.IsAsciiLetterOrDigit(t[f - 1])))
        {
            return false;
        }

        var r = t[(f + 8)..].TrimStart();
        if (!r.StartsWith("()"))
        {
            return false;
        }

        var body = r[2..].TrimStart();
        if (!body.StartsWith('{'))
        {
            return false;
        }

        // A function that does something: a call or a loop in its body, or invoked where it is written. "function() { return 1; }"
        // in a code sample is a literal.
        var close = body.IndexOf('}');
        var inner = close < 0 ? body[1..] : body[1..close];
        return inner.Contains('(') || inner.Contains("while", StringComparison.Ordinal) || inner.Contains("for", StringComparison.Ordinal)
            || inner.Contains('`') || close < 0 || body[(close + 1)..].TrimStart(" )").StartsWith('(');
    }

    private static bool ContainsCall(ReadOnlySpan<char> t, ReadOnlySpan<char> name)
    {
        var i = t.IndexOf(name);
        if (i < 0)
        {
            return false;
        }

        var r = t[(i + name.Length)..].TrimStart();
        return r.StartsWith('(');
    }
}
