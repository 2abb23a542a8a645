using ApiGuard.Redis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Switches ApiGuard's stores to Redis.</summary>
public static class ApiGuardRedisBuilderExtensions
{
    /// <summary>
    /// Uses Redis for every ApiGuard store that has a Redis twin (replacing the in-memory defaults whatever the call order).
    /// Binds <c>ApiGuard:Redis</c> when configuration was given to <c>AddApiGuard</c>. Safe to call twice.
    /// </summary>
    public static IApiGuardBuilder UseRedis(this IApiGuardBuilder builder, Action<ApiGuardRedisOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<ApiGuardRedisOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        if (!builder.TryAddMarker<RedisMarker>())
        {
            return builder;
        }

        if (builder.Configuration?.GetSection("Redis") is { } section && section.Exists())
        {
            options.CheckApiGuardSection(section).Bind(section);
        }

        options.ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ApiGuardRedisOptions>, ApiGuardRedisOptionsValidator>());
        builder.Services.TryAddSingleton<IApiGuardRedisConnection, ApiGuardRedisConnection>();

        // Each capability's Redis twin registers here (Replace: wins over the in-memory default in either call order).
        // Factories, so a twin whose capability is not added (and whose dependencies are therefore missing) is never built.
        builder.Services.Replace(ServiceDescriptor.Singleton<ApiGuard.Replay.IReplayStore>(sp => ActivatorUtilities.CreateInstance<ApiGuard.Redis.Replay.RedisReplayStore>(sp)));
        builder.Services.Replace(ServiceDescriptor.Singleton<ApiGuard.BruteForce.IBruteForceStore>(sp => ActivatorUtilities.CreateInstance<ApiGuard.Redis.BruteForce.RedisBruteForceStore>(sp)));
        builder.Services.Replace(ServiceDescriptor.Singleton<ApiGuard.RateLimiting.RateLimitStore>(sp => ActivatorUtilities.CreateInstance<ApiGuard.Redis.RateLimiting.RedisRateLimitStore>(sp)));
        builder.Services.Replace(ServiceDescriptor.Singleton<ApiGuard.Bots.IBanList>(sp => ActivatorUtilities.CreateInstance<ApiGuard.Redis.Bots.RedisBanList>(sp)));
        builder.Services.Replace(ServiceDescriptor.Singleton<ApiGuard.Authentication.Otp.IOtpSecretStore>(sp => new ApiGuard.Redis.Otp.RedisOtpSecretStore(sp.GetRequiredService<IApiGuardRedisConnection>(), sp.GetRequiredService<ApiGuard.Authentication.Otp.OtpSecretProtector>())));
        return builder;
    }

    /// <summary>Uses Redis at <paramref name="configuration"/> (a StackExchange.Redis configuration string).</summary>
    public static IApiGuardBuilder UseRedis(this IApiGuardBuilder builder, string configuration) =>
        builder.UseRedis(o => o.Configuration = configuration);

    private sealed class RedisMarker;
}
