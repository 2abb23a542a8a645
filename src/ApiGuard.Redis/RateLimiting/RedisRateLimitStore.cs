using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ApiGuard.RateLimiting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ApiGuard.Redis.RateLimiting;

/// <summary>
/// The Redis rate-limit store. At most one round trip per decision: <c>EVALSHA</c> of <c>Scripts/ratelimit.lua</c> (loaded again
/// with <c>EVAL</c> when the server answers <c>NOSCRIPT</c>) decides all of a request's limits together on Redis server time
/// (<c>TIME</c>), or of the leaner <c>Scripts/gcra.lua</c> for a policy with one GCRA limit (the default). Requests go through a
/// <see cref="RedisDecisionBatcher"/> per script: one call decides every request queued while the previous call was in flight. Keys are
/// <c>{prefix}:rl:v1:{policy}:{algorithm}:{hash}</c> where <c>{hash}</c> is a hash tag holding the SHA-256 of the partition
/// key (so a request's keys share one Cluster slot, and client input never reaches key names);
/// every write sets an expiry. Each call has the connection's time budget; failures count towards a circuit breaker, and
/// the policy's <see cref="RateLimitFailureMode"/> answers while Redis is unavailable.
/// </summary>
internal sealed class RedisRateLimitStore : RateLimitStore
{
    private const int CachedCostArguments = 16;
    private static readonly string s_script = ReadScript("ratelimit.lua");
    private static readonly string s_releaseScript = ReadScript("release.lua");
    private static readonly byte[] s_sha = Sha1(s_script);
    private static readonly string s_gcraScript = ReadScript("gcra.lua");
    private static readonly byte[] s_gcraSha = Sha1(s_gcraScript);
    private static readonly byte[] s_releaseSha = Sha1(s_releaseScript);
    private static readonly RedisValue[] s_costs = [.. Enumerable.Range(0, CachedCostArguments + 1).Select(static c => (RedisValue)Encoding.ASCII.GetBytes(c.ToString(CultureInfo.InvariantCulture)))];

    private readonly IApiGuardRedisConnection _connection;
    private readonly InMemoryRateLimitStore _fallback;
    private readonly RedisCircuitBreaker _breaker;
    private readonly RateLimitingMetrics _metrics;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly TimeSpan _timeout;
    private readonly int _threshold;
    private readonly TimeSpan _breakDuration;
    private readonly long _slotTicks;
    private readonly long _budgetTicks;
    private readonly RedisDecisionBatcher _gcra;
    private readonly RedisDecisionBatcher _general;
    private DeadlineSlot? _deadline;

    public RedisRateLimitStore(IApiGuardRedisConnection connection, IOptions<RateLimitingOptions> options, RateLimitingMetrics metrics,
        TimeProvider timeProvider, ILogger<RedisRateLimitStore> logger)
    {
        _connection = connection;
        _metrics = metrics;
        _timeProvider = timeProvider;
        _logger = logger;
        _timeout = connection.OperationTimeout;
        _threshold = options.Value.CircuitBreakerFailureThreshold;
        _breakDuration = options.Value.CircuitBreakerBreakDuration;
        _slotTicks = Math.Max(1, timeProvider.TimestampFrequency / 500);
        _budgetTicks = (long)(_timeout.TotalSeconds * timeProvider.TimestampFrequency);
        _gcra = new RedisDecisionBatcher(this, general: false);
        _general = new RedisDecisionBatcher(this, general: true);
        _fallback = new InMemoryRateLimitStore(timeProvider);
        _breaker = new RedisCircuitBreaker(_threshold, _breakDuration, timeProvider);
    }

    /// <summary>Whether the circuit breaker is open (decisions skip Redis).</summary>
    public bool IsCircuitOpen => _breaker.IsOpen;

    public override bool IsLocal => false;

    /// <summary>The shared multiplexer (connected on first use).</summary>
    internal IConnectionMultiplexer Multiplexer => _connection.Multiplexer;

    public override bool TryDecide(ApiGuardRateLimiter partition, long cost, out RateLimitDecision decision)
    {
        decision = default;
        return false;
    }

