using System.Threading.Tasks.Sources;
using ApiGuard.RateLimiting;
using StackExchange.Redis;

namespace ApiGuard.Redis.RateLimiting;

/// <summary>
/// Decides rate-limit requests in natural batches: while one script call is in flight, new requests queue; when it answers,
/// every queued request goes out in the next call. A lone request is sent at once (no added delay); under load one
/// <c>EVALSHA</c>, one <c>TIME</c> and one reply serve many requests, each still decided on its own keys with its own policy and
/// cost, atomically on Redis server time. One batcher runs <c>Scripts/gcra.lua</c> (policies with exactly one GCRA limit, the
/// default), the other <c>Scripts/ratelimit.lua</c> (every other policy: several limits, windows, concurrency, approximate
/// syncs). Requests of different Redis Cluster slots never share a call. Each call keeps the time budget of its oldest request,
/// and a failed call answers each of its requests by the request's failure mode.
/// </summary>
internal sealed class RedisDecisionBatcher
{
    /// <summary>The most requests one script call decides; a larger queue is split into concurrent calls.</summary>
    internal const int MaxBatch = 128;
    private const int MaxPooled = 1024;
    private static readonly Comparison<DecisionRequest> s_bySlot = static (a, b) => a.Slot.CompareTo(b.Slot);

    private readonly RedisRateLimitStore _store;
    private readonly bool _general;
    private readonly Lock _gate = new();
    private readonly Lock _poolGate = new();
    private readonly Stack<DecisionRequest> _pool = new();
    private List<DecisionRequest> _queue = new(MaxBatch);
    private List<DecisionRequest>? _spare = new(MaxBatch);
    private bool _sending;

    /// <summary>A batcher of <c>Scripts/ratelimit.lua</c> (<paramref name="general"/>) or of <c>Scripts/gcra.lua</c>.</summary>
    public RedisDecisionBatcher(RedisRateLimitStore store, bool general)
    {
        _store = store;
        _general = general;
    }

    /// <summary>
    /// Queues a decision; the returned task completes with the script's answer or the failure mode's (never faults). For the
    /// general script, <paramref name="forced"/> permits (approximate mode) are consumed first, and <paramref name="leaseId"/>
    /// names the concurrency lease.
    /// </summary>
    public ValueTask<RateLimitDecision> DecideAsync(ApiGuardRateLimiter partition, RedisRateLimitStore.PartitionData data, long cost, long forced, string? leaseId, long start)
    {
        var request = Rent();
        request.Partition = partition;
        request.Data = data;
        request.Cost = cost;
        request.Forced = forced;
        request.LeaseId = leaseId;
        request.Start = start;
        var version = request.Version;
        List<DecisionRequest>? batch = null;
        lock (_gate)
        {
            _queue.Add(request);
            if (!_sending)
            {
                _sending = true;
                batch = _queue;
                _queue = _spare ?? new List<DecisionRequest>(MaxBatch);
                _spare = null;
            }
        }

        if (batch is not null)
        {
            _ = RunAsync(batch);
        }

        return new ValueTask<RateLimitDecision>(request, version);
    }

    /// <summary>Sends batches until the queue is empty: one in flight at a time, the next one formed while it runs.</summary>
    private async Task RunAsync(List<DecisionRequest> batch)
    {
        while (true)
        {
            try
            {
                await SendAsync(batch).ConfigureAwait(false);
            }
            catch (Exception ex) when (batch.Count > 0)
            {
                // Unreachable by design (each call answers its own failures); keeps the send loop alive regardless.
                _store.OnBatchFailure(ex, batch[0].Partition!.Policy, batch.Count);
            }

            batch.Clear();
            lock (_gate)
            {
                if (_queue.Count == 0)
                {
                    _sending = false;
                    _spare = batch;
                    return;
                }

                (batch, _queue) = (_queue, batch);
            }
        }
    }

