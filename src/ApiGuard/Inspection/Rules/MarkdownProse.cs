using static ApiGuard.Inspection.Rules.Spans;

namespace ApiGuard.Inspection.Rules;

/// <summary>
/// Markdown code spans inside sentences: "I tried `npm ci &amp;&amp; npm test` locally", "`subprocess.run([...])` is safer".
/// Issue trackers, chat and review tools carry them in every other value. Code a sentence names is not code the value runs:
/// an interpreter that evaluated the whole value would stop at the prose around the span. A span whose commands are what
/// attackers run (recon, downloads, shells) still counts, since a shell expands backticks wherever they stand.
/// </summary>
internal static class MarkdownProse
{
    // Longest span read; a backtick whose partner is further away is not a code span.
    private const int MaxSpan = 128;

    // How far before and after a span its sentence is read.
    private const int ProseWindow = 48;

    /// <summary>
    /// Whether the single backtick at <paramref name="open"/> opens a code span that sits in a sentence: the value's start or a
    /// word and a blank before it; its end or a blank after it (one punctuation mark allowed); at least three words of prose outside
    /// spans around it; nothing inside that only a shell substitution would hold (<c>$(</c>, <c>${</c>, a download, a shell, a recon
    /// command). <paramref name="close"/> is the closing backtick.
    /// </summary>
    public static bool IsCodeSpanInProse(ReadOnlySpan<char> t, int open, out int close)
    {
        close = -1;
        if (open < 0 || open >= t.Length || t[open] != '`' || (open > 0 && t[open - 1] == '`') || (open + 1 < t.Length && t[open + 1] == '`'))
        {
            return false;
        }

        var length = Head(t[(open + 1)..], MaxSpan).IndexOf('`');
        if (length < 1)
        {
            return false;
        }

        close = open + 1 + length;
        if (close + 1 < t.Length && t[close + 1] == '`')
        {
            return false;
        }

        // Before: the value's start, or a word (or its punctuation) and a blank, with an opening parenthesis between: "CI (`lint`)".
        var lead = open > 0 && t[open - 1] == '(' ? open - 1 : open;
        if (lead > 0 && !(t[lead - 1] is ' ' && lead > 1 && (char.IsAsciiLetterOrDigit(t[lead - 2]) || t[lead - 2] is ',' or ':' or '.' or ';' or ')' or '(')))
        {
            return false;
        }

        // After: the end, or a blank or line break, with one punctuation mark allowed first ("`x`.", "`x`, then").
        var a = close + 1;
        if (a < t.Length && t[a] is '.' or ',' or ';' or ':' or '!' or '?' or ')')
        {
            a++;
        }

        if (a < t.Length && t[a] is not ('\n' or ' '))
        {
            return false;
        }

        // Prose is counted near the span only (a bounded window), so a value of many spans stays linear.
        var inner = t.Slice(open + 1, length);
        var from = Math.Max(0, open - ProseWindow);
        var to = Math.Min(t.Length, close + 1 + ProseWindow);
        return !inner.Contains("$(", StringComparison.Ordinal) && !inner.Contains("${", StringComparison.Ordinal) && !HoldsAttackCommand(inner)
            && Words(t[from..open], outsideCodeSpans: true) + Words(t[(close + 1)..to], outsideCodeSpans: true) >= 3;
    }

    /// <summary>
    /// Whether a fenced code block opens at <paramref name="open"/> ("```bash\n...\n```", a language tag of letters at most) and
    /// closes within 4,096 characters without holding what attackers run; <paramref name="end"/> is just past its closing fence.
    /// </summary>
    public static bool IsFencedBlock(ReadOnlySpan<char> t, int open, out int end)
    {
        end = -1;
        if (!t[open..].StartsWith("```") || (open > 0 && t[open - 1] == '`'))
        {
            return false;
        }

        var tag = open + 3;
        while (tag < t.Length && tag - open < 24 && char.IsAsciiLetterOrDigit(t[tag]))
        {
            tag++;
        }

        if (tag >= t.Length || t[tag] != '\n')
        {
            return false;
        }

        var body = t[(tag + 1)..];
        var close = Head(body, 4096).IndexOf("```", StringComparison.Ordinal);
        if (close < 0)
        {
            return false;
        }

        var code = body[..close];
        WorkMeter.Add(code.Length);
        if (code.Contains("$(", StringComparison.Ordinal) || code.Contains('`') || HoldsAttackCommand(code))
        {
            return false;
        }

        end = tag + 1 + close + 3;
        return true;
    }

