using System.Buffers;
using System.Collections.Frozen;
using static ApiGuard.Inspection.Rules.Spans;

namespace ApiGuard.Inspection.Rules;

/// <summary>
/// OS command injection as shell structure: a command separator or substitution (<c>; | &amp; &amp;&amp; || $( ` ${ &lt;( </c>,
/// newline) followed by a command word (de-obfuscated: quotes, backslashes, <c>$@</c> removed; path prefixes and version
/// suffixes stripped) and its arguments; <c>${IFS}</c>; brace expansion that spells a command; shellshock; commands
/// at the start of a value with shell-shaped arguments; Windows <c>for</c>/<c>if</c>/<c>cmd</c>/PowerShell forms.
/// Words that are also English ("cat", "find", "time") need shell-shaped arguments.
/// </summary>
internal static class CommandDetector
{
    private static readonly SearchValues<char> s_shellMeta = SearchValues.Create("$|;&><");
    private static readonly SearchValues<char> s_chainChars = SearchValues.Create(";|&$`\n");

    // git configuration keys whose value git runs as a program.
    private static readonly string[] s_gitCommandKeys =
    [
        "core.sshcommand=", "core.pager=", "core.editor=", "core.fsmonitor=", "core.hookspath=", "core.gitproxy=",
        "protocol.ext.allow=", "credential.helper=", "diff.external=", "sequence.editor=", "uploadpack.packobjectshook=",
    ];

    private static readonly SearchValues<char> s_separators = SearchValues.Create(";|&`$\n\r<>{(");
    private const byte Strong = 1;
    private const byte Weak = 2;
    private const byte PowerShell = 3;

    private static readonly SearchValues<char> s_gate = SearchValues.Create(";|&`$\n\r(){}~!/%\\");
    private static readonly CharMask s_gateMask = CharMask.Set(";|&`$\n\r(){}~!/%\\");

    private static readonly FrozenDictionary<string, byte> s_commands = BuildCommands();
    private static readonly FrozenDictionary<string, byte>.AlternateLookup<ReadOnlySpan<char>> s_lookup = s_commands.GetAlternateLookup<ReadOnlySpan<char>>();
    private static readonly WordShapes s_shapes = new(s_commands.Keys);

    public static void Detect(scoped ReadOnlySpan<char> t, ref FindingSink sink)
    {
        if (sink.Chars.Has('{') && ShellEscape(t) is var escape and >= 0)
        {
            sink.Add(RuleKey.CmdiSubstitution, escape, t.Length - escape);
        }

        Leading(t, ref sink);
        OptionInjection(t, ref sink);
        WindowsIf(t, ref sink);
        if (!sink.Chars.HasAny(s_gateMask, t, s_gate))
        {
            return;
        }

        Span<char> word = stackalloc char[32];
        var i = 0;
        var hl7 = IsHl7Segment(t);
        var table = sink.Chars.Has('|') && sink.Chars.Has('-') && MarkdownProse.IsTable(t);
        // A table's cells are labels too, unless the value also chains or substitutes commands.
        var labels = (table && !sink.Chars.Has(';') && !t.Contains("&&", StringComparison.Ordinal) && !t.Contains("$(", StringComparison.Ordinal))
            || ((sink.Chars.Has('|') || sink.Chars.Has(';')) && IsLabelList(t));

        // The blank run the last command lookup skipped, and that lookup's strength: a line break inside the run would skip to
        // the same word, so it is judged again only by a stronger separator (which keeps "\n\n\n..." linear).
        var skippedTo = -1;
        var skippedStrength = 0;
        while (i < t.Length)
        {
            var k = t[i..].IndexOfAny(s_separators);
            WorkMeter.Scanned(k, t.Length - (i));
            if (k < 0)
            {
                break;
            }

            var p = i + k;
            var c = t[p];
            i = p + 1;
            var strength = 2; // 2: strong separator, 1: weak separator
            var start = p + 1;
            switch (c)
            {
                case '|' when hl7:
                    // An HL7 v2 segment ("PID|1||123^^^MRN||DOE^JOHN"): '|' separates fields.
                    continue;
                case '|' when table && MarkdownProse.IsCodeCell(t, start):
                    // "| `sort` | string | `-created` |": a Markdown table's cell of quoted code documents an option.
                    continue;
                case ';':
                case '|':
                    if (c == '|' && start < t.Length && t[start] == '|')
                    {
                        start++;
                    }

                    break;
                case '&' when IsLetterAbbreviation(t, p):
                    continue;
                case '&':
                    if (start < t.Length && t[start] == '&')
                    {
                        start++;
                    }
                    else
                    {
                        strength = 1;
                    }

                    break;
                case '\n':
                case '\r':
                    strength = 1;
                    break;
                case '`' when table && p > 0 && t[..p].TrimEnd(' ').EndsWith('|') && MarkdownProse.IsCodeCell(t, p):
                    // The code span of a table cell ("| `sort` |") is documented, not substituted.
                    i = p + 1 + t[(p + 1)..].IndexOf('`') + 1;
                    continue;
                case '`' when MarkdownProse.IsFencedBlock(t, p, out var fenceEnd):
                    // A fenced code block of documentation ("```bash\ncurl -s '...' | jq '.items'\n```") is shown, not run.
                    i = fenceEnd;
                    continue;
                case '`' when MarkdownProse.IsCodeSpanInProse(t, p, out var spanEnd):
                    // "I tried `npm ci && npm test` locally": what a sentence quotes, separators and all, is not run.
                    i = spanEnd + 1;
                    continue;
                case '`':
                    Backtick(t, p, word, ref sink);
                    continue;
                case '$':
                    if (Dollar(t, p, word, ref sink))
                    {
                        return;
                    }

                    continue;
                case '<':
                case '>':
                    if (start < t.Length && t[start] == '(')
                    {
                        var w0 = start + 1;
                        var wl0 = ReadWord(t, ref w0, word, out _, out _);
                        if (wl0 > 0 && Lookup(word[..wl0]) != 0 && w0 < t.Length && t[w0] is ')' or ' ')
                        {
                            sink.Add(RuleKey.CmdiSubstitution, p, w0 - p);
                            return;
                        }
                    }

                    continue;
                case '{':
                    Brace(t, p, word, ref sink);
                    continue;
                case '(':
                    if (t[..p].Trim().IsEmpty && (t[start..].StartsWith(") {") || t[start..].StartsWith("){")))
                    {
                        sink.Add(RuleKey.CmdiShellshock, p, 3);
                    }

                    continue;
            }

            if (start <= skippedTo && strength <= skippedStrength)
            {
                continue;
            }

            if (CommandAt(t, start, strength, labels, word, out var at, out var len, ref sink))
            {
                if (c == '|' && PipesIntoTextFilter(t, at, len))
                {
                    // "ps aux | grep node", "du -sh * | sort -h": piped into a filter of its input, which reads no file and
                    // runs nothing, the value gains the shell nothing (the command before the pipe is judged on its own).
                    continue;
                }

                sink.Add(RuleKey.CmdiSeparatorCommand, p, at + len - p);
                return;
            }

            skippedTo = at;
            skippedStrength = strength;
        }

        Windows(t, ref sink);
    }

    private static readonly SearchValues<char> s_filterSegmentEnd = SearchValues.Create(";|&\n\r`");
    private static readonly SearchValues<char> s_filterArgumentUnsafe = SearchValues.Create("/\\~<>$`(){}*?=");

    /// <summary>
    /// Whether the command at <paramref name="at"/> after a pipe is a filter of its standard input (wc, sort, uniq, head,
    /// grep, jq...) spelt plainly, whose arguments up to the next separator name no file or path, redirect, substitute or
    /// glob: "| wc -l", "| sort -h", "| grep node", "| jq .count". Not "| grep root /etc/passwd" (a file read); tee, xargs,
    /// awk and sed are not counted among the filters, since they write files or run programs.
    /// </summary>
    private static bool PipesIntoTextFilter(ReadOnlySpan<char> t, int at, int len)
    {
        if (t.Slice(at, len) is not ("wc" or "sort" or "uniq" or "head" or "tail" or "cut" or "tr" or "grep" or "egrep" or "fgrep" or "jq"
            or "column" or "fold" or "fmt" or "rev" or "tac" or "less" or "more"))
        {
            return false;
        }

        var rest = t[(at + len)..];
        var end = rest.IndexOfAny(s_filterSegmentEnd);
        var args = (end < 0 ? rest : rest[..end]).TrimEnd(' ');

        // A question mark that ends the sentence ("what does ls -la | wc -l do exactly?") globs nothing.
        return (args.EndsWith('?') ? args[..^1] : args).IndexOfAny(s_filterArgumentUnsafe) < 0;
    }

