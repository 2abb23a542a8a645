using ApiGuard.Endpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace ApiGuard;

/// <summary>
/// Decides, for one request and one capability, whether the capability runs and in which mode.
/// Precedence, most specific first: endpoint metadata for the capability, endpoint metadata for all capabilities,
/// the endpoint's named policy, the capability's own mode, the global mode.
/// </summary>
public sealed class ApiGuardModeResolver
{
    private readonly IOptionsMonitor<ApiGuardOptions> _options;

    /// <summary>Creates the resolver.</summary>
    public ApiGuardModeResolver(IOptionsMonitor<ApiGuardOptions> options)
    {
        _options = options;
    }

    /// <summary>Whether <paramref name="capability"/> is switched off for the request's endpoint.</summary>
    public bool IsDisabled(HttpContext context, string capability)
    {
        var endpoint = context.GetEndpoint();
        if (endpoint is null)
        {
            return false;
        }

        var disables = endpoint.Metadata.GetOrderedMetadata<IDisableApiGuardMetadata>();
        for (var i = 0; i < disables.Count; i++)
        {
            var c = disables[i].Capability;
            if (c is null || string.Equals(c, capability, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        var policy = GetPolicy(endpoint);
        if (policy is not null)
        {
            foreach (var c in policy.DisabledCapabilities)
            {
                if (string.Equals(c, capability, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>The mode in force for <paramref name="capability"/> on this request.</summary>
    /// <param name="context">The request.</param>
    /// <param name="capability">A name from <see cref="ApiGuardCapabilities"/>.</param>
    /// <param name="capabilityMode">The capability's own configured mode, if it has one.</param>
    public ApiGuardMode Resolve(HttpContext context, string capability, ApiGuardMode? capabilityMode = null)
    {
        var endpoint = context.GetEndpoint();
        if (endpoint is not null)
        {
            ApiGuardMode? forAll = null;
            var modes = endpoint.Metadata.GetOrderedMetadata<IApiGuardModeMetadata>();
            for (var i = modes.Count - 1; i >= 0; i--)
            {
                var m = modes[i];
                if (m.Capability is null)
                {
                    forAll ??= m.Mode;
                }
                else if (string.Equals(m.Capability, capability, StringComparison.OrdinalIgnoreCase))
                {
                    return m.Mode;
                }
            }

            if (forAll is { } all)
            {
                return all;
            }

            if (GetPolicy(endpoint)?.Mode is { } policyMode)
            {
                return policyMode;
            }
        }

        return capabilityMode ?? _options.CurrentValue.Mode;
    }

    /// <summary>The name of the ApiGuard policy selected by the request's endpoint, if any.</summary>
    public static string? GetPolicyName(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<IApiGuardPolicyMetadata>()?.PolicyName;

    private ApiGuardPolicyOptions? GetPolicy(Endpoint endpoint)
    {
        var name = endpoint.Metadata.GetMetadata<IApiGuardPolicyMetadata>()?.PolicyName;
        return name is not null && _options.CurrentValue.Policies.TryGetValue(name, out var policy) ? policy : null;
    }
}
