using System.Diagnostics.CodeAnalysis;
using ApiGuard.DependencyInjection;
using ApiGuard.Monitoring;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Building blocks for capability extensions on <see cref="IApiGuardBuilder"/>.</summary>
public static class ApiGuardBuilderExtensions
{
    /// <summary>
    /// Adds a middleware to the ApiGuard pipeline at <paramref name="stage"/>. Adding the same middleware type twice has no effect,
    /// so capability extensions stay safe to call twice.
    /// </summary>
    public static IApiGuardBuilder AddMiddleware<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors | DynamicallyAccessedMemberTypes.PublicMethods)] TMiddleware>(
        this IApiGuardBuilder builder, ApiGuardStage stage)
    {
        ArgumentNullException.ThrowIfNull(builder);
        foreach (var descriptor in builder.Services)
        {
            if (descriptor.ServiceType == typeof(ApiGuardPipelineEntry) &&
                descriptor.ImplementationInstance is ApiGuardPipelineEntry entry &&
                entry.MiddlewareType == typeof(TMiddleware))
            {
                return builder;
            }
        }

        builder.Services.AddSingleton(new ApiGuardPipelineEntry(stage, typeof(TMiddleware)));
        return builder;
    }

    /// <summary>Adds a user sink that receives every security event (for example a SIEM forwarder).</summary>
    public static IApiGuardBuilder AddSecurityEventSink<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TSink>(this IApiGuardBuilder builder) where TSink : class, ISecurityEventSink
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ISecurityEventSink, TSink>());
        return builder;
    }

    /// <summary>Whether a capability has registered a marker of type <typeparamref name="TMarker"/>; used to keep extensions idempotent.</summary>
    public static bool TryAddMarker<TMarker>(this IApiGuardBuilder builder) where TMarker : class, new()
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Services.Any(d => d.ServiceType == typeof(TMarker)))
        {
            return false;
        }

        builder.Services.AddSingleton(new TMarker());
        return true;
    }
}
