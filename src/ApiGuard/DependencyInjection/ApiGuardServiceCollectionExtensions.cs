using ApiGuard;
using ApiGuard.DependencyInjection;
using ApiGuard.Identity;
using ApiGuard.Monitoring;
using ApiGuard.Monitoring.Webhooks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers ApiGuard.</summary>
public static class ApiGuardServiceCollectionExtensions
{
    /// <summary>Adds ApiGuard's shared services (options, client identity, security events) with default options.</summary>
    /// <returns>A builder on which capabilities are added (<c>AddPayloadInspection()</c>, <c>AddRateLimiting()</c>, …).</returns>
    public static IApiGuardBuilder AddApiGuard(this IServiceCollection services) => AddApiGuardCore(services, null, null);

    /// <summary>Adds ApiGuard, configured in code.</summary>
    public static IApiGuardBuilder AddApiGuard(this IServiceCollection services, Action<ApiGuardOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return AddApiGuardCore(services, null, configure);
    }

    /// <summary>
    /// Adds ApiGuard, bound from a configuration section (normally <c>builder.Configuration.GetSection("ApiGuard")</c>),
    /// then from <paramref name="configure"/>. Options are validated at startup; a bad value stops the host with a message naming its key.
    /// </summary>
    public static IApiGuardBuilder AddApiGuard(this IServiceCollection services, IConfiguration configuration, Action<ApiGuardOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return AddApiGuardCore(services, configuration, configure);
    }

    private static ApiGuardBuilder AddApiGuardCore(IServiceCollection services, IConfiguration? configuration, Action<ApiGuardOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        var optionsBuilder = services.AddOptions<ApiGuardOptions>();
        if (configuration is not null)
        {
            optionsBuilder.CheckApiGuardSection(configuration).Bind(configuration);
        }

        if (configure is not null)
        {
            optionsBuilder.Configure(configure);
        }

        var existing = services.FirstOrDefault(d => d.ServiceType == typeof(ApiGuardMarkerService))?.ImplementationInstance as ApiGuardMarkerService;
        if (existing is not null)
        {
            // Second call: configuration adds up, services are already there.
            return new ApiGuardBuilder(services, configuration ?? existing.Configuration);
        }

        services.AddSingleton(new ApiGuardMarkerService(configuration));
        optionsBuilder.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ApiGuardOptions>, ApiGuardOptionsValidator>());

        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.AddLogging();
        services.TryAddSingleton<ApiGuardModeResolver>();
        services.TryAddSingleton<IClientIdentityResolver, DefaultClientIdentityResolver>();

        services.TryAddSingleton<SecurityEventMetrics>();
        services.TryAddSingleton<SecurityEventPublisher>();
        services.TryAddSingleton<ISecurityEventPublisher>(sp => sp.GetRequiredService<SecurityEventPublisher>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISecurityEventSink, LoggingSecurityEventSink>());
        services.AddHostedService<SecurityEventDispatcher>();

        var builder = new ApiGuardBuilder(services, configuration);
        if (configuration?.GetSection("Webhooks").Exists() == true)
        {
            builder.AddWebhookAlerts();
        }

        return builder;
    }

    /// <summary>
    /// Adds the webhook alert sink: batched, Standard-Webhooks-signed JSON POSTs of events at or above a minimum severity,
    /// with retries (exponential backoff and jitter) and a bounded queue. Binds <c>ApiGuard:Webhooks</c> when configuration was given.
    /// Safe to call twice.
    /// </summary>
    public static IApiGuardBuilder AddWebhookAlerts(this IApiGuardBuilder builder, Action<WebhookAlertOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<WebhookAlertOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        if (!builder.TryAddMarker<WebhookMarker>())
        {
            return builder;
        }

        if (builder.Configuration?.GetSection("Webhooks") is { } section && section.Exists())
        {
            options.CheckApiGuardSection(section).Bind(section);
        }

        options.ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebhookAlertOptions>, WebhookAlertOptionsValidator>());
        builder.Services.AddHttpClient(WebhookAlertSink.HttpClientName);
        builder.Services.TryAddSingleton<WebhookAlertSink>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ISecurityEventSink, WebhookAlertSink>(sp => sp.GetRequiredService<WebhookAlertSink>()));
        builder.Services.AddHostedService(sp => sp.GetRequiredService<WebhookAlertSink>());
        return builder;
    }

    private sealed class WebhookMarker;
}

internal sealed class ApiGuardMarkerService(IConfiguration? configuration)
{
    public IConfiguration? Configuration { get; } = configuration;
}
