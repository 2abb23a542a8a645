namespace ApiGuard.Client.Signatures;

/// <summary>How <see cref="RequestSigner"/> signs requests.</summary>
public sealed class SigningOptions
{
    /// <summary>The signing key (with its key id and algorithm). Required.</summary>
    public SignatureKey? Key { get; set; }

    /// <summary>The signature label.</summary>
    /// <value>Default: <c>sig1</c>.</value>
    public string Label { get; set; } = "sig1";

    /// <summary>
    /// The covered components, as names (<c>@method</c>, <c>content-type</c>) or serialised identifiers
    /// (<c>"@query-param";name="id"</c>). Fields absent from a request are skipped.
    /// </summary>
    /// <value>Default: <c>@method</c>, <c>@target-uri</c>, and with a body <c>content-digest</c>, <c>content-type</c>.</value>
    public IList<string> Components { get; } = [];

    /// <summary>Whether to add the <c>created</c> parameter.</summary>
    /// <value>Default: <see langword="true"/>.</value>
    public bool IncludeCreated { get; set; } = true;

    /// <summary>When set, adds <c>expires</c> = created + this.</summary>
    /// <value>Default: <see langword="null"/> (no expires).</value>
    public TimeSpan? ExpiresAfter { get; set; }

    /// <summary>Whether to add a random <c>nonce</c> (128 bits).</summary>
    /// <value>Default: <see langword="true"/>.</value>
    public bool IncludeNonce { get; set; } = true;

    /// <summary>The <c>Content-Digest</c> algorithm for requests with a body (<c>sha-256</c> or <c>sha-512</c>), or <see langword="null"/> for none.</summary>
    /// <value>Default: <c>sha-256</c>.</value>
    public string? DigestAlgorithm { get; set; } = ContentDigest.Sha256;

    /// <summary>Whether to add the <c>alg</c> parameter.</summary>
    /// <value>Default: <see langword="false"/> (the verifier pins the algorithm by key).</value>
    public bool IncludeAlgorithm { get; set; }

    /// <summary>An optional <c>tag</c> parameter.</summary>
    public string? Tag { get; set; }
}
