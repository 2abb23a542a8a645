using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using Microsoft.Extensions.Options;

namespace ApiGuard.Bots;

/// <summary>
/// The behaviour profiles of clients: a fixed-size, set-associative table (8 ways per bucket, one lock per bucket) allocated
/// once at <see cref="BotDetectionOptions.Capacity"/> slots. Updating a profile is O(1) and allocates nothing.
/// When a bucket is full the least valuable profile is evicted: one with no action in force, the lowest score, seen least recently.
/// Memory is therefore bounded by the capacity whatever the number of distinct (spoofed) client ids.
/// </summary>
internal sealed class BehaviourProfileTable
{
    internal const int Ways = 8;

    /// <summary>Object-id trackers per client, indexed by route hash (routes hashing alike share one, adding up their ids).</summary>
    internal const int TrackersPerClient = 4;

    /// <summary>Routes per client whose last numeric id is followed for sequential walks.</summary>
    internal const int SequenceRoutes = 4;
    private const float PointsPerReason = 30f;
    private const float MaxMultiple = 3f;
    private const float FastTauMs = 1000f;

    private static readonly float[] s_linear64 = LinearCounts(64);
    private static readonly float[] s_linear256 = LinearCounts(256);
    private static readonly int s_metaBytes = Unsafe.SizeOf<SlotMeta>();
    private static readonly int s_slotBytes = Unsafe.SizeOf<ProfileSlot>();

    private readonly ProfileSlot[] _slots;
    private readonly string?[] _keys; // each slot's client id, apart: profiles hold no references, so replacing one is plain stores
    private readonly SlotMeta[] _meta;
    private readonly BucketState[] _buckets;
    private readonly int _bucketMask;
    private readonly BotFlowRule[] _rules;
    private readonly FlowState[] _flows;
    private readonly ObjectIdTracker[] _objects;
    private readonly BotClassOptions[] _classes;
    private readonly ClassLimits[] _limits;
    private readonly TimeProvider _time;
    private readonly BotTimelines _timelines;
    private readonly float _windowMs;
    private readonly float _minRequestsForRatios;
    private readonly long _throttleMs;
    private readonly long _challengeMs;
    private readonly long _blockMs;
    private int _count;

    public BehaviourProfileTable(IOptions<BotDetectionOptions> options, TimeProvider time)
    {
        var o = options.Value;
        _time = time;
        var capacity = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(o.Capacity, Ways));
        var buckets = capacity / Ways;
        _bucketMask = buckets - 1;
        _slots = new ProfileSlot[capacity];
        _keys = new string?[capacity];
        _meta = new SlotMeta[capacity];
        _buckets = new BucketState[buckets];
        for (var i = 0; i < buckets; i++)
        {
            _buckets[i].Gate = new SpinLock(enableThreadOwnerTracking: false);
        }

