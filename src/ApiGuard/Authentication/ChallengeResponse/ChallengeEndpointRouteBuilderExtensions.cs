using ApiGuard.Authentication.ChallengeResponse;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the challenge endpoint.</summary>
public static class ChallengeEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>POST {pattern}</c> (default <c>/api/challenge</c>): answers 200 with a fresh server nonce in the <c>DPoP-Nonce</c> header
    /// and as JSON <c>{"nonce": "…", "expires_in": seconds}</c>, with <c>Cache-Control: no-store</c>. Needs <c>AddChallengeResponse()</c>.
    /// </summary>
    public static RouteHandlerBuilder MapApiGuardChallenge(this IEndpointRouteBuilder endpoints, string pattern = ChallengeResponseDefaults.ChallengePattern)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        return endpoints.MapPost(pattern, static (HttpContext context, IServerNonceService nonces, IOptions<ServerNonceOptions> options) =>
        {
            var nonce = nonces.Issue(context);
            context.Response.Headers[ChallengeResponseDefaults.NonceHeaderName] = nonce;
            context.Response.Headers.CacheControl = "no-store";
            return Results.Json(
                new ChallengeNonceResponse(nonce, (int)options.Value.NonceLifetime.TotalSeconds),
                ChallengeResponseJsonContext.Default.ChallengeNonceResponse);
        }).WithName("ApiGuardChallenge");
    }
}
