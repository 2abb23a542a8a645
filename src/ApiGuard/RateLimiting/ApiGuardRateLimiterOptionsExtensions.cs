using System.Globalization;
using System.Threading.RateLimiting;
using ApiGuard.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Uses ApiGuard rate-limit policies from ASP.NET Core's own rate limiter (<c>AddRateLimiter</c>/<c>UseRateLimiter</c>).</summary>
public static class ApiGuardRateLimiterOptionsExtensions
{
    /// <summary>
    /// Adds an ASP.NET Core rate-limiter policy named <paramref name="policyName"/> backed by the ApiGuard policy of the same name
    /// (same partitioning, same store: Redis after <c>UseRedis()</c>). Endpoints select it with <c>.RequireRateLimiting(policyName)</c>.
    /// Also sets a 429 status and, when none is set, an <c>OnRejected</c> that writes ApiGuard's problem response with <c>Retry-After</c>.
    /// Requires <c>AddApiGuard().AddRateLimiting()</c>.
    /// </summary>
    /// <remarks>
    /// ASP.NET Core's middleware tries <c>AttemptAcquire</c> first and, when it fails, <c>AcquireAsync</c>. ApiGuard limiters answer
    /// <c>AttemptAcquire</c> only when they can without the network (a cached denial, the in-memory store); otherwise they defer to
    /// <c>AcquireAsync</c>. Use ApiGuard as the <c>GlobalLimiter</c> (see <see cref="UseApiGuardGlobalLimiter"/>) or as the only
    /// endpoint limiter so that no other limiter is asked twice.
    /// </remarks>
    public static RateLimiterOptions AddApiGuardPolicy(this RateLimiterOptions options, string policyName)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(policyName);
        options.AddPolicy(policyName, context =>
        {
            var limiter = context.RequestServices.GetRequiredService<ApiGuardPartitionedRateLimiter>().GetLimiter(context, policyName);
            return limiter is null
                ? RateLimitPartition.GetNoLimiter(string.Empty)
                : RateLimitPartition.Get(limiter.PartitionKey, _ => limiter);
        });
        UseApiGuardRejection(options);
        return options;
    }

    /// <summary>
    /// Makes ApiGuard's <see cref="ApiGuardPartitionedRateLimiter"/> ASP.NET Core's <c>GlobalLimiter</c>: every request is decided by its
    /// ApiGuard policy (endpoint, override feature or default policy). Call on the service collection after <c>AddRateLimiter</c>.
    /// </summary>
    public static IServiceCollection UseApiGuardGlobalLimiter(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<RateLimiterOptions>().Configure<ApiGuardPartitionedRateLimiter>((o, limiter) =>
        {
            o.GlobalLimiter = limiter;
            UseApiGuardRejection(o);
        });
        return services;
    }

    private static void UseApiGuardRejection(RateLimiterOptions options)
    {
        options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        options.OnRejected ??= static (context, _) =>
        {
            var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
                ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
                : 1;
            context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            return new ValueTask(RateLimitingMiddleware.WriteRejectionAsync(context.HttpContext, seconds));
        };
    }
}
