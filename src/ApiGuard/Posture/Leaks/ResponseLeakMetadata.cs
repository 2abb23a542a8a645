namespace ApiGuard.Posture.Leaks;

/// <summary>Endpoint metadata listing leak types an endpoint returns on purpose (for example <see cref="LeakType.Jwt"/> on a token endpoint).</summary>
public interface IAllowResponseLeaksMetadata
{
    /// <summary>The leak types that are not reported or redacted for the endpoint.</summary>
    IReadOnlyList<LeakType> AllowedTypes { get; }
}

/// <summary>Marks leak types an endpoint returns on purpose; backs <c>AllowResponseLeaks(...)</c>.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = true, Inherited = true)]
public sealed class AllowResponseLeaksAttribute : Attribute, IAllowResponseLeaksMetadata
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="types">The leak types the endpoint returns on purpose.</param>
    public AllowResponseLeaksAttribute(params LeakType[] types)
    {
        ArgumentNullException.ThrowIfNull(types);
        AllowedTypes = types;
    }

    /// <inheritdoc />
    public IReadOnlyList<LeakType> AllowedTypes { get; }
}

/// <summary>Endpoint metadata that overrides <see cref="ResponseLeakOptions.Action"/> for an endpoint.</summary>
public interface IResponseLeakActionMetadata
{
    /// <summary>The action for the endpoint's responses.</summary>
    LeakAction Action { get; }
}

/// <summary>Overrides the leak action for the endpoint; backs <c>WithResponseLeakAction(...)</c>.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class ResponseLeakActionAttribute : Attribute, IResponseLeakActionMetadata
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="action">The action for the endpoint's responses.</param>
    public ResponseLeakActionAttribute(LeakAction action)
    {
        Action = action;
    }

    /// <inheritdoc />
    public LeakAction Action { get; }
}
