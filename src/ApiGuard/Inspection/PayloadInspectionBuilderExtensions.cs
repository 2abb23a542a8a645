using ApiGuard.DependencyInjection;
using ApiGuard.Inspection;
using ApiGuard.Inspection.Exclusions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds payload inspection (injection detection) to ApiGuard.</summary>
public static class PayloadInspectionBuilderExtensions
{
    /// <summary>
    /// Adds payload inspection: path segments, query names and values, configured headers and bodies (JSON, form, multipart,
    /// XML, text) are inspected for injection; a request whose anomaly score reaches <see cref="PayloadInspectionOptions.BlockThreshold"/>
    /// is blocked with 403 <c>application/problem+json</c> (in DetectOnly: reported as would-block). Binds <c>ApiGuard:Inspection</c>
    /// when <c>AddApiGuard</c> was given configuration, then applies <paramref name="configure"/>. Options are validated at startup.
    /// Safe to call twice (configuration adds up). Registers the middleware at <see cref="ApiGuardStage.Inspection"/>.
    /// </summary>
    /// <param name="builder">The ApiGuard builder.</param>
    /// <param name="configure">Configures the options in code, after configuration binding.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static IApiGuardBuilder AddPayloadInspection(this IApiGuardBuilder builder, Action<PayloadInspectionOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<PayloadInspectionOptions>();
        if (!builder.TryAddMarker<PayloadInspectionMarker>())
        {
            if (configure is not null)
            {
                options.Configure(configure);
            }

            return builder;
        }

        if (builder.Configuration?.GetSection(PayloadInspectionOptions.SectionName) is { } section && section.Exists())
        {
            options.CheckApiGuardSection(section).Bind(section);
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PayloadInspectionOptions>, PayloadInspectionOptionsValidator>());
        builder.Services.TryAddSingleton<IPayloadInspector, PayloadInspector>();
        builder.Services.TryAddSingleton<InspectionMetrics>();
        builder.AddMiddleware<InspectionMiddleware>(ApiGuardStage.Inspection);
        return builder;
    }

    private sealed class PayloadInspectionMarker;
}
