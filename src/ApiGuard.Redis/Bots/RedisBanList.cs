using System.Globalization;
using ApiGuard.Bots;
using ApiGuard.Replay;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ApiGuard.Redis.Bots;

/// <summary>
/// The Redis <see cref="IBanList"/>, shared by every node: one hash per ban, key <c>&lt;prefix&gt;:{ban}:v1:&lt;clientId&gt;</c>
/// (fields <c>until</c>, <c>reason</c>, <c>source</c>) expiring with the ban (<c>PEXPIREAT</c>), and a sorted set
/// <c>&lt;prefix&gt;:{ban}:v1:index</c> (member client id, score end time in ms) for listing. The <c>{ban}</c> hash tag puts every
/// key of the list in one Redis Cluster slot, so the ban and its index entry change in one transaction on a cluster too.
/// An unban leaves a tombstone (field <c>lifted</c>, the time in ms) for as long as any node's own action can last, so every node
/// forgets its own actions and behaviour record of the client on its next look-up (<see cref="BanLookup.LiftedAt"/>).
/// Redis unreachable or slower than the budget throws <see cref="ApiGuardStoreUnavailableException"/>; the bot middleware then
/// decides on the node's own profiles.
/// </summary>
public sealed class RedisBanList : IBanList
{
    private static readonly RedisValue s_until = "until";
    private static readonly RedisValue s_reason = "reason";
    private static readonly RedisValue s_source = "source";
    private static readonly RedisValue s_lifted = "lifted";
    private static readonly RedisValue[] s_fields = [s_until, s_reason, s_source, s_lifted];
    private readonly IApiGuardRedisConnection _connection;
    private readonly TimeProvider _time;
    private readonly TimeSpan _liftedRetention;

    /// <summary>Creates the list.</summary>
    /// <param name="connection">The shared Redis connection.</param>
    /// <param name="time">The clock.</param>
    /// <param name="options">Bot detection's settings: an unban is remembered for the longest action they allow (15 minutes without them).</param>
    public RedisBanList(IApiGuardRedisConnection connection, TimeProvider time, IOptions<BotDetectionOptions>? options = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _connection = connection;
        _time = time;
        var o = options?.Value ?? new BotDetectionOptions();
        _liftedRetention = new[] { o.BlockDuration, o.ChallengeDuration, o.ThrottleDuration, TimeSpan.FromSeconds(1) }.Max();
    }

    private RedisKey Key(string clientId) => $"{_connection.KeyPrefix}:{{ban}}:v1:{clientId}";

    private RedisKey IndexKey => $"{_connection.KeyPrefix}:{{ban}}:v1:index";

    /// <inheritdoc />
    public async ValueTask<BanEntry?> GetAsync(string clientId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        return (await LookupAsync(clientId, cancellationToken).ConfigureAwait(false)).Ban;
    }

    /// <inheritdoc />
    public async ValueTask<BanLookup> LookupAsync(string clientId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        var values = await RunAsync(db => db.HashGetAsync(Key(clientId), s_fields), cancellationToken).ConfigureAwait(false);
        DateTimeOffset? lifted = values.Length > 3 && !values[3].IsNull &&
            long.TryParse(values[3].ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var liftedMs)
                ? DateTimeOffset.FromUnixTimeMilliseconds(liftedMs)
                : null;
        return new BanLookup(Parse(clientId, values, _time.GetUtcNow().ToUnixTimeMilliseconds()), lifted);
    }

    /// <inheritdoc />
    public async ValueTask<bool> BanAsync(BanEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var until = entry.Until.ToUnixTimeMilliseconds();
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        if (until <= now)
        {
            return true;
        }

        var key = Key(entry.ClientId);
        await RunAsync(async db =>
        {
            var tx = db.CreateTransaction();
            _ = tx.KeyDeleteAsync(key);
            _ = tx.HashSetAsync(key,
            [
                new HashEntry(s_until, until),
                new HashEntry(s_reason, entry.Reason),
                new HashEntry(s_source, entry.Source),
            ]);
            _ = tx.KeyExpireAsync(key, DateTime.UnixEpoch.AddMilliseconds(until));
            _ = tx.SortedSetAddAsync(IndexKey, entry.ClientId, until);
            _ = tx.SortedSetRemoveRangeByScoreAsync(IndexKey, double.NegativeInfinity, now);
            return await tx.ExecuteAsync().ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <inheritdoc />
    public async ValueTask<bool> UnbanAsync(string clientId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        var key = Key(clientId);
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        return await RunAsync(async db =>
        {
            // The ban is replaced by a tombstone saying when it was lifted, which the other nodes read on their next look-up.
            var tx = db.CreateTransaction();
            var until = tx.HashGetAsync(key, s_until);
            _ = tx.KeyDeleteAsync(key);
            _ = tx.HashSetAsync(key, s_lifted, now);
            _ = tx.KeyExpireAsync(key, _liftedRetention);
            _ = tx.SortedSetRemoveAsync(IndexKey, clientId);
            await tx.ExecuteAsync().ConfigureAwait(false);
            var value = await until.ConfigureAwait(false);
            return !value.IsNull && long.TryParse(value.ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms) && ms > now;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<BanEntry>> ListAsync(int max, CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var take = Math.Clamp(max, 0, 10_000);
        var list = new List<BanEntry>();
        if (take == 0)
        {
            return list;
        }

        var ids = await RunAsync(db => db.SortedSetRangeByScoreAsync(IndexKey, now, double.PositiveInfinity, Exclude.Start, Order.Ascending, 0, take),
            cancellationToken).ConfigureAwait(false);
        foreach (var id in ids)
        {
            var clientId = id.ToString();
            var values = await RunAsync(db => db.HashGetAsync(Key(clientId), s_fields), cancellationToken).ConfigureAwait(false);
            if (Parse(clientId, values, now) is { } ban)
            {
                list.Add(ban);
            }
        }

        return list;
    }

    private static BanEntry? Parse(string clientId, RedisValue[] values, long now)
    {
        if (values.Length < 3 || values[0].IsNull || !long.TryParse(values[0].ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var until) || until <= now)
        {
            return null;
        }

        return new BanEntry(clientId, DateTimeOffset.FromUnixTimeMilliseconds(until), values[1].ToString(), values[2].ToString());
    }

    private async Task<T> RunAsync<T>(Func<IDatabase, Task<T>> operation, CancellationToken cancellationToken)
    {
        try
        {
            var db = _connection.Multiplexer.GetDatabase();
            return await operation(db).WaitAsync(_connection.OperationTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            throw new ApiGuardStoreUnavailableException("The Redis ban list did not answer.", ex);
        }
    }
}
