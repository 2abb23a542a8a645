using System.Buffers;
using System.Text;
using ApiGuard.Inspection.Decoding;
using ApiGuard.Inspection.Rules;

namespace ApiGuard.Inspection;

/// <summary>
/// The payload inspector engine: normalises a value (bounded decoding layers, Unicode folding, case folding) and runs
/// token- and grammar-level detectors for SQL injection, XSS, command injection, path traversal, RFI, SSRF, template
/// injection and log4shell lookups, NoSQL operators, LDAP filters, XXE, CRLF injection and server-side code injection.
/// Findings are scored CRS-style; rules above the requested paranoia level are ignored.
/// </summary>
/// <remarks>
/// Allocation-free per value (scratch from <c>stackalloc</c> or <see cref="ArrayPool{T}"/>), linear in the value's
/// length (no regular expressions), never throws on any input, thread-safe (all tables are static and immutable).
/// </remarks>
public sealed class PayloadInspector : IPayloadInspector
{
    /// <summary>The default anomaly score at which a value counts as an attack (CRS's critical severity).</summary>
    public const int DefaultThreshold = 5;

    private const int StackChars = 512;

    /// <inheritdoc />
    public InspectionVerdict Inspect(ReadOnlySpan<byte> utf8, in InspectionSettings settings, Span<InspectionFinding> findings)
    {
        var sink = new FindingSink(findings, settings.ParanoiaLevel, utf8.Length, settings.StopAtScore);
        if (utf8.IsEmpty || IsPlainAsciiEmail(utf8, settings.FieldType))
        {
            return default;
        }

        char[]? rented = null;
        var need = utf8.Length * 3;
        var scratch = need <= StackChars * 3 ? stackalloc char[StackChars * 3] : (rented = ArrayPool<char>.Shared.Rent(need));
        try
        {
            var len = utf8.Length;
            var chars = scratch[..len];
            var written = Normalizer.DecodeUtf8(utf8, chars, ref sink);
            Run(chars[..written], settings, scratch.Slice(len, len), scratch.Slice(2 * len, len), ref sink);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }

        return new InspectionVerdict(sink.Score, sink.Count, sink.Layers);
    }

    /// <inheritdoc />
    public InspectionVerdict Inspect(ReadOnlySpan<char> value, in InspectionSettings settings, Span<InspectionFinding> findings)
    {
        var sink = new FindingSink(findings, settings.ParanoiaLevel, value.Length, settings.StopAtScore);
        if (value.IsEmpty)
        {
            return default;
        }

        char[]? rented = null;
        var need = value.Length * 2;
        var scratch = need <= StackChars * 2 ? stackalloc char[StackChars * 2] : (rented = ArrayPool<char>.Shared.Rent(need));
        try
        {
            Run(value, settings, scratch[..value.Length], scratch.Slice(value.Length, value.Length), ref sink);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }

        return new InspectionVerdict(sink.Score, sink.Count, sink.Layers);
    }

    private static readonly SearchValues<byte> s_plainEmailBytes = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_@"u8);

    /// <summary>
    /// The e-mail addresses that fill API bodies, answered before any decoding: spelt in ASCII letters, digits, dots,
    /// hyphens and underscores only, there is nothing for the normaliser to decode or fold (no '%', '&amp;', '+', '\' or
    /// "--"), so the address <see cref="Detect"/> would see is this one and <see cref="EmailAddress.IsPlain"/> settles it
    /// there the same way.
    /// </summary>
    private static bool IsPlainAsciiEmail(ReadOnlySpan<byte> utf8, FieldType type)
    {
        if (type != FieldType.FreeText || utf8.Length is < 5 or > 254 || utf8.IndexOf((byte)'@') <= 0
            || utf8.IndexOfAnyExcept(s_plainEmailBytes) >= 0 || utf8.IndexOf("--"u8) >= 0)
        {
            return false;
        }

        Span<char> chars = stackalloc char[254];
        Ascii.ToUtf16(utf8, chars, out var written);
        return EmailAddress.IsPlain(chars[..written]);
    }

    /// <summary>Whether a verdict's score reaches <paramref name="threshold"/>.</summary>
    public static bool IsAttack(in InspectionVerdict verdict, int threshold = DefaultThreshold) => verdict.Score >= threshold;

    private static void Run(scoped ReadOnlySpan<char> value, in InspectionSettings settings, scoped Span<char> a, scoped Span<char> b, ref FindingSink sink)
    {
        var length = Normalizer.Normalize(value, a, b, settings.Source, ref sink, out var inB);
        ReadOnlySpan<char> t = (inB ? b : a)[..length];
        if (t.IsEmpty)
        {
            return;
        }

        if (settings.FieldType == FieldType.Identifier)
        {
            IdentifierRule.Detect(t, ref sink);
            return;
        }

        var encoded = value;
        var base64 = settings.FieldType == FieldType.Base64 || Base64Layer.LooksLikeBase64(value);
        if (!base64 && Base64Layer.DataUriPayload(value, out _) is { IsEmpty: false } payload && Base64Layer.LooksLikeBase64(payload))
        {
            // A data URI's payload ("data:application/pdf;base64,JVBERi0x...") is read decoded, like a base64 value.
            encoded = payload;
            base64 = true;
        }

        try
        {
            if (settings.FieldType != FieldType.Base64)
            {
                Detect(t, settings, ref sink);
            }

            if (base64 && !sink.Settled)
            {
                // a and b are free again: decode the original value into them and inspect the decoded text.
                Base64Layer.Inspect(encoded, settings, a, b, ref sink);
            }
        }
        catch (Exception ex) when (ex is IndexOutOfRangeException or ArgumentOutOfRangeException or InvalidOperationException)
        {
            // Never throw on attacker input: a detector fault fails closed as a critical finding (rule 920900).
            sink.Add(RuleKey.EngineFault, 0, value.Length);
        }
    }

