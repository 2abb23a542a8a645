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