    /// <summary>Reads a command word at <paramref name="start"/> and judges it with its arguments.</summary>
    private static bool CommandAt(scoped ReadOnlySpan<char> t, int start, int strength, bool labels, scoped Span<char> word, out int at, out int len, ref FindingSink sink)
    {
        var i = start;
        while (i < t.Length && (t[i] is ' ' or '\t' or '{' or '(' || (t[i] is '\n' or '\r')))
        {
            i++;
        }

        WorkMeter.Add(i - start);

        var grouped = i > start && t[i - 1] == '(';

        // "$u wget": an unset variable in front of the command expands to nothing.
        if (i + 1 < t.Length && t[i] == '$' && char.IsAsciiLetter(t[i + 1]))
        {
            var v = i + 1;
            while (v < t.Length && char.IsAsciiLetterOrDigit(t[v]) && v - i < 4)
            {
                v++;
            }

            if (v < t.Length && t[v] == ' ')
            {
                i = v + 1;
            }
        }

        at = i;
        var wl = ReadWord(t, ref i, word, out var obfuscated, out var pathed);
        len = i - at;
        if (wl == 0 || (!obfuscated && i < t.Length && t[i] is '=' or '[' && at > 0 && t[at - 1] == '&'))
        {
            // "&expand[]=invoice", "&id=5": after '&' a name followed by '=' or '[' is a query parameter, not a command.
            return false;
        }

        if (strength == 2 && i < t.Length && t[i] is '?' or '*' && GlobbedCommand(t, at))
        {
            // "; ca? /e??/pa*wd", "`whoam?`", "| bas?": the shell expands the pattern to the command's path.
            return true;
        }

        var tier = Lookup(word[..wl]);
        if (tier == 0 || (word[..wl] is "at" && (IsStackFrame(t, i) || !AtTimeSpec(t, i))) || (strength == 1 && !obfuscated && LogLabelFollows(t, i)))
        {
            return false;
        }

        var arg = grouped && i < t.Length && t[i] == ')' ? Arg.End : ArgumentKind(t, i);
        if (arg == Arg.Switch)
        {
            arg = tier is Strong or PowerShell ? Arg.Flag : Arg.Other;
        }

        if (!obfuscated && !pathed && arg == Arg.Word && FunctionWordFollows(t, i))
        {
            // "; curl of the hose is too tight", "; echo from the tank gauge": the word is a noun of the sentence.
            return false;
        }

        if (labels && !obfuscated && !pathed && arg is Arg.End or Arg.Word && (IsValueEndOrItemEnd(t, i) || (arg == Arg.Word && PlainWordsToItemEnd(t, i))))
        {
            // "Salesforce Admin | ITIL v4 | PowerShell", "Swift; Bash scripting; AWS": a tool named in one item of a list of
            // labels, alone or with a word or two of its own.
            return false;
        }

        if (tier == PowerShell && arg != Arg.Word)
        {
            return true;
        }

        var shellArg = arg is Arg.Flag or Arg.Path or Arg.Variable or Arg.Redirect;
        var atEnd = IsValueEnd(t, i);
        if (obfuscated || pathed)
        {
            return true;
        }

        if (tier is Strong or PowerShell)
        {
            // "salt & python is nice": a tool name followed by prose after a weak separator is not a command line; nor is an
            // interpreter named last ("JS & Python"), which does nothing without a program.
            if (atEnd && strength == 1 && !shellArg && IsInterpreter(word[..wl]))
            {
                return false;
            }

            if (shellArg || atEnd || arg is Arg.Command || (strength == 2 && arg is Arg.End or Arg.Quoted or Arg.Word)
                || (arg is Arg.End or Arg.Other && IsReconCommand(word[..wl]) && NextIsSeparator(t, i))
                || (word[..wl] is "nslookup" or "dig" && arg == Arg.Word && DottedHostFollows(t, i)))
            {
                // Also "report.csv & whoami & ": a command between two separators; "\nnslookup x.attacker.example": a lookup
                // of a host, the out-of-band probe.
                return true;
            }

            sink.Add(RuleKey.CmdiSeparatorWeakCommand, at, len);
            return false;
        }

        if (arg == Arg.Quoted && QuotedThenProse(t, i))
        {
            // "...; file 'stmt_402844.csv' empty.": a quoted name inside a sentence that goes on in words.
            return false;
        }

        // Words that are also English or locale codes ("time", "id", "nl", "touch") need a shell-shaped argument or the
        // value's end right after a strong separator (";id", "|ps").
        if (shellArg || (atEnd && strength == 2) || (arg is Arg.Command or Arg.Quoted && strength == 2) || (grouped && arg == Arg.End)
            || (((atEnd && word[..wl] is "id" or "ls" or "ps" or "pwd") || (IsDelay(word[..wl]) && NumberThenEnd(t, i))) && AfterOneTokenLine(t, start))
            || (strength == 2 && arg == Arg.End && EndsCommand(t, i)) || (strength == 2 && IsDelay(word[..wl]) && NumberThenEnd(t, i)))
        {
            // Also ";id #", ";id|x": the word alone before a comment or pipe; ";sleep 10": a delay.
            return true;
        }

        sink.Add(RuleKey.CmdiSeparatorWeakCommand, at, len);
        return false;
    }

    /// <summary>Commands an attacker runs bare to learn where the injection landed ("whoami", "uname", "ipconfig").</summary>
    private static bool IsReconCommand(ReadOnlySpan<char> w) =>
        w is "whoami" or "id" or "uname" or "hostname" or "ifconfig" or "ipconfig" or "netstat" or "pwd" or "printenv" or "systeminfo"
            or "tasklist" or "getmac" or "ver";

    /// <summary>Whether a duration follows ("timeout 5 sh", "timeout 7s id", "timeout -s 9 10 x"): what timeout(1) takes first.</summary>
    private static bool DurationFollows(ReadOnlySpan<char> t, int i)
    {
        var r = t[i..].TrimStart(' ');
        return !r.IsEmpty && (char.IsAsciiDigit(r[0]) || r[0] == '-');
    }

    /// <summary>
    /// Whether the quoted argument at <paramref name="i"/> holds one plain name (no blank, path, variable or substitution) and the value
    /// goes on after it in words only, to its end: "file 'stmt_402844.csv' empty.".
    /// </summary>
    private static bool QuotedThenProse(ReadOnlySpan<char> t, int i)
    {
        var r = t[i..].TrimStart(' ');
        var close = r.Length > 1 ? r[1..].IndexOf(r[0]) : -1;
        if (close < 1 || r[1..(close + 1)].IndexOfAny(s_quotedUnsafe) >= 0)
        {
            return false;
        }

        var tail = r[(close + 2)..].Trim(' ').TrimEnd(".!?");
        return !tail.IsEmpty && !tail.ContainsAnyExcept(s_proseTail);
    }

    private static readonly SearchValues<char> s_quotedUnsafe = SearchValues.Create(" \t/\\$`;|&<>(){}");
    private static readonly SearchValues<char> s_proseTail = SearchValues.Create("abcdefghijklmnopqrstuvwxyz ,'");

    /// <summary>Whether one to three words of letters run from <paramref name="i"/> to the end of the list item (';', '|' or the end).</summary>
    private static bool PlainWordsToItemEnd(ReadOnlySpan<char> t, int i)
    {
        var rest = t[i..];
        var end = rest.IndexOfAny(';', '|');
        var item = (end < 0 ? rest : rest[..end]).Trim(' ');
        return !item.IsEmpty && item.Length <= 32 && !item.ContainsAnyExcept(s_plainWords) && item.Count(' ') <= 2;
    }

    private static readonly SearchValues<char> s_plainWords = SearchValues.Create("abcdefghijklmnopqrstuvwxyz ");

    private static bool NextIsSeparator(ReadOnlySpan<char> t, int i)
    {
        var r = t[i..].TrimStart(' ');
        return !r.IsEmpty && r[0] is '&' or ';' or '|';
    }

    /// <summary>Whether the next word is a host name with a dot ("attacker.example", "x.oast.fun").</summary>
    private static bool DottedHostFollows(ReadOnlySpan<char> t, int i)
    {
        var r = t[i..].TrimStart(' ');
        var end = r.IndexOfAny(s_hostEnd);
        var host = end < 0 ? r : r[..end];
        var dot = host.IndexOf('.');
        return dot > 0 && dot < host.Length - 1 && !host.ContainsAnyExcept(s_hostChars);
    }

    private static readonly SearchValues<char> s_hostChars = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789.-_");
    private static readonly SearchValues<char> s_hostEnd = SearchValues.Create(" \t\n;");

    private static bool IsValueEndStrict(ReadOnlySpan<char> t, int i) => t[i..].Trim().IsEmpty;

    private static bool IsValueEnd(ReadOnlySpan<char> t, int i)
    {
        // Iterative: ";;;;..." after a word must not recurse once per semicolon (a megabyte of them overflowed the stack).
        while (true)
        {
            while (i < t.Length && t[i] is ' ' or '\t' or '\'' or '"')
            {
                i++;
            }

            if (i >= t.Length || t[i] is '\n' or '\r' or '|' or '`')
            {
                return true;
            }

            if (t[i] != ';')
            {
                return t[i] == '&' && i + 1 < t.Length && t[i + 1] == '&';
            }

            i++;
        }
    }

    private enum Arg
    {
        End,
        Switch,
        Flag,
        Path,
        Variable,
        Redirect,
        Quoted,
        Word,
        Command,
        Other,
    }

    /// <summary>The most shell-like of the next few arguments ("ansible all -m ping" has a flag in third place).</summary>
    private static Arg ArgumentKind(ReadOnlySpan<char> t, int i)
    {
        var first = SingleArgument(t, i);
        if (first is not (Arg.Word or Arg.Command))
        {
            return first;
        }

        var j = i;
        for (var n = 0; n < 3; n++)
        {
            while (j < t.Length && t[j] is ' ' or '\t')
            {
                j++;
            }

            while (j < t.Length && t[j] is not (' ' or '\t' or ';' or '|' or '&' or '\n'))
            {
                j++;
            }

            var next = SingleArgument(t, j);
            while (j < t.Length && t[j] is ' ' or '\t')
            {
                j++;
            }

            if (next == Arg.Flag && j < t.Length && t[j] == '+')
            {
                // "script font stencil +navy": a search's required term; '+' options ("set +x") come first.
                next = Arg.Word;
            }

            if (next is Arg.Flag or Arg.Variable or Arg.Redirect || (next == Arg.Path && j < t.Length && t[j] is '/' or '~' or '.'))
            {
                return next;
            }

            if (next is not (Arg.Word or Arg.Command))
            {
                break;
            }
        }

        return first;
    }