    /// <summary>Runs the detectors over normalised text.</summary>
    internal static void Detect(scoped ReadOnlySpan<char> t, in InspectionSettings settings, ref FindingSink sink)
    {
        var outer = sink.Chars;
        sink.Chars = CharMask.Of(t);
        try
        {
            if (sink.Chars.Has('@') && EmailAddress.IsPlain(t))
            {
                // The most common structured value of API bodies, and one no detector has anything to find in.
                return;
            }

            DetectAll(t, settings, ref sink);
            if (!sink.Settled)
            {
                var m = sink.Chars;
                var plusAsSpace = m.Has('+') && !m.Has(' ') && !IsBase64Shaped(t);
                if (plusAsSpace || m.HasAny(s_blankMask, t, s_blanks))
                {
                    DetectBlanksFolded(t, settings, plusAsSpace, ref sink);
                }
            }
        }
        finally
        {
            sink.Chars = outer;
        }
    }

    private static readonly SearchValues<char> s_blanks = SearchValues.Create("\t\n\r\v\f");
    private static readonly CharMask s_blankMask = CharMask.Set("\t\n\r\v\f");
    private static readonly CharMask s_blankPlusMask = CharMask.Set("\t\n\r\v\f+");
    private static readonly SearchValues<char> s_lowerBase64Alphabet = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789+/");

    /// <summary>
    /// Whether the (lower-cased) text is spelt in the base64 alphabet with a length that is a multiple of four ("if+foo==",
    /// "ab+cd/ef"): its plus signs are data, not spaces.
    /// </summary>
    private static bool IsBase64Shaped(ReadOnlySpan<char> t)
    {
        var body = t.TrimEnd('=');
        return t.Length % 4 == 0 && t.Length - body.Length <= 2 && body.IndexOfAnyExcept(s_lowerBase64Alphabet) < 0;
    }

    /// <summary>
    /// A second look with tabs, line breaks, vertical tabs and form feeds read as spaces, and plus signs too in a value without
    /// spaces that is not base64: "powershell\tC:\\x.exe",
    /// "for\n/f\n%a\nin\n(x)\ndo\ny" and "sleep\t(5)" are the same payloads as their space-separated forms to SQL, HTML,
    /// cmd and PowerShell, and "1+union+select+..." is a query string's spelling of spaces that reaches the application
    /// whenever it decodes form encoding once more. Findings only add to the first look's (each rule counts once), which
    /// keeps what needs the raw characters: CRLF injection, "ja&amp;tab;vascript:" (browsers strip tabs from URLs),
    /// newline-separated shell commands and '+' as SQL concatenation. Same length, so finding offsets stay valid.
    /// </summary>
    private static void DetectBlanksFolded(scoped ReadOnlySpan<char> t, in InspectionSettings settings, bool plusAsSpace, ref FindingSink sink)
    {
        char[]? rented = null;
        var folded = t.Length <= StackChars ? stackalloc char[StackChars] : (rented = ArrayPool<char>.Shared.Rent(t.Length));
        try
        {
            folded = folded[..t.Length];
            t.CopyTo(folded);
            foreach (ref var c in folded)
            {
                if (c is '\t' or '\n' or '\r' or '\v' or '\f' || (c == '+' && plusAsSpace))
                {
                    c = ' ';
                }
            }

            sink.Chars = sink.Chars.WithSpaceFor(plusAsSpace ? s_blankPlusMask : s_blankMask);
            DetectAll(folded, settings, ref sink);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    private static void DetectAll(scoped ReadOnlySpan<char> t, in InspectionSettings settings, ref FindingSink sink)
    {
        if (settings.FieldType == FieldType.Url)
        {
            UrlDetector.Detect(t, settings.Source, ref sink);
            XssDetector.Detect(t, settings.Source, ref sink);
            PathDetector.Detect(t, ref sink);
            return;
        }

        // In the order that most often settles an attack first, with the cheap structural checks (XXE, NoSQL operators, LDAP,
        // CRLF) early so they name what they find; with StopAtScore the rest is skipped once the score is reached.
        SqlDetector.Detect(t, ref sink);
        MiscDetector.Detect(t, settings.Source, ref sink);
        QueryLanguageDetector.Detect(t, ref sink);
        if (sink.Settled)
        {
            return;
        }

        XssDetector.Detect(t, settings.Source, ref sink);
        if (sink.Settled)
        {
            return;
        }

        CommandDetector.Detect(t, ref sink);
        if (sink.Settled)
        {
            return;
        }

        PathDetector.Detect(t, ref sink);
        if (sink.Settled)
        {
            return;
        }

        UrlDetector.Detect(t, settings.Source, ref sink);
        TemplateDetector.Detect(t, ref sink);
        if (sink.Settled)
        {
            return;
        }

        CodeDetector.Detect(t, settings.Source, ref sink);
    }
}
