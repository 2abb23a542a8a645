using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace ApiGuard.Authentication.ChallengeResponse;

/// <summary>Events of the DPoP handler.</summary>
public class DpopEvents
{
    /// <summary>
    /// Called with the access token before the proof is checked. To validate tokens yourself (opaque tokens, introspection), set
    /// <c>Principal</c> and <see cref="DpopAccessTokenContext.JwkThumbprint"/> and call <c>Success()</c>,
    /// or call <c>Fail(…)</c>. When it does neither, the token is validated as a JWT with <see cref="DpopOptions.TokenValidationParameters"/>.
    /// </summary>
    public Func<DpopAccessTokenContext, Task> OnValidateAccessToken { get; set; } = static _ => Task.CompletedTask;

    /// <summary>Invokes <see cref="OnValidateAccessToken"/>.</summary>
    public virtual Task ValidateAccessToken(DpopAccessTokenContext context) => OnValidateAccessToken(context);
}

/// <summary>The context of <see cref="DpopEvents.OnValidateAccessToken"/>.</summary>
public sealed class DpopAccessTokenContext : ResultContext<DpopOptions>
{
    /// <summary>Creates the context.</summary>
    public DpopAccessTokenContext(HttpContext context, AuthenticationScheme scheme, DpopOptions options, string accessToken)
        : base(context, scheme, options)
    {
        AccessToken = accessToken;
    }

    /// <summary>The access token from <c>Authorization: DPoP …</c>.</summary>
    public string AccessToken { get; }

    /// <summary>The token's <c>cnf.jkt</c> (the RFC 7638 thumbprint of the key it is bound to), set by the handler of the event.</summary>
    public string? JwkThumbprint { get; set; }

    /// <summary>Sets the principal and thumbprint and marks the token valid.</summary>
    public void Success(ClaimsPrincipal principal, string? jwkThumbprint)
    {
        Principal = principal;
        JwkThumbprint = jwkThumbprint;
        Success();
    }
}
