using System.Collections.Concurrent;

namespace ApiGuard.Authentication.Otp;

/// <summary>
/// The in-memory <see cref="IOtpSecretStore"/>: secrets held only in their Data-Protection-protected form.
/// Entries are added by enrolment (application code), never by unauthenticated requests, so memory grows with enrolled subjects only.
/// For several app instances use the Redis store (<c>UseRedis()</c>).
/// </summary>
public sealed class InMemoryOtpSecretStore : IOtpSecretStore
{
    private readonly ConcurrentDictionary<string, byte[]> _secrets = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _counters = new(StringComparer.Ordinal);
    private readonly OtpSecretProtector _protector;

    /// <summary>Creates the store.</summary>
    public InMemoryOtpSecretStore(OtpSecretProtector protector)
    {
        ArgumentNullException.ThrowIfNull(protector);
        _protector = protector;
    }

    /// <inheritdoc />
    public ValueTask<OtpSecret?> GetAsync(string subject, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subject);
        return ValueTask.FromResult(_secrets.TryGetValue(subject, out var blob) ? _protector.Unprotect(subject, blob) : null);
    }

    /// <inheritdoc />
    public ValueTask SetAsync(string subject, OtpSecret secret, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(secret);
        _secrets[subject] = _protector.Protect(subject, secret);
        _counters[subject] = secret.Counter;
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<bool> RemoveAsync(string subject, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subject);
        _counters.TryRemove(subject, out _);
        return ValueTask.FromResult(_secrets.TryRemove(subject, out _));
    }

    /// <inheritdoc />
    public ValueTask<long?> GetCounterAsync(string subject, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subject);
        return ValueTask.FromResult(_counters.TryGetValue(subject, out var c) ? c : (long?)null);
    }

    /// <inheritdoc />
    public ValueTask<bool> TryAdvanceCounterAsync(string subject, long next, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subject);
        while (true)
        {
            if (!_counters.TryGetValue(subject, out var current))
            {
                if (_counters.TryAdd(subject, next))
                {
                    return ValueTask.FromResult(true);
                }

                continue;
            }

            if (current >= next)
            {
                return ValueTask.FromResult(false);
            }

            if (_counters.TryUpdate(subject, next, current))
            {
                return ValueTask.FromResult(true);
            }
        }
    }
}
