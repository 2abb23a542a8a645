namespace ApiGuard.Posture.Inventory;

/// <summary>The observed API inventory (OWASP API9): which endpoints are called, what is probed that does not exist, which deprecated endpoints are still used.</summary>
public interface IRouteInventory
{
    /// <summary>A point-in-time copy of the inventory.</summary>
    RouteInventorySnapshot GetSnapshot();
}

/// <summary>A copy of the route inventory.</summary>
/// <param name="Routes">Every route endpoint of the app with its request count (0: never called since start), most called first.</param>
/// <param name="Unmatched">Requests that matched no endpoint, grouped by path shape, most frequent first.</param>
/// <param name="UnmatchedOverflow">Unmatched requests whose shape did not fit in the bounded table.</param>
/// <param name="Since">When counting started.</param>
public sealed record RouteInventorySnapshot(IReadOnlyList<RouteUsage> Routes, IReadOnlyList<UnmatchedShape> Unmatched, long UnmatchedOverflow, DateTimeOffset Since);

/// <summary>The usage of one endpoint.</summary>
/// <param name="RoutePattern">The route template.</param>
/// <param name="Methods">The HTTP methods it accepts (empty: any).</param>
/// <param name="DisplayName">The endpoint's display name.</param>
/// <param name="Requests">Requests observed since start.</param>
/// <param name="Deprecated">Whether the endpoint is marked deprecated (<c>.Deprecated()</c>, <see cref="DeprecatedEndpointAttribute"/> or <see cref="ObsoleteAttribute"/>).</param>
/// <param name="LastSeen">When it was last called, or <see langword="null"/>.</param>
public sealed record RouteUsage(string RoutePattern, IReadOnlyList<string> Methods, string? DisplayName, long Requests, bool Deprecated, DateTimeOffset? LastSeen);

/// <summary>Requests with one path shape that matched no endpoint (scanning, stale clients).</summary>
/// <param name="Shape">The shape: leading segments with digit runs as <c>{n}</c>, GUIDs as <c>{guid}</c>, long hex as <c>{hex}</c>, the rest as <c>*</c>.</param>
/// <param name="Requests">How many requests had it.</param>
public sealed record UnmatchedShape(string Shape, long Requests);

/// <summary>Endpoint metadata that marks an endpoint deprecated; backs <c>.Deprecated()</c>.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class DeprecatedEndpointAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="sunset">When the endpoint goes away (free text, for example an RFC 8594 date), if known.</param>
    public DeprecatedEndpointAttribute(string? sunset = null)
    {
        Sunset = sunset;
    }

    /// <summary>When the endpoint goes away, if known.</summary>
    public string? Sunset { get; }
}
