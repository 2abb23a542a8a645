using Microsoft.Extensions.Options;

namespace ApiGuard.RateLimiting;

/// <summary>Validates <see cref="RateLimitingOptions"/> at startup; each failure names its key and what is allowed.</summary>
internal sealed class RateLimitingOptionsValidator : IValidateOptions<RateLimitingOptions>
{
    private const string P = "ApiGuard:RateLimiting";

    public ValidateOptionsResult Validate(string? name, RateLimitingOptions options)
    {
        var failures = new List<string>();
        if (options.Mode is { } mode && !Enum.IsDefined(mode))
        {
            failures.Add($"{P}:Mode has the value '{mode}'; allowed values are Enforce and DetectOnly.");
        }

        if (options.DefaultPolicy is { } def && !options.Policies.ContainsKey(def))
        {
            failures.Add($"{P}:DefaultPolicy '{def}' names no policy; define it under {P}:Policies:{def}.");
        }

        if (options.MaxPartitions is < 16 or > 100_000_000)
        {
            failures.Add($"{P}:MaxPartitions is {options.MaxPartitions}; allowed values are 16 to 100000000.");
        }

        if (options.PartitionIdleTimeout < TimeSpan.FromSeconds(1) || options.PartitionIdleTimeout > TimeSpan.FromDays(1))
        {
            failures.Add($"{P}:PartitionIdleTimeout is {options.PartitionIdleTimeout}; allowed values are 1 second to 1 day.");
        }

        if (options.CircuitBreakerFailureThreshold is < 1 or > 1000)
        {
            failures.Add($"{P}:CircuitBreakerFailureThreshold is {options.CircuitBreakerFailureThreshold}; allowed values are 1 to 1000.");
        }

        if (options.CircuitBreakerBreakDuration < TimeSpan.FromMilliseconds(10) || options.CircuitBreakerBreakDuration > TimeSpan.FromMinutes(5))
        {
            failures.Add($"{P}:CircuitBreakerBreakDuration is {options.CircuitBreakerBreakDuration}; allowed values are 10 ms to 5 minutes.");
        }

        foreach (var (policyName, policy) in options.Policies)
        {
            var pp = $"{P}:Policies:{policyName}";
            if (!IsSafeName(policyName))
            {
                failures.Add($"{pp}: the policy name '{policyName}' is not allowed; use 1 to 64 letters, digits, '-', '_' or '.'.");
            }

            if (policy.Limits.Count == 0 && policy.Tiers.Count == 0)
            {
                failures.Add($"{pp}:Limits is empty; a policy needs at least one limit (or limits per tier under {pp}:Tiers).");
            }

            ValidateLimits(failures, $"{pp}:Limits", policy.Limits);
            foreach (var (tier, limits) in policy.Tiers)
            {
                if (!IsSafeName(tier))
                {
                    failures.Add($"{pp}:Tiers: the tier name '{tier}' is not allowed; use 1 to 64 letters, digits, '-', '_' or '.'.");
                }

                if (limits.Count == 0)
                {
                    failures.Add($"{pp}:Tiers:{tier} is empty; a tier needs at least one limit.");
                }

                ValidateLimits(failures, $"{pp}:Tiers:{tier}", limits);
            }

            if (!Enum.IsDefined(policy.PartitionBy))
            {
                failures.Add($"{pp}:PartitionBy has the value '{policy.PartitionBy}'; allowed values are Client, Address, Endpoint, ClientAndEndpoint, Global and Custom.");
            }
            else if (policy.PartitionBy == RateLimitPartitionBy.Custom && policy.PartitionKey is null)
            {
                failures.Add($"{pp}:PartitionBy is Custom but no PartitionKey function was set in code.");
            }

            if (!Enum.IsDefined(policy.FailureMode))
            {
                failures.Add($"{pp}:FailureMode has the value '{policy.FailureMode}'; allowed values are LocalFallback, FailOpen and FailClosed.");
            }

            if (policy.Cost is < 1 or > 1_000_000)
            {
                failures.Add($"{pp}:Cost is {policy.Cost}; allowed values are 1 to 1000000.");
            }

            if (policy.ApproximateSyncInterval < TimeSpan.FromMilliseconds(1) || policy.ApproximateSyncInterval > TimeSpan.FromSeconds(10))
            {
                failures.Add($"{pp}:ApproximateSyncInterval is {policy.ApproximateSyncInterval}; allowed values are 1 ms to 10 seconds.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateLimits(List<string> failures, string prefix, List<RateLimitRuleOptions> limits)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < limits.Count; i++)
        {
            var l = limits[i];
            var lp = $"{prefix}:{i}";
            if (!Enum.IsDefined(l.Algorithm))
            {
                failures.Add($"{lp}:Algorithm has the value '{l.Algorithm}'; allowed values are Gcra, SlidingWindow, FixedWindow and Concurrency.");
            }

            if (l.PermitLimit is < 1 or > 1_000_000_000)
            {
                failures.Add($"{lp}:PermitLimit is {l.PermitLimit}; allowed values are 1 to 1000000000.");
            }

            if (l.Window < TimeSpan.FromMilliseconds(1) || l.Window > TimeSpan.FromDays(366))
            {
                failures.Add($"{lp}:Window is {l.Window}; allowed values are 1 ms to 366 days.");
            }

            if (l.Burst is < 1 or > 1_000_000_000)
            {
                failures.Add($"{lp}:Burst is {l.Burst}; allowed values are 1 to 1000000000.");
            }

            if (l.CalendarMonth && l.Algorithm != RateLimitAlgorithm.FixedWindow)
            {
                failures.Add($"{lp}:CalendarMonth is true but the algorithm is {l.Algorithm}; calendar months need FixedWindow.");
            }

            if (l.LeaseTimeout < TimeSpan.FromSeconds(1) || l.LeaseTimeout > TimeSpan.FromDays(1))
            {
                failures.Add($"{lp}:LeaseTimeout is {l.LeaseTimeout}; allowed values are 1 second to 1 day.");
            }

            if (l.Name is { } n && (!IsSafeName(n) || !names.Add(n)))
            {
                failures.Add($"{lp}:Name '{n}' is not allowed; use a unique name of 1 to 64 letters, digits, '-', '_' or '.'.");
            }
        }
    }

    internal static bool IsSafeName(string name) =>
        name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}
