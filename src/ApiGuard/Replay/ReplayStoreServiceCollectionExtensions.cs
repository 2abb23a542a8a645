using ApiGuard.Replay;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the shared replay store.</summary>
public static class ReplayStoreBuilderExtensions
{
    /// <summary>
    /// Ensures an <see cref="IReplayStore"/> is registered (the in-memory one unless <c>UseRedis()</c> replaced it).
    /// Capabilities that need replay protection call this; it is safe to call any number of times.
    /// </summary>
    public static IApiGuardBuilder AddReplayStore(this IApiGuardBuilder builder, Action<ReplayStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<ReplayStoreOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        builder.Services.TryAddSingleton<IReplayStore, InMemoryReplayStore>();
        return builder;
    }
}