    private static Arg SingleArgument(ReadOnlySpan<char> t, int i)
    {
        var spaced = false;
        while (i < t.Length && t[i] is ' ' or '\t')
        {
            i++;
            spaced = true;
        }

        if (i >= t.Length)
        {
            return Arg.End;
        }

        var c = t[i];
        var n = i + 1 < t.Length ? t[i + 1] : '\0';
        switch (c)
        {
            case ';' or '|' or '&' or '\n' or '\r' or '`' or '#':
                return Arg.End;
            case '-' when n == '-' && (i + 2 >= t.Length || t[i + 2] is ' ' or '\t'):
                // A bare "--": the end of options, or prose's dash ("terrible -- never again"); what follows decides.
                return Arg.Word;
            case '-' or '+' when char.IsAsciiLetter(n) || n == '-':
                return spaced ? Arg.Flag : Arg.Other;
            case '[' when n == '"':
                // CMD ["node", "server.js"]: a JSON array (a Dockerfile's exec form), not a glob.
                return Arg.Word;
            case '/' when spaced || n == '/':
                return Arg.Path;
            case '/' when char.IsAsciiLetter(n) && AlternativeCommand(t, i + 1):
                // "Bash/Zsh": two tools named as alternatives, not a switch.
                return Arg.Word;
            case '/' when char.IsAsciiLetter(n):
                return Arg.Switch;
            case '~' or '.' when n == '/' || (c == '.' && n == '.'):
                return Arg.Path;
            case '$' or '%':
                return Arg.Variable;
            case '<' when IsMarkupTag(t, i):
                // "exec pay &amp; more</li>": an HTML tag after the words, not input read from a file.
                return Arg.Other;
            case '>' or '<' when RedirectTarget(t, i):
                return Arg.Redirect;
            case '>' or '<':
                // "| Next > | Last >>": an arrow of pagination text, redirecting into nothing.
                return Arg.Other;
            case '\'' or '"':
                return Arg.Quoted;
            case '{' or '[' or '*' or '?':
                return Arg.Path;
        }

        if (char.IsAsciiLetterOrDigit(c) && spaced)
        {
            var j = i;
            while (j < t.Length && (char.IsAsciiLetterOrDigit(t[j]) || t[j] is '-' or '_' or '.'))
            {
                j++;
            }

            var w = t[i..j];
            if (w.Length <= 16 && Lookup(w.TrimEnd('.')) is Strong or PowerShell && w is not ("w" or "at"))
            {
                return Arg.Command;
            }

            // Paths like "c:\", "etc/passwd" or a URL.
            if (j < t.Length && (t[j] == '/' || (t[j] == ':' && j + 1 < t.Length && t[j + 1] is '\\' or '/')))
            {
                return Arg.Path;
            }

            return Arg.Word;
        }

        return Arg.Other;
    }

    /// <summary>Reads a command word, removing shell quoting tricks; returns its folded length (0 if none).</summary>
    /// <summary>
    /// Whether the word ends at a shell comment, pipe or backtick (after blanks): ";id #", ";id|x". Not at ';' or '&amp;':
    /// "Windows NT 6.0; nl; rv:1.9" lists words between semicolons.
    /// </summary>
    private static bool EndsCommand(ReadOnlySpan<char> t, int i)
    {
        while (i < t.Length && t[i] is ' ' or '\t')
        {
            i++;
        }

        // '#' starts a comment only before a blank or the end: "id #42" and "id #tag" are a number sign and a hashtag.
        return i < t.Length && (t[i] is '|' or '`' || (t[i] == '#' && (i + 1 == t.Length || t[i + 1] is ' ' or '\t' or '\n')));
    }

    private static bool IsDelay(ReadOnlySpan<char> word) => word is "sleep" or "timeout" or "ping";

    /// <summary>Whether one number (a delay, a count) and then the value's end or a separator follow: ";sleep 10", "|ping -c 5".</summary>
    private static bool NumberThenEnd(ReadOnlySpan<char> t, int i)
    {
        while (i < t.Length && t[i] is ' ' or '\t')
        {
            i++;
        }

        var start = i;
        while (i < t.Length && (char.IsAsciiDigit(t[i]) || t[i] == '.'))
        {
            i++;
        }

        if (i == start || (i < t.Length && char.IsAsciiLetter(t[i])))
        {
            return false;
        }

        // "sleep 9;#", "sleep 9|x", "sleep 9&&": the delay is a command of its own, followed by the next.
        return IsValueEnd(t, i) || EndsCommand(t, i) || (i < t.Length && t[i] is ';' or '|' or '&');
    }

    /// <summary>
    /// Whether what follows "at" is a stack frame as .NET and Java print them ("at Shop.Orders.Submit(Order o) in ...",
    /// "at com.example.Foo.bar(Foo.java:10)"): a dotted member name and its parameter list, not the at scheduler's time spec.
    /// </summary>
    private static bool IsStackFrame(ReadOnlySpan<char> t, int i)
    {
        while (i < t.Length && t[i] == ' ')
        {
            i++;
        }

        var start = i;
        var dots = 0;
        while (i < t.Length && i - start < 256 && (char.IsAsciiLetterOrDigit(t[i]) || t[i] is '_' or '.' or '$' or '<' or '>' or '`' or '[' or ']' or ','))
        {
            dots += t[i] == '.' ? 1 : 0;
            i++;
        }

        return dots > 0 && i > start && i < t.Length && t[i] == '(' && char.IsAsciiLetter(t[start]);
    }

    /// <summary>Whether the apostrophe at <paramref name="quote"/> ends a word as an English contraction: 'd 's 't 'll 're 've 'm.</summary>
    private static bool IsContraction(ReadOnlySpan<char> t, int quote)
    {
        var k = quote + 1;
        while (k < t.Length && char.IsAsciiLetter(t[k]) && k - quote <= 3)
        {
            k++;
        }

        if (k < t.Length && (char.IsAsciiLetterOrDigit(t[k]) || t[k] is '\'' or '"' or '\\' or '$' or '`'))
        {
            return false;
        }

        return t[(quote + 1)..k] is "d" or "s" or "t" or "ll" or "re" or "ve" or "m";
    }

    private static int ReadWord(ReadOnlySpan<char> t, ref int i, Span<char> word, out bool obfuscated, out bool pathed)
    {
        obfuscated = false;
        pathed = false;
        var w = 0;
        var start = i;
        while (i < t.Length && i - start < 64)
        {
            var c = t[i];
            if (char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or '+')
            {
                if (w < word.Length)
                {
                    word[w++] = c;
                }

                i++;
                continue;
            }

            if (c is '\'' or '"' && w > 0 && i + 1 < t.Length && (char.IsAsciiLetter(t[i + 1]) || (t[i + 1] is '\'' or '"' && i + 2 < t.Length && char.IsAsciiLetter(t[i + 2]))))
            {
                if (c == '\'' && !obfuscated && IsContraction(t, i))
                {
                    // "I'd", "who'll", "it's": an English contraction is a word of prose, never a quoted-apart command.
                    w = 0;
                    break;
                }

                obfuscated = true;
                i++;
                continue;
            }

            if (c is '\'' or '"' && w == 0 && i + 1 < t.Length && char.IsAsciiLetter(t[i + 1]))
            {
                i++;
                continue;
            }

            if (c == '^' && w > 0 && i + 1 < t.Length && char.IsAsciiLetter(t[i + 1]))
            {
                // "w^h^o^a^m^i": cmd.exe drops the caret, its escape character.
                obfuscated = true;
                i++;
                continue;
            }

            if (c == '\\' && i + 1 < t.Length && char.IsAsciiLetter(t[i + 1]) && (w > 0 || i == start))
            {
                // "wh\oami", and "\ls" which bypasses shell aliases.
                obfuscated = true;
                i++;
                continue;
            }

            if (c == '$' && i + 1 < t.Length && (t[i + 1] is '@' or '*' || (char.IsAsciiDigit(t[i + 1]) && i + 2 < t.Length && char.IsAsciiLetter(t[i + 2]))) && w > 0)
            {
                // "w$@hoami", "wh$1oami": positional parameters, empty in a "sh -c" string, split a command's name.
                obfuscated = true;
                i += 2;
                continue;
            }

            if (c == '/' && w > 0 && Lookup(word[..Math.Min(w, word.Length)]) != 0 && !(word[..Math.Min(w, word.Length)] is "bin" or "sbin"))
            {
                // "bcdboot/r": a Windows switch after the command.
                break;
            }

            if (c is '/' or '\\')
            {
                // A path: keep only the last segment ("/usr/bin/python3" -> "python3"); only binary directories count.
                var segment = word[..Math.Min(w, word.Length)];
                pathed = segment is "bin" or "sbin" or "system32" or "syswow64" || (pathed && w == 0);
                w = 0;
                i++;
                continue;
            }

            if (c is '\'' or '"' && w > 0)
            {
                i++;
                break;
            }

            break;
        }

        var result = word[..w].TrimEnd('.');
        if (pathed && result.Length > 0 && Lookup(result) == 0)
        {
            pathed = false;
        }

        return result.Length;
    }

    private static bool Listed(ReadOnlySpan<char> w, out byte tier)
    {
        tier = 0;
        return s_shapes.MayContain(w) && s_lookup.TryGetValue(w, out tier);
    }

    private static byte Lookup(ReadOnlySpan<char> w)
    {
        if (w.IsEmpty)
        {
            return 0;
        }

        if (Listed(w, out var tier))
        {
            return tier;
        }

        // Version suffixes of interpreters and tools that install them side by side: python3, python3.10, php7.4, wget2.
        // Windows extensions: cmd.exe, powershell.exe. (".NET's "net8.0" is a target framework, not the net command.)
        var trimmed = w.TrimEnd("0123456789.");
        if (trimmed.Length >= 3 && trimmed.Length < w.Length && trimmed is not "net" && Listed(trimmed, out tier))
        {
            return tier;
        }

        if (w.EndsWith(".exe") && Listed(w[..^4], out tier))
        {
            return Strong;
        }

        // Tool families: ansible-playbook, chef-client, rmt-tar.
        var dash = w.IndexOf('-');
        if (dash >= 3 && Listed(w[..dash], out tier) && w[..dash] is "ansible" or "chef" or "rmt" or "python" or "perl" or "php" or "ruby" or "node")
        {
            return Strong;
        }

        return 0;
    }

