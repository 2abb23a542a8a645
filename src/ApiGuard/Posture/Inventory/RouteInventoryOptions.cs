namespace ApiGuard.Posture.Inventory;

/// <summary>Settings of the route inventory (<c>ApiGuard:Posture:Inventory</c>).</summary>
public sealed class RouteInventoryOptions
{
    /// <summary>How many distinct path shapes of unmatched requests are kept; further shapes are counted together as overflow.</summary>
    /// <value>Default: 256. Allowed: 1 to 100000.</value>
    public int MaxUnmatchedShapes { get; set; } = 256;

    /// <summary>How many leading path segments a shape keeps before it ends in <c>/*</c>.</summary>
    /// <value>Default: 2. Allowed: 1 to 8.</value>
    public int ShapeSegments { get; set; } = 2;
}