    public override ValueTask<RateLimitDecision> DecideAsync(ApiGuardRateLimiter partition, long cost, CancellationToken cancellationToken)
    {
        var data = Data(partition);
        if (partition.Policy.Approximate)
        {
            return DecideApproximateAsync(partition, data, cost, cancellationToken);
        }

        if (!_breaker.TryEnter())
        {
            return ValueTask.FromResult(Fallback(partition, cost, null));
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<RateLimitDecision>(cancellationToken);
        }

        var now = _timeProvider.GetTimestamp();
        if (data.GcraArgs is not null)
        {
            return _gcra.DecideAsync(partition, data, cost, 0, null, now);
        }

        var leaseId = partition.Policy.HasConcurrency ? NewLeaseId() : null;
        return _general.DecideAsync(partition, data, cost, 0, leaseId, now);
    }

    /// <summary>
    /// One call of <c>Scripts/ratelimit.lua</c> (<paramref name="general"/>) or <c>Scripts/gcra.lua</c> for a batch of requests,
    /// within the budget of its oldest request, which started at <paramref name="start"/>; not sent at all when that budget is spent.
    /// </summary>
    internal Task<RedisResult> EvaluateBatchAsync(bool general, RedisKey[] keys, RedisValue[] args, long start) =>
        general ? EvaluateAsync(s_sha, s_script, keys, args, start) : EvaluateAsync(s_gcraSha, s_gcraScript, keys, args, start);

    /// <summary>Records a store answer: resets the circuit breaker's failure count (closing it after a successful probe).</summary>
    internal void OnStoreSuccess()
    {
        if (_breaker.OnSuccess())
        {
            RateLimitingLog.CircuitClosed(_logger);
        }
    }

    /// <summary>Records a failed call that carried <paramref name="count"/> decisions: each counts as a failed decision, logged once.</summary>
    internal void OnBatchFailure(Exception ex, CompiledRateLimitPolicy policy, int count)
    {
        var type = ErrorType(ex);
        RateLimitingLog.StoreUnavailable(_logger, type, policy.Name, policy.FailureMode);
        var opened = false;
        for (var i = 0; i < count; i++)
        {
            _metrics.StoreError(type);
            opened |= _breaker.OnFailure();
        }

        if (opened)
        {
            RateLimitingLog.CircuitOpened(_logger, _threshold, _breakDuration);
        }
    }

    /// <summary>The current timestamp of the app's <see cref="TimeProvider"/>.</summary>
    internal long Timestamp() => _timeProvider.GetTimestamp();

    /// <summary>Whether the time budget of a decision that started at <paramref name="start"/> is spent at <paramref name="now"/>.</summary>
    internal bool BudgetSpent(long start, long now) => now - start >= _budgetTicks;

    /// <summary>The script argument of "no concurrency lease".</summary>
    internal static RedisValue NoLease { get; } = string.Empty;

    /// <summary>A non-negative integer (a cost, a count) as a script argument, cached for small values.</summary>
    internal static RedisValue IntegerValue(long value) => value is >= 0 and <= CachedCostArguments ? s_costs[value] : (RedisValue)value;

