namespace ApiGuard.Authentication.Otp;

/// <summary>
/// Where enrolled OTP secrets live, one per subject (a user or client id). Implementations keep secrets protected at rest
/// with ASP.NET Core Data Protection (<see cref="OtpSecretProtector"/>). In-memory by default; Redis with <c>UseRedis()</c>.
/// </summary>
public interface IOtpSecretStore
{
    /// <summary>The secret of <paramref name="subject"/>, or <see langword="null"/> when none is enrolled.</summary>
    /// <exception cref="Replay.ApiGuardStoreUnavailableException">The store cannot answer.</exception>
    ValueTask<OtpSecret?> GetAsync(string subject, CancellationToken cancellationToken = default);

    /// <summary>Stores (or replaces) the secret of <paramref name="subject"/> and resets its HOTP counter to <see cref="OtpSecret.Counter"/>.</summary>
    /// <exception cref="Replay.ApiGuardStoreUnavailableException">The store cannot answer.</exception>
    ValueTask SetAsync(string subject, OtpSecret secret, CancellationToken cancellationToken = default);

    /// <summary>Removes the secret of <paramref name="subject"/>; <see langword="true"/> when there was one.</summary>
    /// <exception cref="Replay.ApiGuardStoreUnavailableException">The store cannot answer.</exception>
    ValueTask<bool> RemoveAsync(string subject, CancellationToken cancellationToken = default);

    /// <summary>
    /// The next HOTP counter expected from <paramref name="subject"/> (for a TOTP secret: the time step after the last one used),
    /// or <see langword="null"/> when none was recorded.
    /// </summary>
    /// <exception cref="Replay.ApiGuardStoreUnavailableException">The store cannot answer.</exception>
    ValueTask<long?> GetCounterAsync(string subject, CancellationToken cancellationToken = default);

    /// <summary>
    /// Atomically moves the counter of <paramref name="subject"/> (HOTP counter, or TOTP step after the last used one) to
    /// <paramref name="next"/> when it is absent or lower. Also called for subjects whose secret comes from configuration.
    /// </summary>
    /// <returns><see langword="true"/> when the counter moved; <see langword="false"/> when it was already at or past <paramref name="next"/> (the code was used).</returns>
    /// <exception cref="Replay.ApiGuardStoreUnavailableException">The store cannot answer.</exception>
    ValueTask<bool> TryAdvanceCounterAsync(string subject, long next, CancellationToken cancellationToken = default);
}
