using ApiGuard.Authentication.ChallengeResponse;
using ApiGuard.Authentication.Signatures;
using ApiGuard.Replay;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Challenge-response for RFC 9421 signatures: the signature's <c>nonce</c> must be a server nonce.</summary>
public static class SignatureServerNonceExtensions
{
    /// <summary>
    /// Requires every request authenticated by the signatures scheme <paramref name="authenticationScheme"/> to carry, in its
    /// <c>nonce</c> parameter, a nonce issued by <see cref="IServerNonceService"/> (from <c>DPoP-Nonce</c> or the challenge endpoint),
    /// consumed on use. A missing, unknown, expired, foreign or used nonce fails the <c>nonce-required</c> check; so does a replay store
    /// that cannot answer (never an accept). Hooks <see cref="SignatureAuthenticationEvents.OnValidateNonce"/>, after any handler
    /// already set there. Also adds <c>AddChallengeResponse()</c>.
    /// </summary>
    public static IApiGuardBuilder RequireServerNoncesForSignatures(this IApiGuardBuilder builder, string authenticationScheme = SignatureAuthenticationDefaults.AuthenticationScheme)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddChallengeResponse();
        builder.Services.PostConfigure<SignatureAuthenticationOptions>(authenticationScheme, options =>
        {
            var previous = options.Events.OnValidateNonce;
            options.Events.OnValidateNonce = async context =>
            {
                await previous(context).ConfigureAwait(false);
                if (context.IsRejected)
                {
                    return;
                }

                if (context.Nonce is null)
                {
                    context.Reject("A server-issued nonce is required.");
                    return;
                }

                var nonces = context.HttpContext.RequestServices.GetRequiredService<IServerNonceService>();
                try
                {
                    if (!await nonces.TryConsumeAsync(context.Nonce, context.HttpContext, context.HttpContext.RequestAborted).ConfigureAwait(false))
                    {
                        context.Reject("The nonce was not issued by this server, has expired, or was used.");
                    }
                }
                catch (ApiGuardStoreUnavailableException)
                {
                    context.Reject("The nonce could not be checked.");
                }
            };
        });
        return builder;
    }
}
