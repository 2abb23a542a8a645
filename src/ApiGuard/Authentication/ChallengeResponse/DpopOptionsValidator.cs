using Microsoft.Extensions.Options;

namespace ApiGuard.Authentication.ChallengeResponse;

/// <summary>Validates <see cref="DpopOptions"/> at startup; failures name the key under <c>Authentication:Schemes:&lt;scheme&gt;</c>.</summary>
internal sealed class DpopOptionsValidator : IValidateOptions<DpopOptions>
{
    public ValidateOptionsResult Validate(string? name, DpopOptions options)
    {
        var failures = Check(options, name ?? DpopDefaults.AuthenticationScheme);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    internal static List<string> Check(DpopOptions options, string scheme)
    {
        var p = $"Authentication:Schemes:{scheme}";
        var failures = new List<string>();
        if (options.Mode is { } mode && !Enum.IsDefined(mode))
        {
            failures.Add($"{p}:Mode has the value '{mode}'; allowed values are Enforce and DetectOnly.");
        }

        if (options.Algorithms.Count == 0 || options.Algorithms.Any(a => !DpopDefaults.SupportedAlgorithms.Contains(a, StringComparer.Ordinal)))
        {
            failures.Add($"{p}:Algorithms is [{string.Join(", ", options.Algorithms)}]; allowed values are one or more of {string.Join(", ", DpopDefaults.SupportedAlgorithms)}.");
        }

        if (options.ProofLifetime < TimeSpan.FromSeconds(1) || options.ProofLifetime > TimeSpan.FromMinutes(10))
        {
            failures.Add($"{p}:ProofLifetime is {options.ProofLifetime}; allowed values are 00:00:01 to 00:10:00.");
        }

        if (options.ClockSkew < TimeSpan.Zero || options.ClockSkew > TimeSpan.FromMinutes(5))
        {
            failures.Add($"{p}:ClockSkew is {options.ClockSkew}; allowed values are 00:00:00 to 00:05:00.");
        }

        if (options.PublicOrigin is { } origin &&
            (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || uri.PathAndQuery != "/" || origin.EndsWith('/')))
        {
            failures.Add($"{p}:PublicOrigin '{origin}' is not a scheme and authority such as 'https://api.example.com'.");
        }

        return failures;
    }
}