    /// <summary>
    /// Whether the path argument at <paramref name="i"/> is one segment under no system root followed by more words: "cat /dog
    /// food" is a search; "cat /etc/passwd", "ls /tmp", "cd ~/x" and "rm -rf /" name the file system.
    /// </summary>
    private static bool IsOneWordPathInProse(ReadOnlySpan<char> t, int i)
    {
        var a = t[i..].TrimStart(' ');
        if (!a.StartsWith('/'))
        {
            return false;
        }

        var end = a.IndexOfAny(' ', '\t');
        if (end < 0)
        {
            return false;
        }

        var segment = a[1..end];
        return segment.Length > 0 && !segment.ContainsAny('/', '\\', '.') && !IsSystemRoot(segment);
    }

    private static bool IsSystemRoot(ReadOnlySpan<char> s) =>
        s is "etc" or "proc" or "var" or "home" or "root" or "tmp" or "dev" or "usr" or "bin" or "sbin" or "opt" or "sys" or "boot" or "srv" or "mnt"
            or "lib" or "lib64" or "run" or "media" or "windows" or "users";

    private static void Leading(scoped ReadOnlySpan<char> t, ref FindingSink sink)
    {
        // ">/tmp/x", ">> ~/.bashrc": the value starts with an output redirection into a path.
        var red = t.TrimStart(' ');
        if (red.StartsWith('>'))
        {
            var target = red.TrimStart('>').TrimStart(' ');
            if (target.StartsWith('/') || target.StartsWith("~/"))
            {
                sink.Add(RuleKey.CmdiSeparatorCommand, 0, t.Length);
                return;
            }
        }

        var s = t.TrimStart(" \t\r\n'\"");
        var offset = t.Length - s.Length;
        if (s.IsEmpty || !(char.IsAsciiLetter(s[0]) || s[0] is '/' or '\\' or '$' or '.'))
        {
            return;
        }

        // $SHELL -c, ${SHELL}
        if (s.StartsWith("$shell") || s.StartsWith("${shell}"))
        {
            sink.Add(RuleKey.CmdiLeadingCommand, offset, 6);
            return;
        }

        if (s.StartsWith("alias ") && s.IndexOf('=') > 0)
        {
            sink.Add(RuleKey.CmdiAlias, offset, 5);
            return;
        }

        if (offset > 0 && t[offset - 1] is '"' or '\'' && QuotedPhrase(t, offset - 1))
        {
            // "\"cat adoption rates\" -opinion": a search's quoted phrase; a shell would look for a program of that whole name.
            return;
        }

        Span<char> word = stackalloc char[32];
        var i = offset;
        var wl = ReadWord(t, ref i, word, out var obfuscated, out var pathed);
        if (wl == 0)
        {
            return;
        }

        var w = word[..wl];
        var tier = Lookup(w);
        var read = t[offset..i];
        if (tier != 0 && !pathed && read.Length > wl && read.IndexOfAny('/', '\\') > 0 && read[0] is not ('.' or '~'))
        {
            // "home/cmd/set", "fleet14/+/cmd/set": a segment of a relative path (a topic, a route), not a command run from a
            // binary directory.
            return;
        }

        if (tier == 0)
        {
            var slash = t[offset..i];
            if (slash.StartsWith("bin/") || slash.StartsWith("/bin/") || slash.StartsWith("/usr/bin/") || slash.StartsWith("/sbin/")
                || slash.StartsWith("/usr/sbin/") || slash.StartsWith("/usr/local/bin/"))
            {
                sink.Add(RuleKey.CmdiBinaryPath, offset, i - offset);
            }

            return;
        }

        if (pathed)
        {
            sink.Add(RuleKey.CmdiBinaryPath, offset, i - offset);
            return;
        }

        if (LogLabelFollows(t, i))
        {
            // "npm ERR! peer react@\">=16.8 <19\"": a tool's log line, labelled after the tool's name, not a command typed.
            return;
        }

        var arg = ArgumentKind(t, i);
        if (arg is Arg.Switch or Arg.Path && SentenceAfterSwitch(t, i))
        {
            // "ipconfig /all shows DNS suffix 'corp.local' and IPv4 10.0.0.7": a ticket telling what a command printed.
            return;
        }

        if (arg == Arg.Switch)
        {
            arg = tier is Strong or PowerShell ? Arg.Flag : Arg.Other;
        }

        if (tier == PowerShell && arg is not (Arg.End or Arg.Word))
        {
            // "powershell -enc ...", "iex (new-object ...)"; "powershell vs cmd" is a search.
            sink.Add(RuleKey.CmdiPowerShell, offset, i - offset);
            return;
        }

        if (w is "timeout" && !DurationFollows(t, i))
        {
            // "Timeout after 7s calling /v1/payments/...": an error message; timeout(1) takes its duration first.
            return;
        }

        if (tier == Strong && arg == Arg.End && IsInterpreter(w) && ProseAfterAmpersand(t, i))
        {
            // "Python & chill. Admins: ...": a language named in prose, not "python &" sent to the background.
            return;
        }

        if ((tier == Strong && (arg is Arg.Flag or Arg.Path or Arg.Variable or Arg.Redirect or Arg.Command || (arg == Arg.End && !IsValueEndStrict(t, i))))
            || (tier == Weak && arg is Arg.Command or Arg.Flag && w is not ("set" or "type" or "more" or "less" or "last" or "head" or "tail" or "date"))
            || (tier == Weak && arg is Arg.Path && w is "cat" or "ls" or "tac" or "cd" or "more" or "less" or "head" or "tail" or "find" or "rm" or "cp" or "mv"
                && !IsOneWordPathInProse(t, i))
            || (obfuscated && arg != Arg.Word))
        {
            sink.Add(RuleKey.CmdiLeadingCommand, offset, i - offset);
        }
    }

    /// <summary>
    /// Whether the Windows switch after the command at <paramref name="i"/> is followed by a sentence: three or more plain words,
    /// one of them a word only prose uses ("shows", "and", "the"), before any shell operator. "wmic /node:x process call create
    /// calc" and "ipconfig /all &amp; whoami" are commands.
    /// </summary>
    private static bool SentenceAfterSwitch(ReadOnlySpan<char> t, int i)
    {
        var rest = t[i..].TrimStart(' ');
        var space = rest.IndexOf(' ');
        if (space < 2 || rest[0] != '/' || rest[1..space].ContainsAnyExceptInRange('a', 'z'))
        {
            // A switch is a slash and letters ("/all"); "/etc/passwd" is a path.
            return false;
        }

        var words = 0;
        var prose = false;
        var tail = rest[(space + 1)..];
        foreach (var range in tail.Split(' '))
        {
            var token = tail[range];
            if (token.IndexOfAny(s_shellOperators) >= 0)
            {
                return false;
            }

            if (token.Length > 0 && !token.ContainsAnyExceptInRange('a', 'z'))
            {
                words++;
                prose |= token is "the" or "and" or "but" or "shows" or "show" or "showed" or "is" or "are" or "was" or "says" or "still" or "only"
                    or "with" or "for" or "of" or "my" or "our" or "it" or "not" or "returns" or "gives";
            }

            if (words >= 12)
            {
                break;
            }
        }

        return words >= 3 && prose;
    }

    private static readonly SearchValues<char> s_shellOperators = SearchValues.Create("&|;<>$`\n");

    /// <summary>Whether a log level labels the line after the command word: "npm ERR! ...", "pip error: ...".</summary>
    private static bool LogLabelFollows(ReadOnlySpan<char> t, int i)
    {
        if (i >= t.Length || t[i] != ' ')
        {
            return false;
        }

        var j = i + 1;
        var start = j;
        while (j < t.Length && j - start <= 8 && char.IsAsciiLetter(t[j]))
        {
            j++;
        }

        return j < t.Length && t[start..j] is "err" or "error" or "warn" or "warning" or "notice" or "info" or "fatal" or "debug"
            && t[j] is '!' or ':' && (j + 1 == t.Length || t[j + 1] is ' ' or '\n');
    }

    /// <summary>
    /// Whether the command at <paramref name="start"/> opens a line that follows a single token ("127.0.0.1\nid", "x\nsleep 10",
    /// or nothing at all: "\nid"): a value that a newline turned into a second command. After a line of prose ("Arrival\ndate"
    /// is two words, and "Thanks, see you\nid" has blanks) a word on its own line is text.
    /// </summary>
    private static bool AfterOneTokenLine(ReadOnlySpan<char> t, int start)
    {
        var b = start - 1;
        if (b < 0 || t[b] is not ('\n' or '\r'))
        {
            return false;
        }

        // The line before (read no further back than a one-token line can reach, so every separator costs constant work).
        var before = t[Math.Max(0, b - 66)..b].TrimEnd("\r\n");
        return b <= 66 && before.Length <= 64 && before.IndexOfAny(' ', '\t', '\n') < 0 && (before.IsEmpty || !IsProseLabel(before));
    }

    // A lone word of letters before the line break is a label or a heading ("Name\nid"); an address, a number or a file name
    // ("127.0.0.1", "x", "a.txt") is the value an injection was appended to.
    private static bool IsProseLabel(ReadOnlySpan<char> s) => s.Length > 1 && !s.ContainsAnyExceptInRange('a', 'z');

    /// <summary>
    /// Argument injection through an option that runs a command: ssh's "-oProxyCommand=..." (also reached through git and scp)
    /// and git's "--upload-pack=" / "--receive-pack=" when a value is passed to the tool as an argument.
    /// </summary>
    /// <summary>
    /// Where a document language runs a shell command, or -1: TeX's "\\write18{id}" and "\\input{|\"id\"}" (a pipe as the file
    /// to read), and Exim's string expansion "${run{/bin/sh -c id}}".
    /// </summary>
    private static int ShellEscape(ReadOnlySpan<char> t)
    {
        var w = t.IndexOf("write18", StringComparison.Ordinal);
        if (w >= 0 && t[(w + 7)..].TrimStart(' ').StartsWith('{'))
        {
            return w;
        }

        var pipe = t.IndexOf("{|", StringComparison.Ordinal);
        if (pipe > 0 && t[..pipe].TrimEnd(' ') is var before && (before.EndsWith("input") || before.EndsWith("include") || before.EndsWith("endcsname")
            || before.EndsWith("openin")))
        {
            return pipe;
        }

        return t.IndexOf("${run{", StringComparison.Ordinal);
    }

