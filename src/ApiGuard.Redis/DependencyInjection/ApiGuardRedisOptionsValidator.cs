using Microsoft.Extensions.Options;

namespace ApiGuard.Redis;

internal sealed class ApiGuardRedisOptionsValidator : IValidateOptions<ApiGuardRedisOptions>
{
    public ValidateOptionsResult Validate(string? name, ApiGuardRedisOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Configuration))
        {
            failures.Add("ApiGuard:Redis:Configuration is empty; set a StackExchange.Redis configuration string such as '127.0.0.1:6379'.");
        }

        if (string.IsNullOrEmpty(options.KeyPrefix) || options.KeyPrefix.Length > 64 ||
            !options.KeyPrefix.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            failures.Add($"ApiGuard:Redis:KeyPrefix '{options.KeyPrefix}' is not allowed; use 1 to 64 letters, digits, '-', '_' or '.'.");
        }

        if (options.OperationTimeout <= TimeSpan.Zero || options.OperationTimeout > TimeSpan.FromSeconds(30))
        {
            failures.Add($"ApiGuard:Redis:OperationTimeout is {options.OperationTimeout}; allowed values are above 0 and at most 30 seconds.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
