using Microsoft.Extensions.Options;

namespace ApiGuard.BruteForce;

/// <summary>Validates <see cref="BruteForceOptions"/> at startup; each failure names the configuration key and what is allowed.</summary>
internal sealed class BruteForceOptionsValidator : IValidateOptions<BruteForceOptions>
{
    private const string P = ApiGuardOptions.SectionName + ":" + BruteForceOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, BruteForceOptions options)
    {
        var failures = new List<string>();
        if (options.Mode is { } mode && !Enum.IsDefined(mode))
        {
            failures.Add($"{P}:Mode has the value '{mode}'; allowed values are Enforce and DetectOnly.");
        }

        ValidateLimit(failures, "Pair", options.Pair);
        ValidateLimit(failures, "Address", options.Address);

        var account = options.Account;
        if (account is null)
        {
            failures.Add($"{P}:Account is missing.");
        }
        else
        {
            ValidateSpan(failures, $"{P}:Account:Window", account.Window, TimeSpan.FromSeconds(1), TimeSpan.FromDays(7), "1 second to 7 days");
            if (account.UnderAttackThreshold is < 1 or > 1_000_000)
            {
                failures.Add($"{P}:Account:UnderAttackThreshold is {account.UnderAttackThreshold}; allowed values are 1 to 1000000.");
            }
            else if (options.Pair is { BlockThreshold: > 0 } pair && account.UnderAttackThreshold <= pair.BlockThreshold)
            {
                failures.Add($"{P}:Account:UnderAttackThreshold is {account.UnderAttackThreshold}; it must be above {P}:Pair:BlockThreshold ({pair.BlockThreshold}) so a single client's pair is blocked before the account is affected.");
            }

            if (account.BlockThreshold != 0 &&
                (account.BlockThreshold < account.UnderAttackThreshold || account.BlockThreshold > 1_000_000 ||
                 (options.Pair is { } pairLimit && account.BlockThreshold <= pairLimit.BlockThreshold)))
            {
                failures.Add($"{P}:Account:BlockThreshold is {account.BlockThreshold}; allowed values are 0 (never block the account) or at least {P}:Account:UnderAttackThreshold ({account.UnderAttackThreshold}) and above {P}:Pair:BlockThreshold ({options.Pair?.BlockThreshold}) up to 1000000, so a single client's pair is blocked before the account.");
            }

            ValidateSpan(failures, $"{P}:Account:BlockDuration", account.BlockDuration, TimeSpan.FromSeconds(1), TimeSpan.FromDays(7), "1 second to 7 days");

            if (options.Pair is { } p && (account.UntrustedPairDelayThreshold < 1 || account.UntrustedPairDelayThreshold > p.DelayThreshold))
            {
                failures.Add($"{P}:Account:UntrustedPairDelayThreshold is {account.UntrustedPairDelayThreshold}; allowed values are 1 to {P}:Pair:DelayThreshold ({p.DelayThreshold}).");
            }
        }

        var patterns = options.Patterns;
        if (patterns is null)
        {
            failures.Add($"{P}:Patterns is missing.");
        }
        else
        {
            if (patterns.StuffingDistinctAccounts is < 0 or > 1_000)
            {
                failures.Add($"{P}:Patterns:StuffingDistinctAccounts is {patterns.StuffingDistinctAccounts}; allowed values are 0 (off) to 1000.");
            }

            if (patterns.SprayingDistinctClients is < 0 or > 1_000)
            {
                failures.Add($"{P}:Patterns:SprayingDistinctClients is {patterns.SprayingDistinctClients}; allowed values are 0 (off) to 1000.");
            }
        }

        ValidateSpan(failures, $"{P}:TrustDuration", options.TrustDuration, TimeSpan.FromSeconds(1), TimeSpan.FromDays(365), "1 second to 365 days");

        if (options.KeySecret is { } secret)
        {
            var buffer = new byte[secret.Length];
            if (!Convert.TryFromBase64String(secret, buffer, out var written) || written < 16)
            {
                failures.Add($"{P}:KeySecret is not base64 of at least 16 bytes; generate one with 'openssl rand -base64 32'.");
            }
        }

        if (!Enum.IsDefined(options.StoreFailurePolicy))
        {
            failures.Add($"{P}:StoreFailurePolicy has the value '{options.StoreFailurePolicy}'; allowed values are FallbackToLocal, FailOpen and FailClosed.");
        }

        if (options.MaxEntries is < 100 or > 10_000_000)
        {
            failures.Add($"{P}:MaxEntries is {options.MaxEntries}; allowed values are 100 to 10000000.");
        }

        if (options.MaxPendingObservations is < 1 or > 100_000)
        {
            failures.Add($"{P}:MaxPendingObservations is {options.MaxPendingObservations}; allowed values are 1 to 100000.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateLimit(List<string> failures, string level, BruteForceLimitOptions? limit)
    {
        var k = $"{P}:{level}";
        if (limit is null)
        {
            failures.Add($"{k} is missing.");
            return;
        }

        ValidateSpan(failures, $"{k}:Window", limit.Window, TimeSpan.FromSeconds(1), TimeSpan.FromDays(7), "1 second to 7 days");
        if (limit.DelayThreshold is < 1 or > 1_000_000)
        {
            failures.Add($"{k}:DelayThreshold is {limit.DelayThreshold}; allowed values are 1 to 1000000.");
        }

        if (limit.BlockThreshold != 0 && (limit.BlockThreshold <= limit.DelayThreshold || limit.BlockThreshold > 1_000_000))
        {
            failures.Add($"{k}:BlockThreshold is {limit.BlockThreshold}; allowed values are 0 (never block) or above {k}:DelayThreshold ({limit.DelayThreshold}) up to 1000000.");
        }

        ValidateSpan(failures, $"{k}:MaxDelay", limit.MaxDelay, TimeSpan.FromMilliseconds(1), TimeSpan.FromDays(1), "1 millisecond to 1 day");
        if (limit.InitialDelay < TimeSpan.FromMilliseconds(1) || limit.InitialDelay > limit.MaxDelay)
        {
            failures.Add($"{k}:InitialDelay is {limit.InitialDelay}; allowed values are 1 millisecond up to {k}:MaxDelay ({limit.MaxDelay}).");
        }

        ValidateSpan(failures, $"{k}:BlockDuration", limit.BlockDuration, TimeSpan.FromSeconds(1), TimeSpan.FromDays(7), "1 second to 7 days");
    }

    private static void ValidateSpan(List<string> failures, string key, TimeSpan value, TimeSpan min, TimeSpan max, string allowed)
    {
        if (value < min || value > max)
        {
            failures.Add($"{key} is {value}; allowed values are {allowed}.");
        }
    }
}