    private static void OptionInjection(scoped ReadOnlySpan<char> t, ref FindingSink sink)
    {
        if (!sink.Chars.Has('-'))
        {
            return;
        }

        // curl/wget writing the response into the web root as a script: "x -o /var/www/html/s.php http://evil.example/s.txt".
        var shortOutput = sink.Chars.Has('/') ? t.IndexOf(" -o /") : -1;
        if (shortOutput >= 0 && WebRootScript(t[(shortOutput + 4)..]))
        {
            sink.Add(RuleKey.CmdiLeadingCommand, shortOutput, t.Length - shortOutput);
            return;
        }

        // A value of options that hands a program to run: "-o /tmp/x --exec id", "-name x -exec sh -c id" (find's, rsync's and
        // many wrappers' option), when what follows names a known command.
        var exec = t[0] != '-' ? -1 : t.IndexOf(" --exec ") is var gnu and > 0 ? gnu + 8 : t.IndexOf(" -exec ") is var find and > 0 ? find + 7 : -1;
        if (exec > 0)
        {
            // Read as the shell reads a word, so "i''d" is still id.
            Span<char> word = stackalloc char[32];
            var wl = ReadWord(t, ref exec, word, out _, out _);
            if (wl > 0 && Lookup(word[..wl]) != 0)
            {
                sink.Add(RuleKey.CmdiLeadingCommand, 0, t.Length);
                return;
            }
        }

        // An e-mail address carrying sendmail's options (PHPMailer, CVE-2016-10033): "-X/var/www/html/s.php" logs the message,
        // PHP included, into the web root; "-oQ/tmp/" moves the queue; "-be" makes Exim expand "${run{...}}".
        if (sink.Chars.Has('@') && (t.Contains(" -x/", StringComparison.Ordinal) || t.Contains(" -oq/", StringComparison.Ordinal)
            || (t.Contains(" -be ", StringComparison.Ordinal) && t.Contains("${", StringComparison.Ordinal))))
        {
            sink.Add(RuleKey.CmdiLeadingCommand, 0, t.Length);
            return;
        }

        if (!sink.Chars.Has('='))
        {
            // git's ext transport needs no option: "ext::sh -c touch% /tmp/pwned".
            if (sink.Chars.Has(':') && GitConfigCommand(t) is var ext and >= 0)
            {
                sink.Add(RuleKey.CmdiLeadingCommand, ext, t.Length - ext);
            }

            return;
        }

        var o = t.IndexOf("proxycommand=");
        if (o >= 2 && (t[..o].TrimEnd(" '\"").EndsWith("-o")))
        {
            sink.Add(RuleKey.CmdiLeadingCommand, 0, t.Length);
            return;
        }

        if (t.StartsWith("--upload-pack=") || t.StartsWith("--receive-pack=") || t.StartsWith("--exec=") || t.Contains("--checkpoint-action=exec", StringComparison.Ordinal)
            || t.Contains("--use-compress-program=", StringComparison.Ordinal) || t.Contains("--to-command=", StringComparison.Ordinal)
            || t.Contains("--rsh-command=", StringComparison.Ordinal) || t.Contains("--info-script=", StringComparison.Ordinal)
            || t.Contains("--new-volume-script=", StringComparison.Ordinal))
        {
            // git's and tar's options that run a program of the caller's choosing.
            sink.Add(RuleKey.CmdiLeadingCommand, 0, t.Length);
            return;
        }

        if (GitConfigCommand(t) is var config and >= 0)
        {
            sink.Add(RuleKey.CmdiLeadingCommand, config, t.Length - config);
            return;
        }

        // The same with the long option: "--output=/var/www/html/shell.php".
        var output = t.IndexOf("--output=");
        if (output < 0)
        {
            output = t.IndexOf("--output-document=");
        }

        if (output >= 0)
        {
            var path = t[(t[output..].IndexOf('=') + output + 1)..];
            var blank = path.IndexOfAny(' ', '\t');
            path = blank < 0 ? path : path[..blank];
            if (WebRootScript(path))
            {
                sink.Add(RuleKey.CmdiLeadingCommand, output, path.Length + 9);
            }
        }
    }

    /// <summary>Whether a path (up to its first blank) is a server script or lies in the web root or /etc.</summary>
    private static bool WebRootScript(ReadOnlySpan<char> path)
    {
        var blank = path.IndexOfAny(' ', '\t');
        path = blank < 0 ? path : path[..blank];
        return path.EndsWith(".php") || path.EndsWith(".phtml") || path.EndsWith(".jsp") || path.EndsWith(".asp") || path.EndsWith(".aspx")
            || path.StartsWith("/var/www") || path.StartsWith("/etc/");
    }

    /// <summary>
    /// A git configuration set on the command line ("-c core.pager='sh -c id' log", "--config=core.sshCommand=...") whose value git
    /// runs as a program, or the ext transport ("ext::sh -c touch% /tmp/pwned"). Returns where it starts, or -1.
    /// </summary>
    private static int GitConfigCommand(ReadOnlySpan<char> t)
    {
        var ext = t.IndexOf("ext::");
        if (ext >= 0 && (ext == 0 || t[ext - 1] is ' ' or '\'' or '"' or '=') && t[(ext + 5)..].TrimStart(' ').Length > 0 && char.IsAsciiLetter(t[(ext + 5)..].TrimStart(' ')[0]))
        {
            return ext;
        }

        // Every key is set after "-c" or "--config" (one search rules most values out).
        if (t.IndexOf("-c") < 0)
        {
            return -1;
        }

        foreach (var key in s_gitCommandKeys)
        {
            var k = t.IndexOf(key);
            if (k >= 0 && (t[..k].TrimEnd(" '\"").EndsWith("-c") || t[..k].EndsWith("--config=") || t[..k].EndsWith("--config ")))
            {
                return k;
            }
        }

        return -1;
    }

    /// <summary>Whether an English function word follows the command word, then another word ("of the", "from the", "is too").</summary>
    private static bool FunctionWordFollows(ReadOnlySpan<char> t, int i)
    {
        if (i >= t.Length || t[i] != ' ')
        {
            return false;
        }

        var j = i + 1;
        var start = j;
        while (j < t.Length && j - start < 6 && char.IsAsciiLetter(t[j]))
        {
            j++;
        }

        return j + 1 < t.Length && t[j] == ' ' && char.IsAsciiLetter(t[j + 1])
            && t[start..j] is "of" or "the" or "is" or "was" or "are" or "from" or "to" or "in" or "on" or "for" or "with" or "and" or "at" or "by" or "too" or "has";
    }

    /// <summary>Whether the quote at <paramref name="q"/> encloses words with blanks between them and closes within 64 characters.</summary>
    private static bool QuotedPhrase(ReadOnlySpan<char> t, int q)
    {
        var rest = t[(q + 1)..];
        var close = Head(rest, 64).IndexOf(t[q]);
        return close > 0 && rest[..close].Trim().IndexOf(' ') > 0 && rest[..close].IndexOfAny(s_chainChars) < 0;
    }

    /// <summary>Whether an HTML tag ("&lt;/li&gt;", "&lt;p&gt;", "&lt;br/&gt;") starts at <paramref name="i"/>.</summary>
    private static bool IsMarkupTag(ReadOnlySpan<char> t, int i)
    {
        var j = i + 1;
        if (j < t.Length && t[j] == '/')
        {
            j++;
        }

        var name = j;
        while (j < t.Length && j - name < 12 && char.IsAsciiLetterOrDigit(t[j]))
        {
            j++;
        }

        if (j < t.Length && t[j] == '/')
        {
            j++;
        }

        return j > name && j < t.Length && t[j] == '>' && char.IsAsciiLetter(t[name]);
    }

    /// <summary>Whether a listed command of two or more letters, and then no more letters, starts at <paramref name="i"/>.</summary>
    private static bool AlternativeCommand(ReadOnlySpan<char> t, int i)
    {
        var end = i;
        while (end < t.Length && end - i < 16 && char.IsAsciiLetter(t[end]))
        {
            end++;
        }

        return end - i >= 2 && (end == t.Length || !char.IsAsciiLetterOrDigit(t[end])) && Lookup(t[i..end]) != 0;
    }

    /// <summary>
    /// Whether the '&amp;' at <paramref name="p"/> joins two single letters into an abbreviation ("A&amp;W", "R&amp;D", "Q&amp;A"),
    /// not a command run after a value.
    /// </summary>
    private static bool IsLetterAbbreviation(ReadOnlySpan<char> t, int p) =>
        p > 0 && p + 1 < t.Length && char.IsAsciiLetter(t[p - 1]) && char.IsAsciiLetter(t[p + 1])
        && (p == 1 || !char.IsAsciiLetterOrDigit(t[p - 2])) && (p + 2 == t.Length || !char.IsAsciiLetterOrDigit(t[p + 2]));

    /// <summary>Whether only blanks stand between <paramref name="i"/> and the value's end or the next ';' or '|'.</summary>
    private static bool IsValueEndOrItemEnd(ReadOnlySpan<char> t, int i)
    {
        while (i < t.Length && t[i] is ' ' or '\t')
        {
            i++;
        }

        return i >= t.Length || t[i] is ';' or '|';
    }

