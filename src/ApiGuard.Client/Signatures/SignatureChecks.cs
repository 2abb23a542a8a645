namespace ApiGuard.Client.Signatures;

/// <summary>
/// The names of the checks a signed request can fail, as reported in the <c>check</c> member of the 401 problem,
/// in the <c>RuleId</c> of security events and in the <c>error.type</c> metric tag.
/// </summary>
public static class SignatureChecks
{
    /// <summary>No <c>Signature-Input</c>/<c>Signature</c> fields (or no usable label).</summary>
    public const string MissingSignature = "missing-signature";

    /// <summary>A field could not be parsed (RFC 8941), was too large, or a component or parameter is invalid.</summary>
    public const string Malformed = "malformed";

    /// <summary>The <c>keyid</c> is not known (or missing).</summary>
    public const string UnknownKey = "unknown-key";

    /// <summary>The <c>alg</c> parameter names an algorithm other than the one the key is pinned to.</summary>
    public const string AlgorithmMismatch = "alg-mismatch";

    /// <summary>The signature is past <c>expires</c>, or <c>created</c> is older than the maximum age (or missing when required).</summary>
    public const string Expired = "expired";

    /// <summary><c>created</c> is in the future beyond the allowed clock skew.</summary>
    public const string CreatedInFuture = "created-in-future";

    /// <summary>A component the policy requires is not covered, or a covered component is absent from the message.</summary>
    public const string MissingComponent = "missing-component";

    /// <summary>A nonce is required (non-idempotent method) but absent, or the nonce was rejected by the application.</summary>
    public const string NonceRequired = "nonce-required";

    /// <summary><c>Content-Digest</c> does not match the body, or uses no supported algorithm.</summary>
    public const string DigestMismatch = "digest-mismatch";

    /// <summary>The signature does not verify over the signature base.</summary>
    public const string BadSignature = "bad-signature";

    /// <summary>The nonce (or signature) was seen before.</summary>
    public const string Replay = "replay";

    /// <summary>The replay store could not answer (503).</summary>
    public const string StoreUnavailable = "store-unavailable";
}
