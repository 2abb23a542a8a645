using System.Globalization;
using ApiGuard.Identity;
using ApiGuard.Monitoring;
using ApiGuard.Problems;
using ApiGuard.Replay;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ApiGuard.BruteForce;

/// <summary>
/// The default <see cref="IBruteForceGuard"/>. Applies the mode (DetectOnly allows and reports <c>WouldBlock</c>), the store
/// failure policy (a local in-memory store, allow, or 503), and publishes events for refusals, new blocks and patterns.
/// </summary>
internal sealed partial class BruteForceGuard : IBruteForceGuard
{
    private const long StoreErrorLogIntervalMs = 10_000;
    private const long StoreRetryIntervalMs = 5_000;
    private readonly IBruteForceStore _store;
    private readonly InMemoryBruteForceStore _local;
    private readonly BruteForceOptions _options;
    private readonly IOptionsMonitor<ApiGuardOptions> _global;
    private readonly BruteForceKeyHasher _hasher;
    private readonly ApiGuardModeResolver _modes;
    private readonly IClientIdentityResolver _identity;
    private readonly ISecurityEventPublisher _events;
    private readonly BruteForceMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private long _nextStoreErrorLog;
    private long _storeBypassUntil;
    private int _pendingObservations;

    public BruteForceGuard(
        IBruteForceStore store,
        IOptions<BruteForceOptions> options,
        IOptionsMonitor<ApiGuardOptions> global,
        BruteForceKeyHasher hasher,
        ApiGuardModeResolver modes,
        IClientIdentityResolver identity,
        ISecurityEventPublisher events,
        BruteForceMetrics metrics,
        TimeProvider time,
        ILogger<BruteForceGuard> logger)
    {
        _store = store;
        _local = store as InMemoryBruteForceStore ?? new InMemoryBruteForceStore(options);
        _options = options.Value;
        _global = global;
        _hasher = hasher;
        _modes = modes;
        _identity = identity;
        _events = events;
        _metrics = metrics;
        _time = time;
        _logger = logger;
    }

    /// <summary>Observed failures whose recording has not finished yet.</summary>
    internal int PendingObservations => Volatile.Read(ref _pendingObservations);

    public async ValueTask<BruteForceDecision> CheckAsync(HttpContext context, string? account, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_modes.IsDisabled(context, ApiGuardCapabilities.BruteForce))
        {
            return BruteForceDecision.Allowed;
        }

        var key = _hasher.Create(_identity.ResolveAddress(context).AddressKey, account);
        var now = _time.GetUtcNow();
        var mode = _modes.Resolve(context, ApiGuardCapabilities.BruteForce, _options.Mode);
        var (state, available) = await GetStateCoreAsync(key, now, cancellationToken).ConfigureAwait(false);
        if (!available)
        {
            return _options.StoreFailurePolicy == BruteForceStoreFailurePolicy.FailClosed && mode == ApiGuardMode.Enforce
                ? new BruteForceDecision(false, TimeSpan.Zero, BruteForceScope.None, false, false, false, storeUnavailable: true)
                : BruteForceDecision.Allowed;
        }

        var retryAfter = TimeSpan.FromMilliseconds(state.RetryAtUnixMs - now.ToUnixTimeMilliseconds());
        if (retryAfter <= TimeSpan.Zero)
        {
            return state.AccountUnderAttack && !state.Trusted
                ? new BruteForceDecision(true, TimeSpan.Zero, BruteForceScope.None, false, accountUnderAttack: true, false, false)
                : BruteForceDecision.Allowed;
        }

        var detectOnly = mode == ApiGuardMode.DetectOnly;
        var action = detectOnly ? SecurityAction.WouldBlock : state.Blocked ? SecurityAction.Blocked : SecurityAction.Throttled;
        _metrics.Rejection(state.Scope, action);
        Log.AttemptRefused(_logger, BruteForceMetrics.ScopeTag(state.Scope), (long)Math.Ceiling(retryAfter.TotalSeconds),
            BruteForceKeyHasher.LogPrefix(key.Account), BruteForceKeyHasher.LogPrefix(key.Address), detectOnly);
        _events.Publish(new SecurityEvent
        {
            Capability = ApiGuardCapabilities.BruteForce,
            Kind = state.Blocked ? BruteForceDefaults.BlockedKind : BruteForceDefaults.ThrottledKind,
            Severity = state.Blocked ? SecuritySeverity.Medium : SecuritySeverity.Low,
            Action = action,
            RuleId = BruteForceMetrics.ScopeTag(state.Scope),
            Reason = state.Blocked ? "Temporarily blocked after too many failed attempts." : "Progressive delay after failed attempts.",
            Properties = Properties(key, ("retry_after_s", Seconds(retryAfter))),
        }, context);

