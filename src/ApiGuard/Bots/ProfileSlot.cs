using System.Runtime.InteropServices;

namespace ApiGuard.Bots;

/// <summary>
/// One client's behaviour profile: a fixed-size struct in the table, updated in place (no allocation). It holds no
/// references (the client id is kept beside it), so a new client overwrites an evicted profile with a few vector stores.
/// </summary>
[StructLayout(LayoutKind.Auto)]
internal struct ProfileSlot
{
    public ClientClass Class;

    public long FirstSeenMs;
    public long LastSeenMs;
    public long LastDecayMs;
    public long WindowStartMs;
    public long TotalRequests;
    public long ResetMs; // when the profile was created or last reset (a ban lifted anywhere after this resets it)

    // Counters decaying with the window's time constant (≈ events in the last window), Fast with 1 s (≈ requests per second).
    public float Requests;
    public float Fast;
    public float Errors;
    public float Unauthorized;
    public float Forbidden;
    public float NotFound;
    public float Unmatched;
    public float TooMany;
    public float ServerErrors;
    public float AuthFailures;
    public float Injection;
    public float RateLimited;
    public float BruteForce;
    public float UnusualMethods;
    public float Sequential;

    // Linear-counting sketches, per window (the previous window's estimate is kept for continuity); the estimates are
    // cached when a sketch gains a bit, so scoring a request computes no logarithm.
    public ulong RouteBits;
    public ulong UnmatchedBits;
    public float Routes;
    public float PrevRoutes;
    public float PrevUnmatched;
    public float Objects; // the most distinct object ids on one tracker (route) this window
    public float PrevObjects;
    public SequenceEntries Sequences; // the last numeric id per route, for sequential walks
    public byte NewestSequence; // the entry filled last: the one a new route takes over when all are in use

    public float Score;
    public BotReasons Reasons;
    public short FlowRule; // the flow rule last matched: its index + 1 (0 = none)

    public BotAction Action;
    public long ActionUntilMs;
    public bool ActionDetectOnly;
    public bool ActionShared;
    public float ActionScore;
    public BotReasons ActionReasons;

    public int TimelineIndex; // 1-based; 0 = none
    public int TimelineGeneration;
}

/// <summary>
/// What eviction and lookup need of a slot, kept apart in a compact array (32 bytes) so a bucket scan stays in cache and
/// replacing a profile never reads the profile itself.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct SlotMeta
{
    public int Hash;
    public int Occupied;
    public float Score;
    public int Epoch; // the slot's occupancy number: object-id trackers of earlier occupants (other Epoch) count as empty
    public long LastSeenMs;
    public long ActiveUntilMs;
}

/// <summary>
/// Distinct object ids (256-bit linear counting) on the route templates that hash to it; a client has
/// <see cref="BehaviourProfileTable.TrackersPerClient"/> of them, indexed by route hash, so routes never evict each other.
/// </summary>
[StructLayout(LayoutKind.Auto)]
internal struct ObjectIdTracker
{
    public string? Route;
    public ulong B0;
    public ulong B1;
    public ulong B2;
    public ulong B3;
    public int Epoch;
    public float Prev;
}

/// <summary>The last numeric id seen on one route (identified by a 16-bit tag of its hash; 0 = unused).</summary>
internal struct SequenceEntry
{
    public int LastId; // low 32 bits: a gap of 1 to 3 survives the truncation
    public ushort Tag;
}

/// <summary>
/// <see cref="BehaviourProfileTable.SequenceRoutes"/> routes' last ids, inline in the profile. A new route takes an unused entry,
/// else the entry filled last, so a client cycling over more routes than entries still has most of them followed.
/// </summary>
[System.Runtime.CompilerServices.InlineArray(BehaviourProfileTable.SequenceRoutes)]
internal struct SequenceEntries
{
    private SequenceEntry _entry;
}

/// <summary>One business-flow rule's state for one client.</summary>
[StructLayout(LayoutKind.Auto)]
internal struct FlowState
{
    public long WindowStartMs;
    public int Count;
    public bool Triggered;
    public ulong B0;
    public ulong B1;
    public ulong B2;
    public ulong B3;
}

/// <summary>What one request looked like, as the profile sees it. Built by the middleware, never allocated.</summary>
internal readonly struct RequestObservation
{
    public RequestObservation(string clientId, ClientClass clientClass, string method, string? route, string? path, int statusCode,
        string? objectId, Microsoft.AspNetCore.Routing.RouteValueDictionary? routeValues)
    {
        ClientId = clientId;
        ClientClass = clientClass;
        Method = method;
        Route = route;
        Path = path;
        StatusCode = statusCode;
        ObjectId = objectId;
        RouteValues = routeValues;
    }

    public string ClientId { get; }

    public ClientClass ClientClass { get; }

    public string Method { get; }

    /// <summary>The matched route template; <see langword="null"/> when no endpoint matched.</summary>
    public string? Route { get; }

    public string? Path { get; }

    public int StatusCode { get; }

    /// <summary>The value of the route's object-id parameter, if it has one.</summary>
    public string? ObjectId { get; }

    public Microsoft.AspNetCore.Routing.RouteValueDictionary? RouteValues { get; }

    /// <summary>The same request, seen as made by <paramref name="clientId"/> (its address).</summary>
    public RequestObservation WithClient(string clientId) =>
        new(clientId, ClientClass, Method, Route, Path, StatusCode, ObjectId, RouteValues);
}

/// <summary>The outcome of recording one request or event.</summary>
internal readonly record struct BotDecision(
    bool Changed,
    BotAction Previous,
    BotAction Action,
    float Score,
    BotReasons Reasons,
    ClientClass ClientClass,
    string? FlowRule,
    long UntilMs,
    bool DetectOnly);

/// <summary>The action in force for a client, read before the request runs.</summary>
internal readonly record struct BotActionState(BotAction Action, long UntilMs, bool DetectOnly, bool Shared, float Score, BotReasons Reasons);

/// <summary>The kinds of other capabilities' events the profile counts.</summary>
internal enum ObservedSignal
{
    AuthenticationFailed,
    Injection,
    RateLimited,
    BruteForce,
}