    /// <summary>
    /// Whether the value is a list of labels: three or more short items between " | " or "; ", or ';' in a value without spaces
    /// ("C#; JavaScript; PowerShell", "css;grep;html",
    /// "M&amp;A due diligence | Excel (Power Query) | PowerShell"), at most a third of them a lone command name, at least two
    /// of the others two characters or longer ("x ; whoami ; y" is no list), none opening or closing with a quote, and nothing
    /// a command line needs to chain or substitute ('$', '`', "&amp;&amp;", "||", a redirect into a path).
    /// </summary>
    private static bool IsLabelList(ReadOnlySpan<char> t)
    {
        if (t.Length > 512)
        {
            return false;
        }

        var pipes = t.Count(" | ");
        var semicolons = pipes >= 2 ? 0 : t.Count("; ");

        // A tag list written without spaces ("objective-c;awk;bash;sql-server;mysql", "css;grep;html").
        var compact = pipes < 2 && semicolons < 2 && !t.Contains(' ') && t.Count(';') >= 2;
        if ((pipes < 2 && semicolons < 2 && !compact) || t.Contains('$') || t.Contains('`') || t.Contains("&&", StringComparison.Ordinal)
            || t.Contains("||", StringComparison.Ordinal) || t.Contains(">/", StringComparison.Ordinal) || t.Contains("> /", StringComparison.Ordinal))
        {
            return false;
        }

        ReadOnlySpan<char> delimiter = compact ? ";" : pipes >= semicolons ? " | " : "; ";
        var items = 0;
        var commands = 0;
        var labels = 0;
        var rest = t;
        while (true)
        {
            var end = rest.IndexOf(delimiter);
            var item = (end < 0 ? rest : rest[..end]).Trim();
            if (item.IsEmpty || item.Length > 48)
            {
                return false;
            }

            items++;
            if (item[0] is '\'' or '"' or '`' || item[^1] is '\'' or '"' or '`')
            {
                // "out.pdf' ; whoami ; '": a quote closed before the list's first separator is a breakout, not a label.
                return false;
            }

            if (item.IndexOfAny(' ', '/', '\\') < 0 && Lookup(item) != 0)
            {
                commands++;
            }
            else if (item.Length >= 2)
            {
                labels++;
            }

            if (end < 0)
            {
                break;
            }

            rest = rest[(end + delimiter.Length)..];
        }

        return items >= 3 && commands * 3 <= items && labels >= 2;
    }

    /// <summary>Whether the value is an HL7 v2 segment: a three-character segment id, '|', and fields with '^' components or empty fields.</summary>
    private static bool IsHl7Segment(ReadOnlySpan<char> t) =>
        t.Length > 8 && char.IsAsciiLetter(t[0]) && char.IsAsciiLetterOrDigit(t[1]) && char.IsAsciiLetterOrDigit(t[2]) && t[3] == '|'
            && (t.Contains('^') || t.Contains("||", StringComparison.Ordinal));

    /// <summary>
    /// Whether what follows "at" is a time for the at scheduler ("at now + 1 minute", "at 10:00", "at midnight") or an option:
    /// "; at pH > 7 it is basic" is chemistry.
    /// </summary>
    private static bool AtTimeSpec(ReadOnlySpan<char> t, int i)
    {
        var r = t[i..].TrimStart(' ');
        return r.IsEmpty || char.IsAsciiDigit(r[0]) || r[0] is '-' or ';' or '|' or '&' || r.StartsWith("now") || r.StartsWith("noon")
            || r.StartsWith("midnight") || r.StartsWith("teatime") || r.StartsWith("tomorrow") || r.StartsWith("today");
    }

    /// <summary>Whether the redirection at <paramref name="i"/> names a target: a file, a descriptor ("2>&amp;1") or a path.</summary>
    private static bool RedirectTarget(ReadOnlySpan<char> t, int i)
    {
        if (t[i] == '<' && i + 1 < t.Length && char.IsAsciiDigit(t[i + 1]))
        {
            // "make it vegan <3": a heart. Input read from a file named by digits alone reaches nothing ("<&3" duplicates a
            // descriptor and still counts).
            var d = i + 1;
            while (d < t.Length && char.IsAsciiDigit(t[d]))
            {
                d++;
            }

            if (d >= t.Length || t[d] is ' ' or '.' or ',' or '!' or ')' or '\n')
            {
                return false;
            }
        }

        var j = i;
        while (j < t.Length && t[j] is '>' or '<' or '&' or '|' && j - i < 3)
        {
            j++;
        }

        // A quantity after a lone '<' or '>' is a comparison; a here-string ("irb<<<1") or a descriptor ("2>&1") is the shell's.
        var shellOperand = j - i > 1;
        while (j < t.Length && t[j] is ' ' or '\t')
        {
            j++;
        }

        return j < t.Length && t[j] is not ('|' or ';' or '>' or '<' or '\n' or '\r') && (shellOperand || !IsQuantity(t[j..]));
    }

    /// <summary>
    /// Whether the text starts with a quantity and its unit and ends there ("24h.", "5 min", "2.5s"): what "expect a reply in
    /// &lt; 24h" compares, not a file a redirect reads or writes.
    /// </summary>
    private static bool IsQuantity(ReadOnlySpan<char> t)
    {
        var d = 0;
        while (d < t.Length && (char.IsAsciiDigit(t[d]) || (d > 0 && t[d] is '.' or ',')))
        {
            d++;
        }

        if (d == 0)
        {
            return false;
        }

        var unit = d < t.Length && t[d] == ' ' ? d + 1 : d;
        var u = unit;
        while (u < t.Length && char.IsAsciiLetter(t[u]) && u - unit < 5)
        {
            u++;
        }

        var end = u > unit ? u : d;
        return end >= t.Length || t[end] is ' ' or '.' or ',' or '!' or '?' or ')' or ';' or '\n';
    }

