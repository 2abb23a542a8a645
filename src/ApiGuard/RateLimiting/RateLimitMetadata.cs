namespace ApiGuard.RateLimiting;

/// <summary>Endpoint metadata that selects an ApiGuard rate-limit policy and the cost of one request.</summary>
public interface IApiGuardRateLimitMetadata
{
    /// <summary>The policy name, or <see langword="null"/> to keep the policy selected otherwise (only the cost is set).</summary>
    string? PolicyName { get; }

    /// <summary>The permits one request costs, or <see langword="null"/> for the policy's <see cref="RateLimitPolicyOptions.Cost"/>.</summary>
    int? Cost { get; }
}

/// <summary>Selects an ApiGuard rate-limit policy for the endpoint, optionally with a weighted cost.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class ApiGuardRateLimitAttribute : Attribute, IApiGuardRateLimitMetadata
{
    /// <summary>Selects <paramref name="policyName"/>.</summary>
    public ApiGuardRateLimitAttribute(string policyName)
    {
        ArgumentException.ThrowIfNullOrEmpty(policyName);
        PolicyName = policyName;
    }

    internal ApiGuardRateLimitAttribute(string? policyName, int? cost)
    {
        if (cost is < 1 or > 1_000_000)
        {
            throw new ArgumentOutOfRangeException(nameof(cost), cost, "The cost must be 1 to 1000000 permits.");
        }

        PolicyName = policyName;
        Cost = cost;
    }

    /// <inheritdoc />
    public string? PolicyName { get; }

    /// <summary>The permits one request costs; 0 (the default) means the policy's <see cref="RateLimitPolicyOptions.Cost"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not 0 to 1,000,000.</exception>
    public int Permits
    {
        get => Cost ?? 0;
        set => Cost = value switch
        {
            0 => null,
            >= 1 and <= 1_000_000 => value,
            _ => throw new ArgumentOutOfRangeException(nameof(value), value, "The cost must be 1 to 1000000 permits."),
        };
    }

    /// <inheritdoc />
    public int? Cost { get; private set; }
}
