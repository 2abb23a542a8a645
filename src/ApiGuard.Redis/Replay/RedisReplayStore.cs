using System.Security.Cryptography;
using System.Text;
using ApiGuard.Replay;
using StackExchange.Redis;

namespace ApiGuard.Redis.Replay;

/// <summary>
/// The Redis <see cref="IReplayStore"/>: one <c>SET key 1 NX PX ttl</c> per reservation, key
/// <c>{prefix}:rp:v1:{scope}:{sha256(value)}</c>. Redis unreachable or slower than the budget throws
/// <see cref="ApiGuardStoreUnavailableException"/>, so callers answer 503, never a silent accept.
/// </summary>
public sealed class RedisReplayStore : IReplayStore
{
    private readonly IApiGuardRedisConnection _connection;

    /// <summary>Creates the store.</summary>
    public RedisReplayStore(IApiGuardRedisConnection connection)
    {
        _connection = connection;
    }

    /// <inheritdoc />
    public async ValueTask<bool> TryReserveAsync(string scope, string key, TimeSpan ttl, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(key);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(key), hash);
        var redisKey = $"{_connection.KeyPrefix}:rp:v1:{scope}:{Convert.ToHexStringLower(hash)}";
        var px = ttl < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : ttl;
        try
        {
            var db = _connection.Multiplexer.GetDatabase();
            return await db.StringSetAsync(redisKey, 1, px, When.NotExists)
                .WaitAsync(_connection.OperationTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            throw new ApiGuardStoreUnavailableException("The Redis replay store did not answer.", ex);
        }
    }
}
