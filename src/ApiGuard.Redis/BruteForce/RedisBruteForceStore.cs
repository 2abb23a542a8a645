using System.Globalization;
using ApiGuard.BruteForce;
using ApiGuard.Replay;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ApiGuard.Redis.BruteForce;

/// <summary>
/// The Redis <see cref="IBruteForceStore"/>: each check, failure and success is one Lua script (one round trip, atomic),
/// mirroring the in-memory store's arithmetic, so several app instances share counters, delays, blocks and pattern sketches.
/// Keys are <c>{prefix}:bf:v1:{kind}:{hash}</c> (hashes of the address and account, never the raw values), and every key
/// the scripts write gets an expiry. Redis unreachable or slower than the time budget throws
/// <see cref="ApiGuardStoreUnavailableException"/>; the guard then applies <see cref="BruteForceOptions.StoreFailurePolicy"/>.
/// Keys of one attempt live in different hash slots, so the store needs a single Redis primary (or Sentinel), not Cluster.
/// </summary>
public sealed class RedisBruteForceStore : IBruteForceStore
{
    private static readonly string s_check = LoadScript("check.lua");
    private static readonly string s_record = LoadScript("record.lua");
    private static readonly string s_success = LoadScript("success.lua");
    private readonly IApiGuardRedisConnection _connection;
    private readonly BruteForceOptions _options;
    private readonly string _prefix;
    private readonly RedisKey _none;

    /// <summary>Creates the store.</summary>
    public RedisBruteForceStore(IApiGuardRedisConnection connection, IOptions<BruteForceOptions> options)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(options);
        _connection = connection;
        _options = options.Value;
        _prefix = connection.KeyPrefix + ":bf:v1:";
        _none = _prefix + "none";
    }

    /// <inheritdoc />
    public async ValueTask<BruteForceState> GetStateAsync(BruteForceKey key, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var o = _options;
        RedisKey[] keys = [Key("p:", key.Pair), Key("i:", key.Address), Key("a:", key.Account), Key("t:", key.Pair)];
        RedisValue[] args =
        [
            now.ToUnixTimeMilliseconds(), Flag(key.Pair), Flag(key.Address), Flag(key.Account),
            Ms(o.Account.Window), o.Account.UnderAttackThreshold,
        ];
        var r = (RedisResult[])(await EvaluateAsync(s_check, keys, args, cancellationToken).ConfigureAwait(false))!;
        return new BruteForceState
        {
            RetryAtUnixMs = (long)r[0],
            Scope = (BruteForceScope)(int)r[1],
            Blocked = (int)r[2] == 1,
            AccountUnderAttack = (int)r[3] == 1,
            Trusted = (int)r[4] == 1,
        };
    }

    /// <inheritdoc />
    public async ValueTask<BruteForceFailureResult> RecordFailureAsync(BruteForceKey key, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var o = _options;
        var nowMs = now.ToUnixTimeMilliseconds();
        var addressWindow = Ms(o.Address.Window);
        var accountWindow = Ms(o.Account.Window);
        var both = key.Address is not null && key.Account is not null;
        RedisKey[] keys =
        [
            Key("p:", key.Pair), Key("i:", key.Address), Key("a:", key.Account), Key("t:", key.Pair),
            both ? Sketch("si:", key.Address!, BruteForceMath.BucketStart(nowMs, addressWindow)) : _none,
            both ? Sketch("si:", key.Address!, BruteForceMath.BucketStart(nowMs, addressWindow) - addressWindow) : _none,
            Key("sr:", both ? key.Address : null),
            both ? Sketch("sa:", key.Account!, BruteForceMath.BucketStart(nowMs, accountWindow)) : _none,
            both ? Sketch("sa:", key.Account!, BruteForceMath.BucketStart(nowMs, accountWindow) - accountWindow) : _none,
            Key("sf:", both ? key.Account : null),
        ];
        RedisValue[] args =
        [
            nowMs, Flag(key.Pair), Flag(key.Address), Flag(key.Account),
            Ms(o.Pair.Window), o.Pair.DelayThreshold, o.Pair.BlockThreshold, Ms(o.Pair.InitialDelay), Ms(o.Pair.MaxDelay), Ms(o.Pair.BlockDuration),
            addressWindow, o.Address.DelayThreshold, o.Address.BlockThreshold, Ms(o.Address.InitialDelay), Ms(o.Address.MaxDelay), Ms(o.Address.BlockDuration),
            accountWindow, o.Account.UnderAttackThreshold, o.Account.UntrustedPairDelayThreshold,
            o.Patterns.StuffingDistinctAccounts, o.Patterns.SprayingDistinctClients,
            both ? BruteForceMath.SketchIndex(key.Account!) : 0, both ? BruteForceMath.SketchIndex(key.Address!) : 0,
            o.Account.BlockThreshold, Ms(o.Account.BlockDuration),
        ];
        var r = (RedisResult[])(await EvaluateAsync(s_record, keys, args, cancellationToken).ConfigureAwait(false))!;
        return new BruteForceFailureResult
        {
            State = new BruteForceState
            {
                RetryAtUnixMs = (long)r[0],
                Scope = (BruteForceScope)(int)r[1],
                Blocked = (int)r[2] == 1,
                AccountUnderAttack = (int)r[3] == 1,
                Trusted = (int)r[4] == 1,
            },
            PairFailures = (int)r[5],
            AddressFailures = (int)r[6],
            AccountFailures = (int)r[7],
            NewBlock = (BruteForceScope)(int)r[8],
            DistinctAccounts = (int)r[9],
            StuffingDetected = (int)r[10] == 1,
            DistinctAddresses = (int)r[11],
            SprayingDetected = (int)r[12] == 1,
        };
    }

    /// <inheritdoc />
    public async ValueTask RecordSuccessAsync(BruteForceKey key, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        if (key.Pair is null)
        {
            return;
        }

        RedisKey[] keys = [Key("p:", key.Pair), Key("t:", key.Pair)];
        RedisValue[] args = [now.ToUnixTimeMilliseconds(), Ms(_options.TrustDuration)];
        await EvaluateAsync(s_success, keys, args, cancellationToken).ConfigureAwait(false);
    }

    private async Task<RedisResult> EvaluateAsync(string script, RedisKey[] keys, RedisValue[] args, CancellationToken cancellationToken)
    {
        try
        {
            var db = _connection.Multiplexer.GetDatabase();
            return await db.ScriptEvaluateAsync(script, keys, args)
                .WaitAsync(_connection.OperationTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            throw new ApiGuardStoreUnavailableException("The Redis brute-force store did not answer.", ex);
        }
    }

    private RedisKey Key(string kind, string? hash) => hash is null ? _none : (RedisKey)string.Concat(_prefix, kind, hash);

    private RedisKey Sketch(string kind, string hash, long bucket) =>
        string.Concat(_prefix, kind, hash, ":", bucket.ToString(CultureInfo.InvariantCulture));

    private static int Flag(string? part) => part is null ? 0 : 1;

    private static long Ms(TimeSpan span) => (long)span.TotalMilliseconds;

    private static string LoadScript(string name)
    {
        var assembly = typeof(RedisBruteForceStore).Assembly;
        string Read(string file)
        {
            var resource = assembly.GetManifestResourceNames().Single(n => n.EndsWith("BruteForce.Scripts." + file, StringComparison.Ordinal));
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }

        return Read("common.lua") + "\n" + Read(name);
    }
}
