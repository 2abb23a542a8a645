namespace ApiGuard.Bots;

/// <summary>
/// A business-flow rule, configured in code (not a DSL) through <see cref="BotDetectionOptions.AddFlowRule"/>. Two shapes:
/// <list type="bullet">
/// <item><b>Count without prior step</b>: <c>On("POST", "/api/orders").WithoutPrior("GET", "/api/cart").MoreThan(5).Within(10 min)</c>:
/// more than 5 order POSTs in the window, none preceded by a cart GET (a cart GET resets the count).</item>
/// <item><b>Distinct values</b>: <c>CountDistinct("accountId").MoreThan(20).Within(1 h)</c>: more than 20 distinct
/// <c>{accountId}</c> route values per client (the principal, when authenticated) in the window; add <c>On(...)</c> to restrict it to one route.</item>
/// </list>
/// Routes are matched on the endpoint's route template, methods case-insensitively. When a rule matches, its
/// <see cref="Action"/> (default <see cref="BotAction.Challenge"/>) applies to the client.
/// </summary>
public sealed class BotFlowRule
{
    /// <summary>The most flow rules allowed.</summary>
    public const int MaxRules = 16;

    internal BotFlowRule(string name)
    {
        Name = name;
    }

    /// <summary>The rule's name, used as the event's rule id.</summary>
    public string Name { get; }

    /// <summary>The method of the counted step, or <see langword="null"/> for any.</summary>
    public string? Method { get; private set; }

    /// <summary>The route template of the counted step, or <see langword="null"/> for any (distinct-value rules only).</summary>
    public string? RouteTemplate { get; private set; }

    /// <summary>The method of the prior step that must precede the counted step.</summary>
    public string? PriorMethod { get; private set; }

    /// <summary>The route template of the prior step that must precede the counted step.</summary>
    public string? PriorRouteTemplate { get; private set; }

    /// <summary>For distinct-value rules: the route parameter whose distinct values are counted.</summary>
    public string? DistinctParameter { get; private set; }

    /// <summary>The rule matches when the count goes above this.</summary>
    /// <value>Default: 10. Allowed: 1 to 100000 (1 to 500 for distinct-value rules).</value>
    public int Threshold { get; private set; } = 10;

    /// <summary>The window the count is kept for.</summary>
    /// <value>Default: 10 minutes. Allowed: 1 second to 1 day.</value>
    public TimeSpan Window { get; private set; } = TimeSpan.FromMinutes(10);

    /// <summary>What happens to a client that matches.</summary>
    /// <value>Default: <see cref="BotAction.Challenge"/>.</value>
    public BotAction Action { get; private set; } = BotAction.Challenge;

    /// <summary>Counts requests to <paramref name="method"/> <paramref name="routeTemplate"/> (for example <c>POST /api/orders</c>).</summary>
    public BotFlowRule On(string method, string routeTemplate)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentException.ThrowIfNullOrEmpty(routeTemplate);
        Method = method;
        RouteTemplate = routeTemplate;
        return this;
    }

    /// <summary>Only counted steps not preceded by <paramref name="method"/> <paramref name="routeTemplate"/> count; the prior step resets the count.</summary>
    public BotFlowRule WithoutPrior(string method, string routeTemplate)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentException.ThrowIfNullOrEmpty(routeTemplate);
        PriorMethod = method;
        PriorRouteTemplate = routeTemplate;
        return this;
    }

    /// <summary>Counts distinct values of the route parameter <paramref name="routeParameter"/> (for example <c>accountId</c>).</summary>
    public BotFlowRule CountDistinct(string routeParameter)
    {
        ArgumentException.ThrowIfNullOrEmpty(routeParameter);
        DistinctParameter = routeParameter;
        return this;
    }

    /// <summary>The rule matches when the count goes above <paramref name="count"/>.</summary>
    public BotFlowRule MoreThan(int count)
    {
        Threshold = count;
        return this;
    }

    /// <summary>The window the count is kept for.</summary>
    public BotFlowRule Within(TimeSpan window)
    {
        Window = window;
        return this;
    }

    /// <summary>What happens to a client that matches (throttle, challenge or block).</summary>
    public BotFlowRule Then(BotAction action)
    {
        Action = action;
        return this;
    }

    internal bool IsDistinct => DistinctParameter is not null;

    internal string? Validate()
    {
        if (DistinctParameter is null && (Method is null || RouteTemplate is null))
        {
            return "needs On(method, routeTemplate) or CountDistinct(routeParameter).";
        }

        if (DistinctParameter is not null && PriorMethod is not null)
        {
            return "cannot combine CountDistinct with WithoutPrior.";
        }

        var max = DistinctParameter is null ? 100_000 : 500;
        if (Threshold < 1 || Threshold > max)
        {
            return $"MoreThan is {Threshold}; allowed values are 1 to {max}.";
        }

        if (Window < TimeSpan.FromSeconds(1) || Window > TimeSpan.FromDays(1))
        {
            return $"Within is {Window}; allowed values are 1 second to 1 day.";
        }

        if (Action is not (BotAction.Throttle or BotAction.Challenge or BotAction.Block))
        {
            return $"Then is {Action}; allowed values are Throttle, Challenge and Block.";
        }

        return null;
    }

    internal bool Matches(string method, string? route) =>
        (Method is null || string.Equals(Method, method, StringComparison.OrdinalIgnoreCase)) &&
        (RouteTemplate is null || string.Equals(RouteTemplate, route, StringComparison.OrdinalIgnoreCase));

    internal bool MatchesPrior(string method, string? route) =>
        PriorMethod is not null &&
        string.Equals(PriorMethod, method, StringComparison.OrdinalIgnoreCase) &&
        string.Equals(PriorRouteTemplate, route, StringComparison.OrdinalIgnoreCase);
}
