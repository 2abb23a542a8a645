namespace ApiGuard.Inspection;

/// <summary>The injection families the payload inspector detects.</summary>
public enum InspectionCategory
{
    /// <summary>SQL injection.</summary>
    Sqli = 0,

    /// <summary>Cross-site scripting.</summary>
    Xss = 1,

    /// <summary>OS command injection.</summary>
    Cmdi = 2,

    /// <summary>Path traversal / local file inclusion.</summary>
    Lfi = 3,

    /// <summary>Remote file inclusion.</summary>
    Rfi = 4,

    /// <summary>Server-side request forgery in URL-shaped values.</summary>
    Ssrf = 5,

    /// <summary>Server-side template injection and log4shell-style lookups.</summary>
    Ssti = 6,

    /// <summary>NoSQL operator injection.</summary>
    Nosqli = 7,

    /// <summary>LDAP filter injection.</summary>
    Ldapi = 8,

    /// <summary>XML external entities.</summary>
    Xxe = 9,

    /// <summary>CRLF / header injection.</summary>
    Crlf = 10,

    /// <summary>Protocol and encoding anomalies (invalid UTF-8, NUL bytes, excessive encoding layers).</summary>
    Encoding = 11,

    /// <summary>Server-side code injection: PHP, Java, Node.js and similar code, deserialization gadgets, prototype pollution.</summary>
    Code = 12,
}

/// <summary>The decoding layers the normaliser applied to a value before a detector matched.</summary>
[Flags]
public enum DecodingLayers
{
    /// <summary>None: the value matched as given.</summary>
    None = 0,

    /// <summary>URL (percent) decoding, once.</summary>
    Url = 1,

    /// <summary>URL decoding applied twice or more (double encoding).</summary>
    DoubleUrl = 2,

    /// <summary><c>%uXXXX</c> decoding.</summary>
    PercentU = 4,

    /// <summary>HTML entity decoding.</summary>
    HtmlEntity = 8,

    /// <summary>JSON <c>\u</c> escape decoding.</summary>
    JsonEscape = 16,

    /// <summary>Unicode full-width and confusable folding.</summary>
    UnicodeFold = 32,

    /// <summary>SQL comment and whitespace folding.</summary>
    SqlComment = 64,

    /// <summary><c>+</c> as space (query and form values).</summary>
    PlusAsSpace = 128,

    /// <summary>Base64 decoding (fields declared as base64).</summary>
    Base64 = 256,
}

/// <summary>Where a value came from; decides which decodings apply (for example <c>+</c> as space only in query and form values).</summary>
public enum ValueSource
{
    /// <summary>A raw value with no transport context (the CLI, plain text bodies).</summary>
    Raw = 0,

    /// <summary>A query-string name or value (already URL-decoded once by the server).</summary>
    Query = 1,

    /// <summary>A form-urlencoded or multipart field value.</summary>
    Form = 2,

    /// <summary>A JSON string value (escapes already decoded by the JSON reader).</summary>
    JsonValue = 3,

    /// <summary>A JSON property name.</summary>
    JsonPropertyName = 4,

    /// <summary>A request header value.</summary>
    Header = 5,

    /// <summary>A path segment.</summary>
    Path = 6,

    /// <summary>An XML body (XXE checks apply).</summary>
    Xml = 7,
}

/// <summary>A declared field type: the inspector decodes, narrows or skips accordingly.</summary>
public enum FieldType
{
    /// <summary>Free text: every detector at the configured paranoia level.</summary>
    FreeText = 0,

    /// <summary>Base64: decoded first, then inspected; a value that is not base64 is itself a finding.</summary>
    Base64 = 1,

    /// <summary>A URL: inspected for SSRF/RFI/XSS schemes; prose detectors (SQL in text) are narrowed.</summary>
    Url = 2,

    /// <summary>An identifier (letters, digits, <c>-_.:</c>): anything else is a finding; nothing more is inspected.</summary>
    Identifier = 3,
}

/// <summary>How to inspect one value.</summary>
/// <param name="Source">Where the value came from.</param>
/// <param name="ParanoiaLevel">1 (default, fewest false positives) to 4.</param>
/// <param name="FieldType">The declared type of the field.</param>
/// <param name="StopAtScore">
/// When above 0, the inspector may stop running detectors once the value's score reaches it, so the verdict is an attack
/// exactly when a full inspection's would be, with fewer findings explained. The middleware passes what is left of its block
/// threshold in Enforce; 0 (the default) runs every detector and reports every finding, as DetectOnly and <c>apiguard scan</c> do.
/// </param>
public readonly record struct InspectionSettings(ValueSource Source = ValueSource.Raw, int ParanoiaLevel = 1, FieldType FieldType = FieldType.FreeText, int StopAtScore = 0);

/// <summary>One rule match. A value type: inspection allocates nothing.</summary>
/// <param name="RuleId">A stable numeric rule id (CRS-style numbering per category).</param>
/// <param name="Category">The injection family.</param>
/// <param name="Score">The anomaly score this finding adds (CRS style: critical 5, error 4, warning 3, notice 2).</param>
/// <param name="ParanoiaLevel">The lowest paranoia level at which the rule is active.</param>
/// <param name="Layers">The decoding layers applied before the match.</param>
/// <param name="Offset">Start of the matched region in the inspected value (in its original units), for excerpts.</param>
/// <param name="Length">Length of the matched region in the original value.</param>
public readonly record struct InspectionFinding(int RuleId, InspectionCategory Category, int Score, int ParanoiaLevel, DecodingLayers Layers, int Offset, int Length);

/// <summary>The result of inspecting one value.</summary>
/// <param name="Score">The sum of the findings' scores (all findings, including those not written for lack of room).</param>
/// <param name="FindingCount">How many findings were written into the caller's span.</param>
/// <param name="Layers">Every decoding layer the value needed.</param>
public readonly record struct InspectionVerdict(int Score, int FindingCount, DecodingLayers Layers)
{
    /// <summary>Whether anything matched.</summary>
    public bool HasFindings => Score > 0;
}

/// <summary>
/// The payload inspector: detects injection in one value, allocation-free, in time linear in the value's length,
/// never throwing on any input. Registered as a singleton; thread-safe.
/// </summary>
public interface IPayloadInspector
{
    /// <summary>Inspects a UTF-8 value. Findings go into <paramref name="findings"/> (up to its length).</summary>
    InspectionVerdict Inspect(ReadOnlySpan<byte> utf8, in InspectionSettings settings, Span<InspectionFinding> findings);

    /// <summary>Inspects a UTF-16 value. Findings go into <paramref name="findings"/> (up to its length).</summary>
    InspectionVerdict Inspect(ReadOnlySpan<char> value, in InspectionSettings settings, Span<InspectionFinding> findings);
}
