namespace ApiGuard.Posture.Leaks;

/// <summary>What response leak detection does with a response that leaks.</summary>
public enum LeakAction
{
    /// <summary>The response goes out unchanged; a security event reports the leak. Bodies pass through without buffering.</summary>
    Report = 0,

    /// <summary>
    /// The leaked bytes are masked in place with <c>*</c> (same length, so <c>Content-Length</c> stays right; JSON escapes and quotes are kept).
    /// The first <see cref="ResponseLeakOptions.MaxScanBytes"/> bytes are buffered before they are sent.
    /// </summary>
    Redact = 1,

    /// <summary>
    /// The response is replaced with a 500 <c>application/problem+json</c> (<see cref="Problems.ApiGuardProblemTypes.ResponseWithheld"/>).
    /// The first <see cref="ResponseLeakOptions.MaxScanBytes"/> bytes are buffered; a leak found later than that (or after the app
    /// started the response itself) can only be redacted.
    /// </summary>
    Withhold = 2,
}

/// <summary>The kinds of leaks the built-in detectors find.</summary>
public enum LeakType
{
    /// <summary>Stack frames (.NET, Java, Python) and stack-trace phrases. Event kind <c>leak.stack-trace</c>.</summary>
    StackTrace = 0,

    /// <summary>Fully qualified exception type names (<c>System.InvalidOperationException</c>). Event kind <c>leak.exception-type</c>.</summary>
    ExceptionType = 1,

    /// <summary>Database and framework error messages (SQL Server, PostgreSQL, MySQL, Oracle, SQLite). Event kind <c>leak.sql-error</c>.</summary>
    SqlError = 2,

    /// <summary>PEM private keys. Event kind <c>leak.private-key</c>.</summary>
    PrivateKey = 3,

    /// <summary>Cloud and SaaS credentials (AWS access key ids and secret keys, GitHub, Stripe, Slack, Google, Azure storage keys). Event kind <c>leak.cloud-credential</c>.</summary>
    CloudCredential = 4,

    /// <summary>JSON Web Tokens. Event kind <c>leak.jwt</c>.</summary>
    Jwt = 5,

    /// <summary>Payment card numbers (issuer range, length, grouping and Luhn checked). Event kind <c>leak.card-number</c>.</summary>
    CardNumber = 6,

    /// <summary>A match of a custom <see cref="IResponseLeakDetector"/>. Event kind <c>leak.&lt;detector name&gt;</c>.</summary>
    Custom = 7,
}

/// <summary>Settings of response leak detection (<c>ApiGuard:Posture:Leaks</c>).</summary>
public sealed class ResponseLeakOptions
{
    /// <summary>What to do with a leaking response.</summary>
    /// <value>Default: <see cref="LeakAction.Report"/>.</value>
    public LeakAction Action { get; set; } = LeakAction.Report;

    /// <summary>How many bytes of each response body are scanned (and, for Redact and Withhold, held back before sending).</summary>
    /// <value>Default: 65536. Allowed: 256 to 16777216.</value>
    public int MaxScanBytes { get; set; } = 64 * 1024;

    /// <summary>The share of responses scanned, from 0 (none) to 1 (all). Sampling is deterministic (every n-th response).</summary>
    /// <value>Default: 1.</value>
    public double SampleRate { get; set; } = 1.0;

    /// <summary>How many matches one response records at most (Redact masks only those).</summary>
    /// <value>Default: 64. Allowed: 1 to 1024.</value>
    public int MaxMatchesPerResponse { get; set; } = 64;

    /// <summary>Whether <c>Server</c>, <c>X-Powered-By</c>, <c>X-AspNet-Version</c> and <c>X-AspNetMvc-Version</c> response headers are reported
    /// (once per header name per process, severity Low); in Redact and Withhold they are also removed.</summary>
    /// <value>Default: <see langword="true"/>.</value>
    public bool CheckDisclosureHeaders { get; set; } = true;

    /// <summary>
    /// Built-in detectors that do not run (all run by default). Values: the <see cref="LeakType"/> names except <c>Custom</c>.
    /// A list rather than an enabled-set because configuration binding adds to lists instead of replacing them.
    /// </summary>
    /// <value>Default: empty.</value>
    public List<LeakType> DisabledDetectors { get; set; } = [];
}
