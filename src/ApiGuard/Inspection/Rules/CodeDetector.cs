using System.Buffers;

namespace ApiGuard.Inspection.Rules;

/// <summary>
/// Server-side code injection: PHP open tags, calls of PHP's code-execution and decoding functions (with comments and
/// whitespace between name and parenthesis), variable-function calls (<c>$a(</c>, <c>$__[x](</c>), superglobals, stream
/// wrappers, serialized objects, script file names in upload names; Node.js function/constructor tricks and prototype
/// pollution; Java runtime classes and deserialization gadget chains; infinite JS loops.
/// </summary>
internal static class CodeDetector
{
    private static readonly SearchValues<char> s_notFileName = SearchValues.Create("/\\:?=&<>");
    private static readonly SearchValues<char> s_gate = SearchValues.Create("(<$[{:_.;\"");

    private static readonly SearchValues<string> s_nodeWords = SearchValues.Create(
        ["_$$nd_func$$_", "__js_function", "this.constructor.constructor", "module.exports", "child_process", "process.mainmodule",
         "process.binding", "require(", "new function", "function(", "function (", "process.spawn", "process.kill", "process.exit(",
         "global.process", "constructor(", "__proto__", "constructor.prototype", "constructor[prototype]", "prototype[", "java.", "javax.",
         "com.sun.", "org.apache.commons", "com.opensymphony", "processbuilder", "getruntime", "transformer", "forclosure",
         "instantiatefactory", "closure", "ognl", "while(", "while (", "sess_", "xwork", "rmi://", "java:comp", "bsh.", "groovy.", "freemarker.", "org.springframework.", "clojure."],
        StringComparison.Ordinal);

    public static void Detect(scoped ReadOnlySpan<char> t, ValueSource source, ref FindingSink sink)
    {
        if (t.IndexOfAny(s_gate) < 0)
        {
            return;
        }

        Php(t, ref sink);
        ScriptFileName(t, ref sink);
        if (t.IndexOfAny(s_nodeWords) >= 0)
        {
            NodeAndJava(t, ref sink);
        }
    }

    private static void Php(scoped ReadOnlySpan<char> t, ref FindingSink sink)
    {
        var tag = t.IndexOf("<?");
        if (tag >= 0)
        {
            var r = t[(tag + 2)..];
            var code = r.StartsWith("php") ? r[3..] : r.StartsWith('=') ? r[1..] : r;
            var body = code.TrimStart();
            var php = (r.StartsWith("php") || r.StartsWith('=')) && body.Length > 0 && body.Length < code.Length + (r.StartsWith('=') ? 1 : 0);
            if (php || (r.StartsWith(' ') && body.Length > 0 && (body[0] == '$' || PhpCallAhead(body)))
                || (r.StartsWith("xml") && r.Length > 3 && !r[3..].TrimStart().StartsWith("version") && r[3..].TrimStart().IndexOfAny(":;(") is >= 0 and < 8))
            {
                sink.Add(RuleKey.CodePhpOpenTag, tag, Math.Min(5, t.Length - tag));
            }
        }

        if (t.Contains("[php]", StringComparison.Ordinal) || t.Contains("[/php]", StringComparison.Ordinal) || t.Contains("[\\php]", StringComparison.Ordinal)
            || t.Contains("{php}", StringComparison.Ordinal) || t.Contains("{/php}", StringComparison.Ordinal))
        {
            sink.Add(RuleKey.CodePhpBbTag, 0, t.Length);
        }

        // Stream wrappers.
        var w = t.IndexOf("://");
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

        // Serialized objects: O:8:"stdClass":0:{}  a:2:{i:0;...}
        for (var i = 0; i + 3 < t.Length; i++)
        {
            if (t[i] is 'o' or 'c' or 'a' && t[i + 1] == ':' && char.IsAsciiDigit(t[i + 2]) && (i == 0 || !char.IsAsciiLetterOrDigit(t[i - 1])))
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

                i = j;
            }
        }

        var dollar = t.IndexOf('$');
        if (dollar >= 0)
        {
            Variables(t, dollar, ref sink);
        }

        Functions(t, ref sink);