    private static void Abandon(Task call) =>
        _ = call.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    private async ValueTask<RateLimitDecision> DecideApproximateAsync(ApiGuardRateLimiter partition, PartitionData data, long cost, CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetTimestamp();
        var interval = partition.Policy.ApproximateSyncInterval;
        long forced;
        lock (data)
        {
            var fresh = data.HasView && _timeProvider.GetElapsedTime(data.LastSync, now) < interval;
            if (fresh || (data.HasView && data.Syncing))
            {
                if (data.Remaining >= cost)
                {
                    data.Remaining -= cost;
                    data.Pending += cost;
                    return new RateLimitDecision(true, 0, data.Index, data.Remaining, data.ResetMs, RateLimitDecisionSource.Approximate);
                }

                var wait = Math.Max(data.RetryMs, interval.TotalMilliseconds);
                return new RateLimitDecision(false, wait, data.Index, 0, data.ResetMs, RateLimitDecisionSource.Approximate);
            }

            forced = data.Pending;
            data.Pending = 0;
            data.Syncing = true;
        }

        RateLimitDecision decision;
        if (!_breaker.TryEnter())
        {
            decision = Fallback(partition, cost, null);
        }
        else if (cancellationToken.IsCancellationRequested)
        {
            lock (data)
            {
                data.Syncing = false;
                data.Pending += forced;
            }

            throw new OperationCanceledException(cancellationToken);
        }
        else
        {
            decision = await _general.DecideAsync(partition, data, cost, forced, null, _timeProvider.GetTimestamp()).ConfigureAwait(false);
        }

        lock (data)
        {
            data.Syncing = false;
            if (decision.Source == RateLimitDecisionSource.Store)
            {
                data.HasView = true;
                data.LastSync = _timeProvider.GetTimestamp();
                data.Remaining = decision.Remaining;
                data.Index = decision.LimitIndex;
                data.ResetMs = decision.ResetMs;
                data.RetryMs = decision.Allowed ? 0 : decision.RetryAfterMs;
            }
            else
            {
                // Not pushed: keep the locally admitted permits for the next sync.
                data.Pending += forced;
                data.HasView = false;
            }
        }

        return decision;
    }

    public override void Release(ApiGuardRateLimiter partition, long cost, in RateLimitDecision decision)
    {
        if (decision.Source == RateLimitDecisionSource.LocalFallback)
        {
            _fallback.Release(partition, cost, decision);
            return;
        }

        if (decision.Source == RateLimitDecisionSource.Store && decision.LeaseId is { } leaseId)
        {
            _ = ReleaseAsync(Data(partition), leaseId, cost);
        }
    }

    private async Task ReleaseAsync(PartitionData data, string leaseId, long cost)
    {
        try
        {
            await EvaluateAsync(s_releaseSha, s_releaseScript, data.ConcurrencyKeys, [leaseId, cost], _timeProvider.GetTimestamp()).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _metrics.StoreError(ErrorType(ex));
            RateLimitingLog.ReleaseFailed(_logger, ErrorType(ex));
        }
    }

