namespace ApiGuard.Bots;

/// <summary>
/// A fixed pool of ring buffers, one per tracked client, allocated once (<c>TimelineClients × TimelineLength</c> entries).
/// A client gets a buffer on its first notable event; when the pool is exhausted the next buffer in turn is reclaimed,
/// skipping buffers of clients with an action in force. Writes are O(1) and allocate nothing for ordinary requests; text longer
/// than its bound (a scanner's path of any length) is cut when written, so the pool never holds more than
/// <see cref="MaxTextLength"/> characters per field whatever the requests.
/// </summary>
internal sealed class BotTimelines
{
    /// <summary>The most characters a route, path or detail keeps.</summary>
    internal const int MaxTextLength = 200;

    /// <summary>The most characters a method keeps.</summary>
    internal const int MaxMethodLength = 16;

    private readonly Entry[] _entries;
    private readonly Owner[] _owners;
    private readonly Lock[] _locks;
    private readonly Lock _allocLock = new();
    private readonly int _length;
    private int _cursor;

    public BotTimelines(int clients, int length)
    {
        _length = length;
        _entries = new Entry[clients * length];
        _owners = new Owner[clients];
        _locks = new Lock[clients];
        for (var i = 0; i < clients; i++)
        {
            _locks[i] = new Lock();
        }
    }

    public int Clients => _owners.Length;

    /// <summary>Reserves a buffer; returns its 1-based index and generation.</summary>
    public (int Index, int Generation) Allocate()
    {
        lock (_allocLock)
        {
            var n = _owners.Length;
            var chosen = _cursor % n;
            for (var i = 0; i < 8; i++)
            {
                var candidate = (_cursor + i) % n;
                if (!Volatile.Read(ref _owners[candidate].Protected))
                {
                    chosen = candidate;
                    break;
                }
            }

            _cursor = (chosen + 1) % n;
            lock (_locks[chosen])
            {
                ref var owner = ref _owners[chosen];
                owner.Generation++;
                owner.Count = 0;
                owner.Next = 0;
                owner.Protected = false;
                return (chosen + 1, owner.Generation);
            }
        }
    }

    public bool IsValid(int index, int generation) =>
        index > 0 && Volatile.Read(ref _owners[index - 1].Generation) == generation;

    public void Protect(int index, int generation, bool value)
    {
        if (index <= 0)
        {
            return;
        }

        lock (_locks[index - 1])
        {
            ref var owner = ref _owners[index - 1];
            if (owner.Generation == generation)
            {
                owner.Protected = value;
            }
        }
    }

    public bool Write(int index, int generation, long unixMs, string kind, string? method, string? route, int status, string? detail)
    {
        if (index <= 0)
        {
            return false;
        }

        var i = index - 1;
        lock (_locks[i])
        {
            ref var owner = ref _owners[i];
            if (owner.Generation != generation)
            {
                return false;
            }

            ref var e = ref _entries[(i * _length) + owner.Next];
            e.UnixMs = unixMs;
            e.Kind = Bound(kind, MaxTextLength);
            e.Method = Bound(method, MaxMethodLength);
            e.Route = Bound(route, MaxTextLength);
            e.Status = status;
            e.Detail = Bound(detail, MaxTextLength);
            owner.Next = (owner.Next + 1) % _length;
            if (owner.Count < _length)
            {
                owner.Count++;
            }

            return true;
        }
    }

    /// <summary>The buffer's entries, newest first (allocates: admin use only).</summary>
    public List<BotTimelineEntry> Read(int index, int generation)
    {
        var list = new List<BotTimelineEntry>();
        if (index <= 0)
        {
            return list;
        }

        var i = index - 1;
        lock (_locks[i])
        {
            ref var owner = ref _owners[i];
            if (owner.Generation != generation)
            {
                return list;
            }

            for (var k = 1; k <= owner.Count; k++)
            {
                var pos = ((owner.Next - k) % _length + _length) % _length;
                ref var e = ref _entries[(i * _length) + pos];
                list.Add(new BotTimelineEntry(DateTimeOffset.FromUnixTimeMilliseconds(e.UnixMs), e.Kind ?? "request", e.Method, e.Route, e.Status, e.Detail));
            }
        }

        return list;
    }

    /// <summary>The characters every entry holds (test and diagnostics use: a full scan).</summary>
    internal long StoredChars
    {
        get
        {
            long total = 0;
            for (var i = 0; i < _owners.Length; i++)
            {
                lock (_locks[i])
                {
                    for (var k = i * _length; k < (i + 1) * _length; k++)
                    {
                        ref var e = ref _entries[k];
                        total += (e.Kind?.Length ?? 0) + (e.Method?.Length ?? 0) + (e.Route?.Length ?? 0) + (e.Detail?.Length ?? 0);
                    }
                }
            }

            return total;
        }
    }

    private static string? Bound(string? value, int max) => value is null || value.Length <= max ? value : value[..max];

    private struct Entry
    {
        public long UnixMs;
        public string? Kind;
        public string? Method;
        public string? Route;
        public int Status;
        public string? Detail;
    }

    private struct Owner
    {
        public int Generation;
        public int Count;
        public int Next;
        public bool Protected;
    }
}
