using ApiGuard.DependencyInjection;
using ApiGuard.Identity;
using ApiGuard.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers ApiGuard rate limiting.</summary>
public static class RateLimitingBuilderExtensions
{
    /// <summary>
    /// Adds rate limiting: named policies (bound from <c>ApiGuard:RateLimiting</c> when configuration was given to <c>AddApiGuard</c>,
    /// then <paramref name="configure"/>), the in-memory store (Redis after <c>UseRedis()</c>), an
    /// <see cref="ApiGuardPartitionedRateLimiter"/> singleton, and a middleware at <see cref="ApiGuardStage.RateLimiting"/>.
    /// Safe to call twice.
    /// </summary>
    public static IApiGuardBuilder AddRateLimiting(this IApiGuardBuilder builder, Action<RateLimitingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<RateLimitingOptions>();
        if (!builder.TryAddMarker<RateLimitingMarker>())
        {
            if (configure is not null)
            {
                options.Configure(configure);
            }

            return builder;
        }

        if (builder.Configuration?.GetSection(RateLimitingOptions.SectionName) is { } section && section.Exists())
        {
            options.CheckApiGuardSection(section).Bind(section);
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RateLimitingOptions>, RateLimitingOptionsValidator>());
        builder.Services.TryAddSingleton<RateLimitingMetrics>();
        builder.Services.TryAddSingleton<RateLimitStore>(sp => new InMemoryRateLimitStore(sp.GetRequiredService<TimeProvider>()));
        builder.Services.TryAddSingleton<IRateLimitTierResolver, DefaultRateLimitTierResolver>();
        builder.Services.TryAddSingleton(sp => new ApiGuardPartitionedRateLimiter(
            sp.GetRequiredService<IOptions<RateLimitingOptions>>(),
            sp.GetRequiredService<RateLimitStore>(),
            sp.GetRequiredService<IClientIdentityResolver>(),
            sp.GetRequiredService<IRateLimitTierResolver>(),
            sp.GetRequiredService<RateLimitingMetrics>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<ApiGuardPartitionedRateLimiter>>()));
        builder.AddMiddleware<RateLimitingMiddleware>(ApiGuardStage.RateLimiting);
        return builder;
    }

    private sealed class RateLimitingMarker;
}