        _objects = new ObjectIdTracker[capacity * TrackersPerClient];
        _rules = [.. o.FlowRules];
        _flows = _rules.Length == 0 ? [] : new FlowState[capacity * _rules.Length];
        _classes = [o.Anonymous, o.Known, o.Verified];
        _limits = [new(o.Anonymous), new(o.Known), new(o.Verified)];
        _timelines = new BotTimelines(o.TimelineClients, o.TimelineLength);
        _windowMs = (float)o.Window.TotalMilliseconds;
        _minRequestsForRatios = o.MinRequestsForRatios;
        _throttleMs = (long)o.ThrottleDuration.TotalMilliseconds;
        _challengeMs = (long)o.ChallengeDuration.TotalMilliseconds;
        _blockMs = (long)o.BlockDuration.TotalMilliseconds;
        ObjectIdParameters = o.ObjectIdParameters.Count == 0 ? [] : [.. o.ObjectIdParameters];
    }

    /// <summary>The number of slots (the bound on profiles held).</summary>
    public int Capacity => _slots.Length;

    /// <summary>Profiles currently held.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Profiles evicted to make room.</summary>
    public long Evictions
    {
        get
        {
            long total = 0;
            for (var i = 0; i < _buckets.Length; i++)
            {
                total += Volatile.Read(ref _buckets[i].Evictions);
            }

            return total;
        }
    }

    /// <summary>The flow rules, in order.</summary>
    public IReadOnlyList<BotFlowRule> Rules => _rules;

    public string[] ObjectIdParameters { get; }

    internal BotTimelines Timelines => _timelines;

    /// <summary>The bytes the table's own arrays hold (allocated once at construction): the proof of the memory bound, client id strings aside.</summary>
    public long FixedBytes =>
        ((long)_slots.Length * (Unsafe.SizeOf<ProfileSlot>() + Unsafe.SizeOf<SlotMeta>() + IntPtr.Size)) + ((long)_flows.Length * Unsafe.SizeOf<FlowState>()) +
        ((long)_objects.Length * Unsafe.SizeOf<ObjectIdTracker>());

    public long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Records one request and re-evaluates the client. O(1), allocation-free.</summary>
    public BotDecision Record(in RequestObservation o, bool detectOnly)
    {
        var hash = o.ClientId.GetHashCode();
        var bucket = hash & _bucketMask;

        // The bucket's metadata starts coming from memory while the clock is read.
        PrefetchMeta(bucket);
        var now = NowMs;
        using (Enter(bucket))
        {
            var index = Choose(bucket, o.ClientId, hash, now, out var found);
            if (found)
            {
                return Update(ref _slots[index], index, in o, now, detectOnly);
            }

            // A new client: its profile is built on the stack and written to the table once, with stores only (the evicted
            // profile is never read, and no load waits for the slot's cache lines).
            PrefetchSlot(index);
            Claim(index, o.ClientId, hash, now);
            var fresh = NewProfile(now);
            try
            {
                return Update(ref fresh, index, in o, now, detectOnly);
            }
            finally
            {
                _slots[index] = fresh; // whatever happens, the claimed slot never keeps the evicted client's profile
            }
        }
    }

    /// <summary>Adds one request to a profile and re-evaluates it (under the bucket's lock).</summary>
    private BotDecision Update(ref ProfileSlot s, int index, in RequestObservation o, long now, bool detectOnly)
    {
        Advance(ref s, index, now);
        s.Class = o.ClientClass;
        s.LastSeenMs = now;
        s.TotalRequests++;
        s.Requests += 1;
        s.Fast += 1;

        var status = o.StatusCode;
        var notable = status >= 400;
        switch (status)
        {
            case 401:
                s.Unauthorized += 1;
                s.Errors += 1;
                break;
            case 403:
                s.Forbidden += 1;
                s.Errors += 1;
                break;
            case 404:
                s.NotFound += 1;
                s.Errors += 1;
                if (o.Route is null)
                {
                    s.Unmatched += 1;
                    s.UnmatchedBits |= Bit64(o.Path);
                }

                break;
            case 429:
                s.TooMany += 1;
                break;
            case >= 500:
                s.ServerErrors += 1;
                s.Errors += 1;
                break;
        }

        if (IsUnusualMethod(o.Method))
        {
            s.UnusualMethods += 1;
            notable = true;
        }

        if (o.Route is not null)
        {
            var routeHash = Mix(o.Route.GetHashCode());
            var routeBit = 1UL << (int)(routeHash & 63);
            if ((s.RouteBits & routeBit) == 0)
            {
                s.RouteBits |= routeBit;
                s.Routes = Linear64(s.RouteBits);
            }

            if (o.ObjectId is not null)
            {
                TrackObjectId(ref s, index, o.Route, routeHash, o.ObjectId);
            }
        }

        var flowAction = BotAction.Allow;
        if (_rules.Length > 0)
        {
            flowAction = EvaluateFlows(ref s, index, in o, now);
        }

        var decision = Decide(ref s, now, detectOnly, flowAction);
        ref var meta = ref _meta[index];
        meta.LastSeenMs = now;
        meta.Score = s.Score;
        meta.ActiveUntilMs = s.Action == BotAction.Allow ? 0 : s.ActionUntilMs;
        if (notable || decision.Changed)
        {
            WriteTimeline(ref s, now, "request", o.Method, o.Route ?? o.Path, status, null);
        }

        return decision;
    }

    /// <summary>Records another capability's event about a client (from the observer). O(1), allocation-free.</summary>
    public void RecordSignal(string clientId, ObservedSignal signal, string kind, string? method, string? route, string? ruleId)
    {
        var now = NowMs;
        var hash = clientId.GetHashCode();
        var bucket = hash & _bucketMask;
        using (Enter(bucket))
        {
            var index = FindOrInsert(bucket, clientId, hash, now);
            ref var s = ref _slots[index];
            Advance(ref s, index, now);
            s.LastSeenMs = now;
            _meta[index].LastSeenMs = now;
            switch (signal)
            {
                case ObservedSignal.AuthenticationFailed:
                    s.AuthFailures += 1;
                    break;
                case ObservedSignal.Injection:
                    s.Injection += 1;
                    break;
                case ObservedSignal.RateLimited:
                    s.RateLimited += 1;
                    break;
                case ObservedSignal.BruteForce:
                    s.BruteForce += 1;
                    break;
            }

            WriteTimeline(ref s, now, kind, method, route, 0, ruleId);
        }
    }

    /// <summary>The action in force for a client, if any. O(1), allocation-free.</summary>
    public bool TryGetAction(string clientId, out BotActionState state)
    {
        var now = NowMs;
        var hash = clientId.GetHashCode();
        var bucket = hash & _bucketMask;
        using (Enter(bucket))
        {
            var index = Find(bucket, clientId, hash);
            if (index >= 0)
            {
                ref var s = ref _slots[index];
                if (s.Action != BotAction.Allow && now < s.ActionUntilMs)
                {
                    state = new BotActionState(s.Action, s.ActionUntilMs, s.ActionDetectOnly, s.ActionShared, s.ActionScore, s.ActionReasons);
                    return true;
                }
            }
        }

        state = default;
        return false;
    }

    /// <summary>Notes that the client's block is held by the shared ban list, which then decides alone (so an unban anywhere lifts it).</summary>
    public void MarkShared(string clientId)
    {
        var hash = clientId.GetHashCode();
        var bucket = hash & _bucketMask;
        using (Enter(bucket))
        {
            var index = Find(bucket, clientId, hash);
            if (index >= 0 && _slots[index].Action == BotAction.Block)
            {
                _slots[index].ActionShared = true;
            }
        }
    }

    /// <summary>Adds a decision (or an admin action) to the client's timeline.</summary>
    public void AddTimelineEntry(string clientId, string kind, string? detail)
    {
        var now = NowMs;
        var hash = clientId.GetHashCode();
        var bucket = hash & _bucketMask;
        using (Enter(bucket))
        {
            var index = FindOrInsert(bucket, clientId, hash, now);
            ref var s = ref _slots[index];
            WriteTimeline(ref s, now, kind, null, null, 0, detail);
            _timelines.Protect(s.TimelineIndex, s.TimelineGeneration, true);
        }
    }

    /// <summary>Forgets a client's behaviour and action (after an unban), keeping its timeline.</summary>
    public bool Reset(string clientId) => ResetIfBefore(clientId, long.MaxValue);

    /// <summary>
    /// Forgets a client's behaviour and action, keeping its timeline, unless the profile was created or last reset at or after
    /// <paramref name="unixMs"/> (a ban lifted on another node at that time: what came after it stands).
    /// </summary>
    public bool ResetIfBefore(string clientId, long unixMs)
    {
        var now = NowMs;
        var hash = clientId.GetHashCode();
        var bucket = hash & _bucketMask;
        using (Enter(bucket))
        {
            var index = Find(bucket, clientId, hash);
            if (index < 0 || _slots[index].ResetMs >= unixMs)
            {
                return false;
            }

            ref var s = ref _slots[index];
            var keep = s;
            ClearFlows(index);
            _meta[index].Score = 0;
            _meta[index].ActiveUntilMs = 0;
            s = default;
            _meta[index].Epoch++;
            s.Class = keep.Class;
            s.FirstSeenMs = keep.FirstSeenMs;
            s.LastSeenMs = keep.LastSeenMs;
            s.LastDecayMs = keep.LastDecayMs;
            s.WindowStartMs = keep.LastDecayMs;
            s.ResetMs = Math.Max(now, unixMs == long.MaxValue ? now : unixMs);
            s.TotalRequests = keep.TotalRequests;
            s.TimelineIndex = keep.TimelineIndex;
            s.TimelineGeneration = keep.TimelineGeneration;
            if (keep.Action != BotAction.Allow)
            {
                _timelines.Protect(s.TimelineIndex, s.TimelineGeneration, false);
            }

            return true;
        }
    }

    /// <summary>A snapshot of one client's profile (allocates: admin and event use only).</summary>
    public BotProfileSnapshot? GetSnapshot(string clientId)
    {
        var hash = clientId.GetHashCode();
        var bucket = hash & _bucketMask;
        using (Enter(bucket))
        {
            var index = Find(bucket, clientId, hash);
            return index < 0 ? null : Snapshot(ref _slots[index], index, NowMs);
        }
    }

    /// <summary>The client's timeline, newest first.</summary>
    public IReadOnlyList<BotTimelineEntry> GetTimeline(string clientId)
    {
        int timeline, generation;
        var hash = clientId.GetHashCode();
        var bucket = hash & _bucketMask;
        using (Enter(bucket))
        {
            var index = Find(bucket, clientId, hash);
            if (index < 0)
            {
                return [];
            }

            timeline = _slots[index].TimelineIndex;
            generation = _slots[index].TimelineGeneration;
        }

        return _timelines.Read(timeline, generation);
    }

    /// <summary>The <paramref name="count"/> clients with the highest score or strongest action (a full scan: admin use only).</summary>
    public List<BotProfileSnapshot> GetTopOffenders(int count)
    {
        var now = NowMs;
        var top = new PriorityQueue<int, (int Action, float Score)>(count + 1);
        for (var bucket = 0; bucket <= _bucketMask; bucket++)
        {
            using (Enter(bucket))
            {
                for (var i = bucket * Ways; i < (bucket + 1) * Ways; i++)
                {
                    ref var s = ref _slots[i];
                    if (_keys[i] is null)
                    {
                        continue;
                    }

                    Advance(ref s, i, now);
                    var action = s.Action != BotAction.Allow && now < s.ActionUntilMs ? (int)s.Action : 0;
                    s.Score = Evaluate(ref s, now, out s.Reasons);
                    if (action == 0 && s.Score <= 0)
                    {
                        continue;
                    }

                    top.Enqueue(i, (action, s.Score));
                    if (top.Count > count)
                    {
                        top.Dequeue();
                    }
                }
            }
        }

        var result = new List<BotProfileSnapshot>(top.Count);
        while (top.TryDequeue(out var index, out _))
        {
            var bucket = index / Ways;
            using (Enter(bucket))
            {
                if (_keys[index] is not null)
                {
                    result.Add(Snapshot(ref _slots[index], index, now));
                }
            }
        }

        result.Reverse();
        return result;
    }

    private BotDecision Decide(ref ProfileSlot s, long now, bool detectOnly, BotAction flowAction)
    {
        ref readonly var c = ref _limits[(int)s.Class];
        var score = Evaluate(ref s, now, out var reasons);
        if (flowAction != BotAction.Allow)
        {
            reasons |= BotReasons.FlowRule;
        }

        s.Score = score;
        s.Reasons = reasons;

        var desired = flowAction;
        if (score >= c.BlockScore)
        {
            desired = BotAction.Block;
        }
        else if (score >= c.ChallengeScore)
        {
            desired = Max(desired, BotAction.Challenge);
        }
        else if (score >= c.ThrottleScore)
        {
            desired = Max(desired, BotAction.Throttle);
        }

        var previous = s.Action;
        var expired = previous != BotAction.Allow && now >= s.ActionUntilMs;
        var changed = false;
        if (expired)
        {
            s.Action = BotAction.Allow;
            changed = true;
        }

        if (desired != BotAction.Allow &&
            (desired > s.Action || (s.ActionDetectOnly && !detectOnly && desired >= s.Action)))
        {
            s.Action = desired;
            s.ActionUntilMs = now + Duration(desired);
            s.ActionDetectOnly = detectOnly;
            s.ActionShared = false;
            s.ActionScore = score;
            s.ActionReasons = reasons;
            changed = true;
            _timelines.Protect(s.TimelineIndex, s.TimelineGeneration, true);
        }
        else if (desired != BotAction.Allow && desired == s.Action && desired != BotAction.Block)
        {
            // A throttle or challenge is renewed while the behaviour goes on.
            s.ActionUntilMs = Math.Max(s.ActionUntilMs, now + Duration(desired));
        }

        changed &= s.Action != previous || expired;
        if (changed && s.Action == BotAction.Allow)
        {
            _timelines.Protect(s.TimelineIndex, s.TimelineGeneration, false);
        }

        return new BotDecision(changed, previous, s.Action, score, s.Action == BotAction.Allow ? reasons : s.ActionReasons | reasons, s.Class,
            FlowRuleName(ref s), s.ActionUntilMs, s.ActionDetectOnly);
    }

    /// <summary>The name of the flow rule the client last matched, if any.</summary>
    private string? FlowRuleName(ref ProfileSlot s) => s.FlowRule == 0 ? null : _rules[s.FlowRule - 1].Name;

    private long Duration(BotAction action) => action switch
    {
        BotAction.Block => _blockMs,
        BotAction.Challenge => _challengeMs,
        _ => _throttleMs,
    };

    private static BotAction Max(BotAction a, BotAction b) => a > b ? a : b;

    /// <summary>Scores a profile against its class's expectations.</summary>
    private float Evaluate(ref ProfileSlot s, long now, out BotReasons reasons)
    {
        ref readonly var c = ref _limits[(int)s.Class];
        var carry = Carry(now, ref s);
        reasons = BotReasons.None;
        var score = 0f;
        Add(ref score, ref reasons, BotReasons.HighRate, s.Requests * 1000f / _windowMs, c.MaxRequestsPerSecond);
        Add(ref score, ref reasons, BotReasons.Burst, s.Fast, c.MaxBurstPerSecond);
        if (s.Requests >= _minRequestsForRatios)
        {
            Add(ref score, ref reasons, BotReasons.ErrorRatio, s.Errors / s.Requests, c.MaxErrorRatio);
            Add(ref score, ref reasons, BotReasons.NotFoundRatio, s.NotFound / s.Requests, c.MaxNotFoundRatio);
            Add(ref score, ref reasons, BotReasons.TooManyRequestsRatio, s.TooMany / s.Requests, c.MaxTooManyRequestsRatio);
            Add(ref score, ref reasons, BotReasons.UnauthorizedRatio, s.Unauthorized / s.Requests, c.MaxUnauthorizedRatio);
            Add(ref score, ref reasons, BotReasons.ForbiddenRatio, s.Forbidden / s.Requests, c.MaxForbiddenRatio);
            Add(ref score, ref reasons, BotReasons.ServerErrorRatio, s.ServerErrors / s.Requests, c.MaxServerErrorRatio);
        }

        Add(ref score, ref reasons, BotReasons.DistinctRoutes, MathF.Max(s.Routes, s.PrevRoutes * carry), c.MaxDistinctRoutes);

        Add(ref score, ref reasons, BotReasons.AuthFailures, MathF.Max(s.Unauthorized, s.AuthFailures), c.MaxAuthFailures);
        Add(ref score, ref reasons, BotReasons.Forbidden, s.Forbidden, c.MaxForbidden);
        Add(ref score, ref reasons, BotReasons.RouteScanning, s.Unmatched, c.MaxRouteScans);
        Add(ref score, ref reasons, BotReasons.Enumeration, MathF.Max(s.Objects, s.PrevObjects * carry), c.MaxDistinctObjectIds);
        Add(ref score, ref reasons, BotReasons.SequentialIds, s.Sequential, c.MaxSequentialIds);
        Add(ref score, ref reasons, BotReasons.Injection, s.Injection, c.MaxInjectionFindings);
        Add(ref score, ref reasons, BotReasons.RateLimited, MathF.Max(s.RateLimited, s.TooMany), c.MaxRateLimitRejections);
        Add(ref score, ref reasons, BotReasons.BruteForce, s.BruteForce, c.MaxBruteForceEvents);
        Add(ref score, ref reasons, BotReasons.ServerErrors, s.ServerErrors, c.MaxServerErrors);
        Add(ref score, ref reasons, BotReasons.UnusualMethods, s.UnusualMethods, c.MaxUnusualMethods);
        return score;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Add(ref float score, ref BotReasons reasons, BotReasons reason, float value, float limit)
    {
        if (value > limit)
        {
            score += PointsPerReason * MathF.Min(value / limit, MaxMultiple);
            reasons |= reason;
        }
    }

    /// <summary>A class's limits and thresholds as the scoring reads them: single precision, 0 (off) as +∞ so no signal passes it.</summary>
    private readonly struct ClassLimits
    {
        public ClassLimits(BotClassOptions c)
        {
            MaxRequestsPerSecond = Limit(c.MaxRequestsPerSecond);
            MaxBurstPerSecond = Limit(c.MaxBurstPerSecond);
            MaxErrorRatio = Limit(c.MaxErrorRatio);
            MaxNotFoundRatio = Limit(c.MaxNotFoundRatio);
            MaxTooManyRequestsRatio = Limit(c.MaxTooManyRequestsRatio);
            MaxUnauthorizedRatio = Limit(c.MaxUnauthorizedRatio);
            MaxForbiddenRatio = Limit(c.MaxForbiddenRatio);
            MaxServerErrorRatio = Limit(c.MaxServerErrorRatio);
            MaxDistinctRoutes = Limit(c.MaxDistinctRoutes);
            MaxAuthFailures = Limit(c.MaxAuthFailures);
            MaxForbidden = Limit(c.MaxForbidden);
            MaxRouteScans = Limit(c.MaxRouteScans);
            MaxDistinctObjectIds = Limit(c.MaxDistinctObjectIds);
            MaxSequentialIds = Limit(c.MaxSequentialIds);
            MaxInjectionFindings = Limit(c.MaxInjectionFindings);
            MaxRateLimitRejections = Limit(c.MaxRateLimitRejections);
            MaxBruteForceEvents = Limit(c.MaxBruteForceEvents);
            MaxServerErrors = Limit(c.MaxServerErrors);
            MaxUnusualMethods = Limit(c.MaxUnusualMethods);
            ThrottleScore = Limit(c.ThrottleScore);
            ChallengeScore = Limit(c.ChallengeScore);
            BlockScore = Limit(c.BlockScore);
        }

        public float MaxRequestsPerSecond { get; }

        public float MaxBurstPerSecond { get; }

        public float MaxErrorRatio { get; }

        public float MaxNotFoundRatio { get; }

        public float MaxTooManyRequestsRatio { get; }

        public float MaxUnauthorizedRatio { get; }

        public float MaxForbiddenRatio { get; }

        public float MaxServerErrorRatio { get; }

        public float MaxDistinctRoutes { get; }

        public float MaxAuthFailures { get; }

        public float MaxForbidden { get; }

        public float MaxRouteScans { get; }

        public float MaxDistinctObjectIds { get; }

        public float MaxSequentialIds { get; }

        public float MaxInjectionFindings { get; }

        public float MaxRateLimitRejections { get; }

        public float MaxBruteForceEvents { get; }

        public float MaxServerErrors { get; }

        public float MaxUnusualMethods { get; }

        public float ThrottleScore { get; }

        public float ChallengeScore { get; }

        public float BlockScore { get; }

        private static float Limit(double value) => value > 0 ? (float)value : float.PositiveInfinity;
    }

    /// <summary>Decays the counters to <paramref name="now"/> and rolls the distinct-count window.</summary>
    private void Advance(ref ProfileSlot s, int index, long now)
    {
        var dt = now - s.LastDecayMs;
        if (dt > 0)
        {
            var f = MathF.Exp(-dt / _windowMs);
            s.Requests *= f;
            s.Errors *= f;
            s.Unauthorized *= f;
            s.Forbidden *= f;
            s.NotFound *= f;
            s.Unmatched *= f;
            s.TooMany *= f;
            s.ServerErrors *= f;
            s.AuthFailures *= f;
            s.Injection *= f;
            s.RateLimited *= f;
            s.BruteForce *= f;
            s.UnusualMethods *= f;
            s.Sequential *= f;
            s.Fast *= MathF.Exp(-dt / FastTauMs);
            s.LastDecayMs = now;
        }

        if (now - s.WindowStartMs >= (long)_windowMs)
        {
            // A window with nothing in it leaves nothing behind; otherwise its estimates carry over into the next.
            var idle = now - s.WindowStartMs >= 2 * (long)_windowMs;
            s.PrevRoutes = idle ? 0 : s.Routes;
            s.PrevUnmatched = idle ? 0 : Linear64(s.UnmatchedBits);
            s.PrevObjects = idle ? 0 : s.Objects;
            s.RouteBits = 0;
            s.UnmatchedBits = 0;
            s.Routes = 0;
            s.Objects = 0;
            var epoch = _meta[index].Epoch;
            for (var k = index * TrackersPerClient; k < (index + 1) * TrackersPerClient; k++)
            {
                ref var t = ref _objects[k];
                if (t.Epoch == epoch)
                {
                    t.Prev = idle ? 0 : Linear256(t.B0, t.B1, t.B2, t.B3);
                    t.B0 = t.B1 = t.B2 = t.B3 = 0;
                }
            }

            s.WindowStartMs = now;
        }
    }

    private float Carry(long now, ref ProfileSlot s)
    {
        var elapsed = (now - s.WindowStartMs) / _windowMs;
        return Math.Clamp(1f - elapsed, 0f, 1f);
    }

    /// <summary>The route whose tracker holds the most distinct object ids (snapshots only).</summary>
    private string? ObjectIdRoute(ref ProfileSlot s, int index, float carry)
    {
        string? route = null;
        var best = 0f;
        var epoch = _meta[index].Epoch;
        for (var k = index * TrackersPerClient; k < (index + 1) * TrackersPerClient; k++)
        {
            ref var t = ref _objects[k];
            var estimate = t.Epoch == epoch ? MathF.Max(Linear256(t.B0, t.B1, t.B2, t.B3), t.Prev * carry) : 0;
            if (estimate > best)
            {
                best = estimate;
                route = t.Route;
            }
        }

        return route;
    }

    private void TrackObjectId(ref ProfileSlot s, int index, string route, uint routeHash, string objectId)
    {
        // Direct-mapped by route hash: a client alternating between routes never wipes one route's state with another's.
        ref var t = ref _objects[(index * TrackersPerClient) + (int)((routeHash >> 8) & (TrackersPerClient - 1))];
        var epoch = _meta[index].Epoch;
        if (t.Epoch != epoch)
        {
            t = default;
            t.Epoch = epoch;
        }

        t.Route = route;
        var bit = Mix(objectId.GetHashCode()) & 255;
        var mask = 1UL << (int)(bit & 63);
        ref var word = ref t.B0;
        switch (bit >> 6)
        {
            case 1: word = ref t.B1; break;
            case 2: word = ref t.B2; break;
            case 3: word = ref t.B3; break;
        }

        if ((word & mask) == 0)
        {
            word |= mask;
            s.Objects = MathF.Max(s.Objects, Linear256(t.B0, t.B1, t.B2, t.B3));
        }

        if (long.TryParse(objectId, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            TrackSequence(ref s, (ushort)((routeHash >> 16) | 1), unchecked((int)id));
        }
    }

    /// <summary>Follows the route's last id: O(<see cref="SequenceRoutes"/>), in the profile itself.</summary>
    private static void TrackSequence(ref ProfileSlot s, ushort tag, int id)
    {
        Span<SequenceEntry> entries = s.Sequences;
        var free = -1;
        for (var i = 0; i < entries.Length; i++)
        {
            ref var e = ref entries[i];
            if (e.Tag == tag)
            {
                if (IsStep(unchecked(id - e.LastId)))
                {
                    s.Sequential += 1;
                }

                e.LastId = id;
                return;
            }

            if (e.Tag == 0 && free < 0)
            {
                free = i;
            }
        }

        var taken = free >= 0 ? free : s.NewestSequence;
        entries[taken] = new SequenceEntry { Tag = tag, LastId = id };
        s.NewestSequence = (byte)taken;
    }

    /// <summary>Whether an id follows another in sequence: a gap of 1 to 3 either way.</summary>
    private static bool IsStep(int gap) => gap is >= -3 and <= 3 and not 0;

    private BotAction EvaluateFlows(ref ProfileSlot s, int index, in RequestObservation o, long now)
    {
        var result = BotAction.Allow;
        for (var r = 0; r < _rules.Length; r++)
        {
            var rule = _rules[r];
            ref var f = ref _flows[(index * _rules.Length) + r];
            if (f.WindowStartMs != 0 && now - f.WindowStartMs >= (long)rule.Window.TotalMilliseconds)
            {
                f = default;
            }

            if (rule.IsDistinct)
            {
                if (o.RouteValues is not null && rule.Matches(o.Method, o.Route) &&
                    o.RouteValues.TryGetValue(rule.DistinctParameter!, out var value) && value is string text)
                {
                    if (f.WindowStartMs == 0)
                    {
                        f.WindowStartMs = now;
                    }

                    var bit = Mix(text.GetHashCode()) & 255;
                    switch (bit >> 6)
                    {
                        case 0: f.B0 |= 1UL << (int)(bit & 63); break;
                        case 1: f.B1 |= 1UL << (int)(bit & 63); break;
                        case 2: f.B2 |= 1UL << (int)(bit & 63); break;
                        default: f.B3 |= 1UL << (int)(bit & 63); break;
                    }

                    f.Count = (int)MathF.Round(Linear256(f.B0, f.B1, f.B2, f.B3));
                    f.Triggered |= f.Count > rule.Threshold;
                }
            }
            else if (rule.MatchesPrior(o.Method, o.Route))
            {
                f.Count = 0;
            }
            else if (rule.Matches(o.Method, o.Route))
            {
                if (f.WindowStartMs == 0)
                {
                    f.WindowStartMs = now;
                }

                f.Count++;
                f.Triggered |= f.Count > rule.Threshold;
            }

            if (f.Triggered)
            {
                s.FlowRule = (short)(r + 1);
                result = Max(result, rule.Action);
            }
        }

        return result;
    }

    private void ClearFlows(int index)
    {
        if (_rules.Length > 0)
        {
            Array.Clear(_flows, index * _rules.Length, _rules.Length);
        }
    }

    private void WriteTimeline(ref ProfileSlot s, long now, string kind, string? method, string? route, int status, string? detail)
    {
        if (!_timelines.IsValid(s.TimelineIndex, s.TimelineGeneration))
        {
            (s.TimelineIndex, s.TimelineGeneration) = _timelines.Allocate();
        }

        _timelines.Write(s.TimelineIndex, s.TimelineGeneration, now, kind, method, route, status, detail);
    }

    private int Find(int bucket, string key, int hash)
    {
        var start = bucket * Ways;
        for (var i = start; i < start + Ways; i++)
        {
            ref var m = ref _meta[i];
            if (m.Hash == hash && m.Occupied != 0 && string.Equals(_keys[i], key, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// Starts loading a bucket's metadata (x86 only; elsewhere a no-op). The array is not pinned: should the GC move it
    /// meanwhile, the prefetch is merely wasted (a prefetch never faults).
    /// </summary>
    private unsafe void PrefetchMeta(int bucket)
    {
        if (Sse.IsSupported)
        {
            var p = (byte*)Unsafe.AsPointer(ref _meta[bucket * Ways]);
            for (var offset = 0; offset < Ways * s_metaBytes; offset += 64)
            {
                Sse.Prefetch0(p + offset);
            }

            Sse.Prefetch0(p + (Ways * s_metaBytes) - 1);
        }
    }

    /// <summary>Starts loading a slot about to be overwritten, so that its lines are in cache by the time it is written.</summary>
    private unsafe void PrefetchSlot(int index)
    {
        if (Sse.IsSupported)
        {
            var p = (byte*)Unsafe.AsPointer(ref _slots[index]);
            for (var offset = 0; offset < s_slotBytes; offset += 64)
            {
                Sse.Prefetch0(p + offset);
            }

            Sse.Prefetch0(p + s_slotBytes - 1);
        }
    }

    private int FindOrInsert(int bucket, string key, int hash, long now)
    {
        var index = Choose(bucket, key, hash, now, out var found);
        if (!found)
        {
            Claim(index, key, hash, now);
            _slots[index] = NewProfile(now);
        }

        return index;
    }

    /// <summary>The client's slot in the bucket if it has one, else the slot a new profile takes: a free one, else the least valuable.</summary>
    private int Choose(int bucket, string key, int hash, long now, out bool found)
    {
        found = false;
        // The scan reads only the compact metadata (4 cache lines per bucket); the chosen slot is touched last.
        var start = bucket * Ways;
        var victim = -1;
        for (var i = start; i < start + Ways; i++)
        {
            ref var m = ref _meta[i];
            if (m.Occupied == 0)
            {
                if (victim < 0 || _meta[victim].Occupied != 0)
                {
                    victim = i;
                }

                continue;
            }

            if (m.Hash == hash && string.Equals(_keys[i], key, StringComparison.Ordinal))
            {
                found = true;
                return i;
            }

            if (victim < 0 || (_meta[victim].Occupied != 0 && LessValuable(ref m, ref _meta[victim], now)))
            {
                victim = i;
            }
        }

        return victim;
    }

    /// <summary>Gives a slot to a new client (its metadata and id; the caller writes the profile).</summary>
    private void Claim(int victim, string key, int hash, long now)
    {
        ref var meta = ref _meta[victim];
        if (meta.Occupied == 0)
        {
            Interlocked.Increment(ref _count);
        }
        else
        {
            ref var evictions = ref _buckets[victim / Ways].Evictions; // under the bucket's lock
            Volatile.Write(ref evictions, evictions + 1);
        }

        meta.Hash = hash;
        meta.Occupied = 1;
        meta.Score = 0;
        meta.LastSeenMs = now;
        meta.ActiveUntilMs = 0;
        meta.Epoch++;
        ClearFlows(victim);
        _keys[victim] = key;
    }

    /// <summary>A new client's profile. The evicted one is overwritten without being read (its epoch lives in the metadata).</summary>
    private static ProfileSlot NewProfile(long now)
    {
        var v = default(ProfileSlot);
        v.ResetMs = now;
        v.FirstSeenMs = now;
        v.LastSeenMs = now;
        v.LastDecayMs = now;
        v.WindowStartMs = now;
        return v;
    }

    /// <summary>Takes the bucket's lock until the scope is disposed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private BucketScope Enter(int bucket) => new(ref _buckets[bucket]);

    /// <summary>
    /// A bucket's lock and eviction count (16 bytes). The lock is a <see cref="SpinLock"/> without owner tracking (not
    /// reentrant: no section under it calls back into the table): every section under it is short, waiting at most for a
    /// timeline's own lock, and it is released with a plain store. A waiter spins, then yields.
    /// </summary>
    private struct BucketState
    {
        public SpinLock Gate;
        public long Evictions;
    }

    /// <summary>Holds a bucket's lock (<c>using (Enter(bucket))</c>).</summary>
    private readonly ref struct BucketScope
    {
        private readonly ref BucketState _bucket;

        public BucketScope(ref BucketState bucket)
        {
            _bucket = ref bucket;
            var taken = false;
            bucket.Gate.Enter(ref taken);
        }

        public void Dispose() => _bucket.Gate.Exit(useMemoryBarrier: false);
    }

    /// <summary>Whether <paramref name="a"/> is a better eviction victim than <paramref name="b"/>.</summary>
    private static bool LessValuable(ref SlotMeta a, ref SlotMeta b, long now)
    {
        var aActive = a.ActiveUntilMs > now;
        var bActive = b.ActiveUntilMs > now;
        if (aActive != bActive)
        {
            return !aActive;
        }

        if (a.Score != b.Score)
        {
            return a.Score < b.Score;
        }

        return a.LastSeenMs < b.LastSeenMs;
    }

    private BotProfileSnapshot Snapshot(ref ProfileSlot s, int index, long now)
    {
        Advance(ref s, index, now);
        var score = Evaluate(ref s, now, out var reasons);
        if (s.FlowRule != 0 && s.Action != BotAction.Allow && (s.ActionReasons & BotReasons.FlowRule) != 0)
        {
            reasons |= BotReasons.FlowRule;
        }

        var c = _classes[(int)s.Class];
        var carry = Carry(now, ref s);
        var active = s.Action != BotAction.Allow && now < s.ActionUntilMs;
        var requests = s.Requests;
        double Share(float count) => Round(requests > 0 ? count / requests : 0);
        var snapshot = new BotProfileSnapshot
        {
            ClientId = _keys[index]!,
            ClientClass = s.Class,
            FirstSeen = DateTimeOffset.FromUnixTimeMilliseconds(s.FirstSeenMs),
            LastSeen = DateTimeOffset.FromUnixTimeMilliseconds(s.LastSeenMs),
            TotalRequests = s.TotalRequests,
            RequestsPerSecond = Round(s.Requests * 1000f / _windowMs),
            BurstPerSecond = Round(s.Fast),
            ErrorRatio = Share(s.Errors),
            AuthFailures = Round(MathF.Max(s.Unauthorized, s.AuthFailures)),
            Forbidden = Round(s.Forbidden),
            NotFound = Round(s.NotFound),
            NotFoundRatio = Share(s.NotFound),
            TooManyRequestsRatio = Share(s.TooMany),
            UnauthorizedRatio = Share(s.Unauthorized),
            ForbiddenRatio = Share(s.Forbidden),
            ServerErrorRatio = Share(s.ServerErrors),
            RouteScans = Round(s.Unmatched),
            DistinctRoutes = Round(MathF.Max(s.Routes, s.PrevRoutes * carry)),
            DistinctObjectIds = Round(MathF.Max(s.Objects, s.PrevObjects * carry)),
            ObjectIdRoute = ObjectIdRoute(ref s, index, carry),
            SequentialIds = Round(s.Sequential),
            InjectionFindings = Round(s.Injection),
            RateLimitRejections = Round(MathF.Max(s.RateLimited, s.TooMany)),
            BruteForceEvents = Round(s.BruteForce),
            ServerErrors = Round(s.ServerErrors),
            UnusualMethods = Round(s.UnusualMethods),
            Score = Round(score),
            Reasons = active ? reasons | s.ActionReasons : reasons,
            FlowRule = FlowRuleName(ref s),
            Action = active ? s.Action : BotAction.Allow,
            ActionUntil = active ? DateTimeOffset.FromUnixTimeMilliseconds(s.ActionUntilMs) : null,
            ActionDetectOnly = active && s.ActionDetectOnly,
        };
        snapshot.Explanation = Explain(snapshot, c, Linear64(s.UnmatchedBits));
        return snapshot;
    }

    private static List<string> Explain(BotProfileSnapshot p, BotClassOptions c, float distinctUnmatched)
    {
        var lines = new List<string>();
        var reasons = p.Reasons;
        string L(double v) => Math.Round(v, 1).ToString(CultureInfo.InvariantCulture);
        if ((reasons & BotReasons.HighRate) != 0)
        {
            lines.Add($"high-rate: {L(p.RequestsPerSecond)} requests/s sustained (limit {L(c.MaxRequestsPerSecond)})");
        }

        if ((reasons & BotReasons.Burst) != 0)
        {
            lines.Add($"burst: {L(p.BurstPerSecond)} requests in 1 s (limit {L(c.MaxBurstPerSecond)})");
        }

        if ((reasons & BotReasons.ErrorRatio) != 0)
        {
            lines.Add($"error-ratio: {L(p.ErrorRatio * 100)}% of responses were 401/403/404/5xx (limit {L(c.MaxErrorRatio * 100)}%)");
        }

        if ((reasons & BotReasons.AuthFailures) != 0)
        {
            lines.Add($"auth-failures: {L(p.AuthFailures)} authentication failures (limit {L(c.MaxAuthFailures)})");
        }

        if ((reasons & BotReasons.Forbidden) != 0)
        {
            lines.Add($"forbidden: {L(p.Forbidden)} 403 responses (limit {L(c.MaxForbidden)})");
        }

        if ((reasons & BotReasons.RouteScanning) != 0)
        {
            lines.Add($"route-scanning: {L(p.RouteScans)} 404s on routes that do not exist, ~{L(distinctUnmatched)} distinct paths (limit {L(c.MaxRouteScans)})");
        }

        if ((reasons & BotReasons.Enumeration) != 0)
        {
            lines.Add($"enumeration: ~{L(p.DistinctObjectIds)} distinct object ids on {p.ObjectIdRoute} (limit {L(c.MaxDistinctObjectIds)})");
        }

        if ((reasons & BotReasons.SequentialIds) != 0)
        {
            lines.Add($"sequential-ids: {L(p.SequentialIds)} object ids walked in sequence (limit {L(c.MaxSequentialIds)})");
        }

        if ((reasons & BotReasons.Injection) != 0)
        {
            lines.Add($"injection: {L(p.InjectionFindings)} injection findings (limit {L(c.MaxInjectionFindings)})");
        }

        if ((reasons & BotReasons.RateLimited) != 0)
        {
            lines.Add($"rate-limited: {L(p.RateLimitRejections)} rate-limit rejections (limit {L(c.MaxRateLimitRejections)})");
        }

        if ((reasons & BotReasons.BruteForce) != 0)
        {
            lines.Add($"brute-force: {L(p.BruteForceEvents)} brute-force decisions (limit {L(c.MaxBruteForceEvents)})");
        }

        if ((reasons & BotReasons.ServerErrors) != 0)
        {
            lines.Add($"server-errors: {L(p.ServerErrors)} 5xx responses (limit {L(c.MaxServerErrors)})");
        }

        if ((reasons & BotReasons.UnusualMethods) != 0)
        {
            lines.Add($"unusual-methods: {L(p.UnusualMethods)} requests with unusual methods (limit {L(c.MaxUnusualMethods)})");
        }

        if ((reasons & BotReasons.DistinctRoutes) != 0)
        {
            lines.Add($"distinct-routes: ~{L(p.DistinctRoutes)} distinct routes called (limit {L(c.MaxDistinctRoutes)})");
        }

        if ((reasons & BotReasons.NotFoundRatio) != 0)
        {
            lines.Add($"not-found-ratio: {L(p.NotFoundRatio * 100)}% of responses were 404 (limit {L(c.MaxNotFoundRatio * 100)}%)");
        }

        if ((reasons & BotReasons.TooManyRequestsRatio) != 0)
        {
            lines.Add($"too-many-requests-ratio: {L(p.TooManyRequestsRatio * 100)}% of responses were 429 (limit {L(c.MaxTooManyRequestsRatio * 100)}%)");
        }

        if ((reasons & BotReasons.UnauthorizedRatio) != 0)
        {
            lines.Add($"unauthorized-ratio: {L(p.UnauthorizedRatio * 100)}% of responses were 401 (limit {L(c.MaxUnauthorizedRatio * 100)}%)");
        }

        if ((reasons & BotReasons.ForbiddenRatio) != 0)
        {
            lines.Add($"forbidden-ratio: {L(p.ForbiddenRatio * 100)}% of responses were 403 (limit {L(c.MaxForbiddenRatio * 100)}%)");
        }

        if ((reasons & BotReasons.ServerErrorRatio) != 0)
        {
            lines.Add($"server-error-ratio: {L(p.ServerErrorRatio * 100)}% of responses were 5xx (limit {L(c.MaxServerErrorRatio * 100)}%)");
        }

        if ((reasons & BotReasons.FlowRule) != 0)
        {
            lines.Add($"flow-rule: business-flow rule '{p.FlowRule}' matched");
        }

        return lines;
    }

    private static double Round(float value) => Math.Round(value, 2);

    internal static bool IsUnusualMethod(string method) => method.Length switch
    {
        3 => !(method.Equals("GET", StringComparison.OrdinalIgnoreCase) || method.Equals("PUT", StringComparison.OrdinalIgnoreCase)),
        4 => !(method.Equals("POST", StringComparison.OrdinalIgnoreCase) || method.Equals("HEAD", StringComparison.OrdinalIgnoreCase)),
        5 => !method.Equals("PATCH", StringComparison.OrdinalIgnoreCase),
        6 => !method.Equals("DELETE", StringComparison.OrdinalIgnoreCase),
        7 => !method.Equals("OPTIONS", StringComparison.OrdinalIgnoreCase),
        _ => true,
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Bit64(string? value) => value is null ? 0 : 1UL << (int)(Mix(value.GetHashCode()) & 63);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Mix(int hash)
    {
        var x = (uint)hash;
        x ^= x >> 16;
        x *= 0x7feb352d;
        x ^= x >> 15;
        x *= 0x846ca68b;
        x ^= x >> 16;
        return x;
    }

    /// <summary>Linear counting over 64 bits: n ≈ -m ln(zeros / m), looked up by the number of bits set (no logarithm per request).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float Linear64(ulong bits) => s_linear64[BitOperations.PopCount(bits)];

    /// <summary>Linear counting over 256 bits, looked up by the number of bits set.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float Linear256(ulong b0, ulong b1, ulong b2, ulong b3) =>
        s_linear256[BitOperations.PopCount(b0) + BitOperations.PopCount(b1) + BitOperations.PopCount(b2) + BitOperations.PopCount(b3)];

    /// <summary>The linear-counting estimate for each number of bits set in an <paramref name="m"/>-bit sketch (all set: m ln m).</summary>
    private static float[] LinearCounts(int m)
    {
        var table = new float[m + 1];
        for (var set = 0; set <= m; set++)
        {
            var zeros = m - set;
            table[set] = zeros == 0 ? m * MathF.Log(m) : -m * MathF.Log(zeros / (float)m);
        }

        return table;
    }
}
