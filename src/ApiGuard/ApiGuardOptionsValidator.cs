using System.Net;
using ApiGuard.Identity;
using Microsoft.Extensions.Options;

namespace ApiGuard;

/// <summary>Validates <see cref="ApiGuardOptions"/> at startup; each failure names the configuration key and what is allowed.</summary>
internal sealed class ApiGuardOptionsValidator : IValidateOptions<ApiGuardOptions>
{
    public ValidateOptionsResult Validate(string? name, ApiGuardOptions options)
    {
        var failures = new List<string>();
        const string p = ApiGuardOptions.SectionName;

        if (!Enum.IsDefined(options.Mode))
        {
            failures.Add($"{p}:Mode has the value '{options.Mode}'; allowed values are Enforce and DetectOnly.");
        }

        if (options.PublicOrigin is { } origin &&
            (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || uri.PathAndQuery != "/" || origin.EndsWith('/')))
        {
            failures.Add($"{p}:PublicOrigin '{origin}' is not a scheme and authority; use a value like 'https://api.example.com' (http or https, no path, no trailing slash).");
        }

        var identity = options.ClientIdentity;
        for (var i = 0; i < identity.TrustedProxies.Count; i++)
        {
            if (!IPNetwork.TryParse(identity.TrustedProxies[i], out _) && !IPAddress.TryParse(identity.TrustedProxies[i], out _))
            {
                failures.Add($"{p}:ClientIdentity:TrustedProxies:{i} '{identity.TrustedProxies[i]}' is not an IP address or CIDR range (for example '10.0.0.0/8' or '::1').");
            }
        }

        if (identity.IPv6PrefixLength is < 1 or > 128)
        {
            failures.Add($"{p}:ClientIdentity:IPv6PrefixLength is {identity.IPv6PrefixLength}; allowed values are 1 to 128.");
        }

        if (identity.IPv4PrefixLength is < 1 or > 32)
        {
            failures.Add($"{p}:ClientIdentity:IPv4PrefixLength is {identity.IPv4PrefixLength}; allowed values are 1 to 32.");
        }

        if (identity.ForwardLimit is < 1 or > 64)
        {
            failures.Add($"{p}:ClientIdentity:ForwardLimit is {identity.ForwardLimit}; allowed values are 1 to 64.");
        }

        if (string.IsNullOrWhiteSpace(identity.ApiKeyHeaderName) && identity.ApiKeyHeaderName is not null)
        {
            failures.Add($"{p}:ClientIdentity:ApiKeyHeaderName is empty; set a header name or null to disable API-key identity.");
        }

        if (options.Events.Capacity is < 16 or > 1_000_000)
        {
            failures.Add($"{p}:Events:Capacity is {options.Events.Capacity}; allowed values are 16 to 1000000.");
        }

        foreach (var (policyName, policy) in options.Policies)
        {
            if (policy.Mode is { } mode && !Enum.IsDefined(mode))
            {
                failures.Add($"{p}:Policies:{policyName}:Mode has the value '{mode}'; allowed values are Enforce and DetectOnly.");
            }

            foreach (var capability in policy.DisabledCapabilities)
            {
                if (!ApiGuardCapabilityNames.IsKnown(capability))
                {
                    failures.Add($"{p}:Policies:{policyName}:DisabledCapabilities contains '{capability}'; allowed values are {string.Join(", ", ApiGuardCapabilityNames.All)}.");
                }
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

internal static class ApiGuardCapabilityNames
{
    public static readonly string[] All =
    [
        ApiGuardCapabilities.Core, ApiGuardCapabilities.Inspection, ApiGuardCapabilities.Signatures, ApiGuardCapabilities.Otp,
        ApiGuardCapabilities.ChallengeResponse, ApiGuardCapabilities.RateLimiting, ApiGuardCapabilities.BruteForce,
        ApiGuardCapabilities.Bots, ApiGuardCapabilities.Posture,
    ];

    public static bool IsKnown(string name) => Array.Exists(All, n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase));
}