    private Task SendAsync(List<DecisionRequest> batch)
    {
        DropExpired(batch);
        if (batch.Count == 0)
        {
            return Task.CompletedTask;
        }

        if (batch.Count == 1)
        {
            return SendChunkAsync(batch, 0, 1);
        }

        // Standalone Redis has no slots (-1): any requests may share a call. On a Cluster, group the batch by slot.
        var clustered = false;
        try
        {
            var multiplexer = _store.Multiplexer;
            if (multiplexer.HashSlot(batch[0].Data!.Keys[0]) >= 0)
            {
                foreach (var r in batch)
                {
                    r.Slot = multiplexer.HashSlot(r.Data!.Keys[0]);
                }

                batch.Sort(s_bySlot);
                clustered = true;
            }
        }
        catch (Exception ex) when (ex is RedisException or InvalidOperationException)
        {
            // Not connected: a single call fails and answers each request by its failure mode.
            clustered = false;
        }

        Task? single = null;
        List<Task>? tasks = null;
        for (var offset = 0; offset < batch.Count;)
        {
            var count = 1;
            while (offset + count < batch.Count && count < MaxBatch && (!clustered || batch[offset + count].Slot == batch[offset].Slot))
            {
                count++;
            }

            var task = SendChunkAsync(batch, offset, count);
            if (single is null)
            {
                single = task;
            }
            else
            {
                (tasks ??= [single]).Add(task);
            }

            offset += count;
        }

        return tasks is null ? single! : Task.WhenAll(tasks);
    }

    /// <summary>
    /// Answers the requests whose time budget ran out while they queued (behind a slow call) by their failure mode, so they
    /// neither wait longer nor shorten the budget of the fresh requests they would have shared a call with.
    /// </summary>
    private void DropExpired(List<DecisionRequest> batch)
    {
        var now = _store.Timestamp();
        var kept = 0;
        for (var i = 0; i < batch.Count; i++)
        {
            if (!_store.BudgetSpent(batch[i].Start, now))
            {
                (batch[kept], batch[i]) = (batch[i], batch[kept]);
                kept++;
            }
        }

        if (kept == batch.Count)
        {
            return;
        }

        Fail(batch, kept, batch.Count - kept, new TimeoutException("The rate-limit time budget ran out while the request was queued."));
        batch.RemoveRange(kept, batch.Count - kept);
    }

    private async Task SendChunkAsync(List<DecisionRequest> batch, int offset, int count)
    {
        RedisResult result;
        try
        {
            var (keys, args) = _general ? GeneralArguments(batch, offset, count) : GcraArguments(batch, offset, count);
            var start = long.MaxValue;
            for (var i = 0; i < count; i++)
            {
                start = Math.Min(start, batch[offset + i].Start);
            }

            result = await _store.EvaluateBatchAsync(_general, keys, args, start).ConfigureAwait(false);
            if (_general)
            {
                if (result.Length != 5 * count)
                {
                    throw new RedisException("The rate-limit script returned an unexpected answer.");
                }
            }
            else
            {
                Validate(result, count);
            }
        }
        catch (Exception ex)
        {
            Fail(batch, offset, count, ex);
            return;
        }

        _store.OnStoreSuccess();
        var at = 0;
        for (var i = 0; i < count; i++)
        {
            var r = batch[offset + i];
            r.Complete(_general ? ParseGeneral(result, ref at, r.LeaseId) : Parse(result, ref at));
        }
    }

    /// <summary>Answers requests the store could not decide by their policies' failure modes; the failure counts once per request.</summary>
    private void Fail(List<DecisionRequest> batch, int offset, int count, Exception error)
    {
        _store.OnBatchFailure(error, batch[offset].Partition!.Policy, count);
        for (var i = offset; i < offset + count; i++)
        {
            var r = batch[i];
            r.Complete(_store.Fallback(r.Partition!, r.Cost, error));
        }
    }

    /// <summary><c>gcra.lua</c>'s arguments: a key and <c>cost, T, tau</c> per request.</summary>
    private static (RedisKey[] Keys, RedisValue[] Args) GcraArguments(List<DecisionRequest> batch, int offset, int count)
    {
        var keys = new RedisKey[count];
        var args = new RedisValue[3 * count];
        for (var i = 0; i < count; i++)
        {
            var r = batch[offset + i];
            var data = r.Data!;
            keys[i] = data.Keys[0];
            args[3 * i] = RedisRateLimitStore.IntegerValue(r.Cost);
            args[(3 * i) + 1] = data.GcraArgs!.EmissionInterval;
            args[(3 * i) + 2] = data.GcraArgs.Tolerance;
        }

        return (keys, args);
    }

