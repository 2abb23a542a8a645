using System.Diagnostics.CodeAnalysis;
using ApiGuard;
using ApiGuard.DependencyInjection;
using ApiGuard.Posture;
using ApiGuard.Posture.Audit;
using ApiGuard.Posture.Inventory;
using ApiGuard.Posture.Leaks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds ApiGuard posture checks (OWASP API Top 10): startup endpoint audit, response leak detection and route inventory.</summary>
public static class PostureBuilderExtensions
{
    /// <summary>
    /// Adds the endpoint audit, response leak detection and the route inventory, bound from <c>ApiGuard:Posture</c> and then
    /// <paramref name="configure"/>. Options are validated at startup. Safe to call twice. The outbound guard is added per
    /// <c>HttpClient</c> with <c>AddApiGuardOutboundGuard()</c>.
    /// </summary>
    public static IApiGuardBuilder AddPosture(this IApiGuardBuilder builder, Action<PostureOptions>? configure = null)
    {
        AddPostureCore(builder, configure);
        return builder.AddEndpointAudit().AddResponseLeakDetection().AddRouteInventory();
    }

    /// <summary>
    /// Adds the startup endpoint audit: when the host has started it checks the endpoint table and the pipeline, logs and
    /// publishes each finding (capability <c>posture</c>, kind <c>audit.*</c>), and serves the result through <see cref="IEndpointAuditReport"/>.
    /// </summary>
    public static IApiGuardBuilder AddEndpointAudit(this IApiGuardBuilder builder, Action<PostureOptions>? configure = null)
    {
        AddPostureCore(builder, configure);
        if (!builder.TryAddMarker<AuditMarker>())
        {
            return builder;
        }

        var services = builder.Services;
        services.TryAddSingleton<PipelineInspector>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IStartupFilter, PipelineInspector>(sp => sp.GetRequiredService<PipelineInspector>()));
        services.TryAddSingleton(sp => new EndpointAuditor(sp, sp.GetRequiredService<PipelineInspector>()));
        services.TryAddSingleton<EndpointAuditService>();
        services.TryAddSingleton<IEndpointAuditReport>(sp => sp.GetRequiredService<EndpointAuditService>());
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<EndpointAuditService>());
        return builder;
    }

    /// <summary>
    /// Adds response leak detection at <see cref="ApiGuardStage.Response"/>: bodies are scanned as they stream out (bounded by
    /// <c>ApiGuard:Posture:Leaks:MaxScanBytes</c> and <c>SampleRate</c>) for stack traces, SQL errors, keys, credentials, JWTs and
    /// card numbers, and reported, redacted or withheld (<c>ApiGuard:Posture:Leaks:Action</c>).
    /// </summary>
    public static IApiGuardBuilder AddResponseLeakDetection(this IApiGuardBuilder builder, Action<PostureOptions>? configure = null)
    {
        AddPostureCore(builder, configure);
        if (!builder.TryAddMarker<LeakMarker>())
        {
            return builder;
        }

        builder.Services.TryAddSingleton(sp => new ResponseLeakScanner(
            sp.GetRequiredService<IOptions<PostureOptions>>().Value.Leaks.DisabledDetectors,
            sp.GetServices<IResponseLeakDetector>()));
        builder.AddMiddleware<ResponseLeakMiddleware>(ApiGuardStage.Response);
        return builder;
    }

    /// <summary>Adds a custom response leak detector (events use the kind <c>leak.&lt;name&gt;</c>). Also adds response leak detection.</summary>
    public static IApiGuardBuilder AddResponseLeakDetector<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TDetector>(this IApiGuardBuilder builder) where TDetector : class, IResponseLeakDetector
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IResponseLeakDetector, TDetector>());
        return builder.AddResponseLeakDetection();
    }

    /// <summary>
    /// Adds the route inventory (OWASP API9): request counts per route template, unmatched requests grouped by path shape
    /// (bounded), and deprecated endpoints still called; served through <see cref="IRouteInventory"/>.
    /// </summary>
    public static IApiGuardBuilder AddRouteInventory(this IApiGuardBuilder builder, Action<PostureOptions>? configure = null)
    {
        AddPostureCore(builder, configure);
        if (!builder.TryAddMarker<InventoryMarker>())
        {
            return builder;
        }

        builder.Services.TryAddSingleton<RouteInventory>();
        builder.Services.TryAddSingleton<IRouteInventory>(sp => sp.GetRequiredService<RouteInventory>());
        builder.AddMiddleware<RouteInventoryMiddleware>(ApiGuardStage.ClientIdentity);
        return builder;
    }

    private static void AddPostureCore(IApiGuardBuilder builder, Action<PostureOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<PostureOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        if (!builder.TryAddMarker<CoreMarker>())
        {
            return;
        }

        if (builder.Configuration?.GetSection(PostureOptions.SectionName) is { } section && section.Exists())
        {
            options.CheckApiGuardSection(section).Bind(section);
        }

        options.ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PostureOptions>, PostureOptionsValidator>());
        builder.Services.TryAddSingleton<PostureMetrics>();
    }

    private sealed class CoreMarker;

    private sealed class AuditMarker;

    private sealed class LeakMarker;

    private sealed class InventoryMarker;
}
