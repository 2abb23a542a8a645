using ApiGuard.Client.Signatures;
using Microsoft.Extensions.Primitives;

namespace ApiGuard.Tests.Client.Signatures;

/// <summary>An HTTP/1.1 message parsed from the vectors' LF text form, as <see cref="HttpMessageComponents"/>.</summary>
internal sealed class TestHttpMessage : HttpMessageComponents
{
    private readonly List<KeyValuePair<string, string>> _headers = [];
    private readonly List<KeyValuePair<string, string>> _trailers = [];

    private TestHttpMessage()
    {
    }

    public override bool IsRequest => Method is not null;

    public override string? Method => MethodValue;

    public override int StatusCode => Status;

    public override string? Scheme => SchemeValue;

    public override string? Authority => Header("host");

    public override string? RequestTarget => Target;

    public override HttpMessageComponents? RelatedRequest => Request;

    public string? MethodValue { get; private set; }

    public int Status { get; private set; }

    public string? Target { get; private set; }

    public string SchemeValue { get; set; } = "https";

    public TestHttpMessage? Request { get; set; }

    public byte[] Body { get; private set; } = [];

    public IEnumerable<KeyValuePair<string, string>> Headers => _headers;

    public string? Header(string name)
    {
        var values = _headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value.Trim(' ', '\t')).ToArray();
        return values.Length == 0 ? null : string.Join(", ", values);
    }

    public override bool TryGetField(string name, out StringValues lines) => Find(_headers, name, out lines);

    public override bool TryGetTrailer(string name, out StringValues lines) => Find(_trailers, name, out lines);

    public static TestHttpMessage Load(string path) => Parse(File.ReadAllText(path), startLine: true);

    /// <summary>Parses a message (<paramref name="startLine"/>) or a bare header fragment.</summary>
    public static TestHttpMessage Parse(string text, bool startLine)
    {
        var message = new TestHttpMessage();
        var split = text.IndexOf("\n\n", StringComparison.Ordinal);
        var head = split < 0 ? text : text[..split];
        var body = split < 0 ? null : text[(split + 2)..];
        var lines = head.Split('\n');
        var first = 0;
        if (startLine)
        {
            var parts = lines[0].Split(' ', 3);
            if (parts[0].StartsWith("HTTP/", StringComparison.Ordinal))
            {
                message.Status = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
            }
            else
            {
                message.MethodValue = parts[0];
                message.Target = parts[1];
            }

            first = 1;
        }

        ParseFields(lines.Skip(first), message._headers);
        if (body is not null)
        {
            if (message.Header("transfer-encoding") == "chunked")
            {
                ParseChunked(body, message);
            }
            else
            {
                message.Body = System.Text.Encoding.UTF8.GetBytes(body);
            }
        }

        return message;
    }

    private static void ParseFields(IEnumerable<string> lines, List<KeyValuePair<string, string>> into)
    {
        foreach (var line in lines)
        {
            if (line.Length == 0)
            {
                continue;
            }

            if (line[0] is ' ' or '\t')
            {
                // obs-fold: the continuation joins the previous line with a single space.
                var last = into[^1];
                into[^1] = new(last.Key, last.Value.TrimEnd(' ', '\t') + " " + line.Trim(' ', '\t'));
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            into.Add(new(line[..colon], line[(colon + 1)..]));
        }
    }

    private static void ParseChunked(string body, TestHttpMessage message)
    {
        var lines = body.Split('\n');
        var content = new System.Text.StringBuilder();
        var i = 0;
        while (i < lines.Length)
        {
            var size = Convert.ToInt32(lines[i], 16);
            i++;
            if (size == 0)
            {
                break;
            }

            content.Append(lines[i]);
            i++;
        }

        message.Body = System.Text.Encoding.UTF8.GetBytes(content.ToString());
        ParseFields(lines.Skip(i), message._trailers);
    }

    private static bool Find(List<KeyValuePair<string, string>> fields, string name, out StringValues lines)
    {
        var values = fields.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).ToArray();
        lines = values;
        return values.Length > 0;
    }
}
