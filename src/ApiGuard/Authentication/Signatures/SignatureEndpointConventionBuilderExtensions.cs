using ApiGuard.Authentication.Signatures;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Minimal-API conventions that require RFC 9421 signatures.</summary>
public static class SignatureEndpointConventionBuilderExtensions
{
    /// <summary>Requires a signature verified by the <c>Signature</c> scheme under the default policy.</summary>
    public static TBuilder RequireSignature<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireSignatureCore(new RequireSignatureAttribute());

    /// <summary>Requires a signature under the named policy (<c>ApiGuard:Signatures:Policies:name</c>).</summary>
    public static TBuilder RequireSignature<TBuilder>(this TBuilder builder, string policyName) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireSignatureCore(new RequireSignatureAttribute(policyName));

    /// <summary>Requires a signature under an inline policy, starting from the defaults.</summary>
    public static TBuilder RequireSignature<TBuilder>(this TBuilder builder, Action<SignaturePolicy> configurePolicy) where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(configurePolicy);
        var policy = new SignaturePolicy();
        configurePolicy(policy);
        return builder.RequireSignatureCore(new RequireSignatureAttribute(policy));
    }

    private static TBuilder RequireSignatureCore<TBuilder>(this TBuilder builder, RequireSignatureAttribute metadata) where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        var scheme = SignatureAuthenticationDefaults.AuthenticationScheme;
        builder.Add(b => b.Metadata.Add(metadata));
        builder.RequireAuthorization(p => p.AddAuthenticationSchemes(scheme).AddRequirements(new SignatureAuthorizationRequirement(scheme)));
        return builder;
    }
}
