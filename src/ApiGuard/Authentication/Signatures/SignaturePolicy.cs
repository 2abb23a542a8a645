namespace ApiGuard.Authentication.Signatures;

/// <summary>
/// What a signed request to an endpoint must satisfy. Select one per endpoint with <c>.RequireSignature(...)</c>; endpoints
/// without one use <see cref="SignatureAuthenticationOptions.DefaultPolicy"/>.
/// </summary>
public sealed class SignaturePolicy
{
    /// <summary>Whether <c>@method</c> must be covered.</summary>
    /// <value>Default: <see langword="true"/>.</value>
    public bool RequireMethod { get; set; } = true;

    /// <summary>Whether the target must be covered: <c>@target-uri</c>, or <c>@authority</c> + <c>@path</c> + <c>@query</c>.</summary>
    /// <value>Default: <see langword="true"/>.</value>
    public bool RequireTarget { get; set; } = true;

    /// <summary>Whether a request with a body must cover <c>content-digest</c> (which is then checked against the body).</summary>
    /// <value>Default: <see langword="true"/>.</value>
    public bool RequireContentDigest { get; set; } = true;

    /// <summary>Whether a request with a <c>Content-Type</c> must cover <c>content-type</c>.</summary>
    /// <value>Default: <see langword="true"/>.</value>
    public bool RequireContentType { get; set; } = true;

    /// <summary>Further components that must be covered, by name (for example <c>authorization</c> or <c>@query-param</c>).</summary>
    /// <value>Default: empty.</value>
    public List<string> RequiredComponents { get; set; } = [];

    /// <summary>Whether a <c>nonce</c> is required for methods that are not idempotent (POST, PATCH, and any unknown method).</summary>
    /// <value>Default: <see langword="true"/>.</value>
    public bool RequireNonceForUnsafeMethods { get; set; } = true;

    /// <summary>Whether a <c>nonce</c> is required for every method.</summary>
    /// <value>Default: <see langword="false"/>.</value>
    public bool RequireNonce { get; set; }

    /// <summary>The maximum age of a signature, from its <c>created</c>; <see langword="null"/> uses <see cref="SignatureAuthenticationOptions.MaxAge"/>.</summary>
    /// <value>Default: <see langword="null"/>.</value>
    public TimeSpan? MaxAge { get; set; }

    /// <summary>A required value of the <c>tag</c> parameter, or <see langword="null"/> for none.</summary>
    /// <value>Default: <see langword="null"/>.</value>
    public string? Tag { get; set; }

    /// <summary>Copies the policy.</summary>
    public SignaturePolicy Clone() => new()
    {
        RequireMethod = RequireMethod,
        RequireTarget = RequireTarget,
        RequireContentDigest = RequireContentDigest,
        RequireContentType = RequireContentType,
        RequiredComponents = [.. RequiredComponents],
        RequireNonceForUnsafeMethods = RequireNonceForUnsafeMethods,
        RequireNonce = RequireNonce,
        MaxAge = MaxAge,
        Tag = Tag,
    };
}

/// <summary>Endpoint metadata selecting the <see cref="SignaturePolicy"/> a signed request must satisfy.</summary>
public interface ISignaturePolicyMetadata
{
    /// <summary>A named policy from <see cref="SignatureAuthenticationOptions.Policies"/>, or <see langword="null"/>.</summary>
    string? PolicyName { get; }

    /// <summary>An inline policy, or <see langword="null"/>.</summary>
    SignaturePolicy? Policy { get; }
}

/// <summary>Requires an RFC 9421 signature on the endpoint, under a named or inline policy (or the default one).</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class RequireSignatureAttribute : Attribute, ISignaturePolicyMetadata
{
    /// <summary>Requires a signature under the default policy.</summary>
    public RequireSignatureAttribute()
    {
    }

    /// <summary>Requires a signature under the named policy.</summary>
    public RequireSignatureAttribute(string policyName)
    {
        ArgumentException.ThrowIfNullOrEmpty(policyName);
        PolicyName = policyName;
    }

    internal RequireSignatureAttribute(SignaturePolicy policy)
    {
        Policy = policy;
    }

    /// <inheritdoc />
    public string? PolicyName { get; }

    /// <inheritdoc />
    public SignaturePolicy? Policy { get; }
}
