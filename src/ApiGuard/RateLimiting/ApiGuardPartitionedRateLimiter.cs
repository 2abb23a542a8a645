using System.Threading.RateLimiting;
using ApiGuard.Identity;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ApiGuard.RateLimiting;

/// <summary>
/// ApiGuard rate limiting as a <see cref="PartitionedRateLimiter{TResource}"/> of <see cref="HttpContext"/>: selects the request's
/// policy (a policy override feature, else <c>.RequireApiGuardRateLimit</c>, else <c>.WithApiGuardPolicy</c>, else the default policy),
/// its partition (client, address, endpoint, custom key) and its cost, then decides all of the policy's limits together.
/// Requests without a policy always get a lease. Usable as ASP.NET Core's <c>RateLimiterOptions.GlobalLimiter</c>.
/// </summary>
public sealed class ApiGuardPartitionedRateLimiter : PartitionedRateLimiter<HttpContext>
{
    private readonly Dictionary<string, CompiledRateLimitPolicy> _policies;
    private readonly CompiledRateLimitPolicy? _defaultPolicy;
    private readonly RateLimitPartitionTable _table;
    private readonly IClientIdentityResolver _identity;
    private readonly IRateLimitTierResolver _tiers;
    private readonly ILogger _logger;

    internal ApiGuardPartitionedRateLimiter(IOptions<RateLimitingOptions> options, RateLimitStore store, IClientIdentityResolver identity,
        IRateLimitTierResolver tiers, RateLimitingMetrics metrics, TimeProvider timeProvider, ILogger<ApiGuardPartitionedRateLimiter> logger)
    {
        var o = options.Value;
        _identity = identity;
        _tiers = tiers;
        _logger = logger;
        Store = store;
        _policies = new Dictionary<string, CompiledRateLimitPolicy>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, policy) in o.Policies)
        {
            _policies[name] = CompiledRateLimitPolicy.Compile(name, policy);
        }

        _defaultPolicy = o.DefaultPolicy is { } d && _policies.TryGetValue(d, out var dp) ? dp : null;
        _table = new RateLimitPartitionTable(o.MaxPartitions, o.PartitionIdleTimeout, timeProvider, metrics,
            key => new ApiGuardRateLimiter(key.Policy, key.Key, store, timeProvider, metrics));
    }

    internal RateLimitStore Store { get; }

    internal RateLimitPartitionTable Partitions => _table;

    /// <summary>The configured policy names.</summary>
    public IReadOnlyCollection<string> PolicyNames => _policies.Keys;

    /// <summary>
    /// The limiter of one partition of a policy (for use outside HTTP, or with ASP.NET Core's own middleware).
    /// </summary>
    /// <param name="policyName">A configured policy.</param>
    /// <param name="partitionKey">The partition key, for example a client id; it is hashed before reaching Redis.</param>
    /// <param name="tier">A tier of the policy, or <see langword="null"/> for its base limits.</param>
    /// <exception cref="ArgumentException">No policy has that name.</exception>
    public ApiGuardRateLimiter GetLimiter(string policyName, string partitionKey, string? tier = null)
    {
        ArgumentNullException.ThrowIfNull(policyName);
        ArgumentNullException.ThrowIfNull(partitionKey);
        if (!_policies.TryGetValue(policyName, out var policy))
        {
            throw new ArgumentException($"No ApiGuard rate-limit policy is named '{policyName}'.", nameof(policyName));
        }

        if (tier is not null && policy.Tiers.TryGetValue(tier, out var tiered))
        {
            policy = tiered;
        }

        return _table.GetOrAdd(policy, partitionKey);
    }

    /// <summary>The limiter for a request under a named policy, or <see langword="null"/> when the policy's key function exempts it.</summary>
    /// <exception cref="ArgumentException">No policy has that name.</exception>
    public ApiGuardRateLimiter? GetLimiter(HttpContext context, string policyName)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!_policies.TryGetValue(policyName, out var policy))
        {
            throw new ArgumentException($"No ApiGuard rate-limit policy is named '{policyName}'.", nameof(policyName));
        }

        return Partition(context, policy);
    }

    /// <summary>Selects the request's limiter and cost; false when no ApiGuard policy applies.</summary>
    internal bool TrySelect(HttpContext context, out ApiGuardRateLimiter limiter, out int cost)
    {
        limiter = null!;
        cost = 0;
        var endpoint = context.GetEndpoint();
        var metadata = endpoint?.Metadata.GetMetadata<IApiGuardRateLimitMetadata>();
        CompiledRateLimitPolicy? policy = null;
        if (context.Features.Get<IRateLimitPolicyFeature>() is { } overrideFeature)
        {
            _policies.TryGetValue(overrideFeature.PolicyName, out policy);
        }

        if (policy is null && metadata?.PolicyName is { } named && !_policies.TryGetValue(named, out policy))
        {
            RateLimitingLog.UnknownPolicy(_logger, endpoint?.DisplayName ?? "(none)", named);
        }

        if (policy is null && ApiGuardModeResolver.GetPolicyName(context) is { } guardPolicy)
        {
            _policies.TryGetValue(guardPolicy, out policy);
        }

        policy ??= _defaultPolicy;
        if (policy is null)
        {
            return false;
        }

        var selected = Partition(context, policy);
        if (selected is null)
        {
            return false;
        }

        limiter = selected;
        cost = (int)Math.Min(metadata?.Cost ?? policy.Cost, Math.Max(1, selected.Policy.MaxPermits));
        return true;
    }

    private ApiGuardRateLimiter? Partition(HttpContext context, CompiledRateLimitPolicy policy)
    {
        if (policy.Tiers.Count > 0 && _tiers.GetTier(context) is { } tier && policy.Tiers.TryGetValue(tier, out var tiered))
        {
            policy = tiered;
        }

        if (policy.Limits.Length == 0)
        {
            return null;
        }

        var key = policy.PartitionBy switch
        {
            RateLimitPartitionBy.Client => _identity.Resolve(context).Id,
            RateLimitPartitionBy.Address => _identity.ResolveAddress(context).AddressKey,
            RateLimitPartitionBy.Endpoint => EndpointKey(context),
            RateLimitPartitionBy.ClientAndEndpoint => _identity.Resolve(context).Id + " " + EndpointKey(context),
            RateLimitPartitionBy.Global => "*",
            _ => policy.PartitionKey?.Invoke(context),
        };
        return key is null ? null : _table.GetOrAdd(policy, key);
    }

    private static string EndpointKey(HttpContext context) =>
        context.GetEndpoint() is RouteEndpoint { RoutePattern.RawText: { } pattern } ? context.Request.Method + " " + pattern
        : context.GetEndpoint()?.DisplayName ?? "(no endpoint)";

    /// <inheritdoc />
    public override RateLimiterStatistics? GetStatistics(HttpContext resource) =>
        TrySelect(resource, out var limiter, out _) ? limiter.GetStatistics() : null;

    /// <inheritdoc />
    protected override RateLimitLease AttemptAcquireCore(HttpContext resource, int permitCount) =>
        TrySelect(resource, out var limiter, out var cost) ? limiter.AttemptAcquire(permitCount == 1 ? cost : permitCount) : RateLimitLeases.Success;

    /// <inheritdoc />
    protected override ValueTask<RateLimitLease> AcquireAsyncCore(HttpContext resource, int permitCount, CancellationToken cancellationToken) =>
        TrySelect(resource, out var limiter, out var cost)
            ? limiter.AcquireAsync(permitCount == 1 ? cost : permitCount, cancellationToken)
            : ValueTask.FromResult(RateLimitLeases.Success);
}
