using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace ApiGuard.BruteForce;

/// <summary>
/// The in-memory <see cref="IBruteForceStore"/>: counters keyed by hashes, each with an expiry, at most
/// <see cref="BruteForceOptions.MaxEntries"/> of them. When full, expired entries are dropped first, then the tenth of
/// entries closest to expiry. Per instance: use the Redis store to share counters between app instances.
/// </summary>
public sealed class InMemoryBruteForceStore : IBruteForceStore
{
    private const long SweepIntervalMs = 10_000;
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly BruteForceOptions _options;
    private readonly BruteForceLimitOptions _accountLimit;
    private readonly int _capacity;
    private readonly object _sweepLock = new();
    private long _nextSweep;
    private int _count; // ConcurrentDictionary.Count takes every lock: keep our own

    /// <summary>Creates the store.</summary>
    public InMemoryBruteForceStore(IOptions<BruteForceOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _accountLimit = AccountLimit(_options.Account);
        _capacity = _options.MaxEntries;
    }

    /// <summary>The number of entries held (expired ones included until swept).</summary>
    public int Count => Volatile.Read(ref _count);

    /// <inheritdoc />
    public ValueTask<BruteForceState> GetStateAsync(BruteForceKey key, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        var trusted = key.Pair is not null && Get<TrustEntry>("t:", key.Pair, nowMs) is not null;
        var underAttack = false;
        var account = key.Account is null ? null : Get<CounterEntry>("a:", key.Account, nowMs);
        if (account is not null)
        {
            lock (account)
            {
                underAttack = account.Sliding(nowMs, Ms(_options.Account.Window)) >= _options.Account.UnderAttackThreshold;
            }
        }

        var state = new BruteForceState { AccountUnderAttack = underAttack, Trusted = trusted };
        if (key.Pair is not null && Get<CounterEntry>("p:", key.Pair, nowMs) is { } pair)
        {
            state = Merge(state, pair, BruteForceScope.Pair, nowMs);
        }

        if (!trusted && key.Address is not null && Get<CounterEntry>("i:", key.Address, nowMs) is { } address)
        {
            state = Merge(state, address, BruteForceScope.Address, nowMs);
        }

        if (!trusted && account is not null)
        {
            state = Merge(state, account, BruteForceScope.Account, nowMs);
        }

        return ValueTask.FromResult(state);
    }

    /// <inheritdoc />
    public ValueTask<BruteForceFailureResult> RecordFailureAsync(BruteForceKey key, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        var o = _options;
        var trusted = key.Pair is not null && Get<TrustEntry>("t:", key.Pair, nowMs) is not null;
        var state = new BruteForceState { Trusted = trusted };
        int accountFailures = 0, pairFailures = 0, addressFailures = 0, distinctAccounts = 0, distinctAddresses = 0;
        var newBlock = BruteForceScope.None;
        bool stuffing = false, spraying = false, accountBlockStarted = false;
        CounterEntry? account = null;

        if (key.Account is not null)
        {
            var windowMs = Ms(o.Account.Window);
            account = GetOrAdd<CounterEntry>("a:", key.Account, nowMs);
            lock (account)
            {
                accountFailures = account.Add(nowMs, windowMs);
                accountBlockStarted = account.Apply(accountFailures, _accountLimit, _accountLimit.DelayThreshold, nowMs);
            }

            state = state with { AccountUnderAttack = accountFailures >= o.Account.UnderAttackThreshold };
        }

        if (key.Pair is not null)
        {
            var limit = o.Pair;
            var threshold = state.AccountUnderAttack && !trusted ? o.Account.UntrustedPairDelayThreshold : limit.DelayThreshold;
            var pair = GetOrAdd<CounterEntry>("p:", key.Pair, nowMs);
            lock (pair)
            {
                pairFailures = pair.Add(nowMs, Ms(limit.Window));
                if (pair.Apply(pairFailures, limit, threshold, nowMs))
                {
                    newBlock = BruteForceScope.Pair;
                }

                state = Merge(state, pair, BruteForceScope.Pair, nowMs);
            }
        }

        if (key.Address is not null)
        {
            var limit = o.Address;
            var address = GetOrAdd<CounterEntry>("i:", key.Address, nowMs);
            lock (address)
            {
                addressFailures = address.Add(nowMs, Ms(limit.Window));
                if (address.Apply(addressFailures, limit, limit.DelayThreshold, nowMs) && newBlock == BruteForceScope.None)
                {
                    newBlock = BruteForceScope.Address;
                }

                if (!trusted)
                {
                    state = Merge(state, address, BruteForceScope.Address, nowMs);
                }
            }
        }

        if (account is not null)
        {
            if (accountBlockStarted && newBlock == BruteForceScope.None)
            {
                newBlock = BruteForceScope.Account;
            }

            if (!trusted)
            {
                state = Merge(state, account, BruteForceScope.Account, nowMs);
            }
        }

        if (key.Address is not null && key.Account is not null)
        {
            if (o.Patterns.StuffingDistinctAccounts > 0)
            {
                var sketch = GetOrAdd<SketchEntry>("si:", key.Address, nowMs);
                lock (sketch)
                {
                    distinctAccounts = sketch.Add(BruteForceMath.SketchIndex(key.Account), nowMs, Ms(o.Address.Window));
                    stuffing = sketch.TryReport(distinctAccounts, o.Patterns.StuffingDistinctAccounts, nowMs, Ms(o.Address.Window));
                }
            }

            if (o.Patterns.SprayingDistinctClients > 0)
            {
                var sketch = GetOrAdd<SketchEntry>("sa:", key.Account, nowMs);
                lock (sketch)
                {
                    distinctAddresses = sketch.Add(BruteForceMath.SketchIndex(key.Address), nowMs, Ms(o.Account.Window));
                    spraying = sketch.TryReport(distinctAddresses, o.Patterns.SprayingDistinctClients, nowMs, Ms(o.Account.Window));
                }
            }
        }

        return ValueTask.FromResult(new BruteForceFailureResult
        {
            State = state,
            PairFailures = pairFailures,
            AddressFailures = addressFailures,
            AccountFailures = accountFailures,
            NewBlock = newBlock,
            DistinctAccounts = distinctAccounts,
            StuffingDetected = stuffing,
            DistinctAddresses = distinctAddresses,
            SprayingDetected = spraying,
        });
    }

