namespace ApiGuard.Endpoints;

/// <summary>Endpoint metadata that switches ApiGuard, or one of its capabilities, off for an endpoint.</summary>
public interface IDisableApiGuardMetadata
{
    /// <summary>The capability switched off (see <see cref="ApiGuardCapabilities"/>), or <see langword="null"/> for all of them.</summary>
    string? Capability { get; }
}

/// <summary>Endpoint metadata that selects a named ApiGuard policy.</summary>
public interface IApiGuardPolicyMetadata
{
    /// <summary>The policy name. Each capability reads its own settings for that name (for example a rate-limit policy).</summary>
    string PolicyName { get; }
}

/// <summary>Endpoint metadata that overrides the mode for an endpoint.</summary>
public interface IApiGuardModeMetadata
{
    /// <summary>The mode for this endpoint.</summary>
    ApiGuardMode Mode { get; }

    /// <summary>The capability the mode applies to, or <see langword="null"/> for all of them.</summary>
    string? Capability { get; }
}

/// <summary>Switches ApiGuard, or one capability, off for the endpoint.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = true, Inherited = true)]
public sealed class DisableApiGuardAttribute : Attribute, IDisableApiGuardMetadata
{
    internal static readonly DisableApiGuardAttribute All = new();

    /// <summary>Switches every ApiGuard capability off for the endpoint.</summary>
    public DisableApiGuardAttribute()
    {
    }

    /// <summary>Switches one capability off for the endpoint.</summary>
    /// <param name="capability">A name from <see cref="ApiGuardCapabilities"/>.</param>
    public DisableApiGuardAttribute(string capability)
    {
        ArgumentException.ThrowIfNullOrEmpty(capability);
        Capability = capability;
    }

    /// <inheritdoc />
    public string? Capability { get; }
}

/// <summary>Selects a named ApiGuard policy for the endpoint.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class ApiGuardPolicyAttribute : Attribute, IApiGuardPolicyMetadata
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="policyName">The policy name.</param>
    public ApiGuardPolicyAttribute(string policyName)
    {
        ArgumentException.ThrowIfNullOrEmpty(policyName);
        PolicyName = policyName;
    }

    /// <inheritdoc />
    public string PolicyName { get; }
}

/// <summary>Overrides the ApiGuard mode for the endpoint.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = true, Inherited = true)]
public sealed class ApiGuardModeAttribute : Attribute, IApiGuardModeMetadata
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="mode">The mode.</param>
    /// <param name="capability">The capability it applies to, or <see langword="null"/> for all.</param>
    public ApiGuardModeAttribute(ApiGuardMode mode, string? capability = null)
    {
        Mode = mode;
        Capability = capability;
    }

    /// <inheritdoc />
    public ApiGuardMode Mode { get; }

    /// <inheritdoc />
    public string? Capability { get; }
}
