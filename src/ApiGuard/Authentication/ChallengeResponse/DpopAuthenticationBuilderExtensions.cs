using ApiGuard.Authentication.ChallengeResponse;
using ApiGuard.Replay;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the DPoP (RFC 9449) authentication handler.</summary>
public static class DpopAuthenticationBuilderExtensions
{
    /// <summary>Adds DPoP authentication under the scheme <see cref="DpopDefaults.AuthenticationScheme"/> (<c>DPoP</c>). Needs <c>AddApiGuard()</c>.</summary>
    public static AuthenticationBuilder AddDpop(this AuthenticationBuilder builder) =>
        builder.AddDpop(DpopDefaults.AuthenticationScheme, displayName: null, configureOptions: null);

    /// <summary>Adds DPoP authentication under the scheme <c>DPoP</c>, configured in code.</summary>
    public static AuthenticationBuilder AddDpop(this AuthenticationBuilder builder, Action<DpopOptions>? configureOptions) =>
        builder.AddDpop(DpopDefaults.AuthenticationScheme, displayName: null, configureOptions);

    /// <summary>Adds DPoP authentication under <paramref name="authenticationScheme"/>.</summary>
    public static AuthenticationBuilder AddDpop(this AuthenticationBuilder builder, string authenticationScheme, Action<DpopOptions>? configureOptions) =>
        builder.AddDpop(authenticationScheme, displayName: null, configureOptions);

    /// <summary>
    /// Adds DPoP authentication under <paramref name="authenticationScheme"/>. Also registers <see cref="IDpopProofValidator"/>,
    /// <see cref="IServerNonceService"/> and the shared replay store when they are not registered yet. Options bind from
    /// <c>Authentication:Schemes:&lt;scheme&gt;</c>, then from <paramref name="configureOptions"/>, and are validated at startup.
    /// </summary>
    public static AuthenticationBuilder AddDpop(this AuthenticationBuilder builder, string authenticationScheme, string? displayName, Action<DpopOptions>? configureOptions)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(authenticationScheme);
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<ReplayStoreOptions>();
        services.TryAddSingleton<IReplayStore, InMemoryReplayStore>();
        ChallengeResponseBuilderExtensions.AddServerNonceServices(services);
        services.TryAddSingleton<IDpopProofValidator, DpopProofValidator>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DpopOptions>, DpopOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<DpopOptions>, DpopConfigureOptions>());
        services.AddOptions<DpopOptions>(authenticationScheme).ValidateOnStart();
        return builder.AddScheme<DpopOptions, DpopHandler>(authenticationScheme, displayName, configureOptions);
    }
}