    /// <inheritdoc />
    public ValueTask RecordSuccessAsync(BruteForceKey key, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        if (key.Pair is null)
        {
            return ValueTask.CompletedTask;
        }

        var nowMs = now.ToUnixTimeMilliseconds();
        if (_entries.TryRemove("p:" + key.Pair, out _))
        {
            Interlocked.Decrement(ref _count);
        }

        var trust = GetOrAdd<TrustEntry>("t:", key.Pair, nowMs);
        lock (trust)
        {
            trust.ExpiresAt = nowMs + Ms(_options.TrustDuration);
        }

        return ValueTask.CompletedTask;
    }

    private static BruteForceState Merge(BruteForceState state, CounterEntry counter, BruteForceScope scope, long nowMs)
    {
        long retryAt;
        bool blocked;
        lock (counter)
        {
            blocked = counter.BlockedUntil > nowMs;
            retryAt = Math.Max(counter.BlockedUntil, counter.NextAllowed);
        }

        if (retryAt <= nowMs || retryAt <= state.RetryAtUnixMs)
        {
            return state;
        }

        return state with { RetryAtUnixMs = retryAt, Scope = scope, Blocked = blocked };
    }

    private static long Ms(TimeSpan span) => (long)span.TotalMilliseconds;

    /// <summary>The account level as a limit: no delays, only the block (a threshold of 0 never blocks).</summary>
    private static BruteForceLimitOptions AccountLimit(BruteForceAccountOptions account) => new()
    {
        Window = account.Window,
        DelayThreshold = int.MaxValue,
        BlockThreshold = account.BlockThreshold,
        InitialDelay = TimeSpan.FromMilliseconds(1),
        MaxDelay = TimeSpan.FromMilliseconds(1),
        BlockDuration = account.BlockDuration,
    };

    private T? Get<T>(string prefix, string hash, long nowMs) where T : Entry
    {
        if (_entries.TryGetValue(string.Concat(prefix, hash), out var entry) && entry is T typed && Volatile.Read(ref entry.ExpiresAt) > nowMs)
        {
            return typed;
        }

        return null;
    }

    private T GetOrAdd<T>(string prefix, string hash, long nowMs) where T : Entry, new()
    {
        var id = string.Concat(prefix, hash);
        if (nowMs >= Interlocked.Read(ref _nextSweep) || Volatile.Read(ref _count) >= _capacity)
        {
            Sweep(nowMs);
        }

        while (true)
        {
            if (_entries.TryGetValue(id, out var existing))
            {
                if (existing is T typed && Volatile.Read(ref existing.ExpiresAt) > nowMs)
                {
                    return typed;
                }

                // Expired (or a foreign type under the same id, which cannot happen with distinct prefixes): start afresh.
                var fresh = new T { ExpiresAt = nowMs + 1 };
                if (_entries.TryUpdate(id, fresh, existing))
                {
                    return fresh;
                }

                continue;
            }

            var created = new T { ExpiresAt = nowMs + 1 };
            if (_entries.TryAdd(id, created))
            {
                Interlocked.Increment(ref _count);
                return created;
            }
        }
    }

