using Microsoft.Extensions.Options;

namespace ApiGuard.Posture.Outbound;

/// <summary>Validates each guarded client's <see cref="OutboundGuardOptions"/> at startup, naming the key under <c>ApiGuard:Posture:Outbound</c>.</summary>
internal sealed class OutboundGuardOptionsValidator : IValidateOptions<OutboundGuardOptions>
{
    public ValidateOptionsResult Validate(string? name, OutboundGuardOptions options)
    {
        var failures = new List<string>();
        Validate(string.IsNullOrEmpty(name) ? "ApiGuard:Posture:Outbound" : $"ApiGuard:Posture:Outbound (client '{name}')", options, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    internal static void Validate(string p, OutboundGuardOptions options, List<string> failures)
    {
        for (var i = 0; i < options.AllowedNetworks.Count; i++)
        {
            try
            {
                _ = OutboundGuard.ParseNetwork(options.AllowedNetworks[i]);
            }
            catch (FormatException)
            {
                failures.Add($"{p}:AllowedNetworks:{i} '{options.AllowedNetworks[i]}' is not an IP address or CIDR range (for example '10.20.0.0/16' or '::1').");
            }
        }

        for (var i = 0; i < options.AllowedHosts.Count; i++)
        {
            var host = options.AllowedHosts[i];
            var bare = host.StartsWith("*.", StringComparison.Ordinal) ? host[2..] : host;
            if (string.IsNullOrWhiteSpace(bare) || Uri.CheckHostName(bare) == UriHostNameType.Unknown)
            {
                failures.Add($"{p}:AllowedHosts:{i} '{host}' is not a host name; use 'api.example.com' or '*.example.com'.");
            }
        }

        if (options.MaxRedirects is < 0 or > 20)
        {
            failures.Add($"{p}:MaxRedirects is {options.MaxRedirects}; allowed values are 0 to 20.");
        }

        if (options.MaxResponseBytes is < 1 or > int.MaxValue)
        {
            failures.Add($"{p}:MaxResponseBytes is {options.MaxResponseBytes}; allowed values are 1 to 2147483647.");
        }

        if (options.Timeout < TimeSpan.FromMilliseconds(1) || options.Timeout > TimeSpan.FromMinutes(10))
        {
            failures.Add($"{p}:Timeout is {options.Timeout}; allowed values are 00:00:00.001 to 00:10:00.");
        }

        if (options.ConnectTimeout < TimeSpan.FromMilliseconds(1) || options.ConnectTimeout > TimeSpan.FromMinutes(10))
        {
            failures.Add($"{p}:ConnectTimeout is {options.ConnectTimeout}; allowed values are 00:00:00.001 to 00:10:00.");
        }
    }
}
