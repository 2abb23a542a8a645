using Microsoft.AspNetCore.Http;

namespace ApiGuard.RateLimiting;

/// <summary>
/// Names a rate-limit policy to apply to this request instead of the endpoint's. Other capabilities (bot detection,
/// a ban list, your own middleware) set it before the rate-limiting stage to move a suspicious client to a stricter policy:
/// <c>context.SetRateLimitPolicy("suspicious")</c>. A name that is not a configured policy is ignored.
/// </summary>
public interface IRateLimitPolicyFeature
{
    /// <summary>The policy to apply instead of the endpoint's.</summary>
    string PolicyName { get; }
}

/// <summary>The default <see cref="IRateLimitPolicyFeature"/>.</summary>
public sealed class RateLimitPolicyFeature : IRateLimitPolicyFeature
{
    /// <summary>Creates the feature.</summary>
    /// <param name="policyName">The policy to apply.</param>
    public RateLimitPolicyFeature(string policyName)
    {
        ArgumentException.ThrowIfNullOrEmpty(policyName);
        PolicyName = policyName;
    }

    /// <inheritdoc />
    public string PolicyName { get; }
}

/// <summary>Decides a client's tier for policies with per-tier limits (<see cref="RateLimitPolicyOptions.Tiers"/>).</summary>
public interface IRateLimitTierResolver
{
    /// <summary>The client's tier (for example <c>free</c> or <c>pro</c>), or <see langword="null"/> for the policy's base limits.</summary>
    string? GetTier(HttpContext context);
}

/// <summary>Extensions to steer rate limiting from other middleware.</summary>
public static class RateLimitHttpContextExtensions
{
    /// <summary>Applies <paramref name="policyName"/> to this request instead of the endpoint's rate-limit policy (see <see cref="IRateLimitPolicyFeature"/>).</summary>
    public static void SetRateLimitPolicy(this HttpContext context, string policyName)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Features.Set<IRateLimitPolicyFeature>(new RateLimitPolicyFeature(policyName));
    }
}
