using System.Security.Cryptography;
using System.Text;
using ApiGuard.Authentication.Otp;
using ApiGuard.Replay;
using StackExchange.Redis;

namespace ApiGuard.Redis.Otp;

/// <summary>
/// The Redis <see cref="IOtpSecretStore"/>: one hash per subject, key <c>{prefix}:otp:v1:{sha256(subject)}</c>, field <c>s</c> the
/// Data-Protection-protected secret, field <c>c</c> the next HOTP counter or the TOTP step after the last used one (moved forward only, atomically, by a Lua script).
/// Instances sharing Redis must share the Data Protection key ring. Redis unreachable or slower than the budget throws
/// <see cref="ApiGuardStoreUnavailableException"/> (callers answer 503).
/// </summary>
public sealed class RedisOtpSecretStore : IOtpSecretStore
{
    private const string AdvanceScript = """
        local c = redis.call('HGET', KEYS[1], 'c')
        if c and tonumber(c) >= tonumber(ARGV[1]) then return 0 end
        redis.call('HSET', KEYS[1], 'c', ARGV[1])
        return 1
        """;

    private static readonly RedisValue s_secretField = "s";
    private static readonly RedisValue s_counterField = "c";
    private readonly IApiGuardRedisConnection _connection;
    private readonly OtpSecretProtector _protector;

    /// <summary>Creates the store.</summary>
    public RedisOtpSecretStore(IApiGuardRedisConnection connection, OtpSecretProtector protector)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(protector);
        _connection = connection;
        _protector = protector;
    }

    /// <inheritdoc />
    public async ValueTask<OtpSecret?> GetAsync(string subject, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var blob = await RunAsync(db => db.HashGetAsync(Key(subject), s_secretField), cancellationToken).ConfigureAwait(false);
        if (blob.IsNull)
        {
            return null;
        }

        try
        {
            return _protector.Unprotect(subject, (byte[])blob!);
        }
        catch (CryptographicException ex)
        {
            throw new ApiGuardStoreUnavailableException("The stored OTP secret cannot be unprotected (is the Data Protection key ring shared?).", ex);
        }
    }

    /// <inheritdoc />
    public async ValueTask SetAsync(string subject, OtpSecret secret, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(secret);
        var blob = _protector.Protect(subject, secret);
        await RunAsync(async db =>
        {
            await db.HashSetAsync(Key(subject), [new HashEntry(s_secretField, blob), new HashEntry(s_counterField, secret.Counter)]).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<bool> RemoveAsync(string subject, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subject);
        return await RunAsync(db => db.KeyDeleteAsync(Key(subject)), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<long?> GetCounterAsync(string subject, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var value = await RunAsync(db => db.HashGetAsync(Key(subject), s_counterField), cancellationToken).ConfigureAwait(false);
        return value.IsNull ? null : (long)value;
    }

    /// <inheritdoc />
    public async ValueTask<bool> TryAdvanceCounterAsync(string subject, long next, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var result = await RunAsync(db => db.ScriptEvaluateAsync(AdvanceScript, [Key(subject)], [next]), cancellationToken).ConfigureAwait(false);
        return (long)result == 1;
    }

    private RedisKey Key(string subject)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(subject), hash);
        return $"{_connection.KeyPrefix}:otp:v1:{Convert.ToHexStringLower(hash)}";
    }

    private async Task<T> RunAsync<T>(Func<IDatabase, Task<T>> operation, CancellationToken cancellationToken)
    {
        try
        {
            return await operation(_connection.Multiplexer.GetDatabase()).WaitAsync(_connection.OperationTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            throw new ApiGuardStoreUnavailableException("The Redis OTP secret store did not answer.", ex);
        }
    }
}
