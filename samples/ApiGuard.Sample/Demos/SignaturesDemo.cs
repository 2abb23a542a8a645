using ApiGuard.Authentication.Signatures;
using ApiGuard.Identity;

namespace ApiGuard.Sample.Demos;

/// <summary>The signed-requests demo: <c>POST /api/signed/echo</c> requires an RFC 9421 signature.</summary>
public static class SignaturesDemo
{
    /// <summary>Maps the demo endpoints.</summary>
    public static IEndpointRouteBuilder MapSignatureDemos(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/signed/echo", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            return Results.Ok(new SignedEcho(
                context.User.FindFirst(DefaultClientIdentityResolver.ClientIdClaimType)?.Value,
                context.User.FindFirst(SignatureAuthenticationDefaults.KeyIdClaimType)?.Value,
                context.User.FindAll(SignatureAuthenticationDefaults.ScopeClaimType).Select(c => c.Value).ToArray(),
                body));
        }).RequireSignature();
        return app;
    }

    /// <summary>The echo answer.</summary>
    /// <param name="ClientId">The key owner.</param>
    /// <param name="KeyId">The key that verified the request.</param>
    /// <param name="Scopes">The owner's scopes.</param>
    /// <param name="Body">The request body, read after verification.</param>
    public sealed record SignedEcho(string? ClientId, string? KeyId, string[] Scopes, string Body);
}
