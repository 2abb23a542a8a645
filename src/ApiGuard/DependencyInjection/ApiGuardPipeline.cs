using System.Diagnostics.CodeAnalysis;

namespace ApiGuard.DependencyInjection;

/// <summary>
/// The fixed order in which <c>UseApiGuard()</c> places capability middlewares. Lower runs first.
/// Authentication handlers (signatures, DPoP) run in ASP.NET Core's own <c>UseAuthentication()</c>, not here.
/// </summary>
public enum ApiGuardStage
{
    /// <summary>Response wrapping (leak detection): outermost, so it sees every response, ApiGuard's own included.</summary>
    Response = 100,

    /// <summary>Client identity and inventory bookkeeping.</summary>
    ClientIdentity = 200,

    /// <summary>Ban list and bot decisions.</summary>
    Bans = 300,

    /// <summary>Brute-force blocks.</summary>
    BruteForce = 350,

    /// <summary>Rate limiting.</summary>
    RateLimiting = 400,

    /// <summary>Payload inspection.</summary>
    Inspection = 500,

    /// <summary>Step-up checks that need the authenticated principal (OTP, nonce challenges).</summary>
    StepUp = 600,
}

/// <summary>A middleware a capability contributes to <c>UseApiGuard()</c>. Registered through <see cref="Microsoft.Extensions.DependencyInjection.ApiGuardBuilderExtensions.AddMiddleware{TMiddleware}"/>.</summary>
public sealed class ApiGuardPipelineEntry
{
    internal ApiGuardPipelineEntry(ApiGuardStage stage, [DynamicallyAccessedMembers(MiddlewareMembers)] Type middlewareType)
    {
        Stage = stage;
        MiddlewareType = middlewareType;
    }

    /// <summary>Where the middleware goes.</summary>
    public ApiGuardStage Stage { get; }

    /// <summary>The middleware type (conventional middleware with <c>Invoke(HttpContext)</c>, or <see cref="Microsoft.AspNetCore.Http.IMiddleware"/>).</summary>
    [DynamicallyAccessedMembers(MiddlewareMembers)]
    public Type MiddlewareType { get; }

    /// <summary>What <c>UseMiddleware(Type)</c> reflects on: the constructor and <c>Invoke</c>/<c>InvokeAsync</c>.</summary>
    internal const DynamicallyAccessedMemberTypes MiddlewareMembers = DynamicallyAccessedMemberTypes.PublicConstructors | DynamicallyAccessedMemberTypes.PublicMethods;
}
