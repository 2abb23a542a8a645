using System.Diagnostics.CodeAnalysis;
using ApiGuard.Authentication.Signatures;
using ApiGuard.Replay;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers RFC 9421 HTTP message signature authentication.</summary>
public static class SignatureAuthenticationBuilderExtensions
{
    /// <summary>Adds signature authentication under <see cref="SignatureAuthenticationDefaults.AuthenticationScheme"/>.</summary>
    public static AuthenticationBuilder AddHttpMessageSignatures(this AuthenticationBuilder builder) =>
        builder.AddHttpMessageSignatures(SignatureAuthenticationDefaults.AuthenticationScheme, displayName: null, configureOptions: null);

    /// <summary>Adds signature authentication under <see cref="SignatureAuthenticationDefaults.AuthenticationScheme"/>, configured in code.</summary>
    public static AuthenticationBuilder AddHttpMessageSignatures(this AuthenticationBuilder builder, Action<SignatureAuthenticationOptions>? configureOptions) =>
        builder.AddHttpMessageSignatures(SignatureAuthenticationDefaults.AuthenticationScheme, displayName: null, configureOptions);

    /// <summary>Adds signature authentication under <paramref name="authenticationScheme"/>.</summary>
    public static AuthenticationBuilder AddHttpMessageSignatures(this AuthenticationBuilder builder, string authenticationScheme, Action<SignatureAuthenticationOptions>? configureOptions) =>
        builder.AddHttpMessageSignatures(authenticationScheme, displayName: null, configureOptions);

    /// <summary>
    /// Adds signature authentication under <paramref name="authenticationScheme"/>. Keys come from <see cref="ISignatureKeyResolver"/>
    /// (by default the keys of <see cref="SignatureKeyStoreOptions"/>); replay protection uses the shared <see cref="IReplayStore"/>
    /// (in-memory unless another is registered). Options are validated at startup.
    /// </summary>
    public static AuthenticationBuilder AddHttpMessageSignatures(this AuthenticationBuilder builder, string authenticationScheme, string? displayName, Action<SignatureAuthenticationOptions>? configureOptions)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(authenticationScheme);
        var services = builder.Services;
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SignatureMetrics>();
        services.AddOptions<SignatureKeyStoreOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SignatureKeyStoreOptions>, SignatureKeyStoreOptionsValidator>());
        services.TryAddSingleton<ISignatureKeyResolver, ConfigurationSignatureKeyResolver>();
        services.AddOptions<ReplayStoreOptions>();
        services.TryAddSingleton<IReplayStore, InMemoryReplayStore>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SignatureAuthenticationOptions>, SignatureAuthenticationOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuthorizationHandler, SignatureAuthorizationHandler>());
        services.AddOptions<SignatureAuthenticationOptions>(authenticationScheme).ValidateOnStart();
        return builder.AddScheme<SignatureAuthenticationOptions, SignatureAuthenticationHandler>(authenticationScheme, displayName, configureOptions);
    }

    /// <summary>
    /// Adds RFC 9421 signature authentication through ApiGuard: binds <c>ApiGuard:Signatures</c> (options and <c>Keys</c>), uses
    /// the shared replay store (<c>UseRedis()</c> switches it to Redis), and registers authentication and authorization.
    /// Mark endpoints with <c>.RequireSignature()</c>. Safe to call twice.
    /// </summary>
    /// <param name="builder">The ApiGuard builder.</param>
    /// <param name="configureOptions">Configures the handler options after configuration binding.</param>
    /// <param name="configureKeys">Adds keys in code.</param>
    public static IApiGuardBuilder AddSignatureAuthentication(
        this IApiGuardBuilder builder, Action<SignatureAuthenticationOptions>? configureOptions = null, Action<SignatureKeyStoreOptions>? configureKeys = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var scheme = SignatureAuthenticationDefaults.AuthenticationScheme;
        builder.AddReplayStore();
        if (configureOptions is not null)
        {
            builder.Services.Configure(scheme, configureOptions);
        }

        if (configureKeys is not null)
        {
            builder.Services.Configure(configureKeys);
        }

        if (!builder.TryAddMarker<SignatureMarker>())
        {
            return builder;
        }

        if (builder.Configuration?.GetSection(SignatureAuthenticationDefaults.SectionName) is { } section && section.Exists())
        {
            builder.Services.AddOptions<SignatureAuthenticationOptions>(scheme).CheckApiGuardSection(section).Bind(section);
            builder.Services.AddOptions<SignatureKeyStoreOptions>().CheckApiGuardSection(section).Bind(section);
            var keyCache = section.GetSection("KeyCache");
            builder.Services.AddOptions<SignatureKeyCacheOptions>().CheckApiGuardSection(keyCache).Bind(keyCache);
        }

        builder.Services.AddAuthorization();
        builder.Services.AddAuthentication().AddHttpMessageSignatures(scheme, configureOptions: null);
        return builder;
    }

    /// <summary>
    /// Uses <typeparamref name="TResolver"/> (registered as a singleton unless already registered) for signature keys, behind a
    /// <see cref="CachingSignatureKeyResolver"/> (bounded, expiring; <c>ApiGuard:Signatures:KeyCache</c> when
    /// <c>AddSignatureAuthentication()</c> binds configuration). Replaces the configuration resolver; call before or after
    /// <c>AddSignatureAuthentication()</c>/<c>AddHttpMessageSignatures()</c>. Options are validated at startup.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configureCache">Configures the cache (TTL, negative TTL, capacity).</param>
    public static IServiceCollection AddSignatureKeyResolver<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TResolver>(this IServiceCollection services, Action<SignatureKeyCacheOptions>? configureCache = null)
        where TResolver : class, ISignatureKeyResolver
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<TResolver>();
        services.TryAddSingleton(TimeProvider.System);
        var options = services.AddOptions<SignatureKeyCacheOptions>().ValidateOnStart();
        if (configureCache is not null)
        {
            options.Configure(configureCache);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SignatureKeyCacheOptions>, SignatureKeyCacheOptionsValidator>());
        services.Replace(ServiceDescriptor.Singleton<ISignatureKeyResolver>(sp => new CachingSignatureKeyResolver(
            sp.GetRequiredService<TResolver>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<SignatureKeyCacheOptions>>())));
        return services;
    }

    private sealed class SignatureMarker;
}
