using ApiGuard;
using ApiGuard.Endpoints;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Minimal-API conventions for ApiGuard endpoint metadata.</summary>
public static class ApiGuardEndpointConventionBuilderExtensions
{
    /// <summary>Switches every ApiGuard capability off for the endpoints.</summary>
    public static TBuilder DisableApiGuard<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Add(static b => b.Metadata.Add(DisableApiGuardAttribute.All));
        return builder;
    }

    /// <summary>Switches one ApiGuard capability off for the endpoints.</summary>
    /// <param name="builder">The endpoint builder.</param>
    /// <param name="capability">A name from <see cref="ApiGuardCapabilities"/>.</param>
    public static TBuilder DisableApiGuard<TBuilder>(this TBuilder builder, string capability) where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        var metadata = new DisableApiGuardAttribute(capability);
        builder.Add(b => b.Metadata.Add(metadata));
        return builder;
    }

    /// <summary>Selects a named ApiGuard policy for the endpoints.</summary>
    public static TBuilder WithApiGuardPolicy<TBuilder>(this TBuilder builder, string policyName) where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        var metadata = new ApiGuardPolicyAttribute(policyName);
        builder.Add(b => b.Metadata.Add(metadata));
        return builder;
    }

    /// <summary>Overrides the ApiGuard mode for the endpoints, for all capabilities or one.</summary>
    public static TBuilder WithApiGuardMode<TBuilder>(this TBuilder builder, ApiGuardMode mode, string? capability = null) where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        var metadata = new ApiGuardModeAttribute(mode, capability);
        builder.Add(b => b.Metadata.Add(metadata));
        return builder;
    }
}
