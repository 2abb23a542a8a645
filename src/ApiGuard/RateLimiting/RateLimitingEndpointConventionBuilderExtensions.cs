using ApiGuard.RateLimiting;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Minimal-API conventions for ApiGuard rate limiting.</summary>
public static class RateLimitingEndpointConventionBuilderExtensions
{
    /// <summary>
    /// Limits the endpoints with the ApiGuard rate-limit policy <paramref name="policyName"/> (from <c>ApiGuard:RateLimiting:Policies</c>).
    /// <c>.WithApiGuardPolicy(name)</c> selects the same policy when one of that name exists.
    /// </summary>
    /// <param name="builder">The endpoint builder.</param>
    /// <param name="policyName">The policy name.</param>
    /// <param name="cost">The permits one request costs (a weighted endpoint), or <see langword="null"/> for the policy's cost.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cost"/> is not 1 to 1,000,000.</exception>
    public static TBuilder RequireApiGuardRateLimit<TBuilder>(this TBuilder builder, string policyName, int? cost = null) where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(policyName);
        var metadata = new ApiGuardRateLimitAttribute(policyName, cost);
        builder.Add(b => b.Metadata.Add(metadata));
        return builder;
    }

    /// <summary>Sets the cost, in permits, of one request to the endpoints, whatever policy applies.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cost"/> is not 1 to 1,000,000.</exception>
    public static TBuilder WithApiGuardRateLimitCost<TBuilder>(this TBuilder builder, int cost) where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        var metadata = new ApiGuardRateLimitAttribute(null, cost);
        builder.Add(b => b.Metadata.Add(metadata));
        return builder;
    }
}
