namespace ApiGuard.Posture.Outbound;

/// <summary>
/// Settings of the outbound guard for one <c>HttpClient</c> (named options, the client's name), defaulting to
/// <c>ApiGuard:Posture:Outbound</c>.
/// </summary>
public sealed class OutboundGuardOptions
{
    /// <summary>
    /// Host names the client may call: exact (<c>api.example.com</c>) or a subdomain wildcard (<c>*.example.com</c>).
    /// Empty: any host whose addresses pass the address check.
    /// </summary>
    /// <value>Default: empty.</value>
    public List<string> AllowedHosts { get; set; } = [];

    /// <summary>
    /// Addresses or CIDR ranges that are allowed even though they are loopback, private, link-local or otherwise blocked
    /// (for example <c>10.20.0.0/16</c> for an internal service). Checked against every resolved address.
    /// </summary>
    /// <value>Default: empty.</value>
    public List<string> AllowedNetworks { get; set; } = [];

    /// <summary>How many redirects are followed (each hop is checked again); 0 returns the 3xx response unfollowed.</summary>
    /// <value>Default: 5. Allowed: 0 to 20.</value>
    public int MaxRedirects { get; set; } = 5;

    /// <summary>Whether a redirect from https to http is followed.</summary>
    /// <value>Default: <see langword="false"/> (blocked).</value>
    public bool AllowHttpsToHttpRedirect { get; set; }

    /// <summary>The largest response body read, in bytes; a larger one fails with <see cref="OutboundRequestBlockedException"/>.</summary>
    /// <value>Default: 10485760 (10 MiB). Allowed: 1 to 2147483647.</value>
    public long MaxResponseBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>
    /// How long the whole exchange may take: all hops until the response headers, then every read of the response body
    /// (asynchronous reads are cancelled at the deadline; a synchronous read is refused once the deadline has passed).
    /// A body still being read at the deadline fails with <see cref="OutboundRequestBlockedException"/> (<see cref="OutboundBlockReason.Timeout"/>),
    /// so raise it for clients that stream long responses.
    /// </summary>
    /// <value>Default: 30 seconds. Allowed: 1 millisecond to 10 minutes.</value>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one TCP connect may take.</summary>
    /// <value>Default: 10 seconds. Allowed: 1 millisecond to 10 minutes.</value>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
