using ApiGuard.Authentication.ChallengeResponse;
using ApiGuard.DependencyInjection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers challenge-response: server nonces (and, with <c>AddDpop()</c> on the authentication builder, DPoP proofs).</summary>
public static class ChallengeResponseBuilderExtensions
{
    /// <summary>
    /// Adds server nonces: <see cref="IServerNonceService"/> and the middleware that hands a fresh nonce out in <c>DPoP-Nonce</c>
    /// on every 401 and 2xx response. Binds <c>ApiGuard:ChallengeResponse</c> when configuration was given to <c>AddApiGuard</c>;
    /// validated at startup. Map the challenge endpoint with <c>MapApiGuardChallenge()</c>. Safe to call twice.
    /// </summary>
    public static IApiGuardBuilder AddChallengeResponse(this IApiGuardBuilder builder, Action<ServerNonceOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<ServerNonceOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        if (!builder.TryAddMarker<ChallengeResponseMarker>())
        {
            return builder;
        }

        if (builder.Configuration?.GetSection(ServerNonceOptions.SectionName) is { } section && section.Exists())
        {
            options.CheckApiGuardSection(section).Bind(section);
        }

        builder.AddReplayStore();
        AddServerNonceServices(builder.Services);
        builder.AddMiddleware<ServerNonceMiddleware>(ApiGuardStage.ClientIdentity);
        return builder;
    }

    internal static void AddServerNonceServices(IServiceCollection services)
    {
        services.AddOptions<ServerNonceOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ServerNonceOptions>, ServerNonceOptionsValidator>());
        services.TryAddSingleton<IServerNonceService, ServerNonceService>();
    }

    private sealed class ChallengeResponseMarker;
}
