using ApiGuard.Authentication.Signatures;
using ApiGuard.Identity;

namespace ApiGuard.Sample.Demos;

/// <summary>The signed-requests demo: <c>POST /api/signed/echo</c> requires an RFC 9421 signature.</summary>
public static class SignaturesDemo
{
    /// <summary>
    /// Raises Kestrel's request-header limit (default 32 KB, answered with a bare 431 before the app runs) to 256 KB, so an
    /// oversized <c>Signature</c> or <c>Signature-Input</c> field reaches ApiGuard and gets its 401 <c>malformed</c> problem
    /// (fields longer than <c>ApiGuard:Signatures:MaxFieldLength</c>, 8192 by default, are refused without being parsed).
    /// </summary>
    public static WebApplicationBuilder AddSignatureDemoLimits(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestHeadersTotalSize = 256 * 1024);
        return builder;
    }

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
