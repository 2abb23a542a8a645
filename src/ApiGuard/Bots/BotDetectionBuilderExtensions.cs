using ApiGuard.Admin;
using ApiGuard.Bots;
using ApiGuard.DependencyInjection;
using ApiGuard.Monitoring;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds behavioural bot detection, the ban list and the incident-response admin service.</summary>
public static class BotDetectionBuilderExtensions
{
    /// <summary>
    /// Adds bot detection: a behaviour profile per client (bounded table), client classes, scores with reasons, actions
    /// (throttle, challenge, block with a shared ban list), business-flow rules and <see cref="IApiGuardAdmin"/>.
    /// Binds <c>ApiGuard:Bots</c> when configuration was given to <c>AddApiGuard</c>, then applies <paramref name="configure"/>.
    /// Options are validated at startup. Safe to call twice.
    /// </summary>
    public static IApiGuardBuilder AddBotDetection(this IApiGuardBuilder builder, Action<BotDetectionOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<BotDetectionOptions>();
        if (builder.TryAddMarker<BotsMarker>())
        {
            if (builder.Configuration?.GetSection(BotDetectionOptions.SectionName) is { } section && section.Exists())
            {
                options.CheckApiGuardSection(section).Bind(section);
            }

            options.ValidateOnStart();
            var services = builder.Services;
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BotDetectionOptions>, BotDetectionOptionsValidator>());
            services.TryAddSingleton<BehaviourProfileTable>();
            services.TryAddSingleton<BotClientClassifier>();
            services.TryAddSingleton<BotMetrics>();
            services.TryAddSingleton<BotDecisionReporter>();
            services.TryAddSingleton<IBanList, InMemoryBanList>();
            services.TryAddSingleton<IApiGuardAdmin, ApiGuardAdmin>();
            services.TryAddEnumerable(ServiceDescriptor.Singleton<ISecurityEventObserver, BotEventObserver>());
            builder.AddMiddleware<BotDetectionMiddleware>(ApiGuardStage.Bans);
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        return builder;
    }

    private sealed class BotsMarker;
}
