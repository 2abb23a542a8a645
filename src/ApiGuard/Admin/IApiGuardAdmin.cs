using ApiGuard.Bots;

namespace ApiGuard.Admin;

/// <summary>
/// Incident response: who is misbehaving and why, what a client did recently, and banning or unbanning it.
/// Registered by <c>AddBotDetection()</c>; exposed over HTTP by <c>MapApiGuardAdmin(policy)</c>.
/// </summary>
public interface IApiGuardAdmin
{
    /// <summary>The clients with an action in force or the highest scores, strongest first, each with its reasons explained.</summary>
    /// <param name="count">How many (1 to 1000).</param>
    IReadOnlyList<BotProfileSnapshot> GetTopOffenders(int count);

    /// <summary>One client's profile, timeline (newest first) and ban, or <see langword="null"/> when the client is unknown and not banned.</summary>
    ValueTask<ClientReport?> GetClientAsync(string clientId, CancellationToken cancellationToken = default);

    /// <summary>Bans a client on every node (through the shared ban list) for <paramref name="duration"/>, and reports it as an event.</summary>
    /// <exception cref="ArgumentException">The client id is empty, the duration not positive, or the reason longer than 200 characters.</exception>
    /// <exception cref="Replay.ApiGuardStoreUnavailableException">The ban list cannot be reached.</exception>
    ValueTask<BanEntry> BanAsync(string clientId, TimeSpan duration, string reason, CancellationToken cancellationToken = default);

    /// <summary>Lifts a client's ban and forgets its behaviour on this node, and reports it as an event.</summary>
    /// <returns>Whether a ban was in force.</returns>
    /// <exception cref="Replay.ApiGuardStoreUnavailableException">The ban list cannot be reached.</exception>
    ValueTask<bool> UnbanAsync(string clientId, CancellationToken cancellationToken = default);

    /// <summary>The bans in force, soonest to end first.</summary>
    /// <exception cref="Replay.ApiGuardStoreUnavailableException">The ban list cannot be reached.</exception>
    ValueTask<IReadOnlyList<BanEntry>> GetBansAsync(int max, CancellationToken cancellationToken = default);
}

/// <summary>Everything ApiGuard knows about one client.</summary>
/// <param name="ClientId">The client id.</param>
/// <param name="Profile">The behaviour profile on this node, if the client is tracked.</param>
/// <param name="Timeline">The client's recent notable events, newest first.</param>
/// <param name="Ban">The ban in force, if any.</param>
public sealed record ClientReport(string ClientId, BotProfileSnapshot? Profile, IReadOnlyList<BotTimelineEntry> Timeline, BanEntry? Ban);

/// <summary>The body of <c>POST {prefix}/bans</c>.</summary>
public sealed class BanRequest
{
    /// <summary>The client id to ban, for example <c>ip:203.0.113.7</c>.</summary>
    public string? ClientId { get; set; }

    /// <summary>How long, in seconds (1 to 2592000).</summary>
    /// <value>Default: 3600.</value>
    public long DurationSeconds { get; set; } = 3600;

    /// <summary>A short note (at most 200 characters).</summary>
    public string? Reason { get; set; }
}
