using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace ApiGuard.Bots;

/// <summary>
/// The in-memory <see cref="IBanList"/> of one node: bounded by <see cref="BotDetectionOptions.MaxBans"/> (expired bans are
/// swept when it fills up), lookups allocation-free.
/// </summary>
public sealed class InMemoryBanList : IBanList
{
    private readonly ConcurrentDictionary<string, BanEntry> _bans = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly int _capacity;

    /// <summary>Creates the list.</summary>
    public InMemoryBanList(IOptions<BotDetectionOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _capacity = options.Value.MaxBans;
        _time = time;
    }

    /// <summary>Bans held (expired ones included until swept).</summary>
    public int Count => _bans.Count;

    /// <inheritdoc />
    public ValueTask<BanEntry?> GetAsync(string clientId, CancellationToken cancellationToken = default) => ValueTask.FromResult(Get(clientId));

    /// <inheritdoc />
    /// <remarks>A node's own list has nothing to tell other nodes: <see cref="BanLookup.LiftedAt"/> is always <see langword="null"/>.</remarks>
    public ValueTask<BanLookup> LookupAsync(string clientId, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(new BanLookup(Get(clientId), null));

    /// <inheritdoc />
    public ValueTask<bool> BanAsync(BanEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (_bans.Count >= _capacity && !_bans.ContainsKey(entry.ClientId))
        {
            Sweep();
            if (_bans.Count >= _capacity)
            {
                return ValueTask.FromResult(false);
            }
        }

        _bans[entry.ClientId] = entry;
        return ValueTask.FromResult(true);
    }

    /// <inheritdoc />
    public ValueTask<bool> UnbanAsync(string clientId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        return ValueTask.FromResult(_bans.TryRemove(clientId, out var ban) && ban.Until > _time.GetUtcNow());
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<BanEntry>> ListAsync(int max, CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow();
        IReadOnlyList<BanEntry> list = _bans.Values.Where(b => b.Until > now).OrderBy(b => b.Until).Take(Math.Max(0, max)).ToList();
        return ValueTask.FromResult(list);
    }

    private BanEntry? Get(string clientId)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        if (_bans.TryGetValue(clientId, out var ban))
        {
            if (ban.Until > _time.GetUtcNow())
            {
                return ban;
            }

            _bans.TryRemove(new KeyValuePair<string, BanEntry>(clientId, ban));
        }

        return null;
    }

    private void Sweep()
    {
        var now = _time.GetUtcNow();
        foreach (var (id, ban) in _bans)
        {
            if (ban.Until <= now)
            {
                _bans.TryRemove(new KeyValuePair<string, BanEntry>(id, ban));
            }
        }
    }
}