    /// <summary>
    /// EVALSHA within the time budget of a call that started at <paramref name="start"/> (not sent at all when that budget is
    /// already spent); on NOSCRIPT (a restarted or flushed server) EVAL, which caches the script again.
    /// </summary>
    private async Task<RedisResult> EvaluateAsync(byte[] sha, string script, RedisKey[] keys, RedisValue[] args, long start)
    {
        if (BudgetSpent(start, _timeProvider.GetTimestamp()))
        {
            throw new TimeoutException("The rate-limit time budget ran out before Redis could be asked.");
        }

        var deadline = start + _budgetTicks;
        var db = _connection.Multiplexer.GetDatabase();
        try
        {
            return await WithinBudget(db.ScriptEvaluateAsync(sha, keys, args), deadline).ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            RateLimitingLog.ScriptReloaded(_logger);
            return await WithinBudget(db.ScriptEvaluateAsync(script, keys, args), deadline).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Completes with <paramref name="call"/>, or throws <see cref="TimeoutException"/> when the budget runs out first (at the
    /// timestamp <paramref name="deadline"/>). Calls share one timer per 2 ms slot (instead of one timer each), so a call may get
    /// up to 2 ms less than the budget, never more.
    /// </summary>
    private Task<RedisResult> WithinBudget(Task<RedisResult> call, long deadline)
    {
        if (call.IsCompleted)
        {
            return call;
        }

        return WaitAsync(call, SharedDeadline(deadline));
    }

    private static async Task<RedisResult> WaitAsync(Task<RedisResult> call, Task deadline)
    {
        if (await Task.WhenAny(call, deadline).ConfigureAwait(false) != call)
        {
            // The late answer (or error) is observed and dropped.
            Abandon(call);
            throw new TimeoutException("Redis did not answer within the rate-limit time budget.");
        }

        return await call.ConfigureAwait(false);
    }

    /// <summary>A task that completes at the start of the 2 ms slot holding <paramref name="deadline"/> (a timestamp), shared by the calls of that slot.</summary>
    private Task SharedDeadline(long deadline)
    {
        var slot = deadline / _slotTicks;
        var current = Volatile.Read(ref _deadline);
        if (current is not null && current.Slot == slot)
        {
            return current.Expired;
        }

        var wait = (slot * _slotTicks) - _timeProvider.GetTimestamp();
        var fresh = new DeadlineSlot(slot, wait <= 0 ? Task.CompletedTask : Task.Delay(TimeSpan.FromSeconds(wait / (double)_timeProvider.TimestampFrequency), _timeProvider));
        var raced = Interlocked.CompareExchange(ref _deadline, fresh, current);
        return raced == current ? fresh.Expired : raced!.Expired;
    }

    private sealed class DeadlineSlot(long slot, Task expired)
    {
        public long Slot { get; } = slot;

        public Task Expired { get; } = expired;
    }

    private void OnFailure(Exception ex, CompiledRateLimitPolicy policy) => OnBatchFailure(ex, policy, 1);

    /// <summary>The policy's failure mode answers a decision the store could not make.</summary>
    internal RateLimitDecision Fallback(ApiGuardRateLimiter partition, long cost, Exception? error)
    {
        _ = error;
        var policy = partition.Policy;
        _metrics.Fallback(policy.Name, policy.FailureMode);
        return policy.FailureMode switch
        {
            RateLimitFailureMode.FailOpen => RateLimitDecision.Open(RateLimitDecisionSource.FailOpen),
            RateLimitFailureMode.FailClosed => new RateLimitDecision(false, 0, 0, 0, 0, RateLimitDecisionSource.FailClosed),
            _ => _fallback.DecideLocal(partition, cost, RateLimitDecisionSource.LocalFallback),
        };
    }

    private static string ErrorType(Exception ex) => ex switch
    {
        TimeoutException => "timeout",
        RedisConnectionException => "connection",
        RedisServerException => "server",
        _ => ex.GetType().Name,
    };

    private PartitionData Data(ApiGuardRateLimiter partition)
    {
        if (partition.StoreData is PartitionData data)
        {
            return data;
        }

        var policy = partition.Policy;
        var gcra = !policy.Approximate && policy.Limits.Length == 1 && policy.Limits[0].Algorithm == RateLimitAlgorithm.Gcra
            ? GcraArgumentsOf(policy)
            : null;
        data = new PartitionData(_connection.KeyPrefix, partition, gcra, gcra is null ? LimitArguments(policy) : []);
        return Interlocked.CompareExchange(ref partition.StoreData, data, null) as PartitionData ?? data;
    }

    /// <summary><c>gcra.lua</c>'s arguments of a single-GCRA-limit policy, formatted once per policy (kept in its store slot).</summary>
    private static GcraArguments GcraArgumentsOf(CompiledRateLimitPolicy policy)
    {
        if (policy.StoreData is GcraArguments cached)
        {
            return cached;
        }

        var fresh = new GcraArguments(policy.Limits[0]);
        return Interlocked.CompareExchange(ref policy.StoreData, fresh, null) as GcraArguments ?? fresh;
    }

    /// <summary>The 4 script arguments of each of a policy's limits (<c>ratelimit.lua</c>), formatted once per policy.</summary>
    private static RedisValue[] LimitArguments(CompiledRateLimitPolicy policy)
    {
        if (policy.StoreData is RedisValue[] cached)
        {
            return cached;
        }

        var limits = policy.Limits;
        var args = new RedisValue[limits.Length * 4];
        for (var i = 0; i < limits.Length; i++)
        {
            var l = limits[i];
            args[i * 4] = Encoding.ASCII.GetBytes(l.Code);
            args[(i * 4) + 1] = Encoding.ASCII.GetBytes(l.Limit.ToString(CultureInfo.InvariantCulture));
            args[(i * 4) + 2] = Encoding.ASCII.GetBytes(l.WindowMs.ToString("R", CultureInfo.InvariantCulture));
            args[(i * 4) + 3] = Encoding.ASCII.GetBytes(l.Extra.ToString("R", CultureInfo.InvariantCulture));
        }

        return Interlocked.CompareExchange(ref policy.StoreData, args, null) as RedisValue[] ?? args;
    }

    private static string NewLeaseId()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    /// <summary>The Redis key of one limit of a partition: <c>{prefix}:rl:v1:{policy}:{algorithm}:{hash}</c>, the hash in a hash tag.</summary>
    internal static string Key(string prefix, CompiledRateLimitPolicy policy, CompiledRateLimit limit, string hashTag) =>
        $"{prefix}:rl:v1:{policy.KeyName}:{limit.KeySegment}:{{{hashTag}}}";

    /// <summary>The hash tag of a partition key: hex of the first 16 bytes of its SHA-256.</summary>
    internal static string HashTag(string partitionKey)
    {
        var max = Encoding.UTF8.GetMaxByteCount(partitionKey.Length);
        byte[]? rented = null;
        Span<byte> buffer = max <= 512 ? stackalloc byte[512] : (rented = System.Buffers.ArrayPool<byte>.Shared.Rent(max));
        try
        {
            var n = Encoding.UTF8.GetBytes(partitionKey, buffer);
            Span<byte> hash = stackalloc byte[32];
            SHA256.HashData(buffer[..n], hash);
            return Convert.ToHexStringLower(hash[..16]);
        }
        finally
        {
            if (rented is not null)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static string ReadScript(string name)
    {
        var assembly = typeof(RedisRateLimitStore).Assembly;
        var resource = assembly.GetManifestResourceNames().Single(n => n.EndsWith("RateLimiting.Scripts." + name, StringComparison.Ordinal));
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

#pragma warning disable CA5350 // SHA-1 is what Redis names scripts by (EVALSHA); not a security use.
    private static byte[] Sha1(string script) => SHA1.HashData(Encoding.UTF8.GetBytes(script));
#pragma warning restore CA5350

    /// <summary>The script arguments of a single-GCRA-limit policy, formatted once: emission interval T and tolerance tau (ms).</summary>
    internal sealed class GcraArguments(CompiledRateLimit limit)
    {
        public RedisValue EmissionInterval { get; } = Format(limit.WindowMs / limit.Limit);

        public RedisValue Tolerance { get; } = Format(limit.WindowMs / limit.Limit * limit.Burst);

        private static RedisValue Format(double value) => Encoding.ASCII.GetBytes(value.ToString("R", CultureInfo.InvariantCulture));
    }

    /// <summary>What the store keeps per partition: its keys (UTF-8, encoded once), GCRA arguments, and in approximate mode its local view.</summary>
    internal sealed class PartitionData
    {
        public PartitionData(string prefix, ApiGuardRateLimiter partition, GcraArguments? gcra, RedisValue[] limitArgs)
        {
            LimitArgs = limitArgs;
            var tag = HashTag(partition.PartitionKey);
            var policy = partition.Policy;
            GcraArgs = gcra;
            Keys = new RedisKey[policy.Limits.Length];
            var concurrency = new List<RedisKey>();
            for (var i = 0; i < Keys.Length; i++)
            {
                Keys[i] = Encoding.UTF8.GetBytes(Key(prefix, policy, policy.Limits[i], tag));
                if (policy.Limits[i].Algorithm == RateLimitAlgorithm.Concurrency)
                {
                    concurrency.Add(Keys[i]);
                }
            }

            ConcurrencyKeys = [.. concurrency];
        }

        public RedisKey[] Keys { get; }

        /// <summary>Set for a policy with exactly one GCRA limit (not approximate): decided by <c>Scripts/gcra.lua</c>.</summary>
        public GcraArguments? GcraArgs { get; }

        /// <summary>For every other policy: the 4 <c>ratelimit.lua</c> arguments of each limit.</summary>
        public RedisValue[] LimitArgs { get; }

        public RedisKey[] ConcurrencyKeys { get; }

        public bool HasView;
        public bool Syncing;
        public long LastSync;
        public long Remaining;
        public long Pending;
        public int Index;
        public double ResetMs;
        public double RetryMs;
    }
}
