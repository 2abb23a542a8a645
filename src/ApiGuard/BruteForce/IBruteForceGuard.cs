using Microsoft.AspNetCore.Http;

namespace ApiGuard.BruteForce;

/// <summary>
/// Brute-force protection for application code, typically a login endpoint: check before verifying a password, then record
/// the outcome. The client address comes from <see cref="Identity.IClientIdentityResolver.ResolveAddress"/> (IPv6 grouped by
/// prefix); account names are hashed before they are stored or logged.
/// </summary>
/// <remarks>
/// Record a failure for every failed attempt, whether or not the account exists, and do the same work in both cases:
/// then neither the counters nor the responses reveal which accounts exist.
/// </remarks>
public interface IBruteForceGuard
{
    /// <summary>Whether the client of <paramref name="context"/> may try <paramref name="account"/> now.</summary>
    /// <param name="context">The request.</param>
    /// <param name="account">The account name as the client sent it, or <see langword="null"/> to check the address only.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The decision; when it is not allowed, answer with <see cref="WriteRejectionAsync"/> without verifying the password.</returns>
    ValueTask<BruteForceDecision> CheckAsync(HttpContext context, string? account, CancellationToken cancellationToken = default);

    /// <summary>Counts a failed attempt on <paramref name="account"/> (per pair, address and account).</summary>
    /// <returns>The decision for the client's next attempt.</returns>
    ValueTask<BruteForceDecision> RecordFailureAsync(HttpContext context, string? account, CancellationToken cancellationToken = default);

    /// <summary>Records a successful login: clears the pair's failures and marks the client known-good for the account.</summary>
    ValueTask RecordSuccessAsync(HttpContext context, string account, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes the refusal for <paramref name="decision"/>: a 429 <c>too-many-attempts</c> problem with <c>Retry-After</c>
    /// (the same body whatever the level or account), or 503 when the store is unavailable and the policy fails closed.
    /// </summary>
    Task WriteRejectionAsync(HttpContext context, BruteForceDecision decision);
}
