using ApiGuard.BruteForce;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ApiGuard.Tests.BruteForce;

public sealed class InMemoryBruteForceStoreTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 10, 0, 0, TimeSpan.Zero));

    private static BruteForceOptions CreateOptions(Action<BruteForceOptions>? configure = null)
    {
        var options = new BruteForceOptions();
        options.Pair.DelayThreshold = 3;
        options.Pair.BlockThreshold = 10;
        options.Pair.InitialDelay = TimeSpan.FromSeconds(1);
        options.Pair.MaxDelay = TimeSpan.FromSeconds(8);
        options.Pair.BlockDuration = TimeSpan.FromMinutes(1);
        options.Pair.Window = TimeSpan.FromMinutes(15);
        options.Address.DelayThreshold = 1000;
        options.Address.BlockThreshold = 0;
        configure?.Invoke(options);
        return options;
    }

    private static (InMemoryBruteForceStore Store, BruteForceKeyHasher Hasher) Create(BruteForceOptions options)
    {
        var wrapped = Options.Create(options);
        return (new InMemoryBruteForceStore(wrapped), new BruteForceKeyHasher(wrapped));
    }

    private long Now => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private long WaitMs(BruteForceState state) => Math.Max(0, state.RetryAtUnixMs - Now);

    [Fact]
    public async Task RecordFailureAsync_BelowDelayThreshold_NoWait()
    {
        var (store, hasher) = Create(CreateOptions());
        var key = hasher.Create("203.0.113.7", "alice");

        var first = await store.RecordFailureAsync(key, _time.GetUtcNow());
        var second = await store.RecordFailureAsync(key, _time.GetUtcNow());

        Assert.Equal(2, second.PairFailures);
        Assert.Equal(0, WaitMs(first.State));
        Assert.Equal(0, WaitMs(second.State));
        Assert.Equal(0, WaitMs(await store.GetStateAsync(key, _time.GetUtcNow())));
    }

    [Fact]
    public async Task RecordFailureAsync_FromThreshold_DelayDoublesUpToCapThenBlocks()
    {
        var (store, hasher) = Create(CreateOptions());
        var key = hasher.Create("203.0.113.7", "alice");
        var waits = new List<long>();
        var newBlocks = new List<BruteForceScope>();
        for (var i = 1; i <= 10; i++)
        {
            var result = await store.RecordFailureAsync(key, _time.GetUtcNow());
            var state = await store.GetStateAsync(key, _time.GetUtcNow());
            Assert.Equal(result.State.RetryAtUnixMs, state.RetryAtUnixMs);
            waits.Add(WaitMs(state));
            newBlocks.Add(result.NewBlock);
            if (i < 10)
            {
                Assert.False(state.Blocked);
                _time.Advance(TimeSpan.FromMilliseconds(WaitMs(state))); // a patient client waits exactly as told
            }
        }

        // Failures 1-2 free; 3rd: 1 s, doubling to the 8 s cap; 10th: a one-minute block.
        Assert.Equal(new long[] { 0, 0, 1000, 2000, 4000, 8000, 8000, 8000, 8000, 60_000 }, waits);
        Assert.Equal(BruteForceScope.Pair, newBlocks[9]);
        Assert.All(newBlocks.Take(9), s => Assert.Equal(BruteForceScope.None, s));
        var blocked = await store.GetStateAsync(key, _time.GetUtcNow());
        Assert.True(blocked.Blocked);
        Assert.Equal(BruteForceScope.Pair, blocked.Scope);
    }

    [Fact]
    public async Task GetStateAsync_PairBlocked_SameAccountFromOtherAddressNotAffected()
    {
        var (store, hasher) = Create(CreateOptions());
        var attacker = hasher.Create("198.51.100.66", "alice");
        for (var i = 0; i < 10; i++)
        {
            await store.RecordFailureAsync(attacker, _time.GetUtcNow());
        }

        var attackerState = await store.GetStateAsync(attacker, _time.GetUtcNow());
        var owner = await store.GetStateAsync(hasher.Create("203.0.113.7", "alice"), _time.GetUtcNow());

        Assert.True(attackerState.Blocked);
        Assert.Equal(0, WaitMs(owner));
        Assert.False(owner.AccountUnderAttack);
    }

    [Fact]
    public async Task RecordFailureAsync_AccountUnderAttack_UnknownClientsSlowedFromFirstFailureKnownClientsNot()
    {
        var (store, hasher) = Create(CreateOptions(o => o.Account.UnderAttackThreshold = 12));
        var owner = hasher.Create("203.0.113.7", "alice");
        await store.RecordSuccessAsync(owner, _time.GetUtcNow());
        for (var i = 0; i < 12; i++)
        {
            await store.RecordFailureAsync(hasher.Create($"198.51.100.{i}", "alice"), _time.GetUtcNow());
        }

        var newcomerKey = hasher.Create("192.0.2.50", "alice");
        var before = await store.GetStateAsync(newcomerKey, _time.GetUtcNow());
        var newcomer = await store.RecordFailureAsync(newcomerKey, _time.GetUtcNow());
        var known = await store.RecordFailureAsync(owner, _time.GetUtcNow());

        Assert.True(before.AccountUnderAttack);
        Assert.Equal(0, WaitMs(before)); // a new client still gets its first attempt
        Assert.Equal(1000, WaitMs(newcomer.State)); // then waits from its first failure
        Assert.True(known.State.Trusted);
        Assert.Equal(0, WaitMs(known.State)); // the known-good client keeps its normal allowance
    }

    [Fact]
    public async Task RecordFailureAsync_AccountLevel_PairBlocksFirstThenManyAddressesBlockAccountExceptKnownClients()
    {
        var (store, hasher) = Create(CreateOptions(o =>
        {
            o.Account.UnderAttackThreshold = 20;
            o.Account.BlockThreshold = 40;
            o.Account.BlockDuration = TimeSpan.FromMinutes(5);
        }));
        var owner = hasher.Create("203.0.113.7", "alice");
        await store.RecordSuccessAsync(owner, _time.GetUtcNow());

        // One attacking address: its pair is blocked at 10 failures, long before the account (40).
        var attacker = hasher.Create("198.51.100.66", "alice");
        var attackerBlocks = new List<BruteForceScope>();
        for (var i = 0; i < 10; i++)
        {
            var result = await store.RecordFailureAsync(attacker, _time.GetUtcNow());
            attackerBlocks.Add(result.NewBlock);
            if (i < 9)
            {
                _time.Advance(TimeSpan.FromMilliseconds(WaitMs(result.State))); // a patient attacker waits as told
            }
        }

        Assert.Equal(BruteForceScope.Pair, attackerBlocks[^1]);
        Assert.True((await store.GetStateAsync(attacker, _time.GetUtcNow())).Blocked);
        Assert.Equal(0, WaitMs(await store.GetStateAsync(hasher.Create("192.0.2.200", "alice"), _time.GetUtcNow())));

        // A distributed attack: 30 more addresses, one failure each, bring the account to 40 and block it once.
        var distributedBlocks = new List<BruteForceScope>();
        for (var i = 0; i < 30; i++)
        {
            distributedBlocks.Add((await store.RecordFailureAsync(hasher.Create($"10.0.{i}.1", "alice"), _time.GetUtcNow())).NewBlock);
        }

        var newcomer = await store.GetStateAsync(hasher.Create("192.0.2.200", "alice"), _time.GetUtcNow());
        var known = await store.GetStateAsync(owner, _time.GetUtcNow());
        var otherAccount = await store.GetStateAsync(hasher.Create("192.0.2.200", "bob"), _time.GetUtcNow());

        Assert.Equal([.. Enumerable.Repeat(BruteForceScope.None, 29), BruteForceScope.Account], distributedBlocks);
        Assert.True(newcomer.Blocked);
        Assert.Equal(BruteForceScope.Account, newcomer.Scope);
        Assert.Equal(5 * 60_000, WaitMs(newcomer));
        Assert.Equal(0, WaitMs(known)); // the owner, known-good from its address, is not locked out
        Assert.Equal(0, WaitMs(otherAccount));

        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(0, WaitMs(await store.GetStateAsync(hasher.Create("192.0.2.200", "alice"), _time.GetUtcNow())));
    }

    [Fact]
    public async Task RecordFailureAsync_AccountBlockThresholdZero_AccountNeverBlocked()
    {
        var (store, hasher) = Create(CreateOptions(o => o.Account.BlockThreshold = 0));
        var newBlocks = new List<BruteForceScope>();
        for (var i = 0; i < 300; i++)
        {
            newBlocks.Add((await store.RecordFailureAsync(hasher.Create($"10.{i / 250}.{i % 250}.1", "alice"), _time.GetUtcNow())).NewBlock);
        }

        var newcomer = await store.GetStateAsync(hasher.Create("192.0.2.200", "alice"), _time.GetUtcNow());

        Assert.All(newBlocks, b => Assert.Equal(BruteForceScope.None, b));
        Assert.True(newcomer.AccountUnderAttack);
        Assert.False(newcomer.Blocked);
        Assert.Equal(0, WaitMs(newcomer));
    }

    [Fact]
    public async Task GetStateAsync_AfterBlockAndWindowPass_CountersExpire()
    {
        var (store, hasher) = Create(CreateOptions());
        var key = hasher.Create("203.0.113.7", "alice");
        for (var i = 0; i < 10; i++)
        {
            await store.RecordFailureAsync(key, _time.GetUtcNow());
        }

        Assert.True((await store.GetStateAsync(key, _time.GetUtcNow())).Blocked);
        _time.Advance(TimeSpan.FromMinutes(31)); // block (1 min) and two 15-minute windows
        var state = await store.GetStateAsync(key, _time.GetUtcNow());
        var next = await store.RecordFailureAsync(key, _time.GetUtcNow());

        Assert.Equal(0, WaitMs(state));
        Assert.Equal(1, next.PairFailures);
        Assert.Equal(0, WaitMs(next.State));
    }

    [Fact]
    public async Task RecordFailureAsync_SlidingWindow_OlderBucketWeighsLessAsItAges()
    {
        var (store, hasher) = Create(CreateOptions(o => o.Pair.Window = TimeSpan.FromMinutes(10)));
        _time.SetUtcNow(new DateTimeOffset(2026, 11, 28, 10, 0, 0, TimeSpan.Zero)); // bucket-aligned
        var key = hasher.Create("203.0.113.7", "bob");
        await store.RecordFailureAsync(key, _time.GetUtcNow());
        await store.RecordFailureAsync(key, _time.GetUtcNow());

        _time.Advance(TimeSpan.FromMinutes(15)); // next bucket, half-way: the two old failures count as one
        var result = await store.RecordFailureAsync(key, _time.GetUtcNow());

        Assert.Equal(2, result.PairFailures);
    }

    [Fact]
    public async Task RecordFailureAsync_OneAddressManyAccounts_ReportsStuffingOnce()
    {
        var (store, hasher) = Create(CreateOptions(o => o.Patterns.StuffingDistinctAccounts = 10));
        var detections = new List<int>();
        for (var i = 0; i < 40; i++)
        {
            var result = await store.RecordFailureAsync(hasher.Create("198.51.100.66", $"user{i}"), _time.GetUtcNow());
            if (result.StuffingDetected)
            {
                detections.Add(i);
            }
        }

        var single = Assert.Single(detections);
        Assert.InRange(single, 8, 11); // the approximate distinct count reaches 10 around the tenth account
    }

    [Fact]
    public async Task RecordFailureAsync_SameAccountRepeated_NoStuffing()
    {
        var (store, hasher) = Create(CreateOptions(o => o.Patterns.StuffingDistinctAccounts = 5));
        var key = hasher.Create("198.51.100.66", "alice");
        var any = false;
        for (var i = 0; i < 9; i++)
        {
            any |= (await store.RecordFailureAsync(key, _time.GetUtcNow())).StuffingDetected;
            _time.Advance(TimeSpan.FromSeconds(10));
        }

        Assert.False(any);
    }

    [Fact]
    public async Task RecordFailureAsync_OneAccountManyAddresses_ReportsSpraying()
    {
        var (store, hasher) = Create(CreateOptions(o => o.Patterns.SprayingDistinctClients = 10));
        var detected = 0;
        var distinct = 0;
        for (var i = 0; i < 30; i++)
        {
            var result = await store.RecordFailureAsync(hasher.Create($"198.51.100.{i}", "alice"), _time.GetUtcNow());
            detected += result.SprayingDetected ? 1 : 0;
            distinct = result.DistinctAddresses;
        }

        Assert.Equal(1, detected);
        Assert.InRange(distinct, 27, 33);
    }

    [Fact]
    public async Task RecordSuccessAsync_AfterDelays_ClearsPairAndBypassesAddressLevel()
    {
        var (store, hasher) = Create(CreateOptions(o =>
        {
            o.Address.DelayThreshold = 2;
            o.Address.BlockThreshold = 50;
        }));
        var key = hasher.Create("203.0.113.7", "alice");
        for (var i = 0; i < 3; i++)
        {
            await store.RecordFailureAsync(key, _time.GetUtcNow());
        }

        Assert.True(WaitMs(await store.GetStateAsync(key, _time.GetUtcNow())) > 0);
        await store.RecordSuccessAsync(key, _time.GetUtcNow());
        var state = await store.GetStateAsync(key, _time.GetUtcNow());
        var otherAccount = await store.GetStateAsync(hasher.Create("203.0.113.7", "mallory"), _time.GetUtcNow());

        Assert.True(state.Trusted);
        Assert.Equal(0, WaitMs(state));
        Assert.Equal(BruteForceScope.Address, otherAccount.Scope); // the address is still slowed for other accounts
        Assert.True(WaitMs(otherAccount) > 0);
    }

    [Fact]
    public async Task RecordFailureAsync_MoreKeysThanMaxEntries_StaysBounded()
    {
        var (store, hasher) = Create(CreateOptions(o => o.MaxEntries = 100));
        for (var i = 0; i < 500; i++)
        {
            await store.RecordFailureAsync(hasher.Create($"10.0.{i / 250}.{i % 250}", $"user{i}"), _time.GetUtcNow());
            Assert.True(store.Count <= 100 + 5, $"count {store.Count} after {i}");
        }
    }

    [Fact]
    public void Create_AccountNames_HashedAndNormalised()
    {
        var (_, hasher) = Create(CreateOptions());
        var a = hasher.Create("203.0.113.7", "Alice ");
        var b = hasher.Create("203.0.113.7", "alice");
        var c = hasher.Create("203.0.113.7", "alicf");

        Assert.Equal(a, b);
        Assert.NotEqual(a.Account, c.Account);
        Assert.DoesNotContain("alice", a.Account!, StringComparison.OrdinalIgnoreCase);
        Assert.Matches("^[0-9a-f]{32}$", a.Account!);
        Assert.Matches("^[0-9a-f]{32}$", a.Address!);
        Assert.Matches("^[0-9a-f]{32}$", a.Pair!);
    }

    [Fact]
    public void Create_WithKeySecret_DifferentHashes()
    {
        var plain = Create(CreateOptions()).Hasher.Create("203.0.113.7", "alice");
        var keyed = Create(CreateOptions(o => o.KeySecret = Convert.ToBase64String(new byte[32]))).Hasher.Create("203.0.113.7", "alice");

        Assert.NotEqual(plain.Account, keyed.Account);
    }
}