        return new BruteForceDecision(detectOnly, retryAfter, state.Scope, state.Blocked, state.AccountUnderAttack, detectOnly, false);
    }

    public async ValueTask<BruteForceDecision> RecordFailureAsync(HttpContext context, string? account, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        MarkRecorded(context);
        if (_modes.IsDisabled(context, ApiGuardCapabilities.BruteForce))
        {
            return BruteForceDecision.Allowed;
        }

        var key = _hasher.Create(_identity.ResolveAddress(context).AddressKey, account);
        var mode = _modes.Resolve(context, ApiGuardCapabilities.BruteForce, _options.Mode);
        var now = _time.GetUtcNow();
        var result = await RecordCoreAsync(key, now, mode, context, null, "app", cancellationToken).ConfigureAwait(false);
        var retryAfter = TimeSpan.FromMilliseconds(result.State.RetryAtUnixMs - now.ToUnixTimeMilliseconds());
        if (retryAfter <= TimeSpan.Zero)
        {
            return BruteForceDecision.Allowed;
        }

        var detectOnly = mode == ApiGuardMode.DetectOnly;
        return new BruteForceDecision(detectOnly, retryAfter, result.State.Scope, result.State.Blocked, result.State.AccountUnderAttack, detectOnly, false);
    }

    public async ValueTask RecordSuccessAsync(HttpContext context, string account, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(account);
        MarkRecorded(context);
        if (_modes.IsDisabled(context, ApiGuardCapabilities.BruteForce))
        {
            return;
        }

        var key = _hasher.Create(_identity.ResolveAddress(context).AddressKey, account);
        var now = _time.GetUtcNow();
        if (!StoreBypassed())
        {
            try
            {
                await _store.RecordSuccessAsync(key, now, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (ApiGuardStoreUnavailableException ex)
            {
                StoreFailed(ex);
            }
        }

        if (_options.StoreFailurePolicy == BruteForceStoreFailurePolicy.FallbackToLocal)
        {
            await _local.RecordSuccessAsync(key, now, cancellationToken).ConfigureAwait(false);
        }
    }

    public Task WriteRejectionAsync(HttpContext context, BruteForceDecision decision)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(decision);
        if (decision.StoreUnavailable)
        {
            return ApiGuardProblemWriter.WriteAsync(context, new ApiGuardProblem(
                ApiGuardProblemTypes.ServiceUnavailable, StatusCodes.Status503ServiceUnavailable, "Service unavailable",
                "The request cannot be decided right now. Try again later."));
        }

        context.Response.Headers.RetryAfter = Seconds(decision.RetryAfter);
        return ApiGuardProblemWriter.WriteAsync(context, new ApiGuardProblem(
            ApiGuardProblemTypes.TooManyAttempts, StatusCodes.Status429TooManyRequests, "Too many attempts",
            "Too many failed attempts. Wait for the time given in Retry-After before trying again."));
    }

    /// <summary>
    /// Counts an authentication failure published by another ApiGuard capability. Called synchronously from the event observer:
    /// never blocks and never throws; a store that answers asynchronously finishes in the background (bounded).
    /// </summary>
    internal void Observe(SecurityEvent failure, HttpContext? context)
    {
        if (context is not null && _modes.IsDisabled(context, ApiGuardCapabilities.BruteForce))
        {
            return;
        }

        if (Interlocked.Increment(ref _pendingObservations) > _options.MaxPendingObservations)
        {
            Interlocked.Decrement(ref _pendingObservations);
            _metrics.ObservationDropped();
            return;
        }

        ValueTask<BruteForceFailureResult> pending;
        try
        {
            var addressKey = context is null ? null : _identity.ResolveAddress(context).AddressKey;
            var key = _hasher.Create(addressKey, AccountOf(failure.ClientId));
            var mode = context is null ? _options.Mode ?? _global.CurrentValue.Mode : _modes.Resolve(context, ApiGuardCapabilities.BruteForce, _options.Mode);
            pending = RecordCoreAsync(key, _time.GetUtcNow(), mode, null, failure, "handler", CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Interlocked.Decrement(ref _pendingObservations);
            Log.ObservationFailed(_logger, ex);
            return;
        }

        if (pending.IsCompletedSuccessfully)
        {
            Interlocked.Decrement(ref _pendingObservations);
            return;
        }

        _ = CompleteObservationAsync(pending);
    }

    /// <summary>The account of an observed failure: the client id unless it only names an address.</summary>
    internal static string? AccountOf(string? clientId) =>
        clientId is null || clientId == "unknown" || clientId.StartsWith("ip:", StringComparison.Ordinal) ? null : clientId;

    private async Task CompleteObservationAsync(ValueTask<BruteForceFailureResult> pending)
    {
        try
        {
            await pending.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Log.ObservationFailed(_logger, ex);
        }
        finally
        {
            Interlocked.Decrement(ref _pendingObservations);
        }
    }

    // context: the live request, when the caller awaits the result within it;
    // origin: the observed event, for request fields when no live request is passed.
    private async ValueTask<BruteForceFailureResult> RecordCoreAsync(
        BruteForceKey key, DateTimeOffset now, ApiGuardMode mode, HttpContext? context, SecurityEvent? origin, string source, CancellationToken cancellationToken)
    {
        BruteForceFailureResult result = default;
        var recorded = false;
        if (!StoreBypassed())
        {
            try
            {
                result = await _store.RecordFailureAsync(key, now, cancellationToken).ConfigureAwait(false);
                recorded = true;
            }
            catch (ApiGuardStoreUnavailableException ex)
            {
                StoreFailed(ex);
            }
        }

        if (!recorded)
        {
            if (_options.StoreFailurePolicy != BruteForceStoreFailurePolicy.FallbackToLocal)
            {
                return default;
            }

            result = await _local.RecordFailureAsync(key, now, cancellationToken).ConfigureAwait(false);
        }

        _metrics.Failure(source);
        var detectOnly = mode == ApiGuardMode.DetectOnly;
        if (result.NewBlock != BruteForceScope.None)
        {
            var blockDuration = result.NewBlock switch
            {
                BruteForceScope.Pair => _options.Pair.BlockDuration,
                BruteForceScope.Address => _options.Address.BlockDuration,
                _ => _options.Account.BlockDuration,
            };
            Log.BlockStarted(_logger, BruteForceMetrics.ScopeTag(result.NewBlock), (long)blockDuration.TotalSeconds,
                BruteForceKeyHasher.LogPrefix(key.Account), BruteForceKeyHasher.LogPrefix(key.Address));
            Publish(context, origin, new SecurityEvent
            {
                Capability = ApiGuardCapabilities.BruteForce,
                Kind = BruteForceDefaults.BlockStartedKind,
                Severity = SecuritySeverity.Medium,
                Action = detectOnly ? SecurityAction.WouldBlock : SecurityAction.Blocked,
                RuleId = BruteForceMetrics.ScopeTag(result.NewBlock),
                Reason = "Too many failed attempts: temporary block started.",
                Properties = Properties(key, ("block_s", Seconds(blockDuration))),
            });
        }

        var throttled = result.State.RetryAtUnixMs > now.ToUnixTimeMilliseconds();
        var patternAction = !throttled ? SecurityAction.Allowed : detectOnly ? SecurityAction.WouldBlock : SecurityAction.Throttled;
        if (result.StuffingDetected)
        {
            _metrics.Pattern(BruteForceDefaults.CredentialStuffingKind);
            Log.StuffingDetected(_logger, BruteForceKeyHasher.LogPrefix(key.Address), result.DistinctAccounts);
            Publish(context, origin, new SecurityEvent
            {
                Capability = ApiGuardCapabilities.BruteForce,
                Kind = BruteForceDefaults.CredentialStuffingKind,
                Severity = SecuritySeverity.High,
                Action = patternAction,
                RuleId = "distinct-accounts-per-address",
                Reason = "One client failed on many distinct accounts (credential stuffing).",
                Score = result.DistinctAccounts,
                Properties = Properties(key, ("distinct_accounts", result.DistinctAccounts.ToString(CultureInfo.InvariantCulture))),
            });
        }

        if (result.SprayingDetected)
        {
            _metrics.Pattern(BruteForceDefaults.PasswordSprayingKind);
            Log.SprayingDetected(_logger, BruteForceKeyHasher.LogPrefix(key.Account), result.DistinctAddresses);
            Publish(context, origin, new SecurityEvent
            {
                Capability = ApiGuardCapabilities.BruteForce,
                Kind = BruteForceDefaults.PasswordSprayingKind,
                Severity = SecuritySeverity.High,
                Action = patternAction,
                RuleId = "distinct-addresses-per-account",
                Reason = "One account failed from many distinct clients (password spraying or a distributed attack).",
                Score = result.DistinctAddresses,
                Properties = Properties(key, ("distinct_addresses", result.DistinctAddresses.ToString(CultureInfo.InvariantCulture))),
            });
        }

        return result;
    }

    private void Publish(HttpContext? context, SecurityEvent? origin, SecurityEvent e)
    {
        if (context is null && origin is not null)
        {
            e = e with { ClientId = origin.ClientId, Route = origin.Route, Method = origin.Method, TraceId = origin.TraceId };
        }

        _events.Publish(e, context);
    }

    private static void MarkRecorded(HttpContext context)
    {
        if (context.Features.Get<BruteForceFeature>() is { } feature)
        {
            feature.Recorded = true;
        }
    }

    private static Dictionary<string, string> Properties(BruteForceKey key, (string Name, string Value) extra)
    {
        var properties = new Dictionary<string, string>(3, StringComparer.Ordinal) { [extra.Name] = extra.Value };
        if (key.Account is not null)
        {
            properties["account_hash"] = BruteForceKeyHasher.LogPrefix(key.Account);
        }

        if (key.Address is not null)
        {
            properties["address_hash"] = BruteForceKeyHasher.LogPrefix(key.Address);
        }

        return properties;
    }

    private static string Seconds(TimeSpan span) =>
        Math.Max(1, (long)Math.Ceiling(span.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    /// <summary>The state from the shared store, else per the failure policy: local, or not available.</summary>
    private async ValueTask<(BruteForceState State, bool Available)> GetStateCoreAsync(BruteForceKey key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!StoreBypassed())
        {
            try
            {
                return (await _store.GetStateAsync(key, now, cancellationToken).ConfigureAwait(false), true);
            }
            catch (ApiGuardStoreUnavailableException ex)
            {
                StoreFailed(ex);
            }
        }

        return _options.StoreFailurePolicy == BruteForceStoreFailurePolicy.FallbackToLocal
            ? (await _local.GetStateAsync(key, now, cancellationToken).ConfigureAwait(false), true)
            : (default, false);
    }

    /// <summary>
    /// Whether the shared store failed within the last <see cref="StoreRetryIntervalMs"/>: calls skip it and apply the failure
    /// policy at once, so an outage costs one time budget per interval instead of one per request.
    /// </summary>
    private bool StoreBypassed() => _time.GetTimestamp() < Interlocked.Read(ref _storeBypassUntil);

    private void StoreFailed(ApiGuardStoreUnavailableException ex)
    {
        _metrics.StoreError(ex.InnerException?.GetType().Name ?? nameof(ApiGuardStoreUnavailableException));
        var now = _time.GetTimestamp();
        Interlocked.Exchange(ref _storeBypassUntil, now + (long)(StoreRetryIntervalMs * _time.TimestampFrequency / 1000.0));
        var next = Interlocked.Read(ref _nextStoreErrorLog);
        if (now >= next && Interlocked.CompareExchange(ref _nextStoreErrorLog, now + (long)(StoreErrorLogIntervalMs * _time.TimestampFrequency / 1000.0), next) == next)
        {
            Log.StoreUnavailable(_logger, _options.StoreFailurePolicy, ex);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(ApiGuardEventIds.BruteForceBase + 1, LogLevel.Warning,
            "The brute-force store did not answer; applying the failure policy {Policy}.", EventName = "BruteForceStoreUnavailable")]
        public static partial void StoreUnavailable(ILogger logger, BruteForceStoreFailurePolicy policy, Exception exception);

        [LoggerMessage(ApiGuardEventIds.BruteForceBase + 2, LogLevel.Debug,
            "Brute-force {Scope} limit: attempt refused for {RetryAfterSeconds} s (account hash {AccountHash}, address hash {AddressHash}, detect only {DetectOnly}).",
            EventName = "BruteForceAttemptRefused")]
        public static partial void AttemptRefused(ILogger logger, string scope, long retryAfterSeconds, string accountHash, string addressHash, bool detectOnly);

        [LoggerMessage(ApiGuardEventIds.BruteForceBase + 3, LogLevel.Warning,
            "Brute-force block started at the {Scope} level for {BlockSeconds} s (account hash {AccountHash}, address hash {AddressHash}).",
            EventName = "BruteForceBlockStarted")]
        public static partial void BlockStarted(ILogger logger, string scope, long blockSeconds, string accountHash, string addressHash);

        [LoggerMessage(ApiGuardEventIds.BruteForceBase + 4, LogLevel.Warning,
            "Credential stuffing: address hash {AddressHash} failed on about {DistinctAccounts} distinct accounts.", EventName = "CredentialStuffingDetected")]
        public static partial void StuffingDetected(ILogger logger, string addressHash, int distinctAccounts);

        [LoggerMessage(ApiGuardEventIds.BruteForceBase + 5, LogLevel.Warning,
            "Password spraying: account hash {AccountHash} failed from about {DistinctAddresses} distinct clients.", EventName = "PasswordSprayingDetected")]
        public static partial void SprayingDetected(ILogger logger, string accountHash, int distinctAddresses);

        [LoggerMessage(ApiGuardEventIds.BruteForceBase + 6, LogLevel.Error,
            "Recording an observed authentication failure failed.", EventName = "BruteForceObservationFailed")]
        public static partial void ObservationFailed(ILogger logger, Exception exception);
    }
}
