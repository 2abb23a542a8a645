namespace ApiGuard.Bots;

/// <summary>
/// The bot decision for the current request, set on <c>HttpContext.Features</c> by the bot middleware
/// (stage <c>Bans</c>, before rate limiting) when the client is not simply allowed. Absent means <see cref="BotAction.Allow"/>.
/// The rate limiter honours <see cref="RateLimitPolicy"/>: a throttled client is counted under that stricter policy.
/// </summary>
public interface IBotDecisionFeature
{
    /// <summary>The action in force for the client.</summary>
    BotAction Action { get; }

    /// <summary>The client's class.</summary>
    ClientClass ClientClass { get; }

    /// <summary>The client's score when the action was decided.</summary>
    double Score { get; }

    /// <summary>Why.</summary>
    BotReasons Reasons { get; }

    /// <summary>
    /// For <see cref="BotAction.Throttle"/>: the name of the stricter rate-limit policy the client is moved to
    /// (<c>ApiGuard:Bots:ThrottlePolicy</c>, default <c>bots-throttled</c>); otherwise <see langword="null"/>.
    /// </summary>
    string? RateLimitPolicy { get; }
}

internal sealed class BotDecisionFeature(BotAction action, ClientClass clientClass, double score, BotReasons reasons, string? rateLimitPolicy) : IBotDecisionFeature
{
    public BotAction Action { get; } = action;

    public ClientClass ClientClass { get; } = clientClass;

    public double Score { get; } = score;

    public BotReasons Reasons { get; } = reasons;

    public string? RateLimitPolicy { get; } = rateLimitPolicy;
}
