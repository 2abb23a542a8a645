namespace ApiGuard.Posture.Audit;

/// <summary>Settings of the startup endpoint audit (<c>ApiGuard:Posture:Audit</c>).</summary>
public sealed class EndpointAuditOptions
{
    /// <summary>Whether the audit runs when the application starts.</summary>
    /// <value>Default: <see langword="true"/>.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>Whether each finding is written to the log at startup (event ids 8000–8009).</summary>
    /// <value>Default: <see langword="true"/>.</value>
    public bool LogFindings { get; set; } = true;

    /// <summary>
    /// Accepted findings: an id (<c>APIG-POSTURE-008</c>) suppresses it everywhere, <c>id@route</c>
    /// (<c>APIG-POSTURE-001@/health</c>) only for that route pattern. Suppressed findings are listed apart and not published.
    /// </summary>
    /// <value>Default: empty.</value>
    public List<string> SuppressedFindings { get; set; } = [];

    /// <summary>Case-insensitive fragments of a route pattern that make an endpoint login-like (checked for brute-force or rate-limit protection).</summary>
    /// <value>Default: <c>login</c>, <c>signin</c>, <c>sign-in</c>, <c>logon</c>, <c>authenticate</c>, <c>token</c>, <c>password</c>, <c>otp</c>, <c>mfa</c>.</value>
    public List<string> LoginRouteKeywords { get; set; } = ["login", "signin", "sign-in", "logon", "authenticate", "token", "password", "otp", "mfa"];

    /// <summary>Whether the absence of HTTPS redirection and HSTS outside Development is reported (switch off when TLS ends at a proxy).</summary>
    /// <value>Default: <see langword="true"/>.</value>
    public bool RequireHttps { get; set; } = true;
}
