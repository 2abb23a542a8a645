namespace ApiGuard.Bots;

/// <summary>One ban: who, until when, why, and who decided it.</summary>
/// <param name="ClientId">The banned client id (log-safe, from <see cref="Identity.IClientIdentityResolver"/>).</param>
/// <param name="Until">When the ban ends.</param>
/// <param name="Reason">Why (reason codes or the admin's note). Never holds credentials.</param>
/// <param name="Source"><c>bots</c> for a bot decision, <c>admin</c> for an operator's ban.</param>
public sealed record BanEntry(string ClientId, DateTimeOffset Until, string Reason, string Source);

/// <summary>
/// The ban list shared by every node: in memory by default (bounded, expiring), Redis with <c>UseRedis()</c> so that a
/// client banned on one node is refused by all. Bans expire on their own.
/// </summary>
public interface IBanList
{
    /// <summary>The client's ban in force, or <see langword="null"/>. Called on every request: must be fast.</summary>
    /// <exception cref="Replay.ApiGuardStoreUnavailableException">The store cannot answer.</exception>
    ValueTask<BanEntry?> GetAsync(string clientId, CancellationToken cancellationToken = default);

    /// <summary>Adds or replaces a ban.</summary>
    /// <returns><see langword="false"/> when the store is full and the ban could not be recorded.</returns>
    /// <exception cref="Replay.ApiGuardStoreUnavailableException">The store cannot answer.</exception>
    ValueTask<bool> BanAsync(BanEntry entry, CancellationToken cancellationToken = default);

    /// <summary>Lifts a ban.</summary>
    /// <returns>Whether a ban was in force.</returns>
    /// <exception cref="Replay.ApiGuardStoreUnavailableException">The store cannot answer.</exception>
    ValueTask<bool> UnbanAsync(string clientId, CancellationToken cancellationToken = default);

    /// <summary>Bans in force, soonest to end first, at most <paramref name="max"/>.</summary>
    /// <exception cref="Replay.ApiGuardStoreUnavailableException">The store cannot answer.</exception>
    ValueTask<IReadOnlyList<BanEntry>> ListAsync(int max, CancellationToken cancellationToken = default);
}