        // (system)('uname'), ('sys'.'tem')('id'), (x)/* c */('uname')
        var k = 0;
        while (k < t.Length)
        {
            var c = t[k..].IndexOf(')');
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
                var end = t[(q + 2)..].IndexOf("*/");
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
            var k = t[i..].IndexOf('$');
            if (k < 0)
            {
                return;
            }

            var p = i + k;
            i = p + 1;
            var j = p + 1;
            while (j < t.Length && t[j] == '$')
            {
                j++;
            }

            var ns = j;
            while (j < t.Length && (char.IsAsciiLetterOrDigit(t[j]) || t[j] == '_'))
            {
                j++;
            }

            var name = t[ns..j];
            if (name.IsEmpty)
            {
                continue;
            }

            if (name is "_server" or "_get" or "_post" or "_cookie" or "_request" or "_files" or "_env" or "_session" or "globals" or "http_raw_post_data"
                || name.StartsWith("http_") && name.EndsWith("_vars"))
            {
                sink.Add(RuleKey.CodePhpSuperglobal, p, j - p);
                return;
            }

            // $a(1), $$b(2), $__[o](4), $__['o'](5)
            var q = j;
            var guard = 0;
            while (q < t.Length && t[q] == '[' && guard++ < 4)
            {
                var close = t[q..].IndexOf(']');
                if (close < 2 || close > 32)
                {
                    break;
                }

                q += close + 1;
            }

            if (q < t.Length && t[q] == '(' && (name.Length <= 16))
            {
                sink.Add(RuleKey.CodePhpVariableCall, p, q + 1 - p);
                return;
            }

            i = Math.Max(i, j);
        }
    }

    private static void Functions(scoped ReadOnlySpan<char> t, ref FindingSink sink)
    {
        var i = 0;
        while (i < t.Length)
        {
            var k = t[i..].IndexOf('(');
            if (k < 0)
            {
                return;
            }

            var p = i + k;
            i = p + 1;

            // Walk back over whitespace and comments to the name.
            var e = p - 1;
            while (e >= 0 && t[e] is ' ' or '\t' or '\n' or '\r')
            {
                e--;
            }

            var spaced = e < p - 1;
            if (e >= 1 && t[e] == '/' && t[e - 1] == '*')
            {
                var open = t[..(e - 1)].LastIndexOf("/*");
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

            var closeAt = t[(p + 1)..].IndexOf(')');
            if (closeAt < 0)
            {
                return;
            }

            var boundary = s < 0 || !char.IsAsciiLetterOrDigit(t[s]);
            var arg = p + 1 < t.Length ? t[p + 1] : '\0';
            var strongArg = arg is ')' or '\'' or '"' or '$' or '@' || char.IsAsciiDigit(arg) || (arg is ' ' && spaced);
            if (IsLongPhpFunction(word, out var len) && (word.Length == len || !char.IsAsciiDigit(word[^(len + 1)])))
            {
                sink.Add(RuleKey.CodePhpFunctionCall, e + 1 - len, p + 1 - (e + 1 - len));
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

    private static bool IsLongPhpFunction(ReadOnlySpan<char> w, out int length)
    {
        ReadOnlySpan<string> names =
        [
            "base64_decode", "gzinflate", "gzuncompress", "gzdecode", "bzdecompress", "str_rot13", "call_user_func", "call_user_func_array",
            "fsockopen", "pfsockopen", "file_put_contents", "file_get_contents", "create_function", "shell_exec", "proc_open", "passthru",
            "preg_replace", "phpinfo", "move_uploaded_file", "stream_socket_client", "convert_uudecode", "hex2bin", "gzopen", "posix_getpwuid",
            "mb_ereg_replace", "array_map", "usort", "register_shutdown_function", "set_error_handler", "ob_start",
        ];
        foreach (var n in names)
        {
            if (w.EndsWith(n))
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
        if (t.Length > 64 || t.IndexOfAny(s_notFileName) >= 0)
        {
            return;
        }

        var v = t.TrimEnd(". \t");
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

        if (ext is "php" or "phtml" or "phar" or "pht" or "phps" or "jsp" or "jspx" or "jspf" or "php3" or "php4" or "php5" or "php6" or "php7" or "php8"
            or "shtml" or "cgi" or "asp" or "aspx" or "ashx" or "asmx" or "cfm")
        {
            sink.Add(RuleKey.CodeScriptFileName, 0, t.Length);
        }

        if (t.StartsWith("sess_") || t.Contains("/sess_", StringComparison.Ordinal) || t.Contains("\\sess_", StringComparison.Ordinal))
        {
            // handled below: needs a long session id
        }
    }

    private static void NodeAndJava(scoped ReadOnlySpan<char> t, ref FindingSink sink)
    {
        if (t.Contains("_$$nd_func$$_", StringComparison.Ordinal) || t.Contains("__js_function", StringComparison.Ordinal)
            || t.Contains("this.constructor.constructor", StringComparison.Ordinal) || t.Contains("module.exports", StringComparison.Ordinal)
            || t.Contains("child_process", StringComparison.Ordinal) || t.Contains("process.mainmodule", StringComparison.Ordinal)
            || t.Contains("process.binding", StringComparison.Ordinal) || t.Contains("process.spawn", StringComparison.Ordinal)
            || t.Contains("global.process", StringComparison.Ordinal) || t.Contains("require('", StringComparison.Ordinal)
            || t.Contains("require(\"", StringComparison.Ordinal) || ContainsCall(t, "new function") || AnonymousFunction(t)
            || t.Contains(".constructor(", StringComparison.Ordinal))
        {
            sink.Add(RuleKey.CodeNodeInjection, 0, t.Length);
        }

        if (t.Contains("__proto__", StringComparison.Ordinal) || t.Contains("constructor.prototype", StringComparison.Ordinal)
            || t.Contains("constructor[prototype]", StringComparison.Ordinal) || t.Contains("constructor['prototype']", StringComparison.Ordinal)
            || t.Contains("constructor[\"prototype\"]", StringComparison.Ordinal))
        {
            sink.Add(RuleKey.CodePrototypePollution, 0, t.Length);
        }

        var java = t.IndexOf("java.");
        if (java >= 0 && (java == 0 || !char.IsAsciiLetterOrDigit(t[java - 1])))
        {
            var r = t[(java + 5)..];
            if (r.StartsWith("lang") || r.StartsWith("io.") || r.StartsWith("util.") || r.StartsWith("net.") || r.StartsWith("nio.")
                || r.StartsWith("beans.") || r.StartsWith("rmi.") || r.StartsWith("security.") || r.StartsWith("runtime") || r.StartsWith("processbuilder")
                || r.StartsWith("lang.") || r.StartsWith("sql.") || r.StartsWith("awt."))
            {
                sink.Add(RuleKey.CodeJavaClass, java, 9);
            }
        }

        if (t.Contains("javax.", StringComparison.Ordinal) && (t.Contains("javax.script", StringComparison.Ordinal) || t.Contains("javax.naming", StringComparison.Ordinal)
                || t.Contains("javax.management", StringComparison.Ordinal))
            || t.Contains("com.sun.", StringComparison.Ordinal) || t.Contains("org.apache.commons.collections", StringComparison.Ordinal)
            || t.Contains("com.opensymphony.xwork2", StringComparison.Ordinal) || t.Contains("org.springframework.context", StringComparison.Ordinal)
            || t.Contains("runtime.getruntime", StringComparison.Ordinal) || t.Contains("getruntime()", StringComparison.Ordinal)
            || t.Contains("org.codehaus.groovy.runtime", StringComparison.Ordinal) || t.Contains("bsh.interpreter", StringComparison.Ordinal)
            || t.Contains("freemarker.template.utility", StringComparison.Ordinal) || t.Contains("java:comp/env", StringComparison.Ordinal))
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

        if (t.Contains("clonetransformer", StringComparison.Ordinal) || t.Contains("forclosure", StringComparison.Ordinal)
            || t.Contains("instantiatefactory", StringComparison.Ordinal) || t.Contains("instantiatetransformer", StringComparison.Ordinal)
            || t.Contains("invokertransformer", StringComparison.Ordinal) || t.Contains("prototypeclonefactory", StringComparison.Ordinal)
            || t.Contains("prototypeserializationfactory", StringComparison.Ordinal) || t.Contains("whileclosure", StringComparison.Ordinal)
            || t.Contains("chainedtransformer", StringComparison.Ordinal) || t.Contains("constanttransformer", StringComparison.Ordinal)
            || t.Contains("ognl.", StringComparison.Ordinal) || t.Contains("@ognl", StringComparison.Ordinal))
        {
            sink.Add(RuleKey.CodeJavaGadget, 0, t.Length);
        }

        var wl = t.IndexOf("while");
        if (wl >= 0)
        {
            var r = t[(wl + 5)..].TrimStart();
            var neg = r.StartsWith("(!") ? r[2..].TrimStart() : default;
            var falsy = neg.StartsWith("false") || neg.StartsWith("0") || neg.StartsWith("-0") || neg.StartsWith("+0") || neg.StartsWith("''")
                || neg.StartsWith("\"\"") || neg.StartsWith("``") || neg.StartsWith("null") || neg.StartsWith("undefined") || neg.StartsWith("nan")
                || neg.StartsWith("[]") is false && neg.StartsWith("!");
            if (falsy || r.StartsWith("(true)") || r.StartsWith("(1)") || r.StartsWith("(1==1)"))
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
        return r.StartsWith("()") && r[2..].TrimStart().StartsWith('{');
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
