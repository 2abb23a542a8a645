namespace ApiGuard.Replay;

/// <summary>
/// The replay store shared by every ApiGuard handler that must accept a value once only: signature nonces
/// (or signature values), DPoP <c>jti</c>s, used OTP codes, issued server nonces.
/// In-memory by default (bounded, expiring); Redis (<c>SET NX PX</c>) with <c>UseRedis()</c>.
/// </summary>
public interface IReplayStore
{
    /// <summary>
    /// Atomically records <paramref name="key"/> in <paramref name="scope"/> for <paramref name="ttl"/> if it is absent.
    /// </summary>
    /// <param name="scope">A short constant naming the use, for example <c>sig-nonce</c> or <c>dpop-jti</c>.</param>
    /// <param name="key">The value to reserve. It is hashed before storage, so it may be attacker-controlled.</param>
    /// <param name="ttl">How long the reservation lasts; at least as long as the value could otherwise be accepted.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> the first time; <see langword="false"/> when the value was already reserved (a replay).</returns>
    /// <exception cref="ApiGuardStoreUnavailableException">The store cannot answer (Redis down, in-memory store full). Callers reject with 503: never a silent accept.</exception>
    ValueTask<bool> TryReserveAsync(string scope, string key, TimeSpan ttl, CancellationToken cancellationToken = default);
}

/// <summary>A store ApiGuard depends on could not answer; the request must be refused (503), never silently accepted.</summary>
public sealed class ApiGuardStoreUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ApiGuardStoreUnavailableException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ApiGuardStoreUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    public ApiGuardStoreUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
