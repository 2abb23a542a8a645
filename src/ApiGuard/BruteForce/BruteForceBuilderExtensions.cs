using ApiGuard.BruteForce;
using ApiGuard.DependencyInjection;
using ApiGuard.Monitoring;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers brute-force and credential-stuffing protection.</summary>
public static class BruteForceBuilderExtensions
{
    /// <summary>
    /// Adds brute-force protection: <see cref="IBruteForceGuard"/> for login endpoints, counting of every
    /// <c>authentication.failed</c> event from ApiGuard's handlers, and the middleware for endpoints marked with
    /// <c>RequireBruteForceProtection()</c>. Binds <c>ApiGuard:BruteForce</c> when configuration was given to <c>AddApiGuard</c>,
    /// then applies <paramref name="configure"/>; options are validated at startup. Counters are in memory unless
    /// <c>UseRedis()</c> is called. Safe to call twice.
    /// </summary>
    public static IApiGuardBuilder AddBruteForceProtection(this IApiGuardBuilder builder, Action<BruteForceOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<BruteForceOptions>();
        if (!builder.TryAddMarker<BruteForceMarker>())
        {
            if (configure is not null)
            {
                options.Configure(configure);
            }

            return builder;
        }

        if (builder.Configuration?.GetSection(BruteForceOptions.SectionName) is { } section && section.Exists())
        {
            options.CheckApiGuardSection(section).Bind(section);
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        var services = builder.Services;
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BruteForceOptions>, BruteForceOptionsValidator>());
        services.TryAddSingleton<BruteForceKeyHasher>();
        services.TryAddSingleton<BruteForceMetrics>();
        services.TryAddSingleton<IBruteForceStore, InMemoryBruteForceStore>();
        services.TryAddSingleton<BruteForceGuard>();
        services.TryAddSingleton<IBruteForceGuard>(sp => sp.GetRequiredService<BruteForceGuard>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISecurityEventObserver, BruteForceEventObserver>());
        builder.AddMiddleware<BruteForceMiddleware>(ApiGuardStage.BruteForce);
        return builder;
    }

    private sealed class BruteForceMarker;
}
