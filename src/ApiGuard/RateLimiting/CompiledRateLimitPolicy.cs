using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace ApiGuard.RateLimiting;

/// <summary>One limit, ready for the hot path.</summary>
internal sealed class CompiledRateLimit
{
    public CompiledRateLimit(RateLimitRuleOptions options, string name, string keySegment)
    {
        Name = name;
        Algorithm = options.Algorithm;
        Limit = options.PermitLimit;
        WindowMs = options.Window.TotalMilliseconds;
        Burst = options.Burst ?? options.PermitLimit;
        CalendarMonth = options.Algorithm == RateLimitAlgorithm.FixedWindow && options.CalendarMonth;
        LeaseTimeoutMs = options.LeaseTimeout.TotalMilliseconds;
        KeySegment = keySegment;
        Code = Algorithm switch
        {
            RateLimitAlgorithm.Gcra => "g",
            RateLimitAlgorithm.SlidingWindow => "s",
            RateLimitAlgorithm.FixedWindow => CalendarMonth ? "m" : "f",
            _ => "c",
        };
        WindowSeconds = Algorithm == RateLimitAlgorithm.Concurrency ? 0
            : CalendarMonth ? 2_592_000
            : Math.Max(1, (long)Math.Ceiling(WindowMs / 1000));
    }

    public string Name { get; }

    public RateLimitAlgorithm Algorithm { get; }

    /// <summary>The script's algorithm code: g (GCRA), s (sliding), f (fixed), m (calendar month), c (concurrency).</summary>
    public string Code { get; }

    public long Limit { get; }

    public double WindowMs { get; }

    public long Burst { get; }

    public bool CalendarMonth { get; }

    public double LeaseTimeoutMs { get; }

    /// <summary>The <c>{algorithm}</c> segment of the Redis key: the algorithm name, plus the limit name when the policy has several limits.</summary>
    public string KeySegment { get; }

    /// <summary>The quota window announced in <c>RateLimit-Policy</c> (<c>w</c>), in seconds.</summary>
    public long WindowSeconds { get; }

    /// <summary>The most permits one request can ever get from this limit.</summary>
    public long MaxPermits => Algorithm == RateLimitAlgorithm.Gcra ? Burst : Limit;

    /// <summary>The fourth script argument: the burst for GCRA, the lease timeout for concurrency, else 0.</summary>
    public double Extra => Algorithm switch
    {
        RateLimitAlgorithm.Gcra => Burst,
        RateLimitAlgorithm.Concurrency => LeaseTimeoutMs,
        _ => 0,
    };

    public static string AlgorithmName(RateLimitAlgorithm algorithm) => algorithm switch
    {
        RateLimitAlgorithm.Gcra => "gcra",
        RateLimitAlgorithm.SlidingWindow => "sliding",
        RateLimitAlgorithm.FixedWindow => "fixed",
        _ => "concurrency",
    };
}

/// <summary>A policy (or one tier of it), compiled once at startup.</summary>
internal sealed class CompiledRateLimitPolicy
{
    private CompiledRateLimitPolicy(string name, string? tier, RateLimitPolicyOptions options, List<RateLimitRuleOptions> limits)
    {
        Name = name;
        Tier = tier;
        KeyName = tier is null ? name : name + "." + tier;
        PartitionBy = options.PartitionBy;
        PartitionKey = options.PartitionKey;
        FailureMode = options.FailureMode;
        Cost = options.Cost;
        Approximate = options.Approximate && !limits.Exists(l => l.Algorithm == RateLimitAlgorithm.Concurrency);
        ApproximateSyncInterval = options.ApproximateSyncInterval;

        var compiled = new CompiledRateLimit[limits.Count];
        for (var i = 0; i < limits.Count; i++)
        {
            var l = limits[i];
            var limitName = l.Name ?? (i == 0 ? KeyName : KeyName + "-" + (i + 1).ToString(CultureInfo.InvariantCulture));
            var algorithm = CompiledRateLimit.AlgorithmName(l.Algorithm);
            var unique = limits.Count(o => o.Algorithm == l.Algorithm) == 1;
            compiled[i] = new CompiledRateLimit(l, limitName, unique ? algorithm : algorithm + "." + limitName);
        }

        Limits = compiled;
        HasConcurrency = Array.Exists(compiled, l => l.Algorithm == RateLimitAlgorithm.Concurrency);
        MaxPermits = compiled.Length == 0 ? 0 : compiled.Min(l => l.MaxPermits);

        var header = new StringBuilder();
        foreach (var l in compiled)
        {
            if (header.Length > 0)
            {
                header.Append(", ");
            }

            header.Append('"').Append(l.Name).Append("\";q=").Append(l.Limit.ToString(CultureInfo.InvariantCulture));
            if (l.WindowSeconds > 0)
            {
                header.Append(";w=").Append(l.WindowSeconds.ToString(CultureInfo.InvariantCulture));
            }
        }

        PolicyHeader = header.ToString();
    }

    /// <summary>The policy name.</summary>
    public string Name { get; }

    /// <summary>The tier, for tier-specific limits.</summary>
    public string? Tier { get; }

    /// <summary>The <c>{policy}</c> segment of keys: the name, plus <c>.tier</c> for a tier.</summary>
    public string KeyName { get; }

    public RateLimitPartitionBy PartitionBy { get; }

    public Func<HttpContext, string?>? PartitionKey { get; }

    public RateLimitFailureMode FailureMode { get; }

    public int Cost { get; }

    public bool Approximate { get; }

    public TimeSpan ApproximateSyncInterval { get; }

    public CompiledRateLimit[] Limits { get; }

    public bool HasConcurrency { get; }

    public long MaxPermits { get; }

    /// <summary>The <c>RateLimit-Policy</c> field value.</summary>
    public string PolicyHeader { get; }

    /// <summary>Tier variants, by tier name (base policy only).</summary>
    public IReadOnlyDictionary<string, CompiledRateLimitPolicy> Tiers { get; private set; } = new Dictionary<string, CompiledRateLimitPolicy>();

    /// <summary>Store-specific data cached on the policy (the Redis store keeps its script arguments here).</summary>
#pragma warning disable CA1051 // Set once with Interlocked.CompareExchange by the store.
    public object? StoreData;
#pragma warning restore CA1051

    public static CompiledRateLimitPolicy Compile(string name, RateLimitPolicyOptions options)
    {
        var policy = new CompiledRateLimitPolicy(name, null, options, options.Limits);
        var tiers = new Dictionary<string, CompiledRateLimitPolicy>(StringComparer.OrdinalIgnoreCase);
        foreach (var (tier, limits) in options.Tiers)
        {
            tiers[tier] = new CompiledRateLimitPolicy(name, tier, options, limits);
        }

        policy.Tiers = tiers;
        return policy;
    }
}