    /// <summary><c>ratelimit.lua</c>'s arguments: per request its keys, and <c>n, cost, lease, forced</c> then 4 per limit.</summary>
    private static (RedisKey[] Keys, RedisValue[] Args) GeneralArguments(List<DecisionRequest> batch, int offset, int count)
    {
        int keyCount = 0, argCount = 0;
        for (var i = 0; i < count; i++)
        {
            var n = batch[offset + i].Data!.Keys.Length;
            keyCount += n;
            argCount += 4 + (4 * n);
        }

        var keys = new RedisKey[keyCount];
        var args = new RedisValue[argCount];
        int k = 0, a = 0;
        for (var i = 0; i < count; i++)
        {
            var r = batch[offset + i];
            var data = r.Data!;
            data.Keys.CopyTo(keys, k);
            k += data.Keys.Length;
            args[a++] = RedisRateLimitStore.IntegerValue(data.Keys.Length);
            args[a++] = RedisRateLimitStore.IntegerValue(r.Cost);
            args[a++] = r.LeaseId is null ? RedisRateLimitStore.NoLease : (RedisValue)r.LeaseId;
            args[a++] = RedisRateLimitStore.IntegerValue(r.Forced);
            data.LimitArgs.CopyTo(args, a);
            a += data.LimitArgs.Length;
        }

        return (keys, args);
    }

    /// <summary>One request's answer from <c>ratelimit.lua</c>: <c>allowed, retry_ms, limit (1-based), remaining, reset_ms</c>.</summary>
    private static RateLimitDecision ParseGeneral(RedisResult result, ref int at, string? leaseId)
    {
        var decision = new RateLimitDecision((long)result[at] == 1, (long)result[at + 1], (int)(long)result[at + 2] - 1,
            (long)result[at + 3], (long)result[at + 4], RateLimitDecisionSource.Store, leaseId);
        at += 5;
        return decision;
    }

    /// <summary>Checks the reply's shape (two integers per admitted request, three per rejected one) before anything completes.</summary>
    private static void Validate(RedisResult result, int count)
    {
        var length = result.Length;
        var at = 0;
        for (var i = 0; i < count; i++)
        {
            if (at >= length)
            {
                throw new RedisException("The rate-limit script returned an unexpected answer.");
            }

            at += (long)result[at] >= 0 ? 2 : 3;
        }

        if (at != length)
        {
            throw new RedisException("The rate-limit script returned an unexpected answer.");
        }
    }

    /// <summary>One request's answer: <c>remaining, reset_ms</c> when admitted, <c>-1 - remaining, retry_ms, reset_ms</c> when rejected.</summary>
    private static RateLimitDecision Parse(RedisResult result, ref int at)
    {
        var first = (long)result[at];
        if (first >= 0)
        {
            var reset = (long)result[at + 1];
            at += 2;
            return new RateLimitDecision(true, 0, 0, first, reset, RateLimitDecisionSource.Store);
        }

        var retry = (long)result[at + 1];
        var resetMs = (long)result[at + 2];
        at += 3;
        return new RateLimitDecision(false, retry, 0, -1 - first, resetMs, RateLimitDecisionSource.Store);
    }

    private DecisionRequest Rent()
    {
        lock (_poolGate)
        {
            if (_pool.TryPop(out var pooled))
            {
                return pooled;
            }
        }

        return new DecisionRequest(this);
    }

    private void Return(DecisionRequest request)
    {
        lock (_poolGate)
        {
            if (_pool.Count < MaxPooled)
            {
                _pool.Push(request);
            }
        }
    }

    /// <summary>One queued decision; pooled, and awaited through <see cref="IValueTaskSource{TResult}"/> (no allocation per decision).</summary>
    private sealed class DecisionRequest(RedisDecisionBatcher owner) : IValueTaskSource<RateLimitDecision>
    {
        private ManualResetValueTaskSourceCore<RateLimitDecision> _core = new() { RunContinuationsAsynchronously = true };

        public ApiGuardRateLimiter? Partition { get; set; }

        public RedisRateLimitStore.PartitionData? Data { get; set; }

        public long Cost { get; set; }

        public long Forced { get; set; }

        public string? LeaseId { get; set; }

        public long Start { get; set; }

        public int Slot { get; set; }

        public short Version => _core.Version;

        public void Complete(RateLimitDecision decision) => _core.SetResult(decision);

        public RateLimitDecision GetResult(short token)
        {
            try
            {
                return _core.GetResult(token);
            }
            finally
            {
                _core.Reset();
                Partition = null;
                Data = null;
                LeaseId = null;
                owner.Return(this);
            }
        }

        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            _core.OnCompleted(continuation, state, token, flags);
    }
}
