namespace ApiGuard.Inspection.Rules;

/// <summary>
/// Plain e-mail addresses, the most common structured value in API bodies: letters, digits and <c>._+-</c> before the '@',
/// a domain of two or more labels after it. No detector has anything to find in one, so the engine passes it without
/// running them, and the SQL detector does not read its dots and hyphens as syntax.
/// </summary>
internal static class EmailAddress
{
    /// <summary>
    /// Whether the whole value is an e-mail address of letters, digits and <c>. _ + -</c> ("select@example.org",
    /// "first.last+union@mail.example.com"): without quotes, blanks, parentheses, comments or operators it cannot leave a
    /// SQL string or number, whatever words its local part spells. "select@@version" (two at signs) is not one.
    /// </summary>
    public static bool IsPlain(ReadOnlySpan<char> t)
    {
        var at = t.IndexOf('@');
        if (at <= 0 || t.Length > 254 || t[..at].Contains("--", StringComparison.Ordinal) || t[..at].Contains("..", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in t[..at])
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '+' or '-'))
            {
                return false;
            }
        }

        // Domain: two or more labels of letters, digits and inner hyphens; the last one letters only (a top-level domain).
        var domain = t[(at + 1)..];
        var labels = 0;
        var last = ReadOnlySpan<char>.Empty;
        foreach (var range in domain.Split('.'))
        {
            var label = domain[range];
            if (label.IsEmpty || label[0] == '-' || label[^1] == '-')
            {
                return false;
            }

            foreach (var c in label)
            {
                // Internationalised domains ("例え.jp", "bücher.example") are letters too.
                if (!(char.IsAsciiLetterOrDigit(c) || c == '-' || (c > 0x7F && char.IsLetterOrDigit(c))))
                {
                    return false;
                }
            }

            labels++;
            last = label;
        }

        return labels >= 2 && last.Length >= 2 && (!last.ContainsAnyExceptInRange('a', 'z') || !last.ContainsAnyInRange('\0', '\u007F'));
    }
}
