using ApiGuard.Monitoring;

namespace ApiGuard.Posture.Leaks;

/// <summary>Event kinds, severities and masked excerpts of leak matches. Only called when a leak was found.</summary>
internal static class LeakDescriptions
{
    public static string Kind(LeakType type) => type switch
    {
        LeakType.StackTrace => "leak.stack-trace",
        LeakType.ExceptionType => "leak.exception-type",
        LeakType.SqlError => "leak.sql-error",
        LeakType.PrivateKey => "leak.private-key",
        LeakType.CloudCredential => "leak.cloud-credential",
        LeakType.Jwt => "leak.jwt",
        LeakType.CardNumber => "leak.card-number",
        _ => "leak.custom",
    };

    public static SecuritySeverity Severity(LeakType type) => type switch
    {
        LeakType.PrivateKey or LeakType.CloudCredential => SecuritySeverity.Critical,
        LeakType.CardNumber or LeakType.Jwt => SecuritySeverity.High,
        LeakType.SqlError or LeakType.StackTrace => SecuritySeverity.Medium,
        _ => SecuritySeverity.Low,
    };

    /// <summary>A log-safe description of a match: secrets are never included, only their shape.</summary>
    public static string Mask(LeakType type, ReadOnlySpan<char> match)
    {
        switch (type)
        {
            case LeakType.CardNumber:
                {
                    Span<char> last = stackalloc char[4];
                    var n = 0;
                    for (var i = match.Length - 1; i >= 0 && n < 4; i--)
                    {
                        if (char.IsAsciiDigit(match[i]))
                        {
                            last[3 - n++] = match[i];
                        }
                    }

                    return $"card number ending {last[(4 - n)..]}";
                }

            case LeakType.CloudCredential:
                return $"{match[..Math.Min(4, match.Length)]}… ({match.Length} chars)";
            case LeakType.Jwt:
                return $"JWT ({match.Length} chars)";
            case LeakType.PrivateKey:
                return $"PEM private key ({match.Length} bytes)";
            case LeakType.Custom:
                return $"custom match ({match.Length} bytes)";
            default:
                {
                    // Stack frames, exception names and SQL error phrases are code details, not secrets: keep a short, printable excerpt.
                    var excerpt = match[..Math.Min(64, match.Length)];
                    Span<char> clean = stackalloc char[excerpt.Length];
                    for (var i = 0; i < excerpt.Length; i++)
                    {
                        clean[i] = excerpt[i] is >= ' ' and < (char)0x7F ? excerpt[i] : '?';
                    }

                    return new string(clean);
                }
        }
    }

    /// <summary>
    /// Masks a match in place with <c>*</c>: letters and digits only, so JSON quotes, escapes (<c>\n</c>, <c>\u002B</c>) and
    /// punctuation stay and the document stays valid; the length does not change.
    /// </summary>
    public static void Redact(Span<byte> body)
    {
        for (var i = 0; i < body.Length; i++)
        {
            var b = body[i];
            if (b == (byte)'\\')
            {
                // Keep the escape and what it escapes (\uXXXX keeps its four hex digits).
                if (i + 1 < body.Length && body[i + 1] == (byte)'u')
                {
                    i += 5;
                }
                else
                {
                    i++;
                }

                continue;
            }

            if (char.IsAsciiLetterOrDigit((char)b))
            {
                body[i] = (byte)'*';
            }
        }
    }
}