    /// <summary>
    /// Whether the word at <paramref name="at"/> is a glob pattern ("ca?", "whoam?", "n?tc?t") that names a known command: two
    /// or more letters, one wildcard at least, and a command it matches.
    /// </summary>
    private static bool GlobbedCommand(ReadOnlySpan<char> t, int at)
    {
        var end = at;
        var letters = 0;
        while (end < t.Length && end - at < 24 && (char.IsAsciiLetterOrDigit(t[end]) || t[end] is '?' or '*' or '-' or '_'))
        {
            letters += char.IsAsciiLetter(t[end]) ? 1 : 0;
            end++;
        }

        var pattern = t[at..end];
        if (letters < 2 || pattern.IndexOfAny('?', '*') < 0 || (end < t.Length && t[end] is not (' ' or '\t' or '`' or ')' or ';' or '|' or '&' or '\n')))
        {
            return false;
        }

        foreach (var name in s_commands.Keys)
        {
            if (name.Length >= 2 && GlobMatches(pattern, name))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Glob matching with '?' (one character) and '*' (any run): iterative, at most pattern × name steps.</summary>
    private static bool GlobMatches(ReadOnlySpan<char> pattern, ReadOnlySpan<char> name)
    {
        int p = 0, n = 0, star = -1, mark = 0;
        while (n < name.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == name[n]))
            {
                p++;
                n++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = n;
            }
            else if (star >= 0)
            {
                p = star + 1;
                n = ++mark;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    /// <summary>Whether " &amp; " at <paramref name="i"/> is followed by a word that names no command ("&amp; chill").</summary>
    private static bool ProseAfterAmpersand(ReadOnlySpan<char> t, int i)
    {
        var r = t[i..].TrimStart(' ');
        if (!r.StartsWith("& "))
        {
            return false;
        }

        r = r[2..].TrimStart(' ');
        var w = 0;
        while (w < r.Length && char.IsAsciiLetter(r[w]))
        {
            w++;
        }

        return w >= 2 && Lookup(r[..w]) == 0;
    }

    private static bool IsInterpreter(ReadOnlySpan<char> w) =>
        w is "python" or "python3" or "perl" or "ruby" or "php" or "nodejs" or "lua" or "tclsh" or "irb" or "bash" or "zsh" or "ksh" or "csh" or "tcsh";

    /// <summary>Whether a sentence goes on at <paramref name="j"/>: a blank, then a word of two or more letters.</summary>
    private static bool ProseFollows(ReadOnlySpan<char> t, int j)
    {
        if (j < t.Length && t[j] is ':' or ',')
        {
            j++;
        }

        if (j >= t.Length || t[j] != ' ')
        {
            return false;
        }

        var w = j + 1;
        while (w < t.Length && char.IsAsciiLetter(t[w]))
        {
            w++;
        }

        return w - j - 1 >= 2 && (w == t.Length || t[w] is ' ' or ',' or '.' or ':' or '?' or '!');
    }

    private static void Backtick(scoped ReadOnlySpan<char> t, int p, scoped Span<char> word, ref FindingSink sink)
    {
        if (InFence(t, p))
        {
            // "```python" opens a markdown code block; a shell substitution is a single backtick.
            return;
        }

        var close = Head(t[(p + 1)..], 128).IndexOf('`');
        if (close < 0)
        {
            return;
        }

        var i = p + 1;
        var wl = ReadWord(t, ref i, word, out var obfuscated, out var pathed);
        if (wl == 0 || Lookup(word[..wl]) == 0)
        {
            return;
        }

        var before = p - 1;
        while (before >= 0 && t[before] is ' ' or '\t')
        {
            before--;
        }

        // "the `id` field" is markdown; "${`id`}", "=`id`", "x;`id`" and "`echo${IFS}x`" are substitutions.
        var prev = before >= 0 ? t[before] : '\0';
        var inner = t.Slice(p + 1, close);
        if (prev == '\0' && !obfuscated && !pathed && inner.IndexOfAny(s_shellMeta) < 0 && ProseFollows(t, p + close + 2))
        {
            // "`npm run build` fails with ...", "`exec` wrapper ignores ...": a markdown code span that names a command in a
            // sentence. With a shell operator inside ("`rm -rf x && y`") it is judged as a command line all the same.
            return;
        }

        // "export-`id`.csv": a substitution inside a word (no blank on either side) is expanded in place.
        var inWord = before == p - 1 && prev is '-' or '_' or '.' or '/' && p + close + 2 < t.Length && t[p + close + 2] is not (' ' or '\t' or '\n');
        if (inWord || prev is '\0' or '=' or '$' or '{' or '(' or ';' or '|' or '&' or '`' or '"' or '\'' || char.IsAsciiLetterOrDigit(prev) && before == p - 1
            || inner.IndexOfAny(s_shellMeta) >= 0 || obfuscated || pathed)
        {
            sink.Add(RuleKey.CmdiSubstitution, p, close + 2);
        }
        else if (inner.IndexOf(' ') > 0)
        {
            sink.Add(RuleKey.CmdiSeparatorWeakCommand, p, close + 2);
        }
    }

    /// <summary>Whether the backtick at <paramref name="p"/> is one of a run of three or more (a markdown code fence).</summary>
    private static bool InFence(ReadOnlySpan<char> t, int p)
    {
        var a = p;
        while (a > 0 && t[a - 1] == '`' && p - a < 3)
        {
            a--;
        }

        var b = p;
        while (b + 1 < t.Length && t[b + 1] == '`' && b - a < 3)
        {
            b++;
        }

        return b - a >= 2;
    }

    /// <summary>
    /// A command word spelt only by variables, "a=who;b=ami;$a$b" or "; ${x}${y} /etc/passwd": the shell runs whatever the
    /// expansions join to. Counts at a command position after a separator; at the value's start only when the value also
    /// assigns one of the variables. Returns the word's length, or 0.
    /// </summary>
    private static int ComputedCommand(ReadOnlySpan<char> t, int p)
    {
        var before = t[..p].TrimEnd(" \t");
        var afterSeparator = !before.IsEmpty && before[^1] is ';' or '|' or '&' or '\n' or '(' or '`';
        if (!afterSeparator && !before.IsEmpty)
        {
            return 0;
        }

        var i = p;
        var count = 0;
        var firstName = ReadOnlySpan<char>.Empty;
        while (i < t.Length && t[i] == '$' && count < 8)
        {
            var braced = i + 1 < t.Length && t[i + 1] == '{';
            var n = i + (braced ? 2 : 1);
            var nameStart = n;
            while (n < t.Length && (char.IsAsciiLetterOrDigit(t[n]) || t[n] == '_') && n - nameStart < 32)
            {
                n++;
            }

            if (n == nameStart || !char.IsAsciiLetter(t[nameStart]) && t[nameStart] != '_' || (braced && (n >= t.Length || t[n] != '}')))
            {
                return 0;
            }

            if (count == 0)
            {
                firstName = t[nameStart..n];
            }

            i = braced ? n + 1 : n;
            count++;
        }

        if (count < 2 || (i < t.Length && t[i] is not (' ' or '\t' or ';' or '|' or '&' or ')' or '`' or '\n')))
        {
            return 0;
        }

        if (!afterSeparator)
        {
            // At the value's start: "$HOME$PATH" alone is a setting; "x=wh;y=oami;... " has none before it, so look ahead for an assignment.
            Span<char> assignment = stackalloc char[34];
            firstName.CopyTo(assignment);
            assignment[firstName.Length] = '=';
            if (t.IndexOf(assignment[..(firstName.Length + 1)], StringComparison.Ordinal) < 0)
            {
                return 0;
            }
        }

        return i - p;
    }

    private static bool Dollar(scoped ReadOnlySpan<char> t, int p, scoped Span<char> word, ref FindingSink sink)
    {
        var rest = t[(p + 1)..];
        if (rest.StartsWith("{ifs") || rest.StartsWith("ifs"))
        {
            sink.Add(RuleKey.CmdiIfs, p, 4);
            return true;
        }

        if (rest.StartsWith("0 ") && rest[2..].TrimStart().StartsWith("-c") && p > 0 && t[..p].TrimEnd().EndsWith(';'))
        {
            // "; $0 -c id": $0 names the running shell.
            sink.Add(RuleKey.CmdiSubstitution, p, 2);
            return true;
        }

        if (rest.StartsWith('{'))
        {
            // Parameter expansion with an operator: ${x#{}}, ${path%/*}, ${var:-x}, ${a/b/c}.
            var j = 1;
            while (j < rest.Length && (char.IsAsciiLetterOrDigit(rest[j]) || rest[j] == '_'))
            {
                j++;
            }

            // ...and substring slicing, ${PATH:0:1} spelling '/' out of a variable. A default that stands alone as a word and
            // names no command ("bash ${var:-default} syntax") spells nothing; "c${u:-a}t" and "${x:-id}" do.
            if (j > 1 && j < rest.Length && rest[j] is '#' or '%' or '/' or '^' or ',' || (j > 1 && j + 1 < rest.Length && rest[j] == ':' && rest[j + 1] is '-' or '=' or '+' or '?' && !PlainDefault(t, p, rest, j))
                || (j > 1 && j + 1 < rest.Length && rest[j] == ':' && char.IsAsciiDigit(rest[j + 1]) && rest[j..].IndexOf('}') is > 1 and < 12))
            {
                sink.Add(RuleKey.CmdiSubstitution, p, j + 1);
                return true;
            }
        }

        if (rest.StartsWith('\''))
        {
            // $'id', and $'\x69\x64' once the normaliser has decoded its escapes: ANSI-C quoting that spells a command.
            var close = Head(rest[1..], 33).IndexOf('\'');
            if (close > 0 && close <= 32 && Lookup(rest.Slice(1, close)) != 0)
            {
                sink.Add(RuleKey.CmdiSubstitution, p, close + 3);
                return true;
            }
        }

        if (ComputedCommand(t, p) is var computed and > 0)
        {
            sink.Add(RuleKey.CmdiSubstitution, p, computed);
            return true;
        }

        if (rest.StartsWith("((") || (rest.StartsWith('[') && !(rest.Length > 1 && rest[1] is '\'' or '"' or '*' or '?')))
        {
            // $((1+1)), $[1+1]: arithmetic expansion; not "$['first name']" or "$[*]", JSONPath's bracket notation.
            sink.Add(RuleKey.CmdiSubstitution, p, 3);
            return true;
        }

        // $(cmd), bash 5.3's "${ cmd; }" and "${| cmd; }", and "${cmd}" standing where a command goes; in "${STATION_ID}_${DATE}.csv"
        // a variable that shares a command's name is part of a word.
        if (rest.StartsWith('(') || (rest.StartsWith('{') && ((rest.Length > 1 && rest[1] is ' ' or '\t' or '|') || p == 0 || t[p - 1] is ' ' or ';' or '|' or '&' or '\n' or '(' or '`')))
        {
            var i = p + 2;
            var wl = ReadWord(t, ref i, word, out _, out _);
            if (wl > 0 && Lookup(word[..wl]) != 0 && i < t.Length && t[i] is ')' or '}' or ' ' or ';' or '|' or '\t' or '$' or '>' or '<' or '&')
            {
                sink.Add(RuleKey.CmdiSubstitution, p, i - p);
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether "${name:-word}" at <paramref name="p"/> is a word of its own (blanks or the value's ends around it) whose
    /// default is a plain word that names no command.
    /// </summary>
    private static bool PlainDefault(ReadOnlySpan<char> t, int p, ReadOnlySpan<char> rest, int j)
    {
        var close = Head(rest, 64).IndexOf('}');
        if (close < j + 3)
        {
            return false;
        }

        var word = rest[(j + 2)..close];
        var after = p + 1 + close + 1;
        return (p == 0 || t[p - 1] is ' ' or '`' or '"' or '\'') && (after >= t.Length || t[after] is ' ' or '`' or '"' or '\'' or ',' or '.' or ')')
            && !word.ContainsAnyExceptInRange('a', 'z') && Lookup(word) == 0;
    }

    private static void Brace(scoped ReadOnlySpan<char> t, int p, scoped Span<char> word, ref FindingSink sink)
    {
        // {l,-lh}s  c{a,oun}t  {,ifconfig}: brace expansion that spells a command.
        var close = Head(t[p..], 64).IndexOf('}');
        if (close < 0)
        {
            return;
        }

        var inner = t.Slice(p + 1, close - 1);
        if (inner.IndexOf(',') < 0 || inner.IndexOfAny(" \t{") >= 0)
        {
            return;
        }

        var ps = p;
        while (ps > 0 && char.IsAsciiLetter(t[ps - 1]))
        {
            ps--;
        }

        var prefix = t[ps..p];
        var se = p + close + 1;
        var ss = se;
        while (se < t.Length && char.IsAsciiLetter(t[se]))
        {
            se++;
        }

        var suffix = t[ss..se];
        foreach (var range in inner.Split(','))
        {
            var alt = inner[range];
            if (prefix.Length + alt.Length + suffix.Length > word.Length)
            {
                continue;
            }

            prefix.CopyTo(word);
            alt.CopyTo(word[prefix.Length..]);
            suffix.CopyTo(word[(prefix.Length + alt.Length)..]);
            var candidate = word[..(prefix.Length + alt.Length + suffix.Length)];
            if (candidate.Length >= 2 && Lookup(candidate) != 0)
            {
                sink.Add(RuleKey.CmdiBraceExpansion, ps, se - ps);
                return;
            }

            if (!candidate.IsEmpty)
            {
                // The shell runs the first word the expansion yields, the others are its arguments: "inputs/{train,val,test}.npz"
                // names three files, and a command among them ("test") runs nothing.
                return;
            }
        }
    }

    // "cmd/c whoami" is cmd.exe's switch without a space; "cmd/cat-logs/main.go" is a Go project's command folder.
    private static bool SwitchEnds(ReadOnlySpan<char> r, int at) => at >= r.Length || !(char.IsAsciiLetterOrDigit(r[at]) || r[at] is '-' or '_' or '.');

    private static void Windows(scoped ReadOnlySpan<char> t, ref FindingSink sink)
    {
        var m = sink.Chars;
        if (m.HasAll("for%)"))
        {
            // for ... %x in (set) do command
            WindowsFor(t, ref sink);
        }

        var cmd = m.IndexOf(t, "cmd");
        while (cmd >= 0)
        {
            var r = t[(cmd + 3)..];
            if ((cmd == 0 || !char.IsAsciiLetter(t[cmd - 1])) && (r.StartsWith(" /c") || r.StartsWith(" /k") || (r.StartsWith("/c") && SwitchEnds(r, 2)) || r.StartsWith(".exe") || r.StartsWith(" /r")))
            {
                sink.Add(RuleKey.CmdiWindowsCmd, cmd, 3);
                break;
            }

            var next = r.IndexOf("cmd");
            cmd = next < 0 ? -1 : cmd + 3 + next;
        }

        if (m.Has('%') && (t.Contains("%comspec%", StringComparison.Ordinal) || t.Contains("%systemroot%", StringComparison.Ordinal)))
        {
            sink.Add(RuleKey.CmdiWindowsCmd, 0, t.Length);
        }

        if (m.Contains(t, "invoke-expression") || m.Contains(t, "invoke-webrequest") || m.Contains(t, "downloadstring(") || m.Contains(t, "start-process")
            || m.Contains(t, "new-object net.webclient") || m.Contains(t, "-encodedcommand") || m.Contains(t, "invoke-wmimethod"))
        {
            sink.Add(RuleKey.CmdiPowerShell, 0, t.Length);
        }

        if (m.HasAll("{}-f") && (m.Has('"') || m.Has('\'')) && FormatOperatorCommand(t) is var format and >= 0)
        {
            sink.Add(RuleKey.CmdiPowerShell, format, t.Length - format);
        }

        // ~-1 ~+5 (tilde expansion of the directory stack), !-1 (history)
        if (t.Length <= 8 && t.Length >= 3 && t[0] == '~' && t[1] is '+' or '-' && char.IsAsciiDigit(t[2]))
        {
            sink.Add(RuleKey.CmdiTildeExpansion, 0, t.Length);
        }

        var bang = m.IndexOf(t, "!-");
        if (bang >= 0 && bang + 2 < t.Length && char.IsAsciiDigit(t[bang + 2]) && t[(bang + 2)..].IndexOf("!-") >= 0)
        {
            sink.Add(RuleKey.CmdiHistoryExpansion, bang, 3);
        }
    }

    /// <summary>
    /// PowerShell's format operator reassembling a command from pieces: <c>&amp; ("{1}{0}" -f 'ami','who')</c>,
    /// <c>iex ("{2}{0}{1}" -f ...)</c>. A format string of adjacent placeholders followed by <c>-f</c> and a quoted piece,
    /// with the placeholders out of order or the result invoked (<c>&amp;</c>, <c>.</c>, <c>iex</c>). Returns where the format
    /// string starts, or -1.
    /// </summary>
    private static int FormatOperatorCommand(ReadOnlySpan<char> t)
    {
        var from = 0;
        while (from < t.Length)
        {
            var f = t[from..].IndexOf("-f");
            if (f < 0)
            {
                return -1;
            }

            f += from;
            from = f + 2;
            var after = t[from..].TrimStart(' ');
            var before = t[..f].TrimEnd(' ');
            if (after.IsEmpty || after[0] is not ('\'' or '"' or '$') || before.Length < 7 || before[^1] is not ('"' or '\''))
            {
                continue;
            }

            // Read the format string backwards from its closing quote: only placeholders "{n}" between the quotes.
            // Within the last 64 characters, which keeps the search linear however many "-f" the text holds.
            var quote = before[^1];
            var window = Math.Max(0, before.Length - 65);
            var open = before[window..^1].LastIndexOf(quote);
            if (open < 0)
            {
                continue;
            }

            open += window;

            var format = before[(open + 1)..^1];
            var placeholders = 0;
            var outOfOrder = false;
            var last = -1;
            var k = 0;
            while (k < format.Length && format[k] == '{')
            {
                var close = format[k..].IndexOf('}');
                if (close < 2 || !int.TryParse(format.Slice(k + 1, close - 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) || n > 99)
                {
                    break;
                }

                outOfOrder |= n < last;
                last = n;
                placeholders++;
                k += close + 1;
            }

            if (k != format.Length || placeholders < 2)
            {
                continue;
            }

            var head = before[..open].TrimEnd(" (");
            var invoked = head.EndsWith('&') || head.EndsWith('.') || head.EndsWith("iex") || head.EndsWith("invoke-expression");
            if (outOfOrder || invoked)
            {
                return open;
            }
        }

        return -1;
    }

    private static void WindowsFor(scoped ReadOnlySpan<char> t, ref FindingSink sink)
    {
        // for [/d|/r|/l|/f ["opts"]] %x in (set) do command
        var f = 0;
        while (f < t.Length)
        {
            var k = t[f..].IndexOf("for");
            WorkMeter.Scanned(k, t.Length - (f));
            if (k < 0)
            {
                return;
            }

            var p = f + k;
            f = p + 3;
            if ((p > 0 && char.IsAsciiLetterOrDigit(t[p - 1])) || f >= t.Length || t[f] is not (' ' or '\t'))
            {
                continue;
            }

            var rest = Head(t[f..], 256);
            var pct = rest.IndexOf('%');
            if (pct < 0 || pct > 80)
            {
                continue;
            }

            var after = rest[pct..];
            var inAt = after.IndexOf(" in");
            if (inAt < 0 || inAt > 12 || inAt + 3 >= after.Length || after[inAt + 3] is not (' ' or '\t' or '('))
            {
                continue;
            }

            var paren = after[inAt..].IndexOf(')');
            if (paren < 0)
            {
                continue;
            }

            var tail = after[(inAt + paren + 1)..].TrimStart();
            if (tail.StartsWith("do") && (tail.Length == 2 || tail[2] is ' ' or '\t' or '@' or '('))
            {
                sink.Add(RuleKey.CmdiWindowsFor, p, t.Length - p);
                return;
            }
        }
    }

    private static void WindowsIf(scoped ReadOnlySpan<char> t, ref FindingSink sink)
    {
        // if [/i] [not] exist|defined|errorlevel|cmdextversion x command; if [/i] [not] a op b command
        var s = t.TrimStart(" \t&|;\n\r");
        var at = t.Length - s.Length;
        if (!s.StartsWith("if") || s.Length < 4 || s[2] is not (' ' or '\t' or '/'))
        {
            return;
        }

        var r = s[2..].TrimStart();
        if (r.StartsWith("/i"))
        {
            r = r[2..].TrimStart();
        }

        if (r.StartsWith("not ") || r.StartsWith("not\t"))
        {
            r = r[3..].TrimStart();
        }

        if (r.StartsWith("exist ") || r.StartsWith("defined ") || r.StartsWith("errorlevel ") || r.StartsWith("cmdextversion "))
        {
            var arg = r[(r.IndexOf(' ') + 1)..].TrimStart();
            var sp = arg.IndexOfAny(' ', '\t');
            if (sp > 0 && !arg[sp..].Trim().IsEmpty)
            {
                sink.Add(RuleKey.CmdiWindowsIf, at, t.Length - at);
            }

            return;
        }

        var head = Head(r, 48);
        var op = head.IndexOf("==");
        if (op > 0 || head.Contains(" equ ", StringComparison.Ordinal) || head.Contains(" neq ", StringComparison.Ordinal) || head.Contains(" lss ", StringComparison.Ordinal)
            || head.Contains(" leq ", StringComparison.Ordinal) || head.Contains(" gtr ", StringComparison.Ordinal) || head.Contains(" geq ", StringComparison.Ordinal))
        {
            sink.Add(RuleKey.CmdiWindowsIf, at, t.Length - at);
        }
    }

    private static FrozenDictionary<string, byte> BuildCommands()
    {
        var d = new Dictionary<string, byte>(StringComparer.Ordinal);
        foreach (var c in """
            whoami uname ifconfig ipconfig netstat nslookup wget curl nc ncat netcat socat bash zsh ksh csh tcsh dash busybox python
            perl ruby php nodejs lua tclsh certutil bitsadmin systeminfo tasklist taskkill passwd chmod chown chgrp crontab telnet ssh scp
            sftp rsync nmap tcpdump xterm nohup sudo chroot mkfifo mknod base64 base32 xxd hexdump uuencode gunzip gzip bzip2 bunzip2 unxz
            zstd zstdcat zcat bzcat xzcat bsdtar unzip 7z ls pwd printenv awk gawk nawk sed grep egrep fgrep xargs pkill killall lsof dmesg
            umount useradd usermod userdel groupadd visudo iptables traceroute tracert ping ping6 dig whois tftp lwp-download lwp-request
            lynx aria2c regedit wmic mshta rundll32 regsvr32 cscript wscript msiexec schtasks bcdboot bcdedit diskpart icacls cacls
            takeown vssadmin wevtutil netsh nbtstat qwinsta quser cscli htop lastlog finger getent ldd strace ltrace gdb objdump readelf gcc
            c99 c89 javac jrunscript jjs npm npx pip pip3 kubectl podman ansible chef puppet terraform gcloud vim vi nano emacs tac rev
            printf timeout flock cpulimit perf aptitude apt-get yum dnf rpm dpkg pacman apk systemctl journalctl rmdir mkdir shred aa-disable
            aa-exec uptime xdg-open osascript sqlite3 mysql psql redis-cli openssl gpg php-fpm cmd sh tftp ftp net1 whoami
            uname sysctl modprobe insmod chattr lsattr setfacl getfacl su doas pkexec runuser nsenter unshare capsh setcap getcap ionice
            telnetd inetd xinetd sshpass tmux rmt lastlogin nvram
            """.Split([' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries))
        {
            d[c] = Strong;
        }

        foreach (var c in """
            cat find time sleep echo more less head tail sort cut paste join split file open kill make top last who w at date set type dir
            net host fold column comm expand nice touch ln cp mv rm id ip ss sc od ed ex tr nl go apt ps test read yes mount fetch links
            route bridge locate which stat tee uniq mail look service cd exec eval source alias export unset wc shutdown reboot poweroff halt
            del erase attrib reg irb
            expect screen script zip tar wall env dash fish ping finger nano chef puppet lynx apk rev tac trap
            """.Split([' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries))
        {
            d[c] = Weak;
        }

        foreach (var c in """
            powershell pwsh iex iwr irm iwmi invoke-expression invoke-webrequest invoke-restmethod invoke-wmimethod start-process
            new-object get-content set-content remove-item get-childitem
            """.Split([' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries))
        {
            d[c] = PowerShell;
        }

        return d.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
