using Microsoft.Extensions.Options;

namespace ApiGuard.Authentication.ChallengeResponse;

/// <summary>Validates <see cref="ServerNonceOptions"/> at startup.</summary>
internal sealed class ServerNonceOptionsValidator : IValidateOptions<ServerNonceOptions>
{
    public ValidateOptionsResult Validate(string? name, ServerNonceOptions options)
    {
        const string p = "ApiGuard:ChallengeResponse";
        var failures = new List<string>();
        if (options.NonceLifetime < TimeSpan.FromSeconds(5) || options.NonceLifetime > TimeSpan.FromHours(1))
        {
            failures.Add($"{p}:NonceLifetime is {options.NonceLifetime}; allowed values are 00:00:05 to 01:00:00.");
        }

        if (!string.IsNullOrEmpty(options.SigningKey))
        {
            var buffer = new byte[options.SigningKey.Length];
            if (!Convert.TryFromBase64String(options.SigningKey, buffer, out var length) || length < 32)
            {
                failures.Add($"{p}:SigningKey is not base64 of at least 32 bytes; generate one with 'openssl rand -base64 32' or leave it empty for a per-process key.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