    /// <summary>Whether <paramref name="pos"/> lies inside a code span in prose (see <see cref="IsCodeSpanInProse"/>).</summary>
    public static bool InCodeSpanOfProse(ReadOnlySpan<char> t, int pos)
    {
        var from = Math.Max(0, pos - MaxSpan);
        var open = t[from..pos].LastIndexOf('`');
        if (open < 0)
        {
            return false;
        }

        open += from;

        // An opening backtick has an even number of backticks before it.
        var before = t[..open].Count('`');
        return before % 2 == 0 && IsCodeSpanInProse(t, open, out var close) && close > pos;
    }

    /// <summary>
    /// Words of two or more letters (apostrophes count as letters); with <paramref name="outsideCodeSpans"/>, only those outside
    /// backtick spans (the text is read from outside a span).
    /// </summary>
    public static int Words(ReadOnlySpan<char> t, bool outsideCodeSpans = false)
    {
        WorkMeter.Add(t.Length);
        var words = 0;
        var inSpan = false;
        var run = 0;
        foreach (var c in t)
        {
            if (c == '`' && outsideCodeSpans)
            {
                inSpan = !inSpan;
                run = 0;
                continue;
            }

            if (inSpan)
            {
                continue;
            }

            if (char.IsAsciiLetter(c) || c == '\'')
            {
                run++;
                continue;
            }

            if (run >= 2)
            {
                words++;
            }

            run = 0;
        }

        return run >= 2 ? words + 1 : words;
    }

    /// <summary>
    /// Whether a word of the span is a command attackers run through an injection (recon, a shell to pipe a download into,
    /// exfiltration). "cat", "curl" and "wget" fill documentation; what they read or fetch is judged by the path and URL rules.
    /// </summary>
    private static bool HoldsAttackCommand(ReadOnlySpan<char> inner)
    {
        var i = 0;
        while (i < inner.Length)
        {
            while (i < inner.Length && !char.IsAsciiLetterOrDigit(inner[i]))
            {
                i++;
            }

            var start = i;
            while (i < inner.Length && (char.IsAsciiLetterOrDigit(inner[i]) || inner[i] is '_' or '-'))
            {
                i++;
            }

            if (inner[start..i] is "id" or "whoami" or "uname" or "nc" or "ncat" or "netcat" or "bash" or "sh" or "zsh"
                or "ping" or "sleep" or "nslookup" or "dig" or "base64" or "chmod" or "passwd" or "shadow" or "powershell" or "cmd" or "certutil"
                or "bitsadmin" or "mshta" or "rundll32" or "telnet" or "socat" or "xterm" or "ifconfig" or "hostname" or "env" or "printenv")
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether the value holds a Markdown table's delimiter row: two or more cells of three or more dashes (colons for
    /// alignment) between pipes ("|---|:---:|"). Found in the text itself, so the blank-folded second look, where the table's
    /// line breaks are spaces, sees the same table.
    /// </summary>
    public static bool IsTable(ReadOnlySpan<char> t)
    {
        var head = Head(t, 4096);
        var at = head.IndexOf("|-", StringComparison.Ordinal);
        while (at >= 0)
        {
            var cells = 0;
            var i = at;
            while (i < head.Length && head[i] == '|')
            {
                var dashes = 0;
                var j = i + 1;
                while (j < head.Length && head[j] is '-' or ':' or ' ')
                {
                    dashes += head[j] == '-' ? 1 : 0;
                    j++;
                }

                if (j >= head.Length || head[j] != '|' || dashes < 3)
                {
                    break;
                }

                cells++;
                i = j;
            }

            if (cells >= 2)
            {
                return true;
            }

            var next = head[(at + 2)..].IndexOf("|-", StringComparison.Ordinal);
            at = next < 0 ? -1 : at + 2 + next;
        }

        return false;
    }

    /// <summary>Whether the table cell starting at <paramref name="start"/> is one code span and nothing else: "| `grid` |".</summary>
    public static bool IsCodeCell(ReadOnlySpan<char> t, int start)
    {
        // Bounded: a cell longer than this is no option's code span, and each of a row's pipes may ask.
        var rest = Head(t[start..], 256);
        var end = rest.IndexOfAny('\n', '|');
        while (end > 0 && rest[end] == '|' && rest[end - 1] == '\\')
        {
            // An escaped pipe ("`string \\| null`") belongs to the cell.
            var more = rest[(end + 1)..].IndexOfAny('\n', '|');
            end = more < 0 ? -1 : end + 1 + more;
        }

        if (end < 0 && rest.Length == 256)
        {
            return false;
        }

        var cell = (end < 0 ? rest : rest[..end]).Trim(' ');
        return cell.Length >= 3 && cell[0] == '`' && cell[^1] == '`' && cell[1..^1].IndexOf('`') < 0;
    }
}
