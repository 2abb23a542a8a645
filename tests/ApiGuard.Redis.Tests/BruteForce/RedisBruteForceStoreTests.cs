using ApiGuard.BruteForce;
using ApiGuard.Redis.BruteForce;
using ApiGuard.Redis.Tests.Infrastructure;
using ApiGuard.Replay;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace ApiGuard.Redis.Tests.BruteForce;

public sealed class RedisBruteForceStoreTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 10, 0, 0, TimeSpan.Zero));

    private static BruteForceOptions CreateOptions(Action<BruteForceOptions>? configure = null)
    {
        var options = new BruteForceOptions();
        options.Pair.DelayThreshold = 3;
        options.Pair.BlockThreshold = 10;
        options.Pair.MaxDelay = TimeSpan.FromSeconds(8);
        options.Pair.BlockDuration = TimeSpan.FromMinutes(1);
        options.Address.DelayThreshold = 15;
        options.Address.BlockThreshold = 30;
        options.Account.UnderAttackThreshold = 12;
        configure?.Invoke(options);
        return options;
    }

    private static ApiGuardRedisConnection Connect(RedisServer server, string prefix, TimeSpan? timeout = null) =>
        new(Options.Create(new ApiGuardRedisOptions
        {
            Configuration = server.ConnectionString,
            KeyPrefix = prefix,
            OperationTimeout = timeout ?? TimeSpan.FromSeconds(2),
        }));

    /// <summary>Runs the same operations on both stores and asserts identical results at every step.</summary>
    private sealed class Twin(IBruteForceStore memory, IBruteForceStore redis, BruteForceKeyHasher hasher, FakeTimeProvider time)
    {
        public List<BruteForceFailureResult> Results { get; } = [];

        public async Task<BruteForceFailureResult> FailAsync(string ip, string account)
        {
            var key = hasher.Create(ip, account);
            var expected = await memory.RecordFailureAsync(key, time.GetUtcNow());
            var actual = await redis.RecordFailureAsync(key, time.GetUtcNow());
            Assert.Equal(expected, actual);
            Assert.Equal(await memory.GetStateAsync(key, time.GetUtcNow()), await redis.GetStateAsync(key, time.GetUtcNow()));
            Results.Add(actual);
            return actual;
        }

        public async Task SucceedAsync(string ip, string account)
        {
            var key = hasher.Create(ip, account);
            await memory.RecordSuccessAsync(key, time.GetUtcNow());
            await redis.RecordSuccessAsync(key, time.GetUtcNow());
            Assert.Equal(await memory.GetStateAsync(key, time.GetUtcNow()), await redis.GetStateAsync(key, time.GetUtcNow()));
        }

        public async Task<BruteForceState> StateAsync(string ip, string? account)
        {
            var key = hasher.Create(ip, account);
            var expected = await memory.GetStateAsync(key, time.GetUtcNow());
            Assert.Equal(expected, await redis.GetStateAsync(key, time.GetUtcNow()));
            return expected;
        }
    }

    private Twin CreateTwin(RedisServer server, BruteForceOptions options, out ApiGuardRedisConnection connection)
    {
        var wrapped = Options.Create(options);
        connection = Connect(server, "t" + Guid.NewGuid().ToString("N")[..8]);
        return new Twin(new InMemoryBruteForceStore(wrapped), new RedisBruteForceStore(connection, wrapped), new BruteForceKeyHasher(wrapped), _time);
    }

    [RedisFact]
    public async Task RecordFailureAsync_DelaysBlocksAndExpiry_SameAsInMemory()
    {
        await using var server = await RedisServer.StartAsync();
        var twin = CreateTwin(server, CreateOptions(), out var connection);
        using var _ = connection;
        var waits = new List<long>();
        for (var i = 0; i < 10; i++)
        {
            var r = await twin.FailAsync("198.51.100.66", "alice");
            var wait = Math.Max(0, r.State.RetryAtUnixMs - _time.GetUtcNow().ToUnixTimeMilliseconds());
            waits.Add(wait);
            _time.Advance(TimeSpan.FromMilliseconds(i < 9 ? wait + 250 : 0));
        }

        Assert.Equal(new long[] { 0, 0, 1000, 2000, 4000, 8000, 8000, 8000, 8000, 60_000 }, waits);
        Assert.Equal(BruteForceScope.Pair, twin.Results[^1].NewBlock);
        Assert.True((await twin.StateAsync("198.51.100.66", "alice")).Blocked);
        Assert.Equal(0, (await twin.StateAsync("203.0.113.7", "alice")).RetryAtUnixMs); // pair before account

        _time.Advance(TimeSpan.FromMinutes(31)); // past the block and two windows: the counters have expired
        var expired = await twin.StateAsync("198.51.100.66", "alice");
        Assert.True(expired.RetryAtUnixMs <= _time.GetUtcNow().ToUnixTimeMilliseconds());
        Assert.Equal(1, (await twin.FailAsync("198.51.100.66", "alice")).PairFailures);
    }

    [RedisFact]
    public async Task RecordFailureAsync_StuffingSprayingAndUnderAttack_SameAsInMemory()
    {
        await using var server = await RedisServer.StartAsync();
        var twin = CreateTwin(server, CreateOptions(), out var connection);
        using var _ = connection;

        for (var i = 0; i < 40; i++)
        {
            await twin.FailAsync("198.51.100.66", "user" + i);
            _time.Advance(TimeSpan.FromSeconds(7));
        }

        await twin.SucceedAsync("203.0.113.7", "alice");
        for (var i = 0; i < 14; i++)
        {
            await twin.FailAsync($"192.0.2.{i}", "alice");
            _time.Advance(TimeSpan.FromSeconds(3));
        }

        var known = await twin.FailAsync("203.0.113.7", "alice");
        var unknown = await twin.FailAsync("192.0.2.200", "alice");

        Assert.Single(twin.Results, r => r.StuffingDetected);
        Assert.Single(twin.Results, r => r.SprayingDetected);
        Assert.True(unknown.State.AccountUnderAttack);
        Assert.True(unknown.State.RetryAtUnixMs > _time.GetUtcNow().ToUnixTimeMilliseconds());
        Assert.True(known.State.Trusted);
        Assert.True(known.State.RetryAtUnixMs <= _time.GetUtcNow().ToUnixTimeMilliseconds());
    }

    [RedisFact]
    public async Task RecordFailureAsync_AccountBlock_PairFirstThenAccountExceptKnownClient_SameAsInMemory()
    {
        await using var server = await RedisServer.StartAsync();
        var twin = CreateTwin(server, CreateOptions(o => o.Account.BlockThreshold = 30), out var connection);
        using var _ = connection;
        await twin.SucceedAsync("203.0.113.7", "alice");
        for (var i = 0; i < 10; i++)
        {
            var result = await twin.FailAsync("198.51.100.66", "alice");
            if (i < 9)
            {
                _time.Advance(TimeSpan.FromMilliseconds(Math.Max(0, result.State.RetryAtUnixMs - _time.GetUtcNow().ToUnixTimeMilliseconds())));
            }
        }

        var pairBlocked = twin.Results[^1].NewBlock;
        var accountBefore = await twin.StateAsync("192.0.2.200", "alice");
        for (var i = 0; i < 20; i++)
        {
            await twin.FailAsync($"10.0.{i}.1", "alice");
        }

        var newcomer = await twin.StateAsync("192.0.2.200", "alice");
        var owner = await twin.StateAsync("203.0.113.7", "alice");

        Assert.Equal(BruteForceScope.Pair, pairBlocked);
        Assert.False(accountBefore.Blocked);
        Assert.Equal(BruteForceScope.Account, twin.Results[^1].NewBlock);
        Assert.Equal((true, BruteForceScope.Account), (newcomer.Blocked, newcomer.Scope));
        Assert.Equal(0, owner.RetryAtUnixMs);
        _time.Advance(TimeSpan.FromMinutes(15));
        Assert.False((await twin.StateAsync("192.0.2.200", "alice")).Blocked);
    }

    [RedisFact]
    public async Task RecordFailureAsync_Keys_HashedPrefixedAndAllExpiring()
    {
        await using var server = await RedisServer.StartAsync();
        var options = CreateOptions(o =>
        {
            o.Pair.Window = TimeSpan.FromSeconds(1);
            o.Pair.BlockDuration = TimeSpan.FromSeconds(1);
            o.Pair.InitialDelay = TimeSpan.FromMilliseconds(100);
            o.Pair.MaxDelay = TimeSpan.FromMilliseconds(200);
            o.Address.Window = TimeSpan.FromSeconds(1);
            o.Address.BlockDuration = TimeSpan.FromSeconds(1);
            o.Address.InitialDelay = TimeSpan.FromMilliseconds(100);
            o.Address.MaxDelay = TimeSpan.FromMilliseconds(200);
            o.Account.Window = TimeSpan.FromSeconds(1);
            o.TrustDuration = TimeSpan.FromSeconds(1);
            o.Patterns.StuffingDistinctAccounts = 3;
        });
        var wrapped = Options.Create(options);
        using var connection = Connect(server, "exp");
        var store = new RedisBruteForceStore(connection, wrapped);
        var hasher = new BruteForceKeyHasher(wrapped);
        var clock = TimeProvider.System; // real time: Redis TTLs are real time
        for (var i = 0; i < 12; i++)
        {
            await store.RecordFailureAsync(hasher.Create("198.51.100.66", "victim-" + (i % 4)), clock.GetUtcNow());
        }

        await store.RecordSuccessAsync(hasher.Create("203.0.113.7", "victim-0"), clock.GetUtcNow());

        var db = connection.Multiplexer.GetDatabase();
        var redisServer = connection.Multiplexer.GetServer(connection.Multiplexer.GetEndPoints()[0]);
        var keys = redisServer.Keys(pattern: "exp:*").ToArray();
        Assert.NotEmpty(keys);
        foreach (var key in keys)
        {
            var name = key.ToString();
            Assert.StartsWith("exp:bf:v1:", name, StringComparison.Ordinal);
            Assert.DoesNotContain("victim", name, StringComparison.Ordinal);
            Assert.DoesNotContain("198.51", name, StringComparison.Ordinal);
            var ttl = await db.KeyTimeToLiveAsync(key);
            Assert.True(ttl is { } t && t > TimeSpan.Zero && t <= TimeSpan.FromSeconds(2), $"{name} has TTL {ttl}");
        }

        await Task.Delay(TimeSpan.FromSeconds(2.2));
        Assert.Empty(redisServer.Keys(pattern: "exp:*"));
    }

    [RedisFact]
    public async Task GetStateAsync_RedisDown_ThrowsStoreUnavailable()
    {
        await using var server = await RedisServer.StartAsync();
        var wrapped = Options.Create(CreateOptions());
        using var connection = Connect(server, "down", TimeSpan.FromMilliseconds(300));
        var store = new RedisBruteForceStore(connection, wrapped);
        var key = new BruteForceKeyHasher(wrapped).Create("198.51.100.66", "alice");
        await store.RecordFailureAsync(key, _time.GetUtcNow());

        server.Kill();

        await Assert.ThrowsAsync<ApiGuardStoreUnavailableException>(async () => await store.GetStateAsync(key, _time.GetUtcNow()));
        await Assert.ThrowsAsync<ApiGuardStoreUnavailableException>(async () => await store.RecordFailureAsync(key, _time.GetUtcNow()));
    }
}
