using ApiGuard.DependencyInjection;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Adds ApiGuard's middlewares to the pipeline.</summary>
public static class ApiGuardApplicationBuilderExtensions
{
    /// <summary>
    /// Places the middlewares of every registered ApiGuard capability, in the fixed order of <see cref="ApiGuardStage"/>:
    /// response wrapping, client identity, bans and bot decisions, brute force, rate limiting, payload inspection, step-up.
    /// A capability that is not registered adds nothing, so with none registered this costs nothing per request.
    /// Call it after <c>UseRouting()</c> (when called explicitly) and <c>UseAuthentication()</c>, and before <c>UseAuthorization()</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException"><c>AddApiGuard()</c> was not called.</exception>
    public static IApplicationBuilder UseApiGuard(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.ApplicationServices.GetService<ApiGuardMarkerService>() is null)
        {
            throw new InvalidOperationException(
                "Unable to find the required services. Add them by calling 'services.AddApiGuard(...)' in the application startup code.");
        }

        var entries = app.ApplicationServices.GetServices<ApiGuardPipelineEntry>()
            .OrderBy(e => e.Stage)
            .ToArray();
        foreach (var entry in entries)
        {
            app.UseMiddleware(entry.MiddlewareType);
        }

        return app;
    }
}
