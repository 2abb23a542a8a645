namespace ApiGuard.Bots;

/// <summary>One ban: who, until when, why, and who decided it.</summary>
/// <param name="ClientId">The banned client id (log-safe, from <see cref="Identity.IClientIdentityResolver"/>).</param>
/// <param name="Until">When the ban ends.</param>
/// <param name="Reason">Why (reason codes or the admin's note). Never holds credentials.</param>
/// <param name="Source"><c>bots</c> for a bot decision, <c>admin</c> for an operator's ban.</param>
public sealed record BanEntry(string ClientId, DateTimeOffset Until, string Reason, string Source);

/// <summary>What the ban list knows of one client: its ban in force, and when a ban or action against it was last lifted.</summary>
/// <param name="Ban">The ban in force, or <see langword="null"/>.</param>
/// <param name="LiftedAt">
/// When an operator last lifted a ban on the client (<see cref="IBanList.UnbanAsync"/>) on any node, if the list remembers it: every node
/// then forgets the behaviour and actions it held against the client from before that time.
/// </param>
public readonly record struct BanLookup(BanEntry? Ban, DateTimeOffset? LiftedAt);

/// <summary>
/// The ban list shared by every node: in memory by default (bounded, expiring), Redis with <c>UseRedis()</c> so that a
/// client banned on one node is refused by all. Bans expire on their own.
/// </summary>
public interface IBanList
{
    /// <summary>The client's ban in force, or <see langword="null"/>. Called on every request: must be fast.</summary>
    /// <exception cref="Replay.ApiGuardStoreUnavailableException">The store cannot answer.</exception>
    ValueTask<BanEntry?> GetAsync(string clientId, CancellationToken cancellationToken = default);

    /// <summary>The client's ban in force and when a ban on it was last lifted, in one look-up. Called on every request: must be fast.</summary>
    /// <exception cref="Replay.ApiGuardStoreUnavailableException">The store cannot answer.</exception>
    ValueTask<BanLookup> LookupAsync(string clientId, CancellationToken cancellationToken = default);

    /// <summary>Adds or replaces a ban.</summary>
    /// <returns><see langword="false"/> when the store is full and the ban could not be recorded.</returns>
    /// <exception cref="Replay.ApiGuardStoreUnavailableException">The store cannot answer.</exception>
    ValueTask<bool> BanAsync(BanEntry entry, CancellationToken cancellationToken = default);

    /// <summary>Lifts a ban; a shared list also remembers when, so that every node forgets its own actions against the client.</summary>
    /// <returns>Whether a ban was in force.</returns>
    /// <exception cref="Replay.ApiGuardStoreUnavailableException">The store cannot answer.</exception>
    ValueTask<bool> UnbanAsync(string clientId, CancellationToken cancellationToken = default);

    /// <summary>Bans in force, soonest to end first, at most <paramref name="max"/>.</summary>
    /// <exception cref="Replay.ApiGuardStoreUnavailableException">The store cannot answer.</exception>
    ValueTask<IReadOnlyList<BanEntry>> ListAsync(int max, CancellationToken cancellationToken = default);
}