    private void Sweep(long nowMs)
    {
        if (!Monitor.TryEnter(_sweepLock))
        {
            return;
        }

        try
        {
            if (nowMs < Interlocked.Read(ref _nextSweep) && Volatile.Read(ref _count) < _capacity)
            {
                return;
            }

            Interlocked.Exchange(ref _nextSweep, nowMs + SweepIntervalMs);
            foreach (var (id, entry) in _entries)
            {
                if (Volatile.Read(ref entry.ExpiresAt) <= nowMs && _entries.TryRemove(new KeyValuePair<string, Entry>(id, entry)))
                {
                    Interlocked.Decrement(ref _count);
                }
            }

            if (Volatile.Read(ref _count) < _capacity)
            {
                return;
            }

            // Still full of live entries: evict the tenth closest to expiry (the least recently active).
            var snapshot = _entries.ToArray();
            Array.Sort(snapshot, static (a, b) => Volatile.Read(ref a.Value.ExpiresAt).CompareTo(Volatile.Read(ref b.Value.ExpiresAt)));
            var evict = Math.Max(1, snapshot.Length / 10);
            for (var i = 0; i < evict; i++)
            {
                if (_entries.TryRemove(snapshot[i]))
                {
                    Interlocked.Decrement(ref _count);
                }
            }
        }
        finally
        {
            Monitor.Exit(_sweepLock);
        }
    }

    private abstract class Entry
    {
        public long ExpiresAt;
    }

    private sealed class TrustEntry : Entry;

    private sealed class CounterEntry : Entry
    {
        private long _bucket;
        private int _current;
        private int _previous;

        public long NextAllowed { get; private set; }

        public long BlockedUntil { get; private set; }

        public int Add(long nowMs, long windowMs)
        {
            BruteForceMath.Roll(ref _bucket, ref _current, ref _previous, nowMs, windowMs);
            _current++;
            return BruteForceMath.Sliding(_bucket, _current, _previous, nowMs, windowMs);
        }

        public int Sliding(long nowMs, long windowMs) => BruteForceMath.Sliding(_bucket, _current, _previous, nowMs, windowMs);

        /// <summary>Applies the limit after a failure; returns whether this failure started a block.</summary>
        public bool Apply(int failures, BruteForceLimitOptions limit, int delayThreshold, long nowMs)
        {
            var delay = BruteForceMath.Delay(failures, delayThreshold, limit.BlockThreshold, Ms(limit.InitialDelay), Ms(limit.MaxDelay), out var block);
            var started = false;
            if (block)
            {
                started = BlockedUntil <= nowMs;
                if (started)
                {
                    BlockedUntil = nowMs + Ms(limit.BlockDuration);
                }
            }
            else if (delay > 0)
            {
                NextAllowed = Math.Max(NextAllowed, nowMs + delay);
            }

            ExpiresAt = Math.Max(ExpiresAt, Math.Max(nowMs + 2 * Ms(limit.Window), Math.Max(BlockedUntil, NextAllowed)));
            return started;
        }
    }

    private sealed class SketchEntry : Entry
    {
        private readonly ulong[] _current = new ulong[BruteForceMath.SketchWords];
        private readonly ulong[] _previous = new ulong[BruteForceMath.SketchWords];
        private long _bucket;
        private long _reportedUntil;

        public int Add(int index, long nowMs, long windowMs)
        {
            var start = BruteForceMath.BucketStart(nowMs, windowMs);
            if (_bucket != start)
            {
                if (_bucket == start - windowMs)
                {
                    _current.CopyTo(_previous, 0);
                }
                else
                {
                    Array.Clear(_previous);
                }

                Array.Clear(_current);
                _bucket = start;
            }

            _current[index >> 6] |= 1UL << (index & 63);
            ExpiresAt = Math.Max(ExpiresAt, nowMs + 2 * windowMs);
            var current = BruteForceMath.Distinct(BruteForceMath.PopCount(_current));
            var previous = BruteForceMath.Distinct(BruteForceMath.PopCount(_previous));
            return (int)Math.Floor((double)previous * (windowMs - (nowMs - start)) / windowMs + current);
        }

        public bool TryReport(int distinct, int threshold, long nowMs, long windowMs)
        {
            if (distinct < threshold || _reportedUntil > nowMs)
            {
                return false;
            }

            _reportedUntil = nowMs + windowMs;
            return true;
        }
    }
}
