using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace ApiGuard.Replay;

/// <summary>
/// The in-memory <see cref="IReplayStore"/>: bounded and expiring. Keys are stored as SHA-256 hashes so attacker input
/// cannot grow memory past <see cref="ReplayStoreOptions.Capacity"/> entries of fixed size.
/// </summary>
public sealed class InMemoryReplayStore : IReplayStore
{
    private readonly ConcurrentDictionary<string, long> _entries = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly int _capacity;
    private long _nextSweep;

    /// <summary>Creates the store.</summary>
    public InMemoryReplayStore(TimeProvider time, IOptions<ReplayStoreOptions> options)
    {
        _time = time;
        _capacity = Math.Max(1, options.Value.Capacity);
    }

    /// <summary>The number of reservations held (expired ones included until swept).</summary>
    public int Count => _entries.Count;

    /// <inheritdoc />
    public ValueTask<bool> TryReserveAsync(string scope, string key, TimeSpan ttl, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(key);
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var expiry = now + (long)Math.Max(1, ttl.TotalMilliseconds);
        var id = Hash(scope, key);

        if (now >= Interlocked.Read(ref _nextSweep) || _entries.Count >= _capacity)
        {
            Sweep(now);
        }

        while (true)
        {
            if (_entries.TryGetValue(id, out var existing))
            {
                if (existing > now)
                {
                    return ValueTask.FromResult(false);
                }

                if (_entries.TryUpdate(id, expiry, existing))
                {
                    return ValueTask.FromResult(true);
                }

                continue;
            }

            if (_entries.Count >= _capacity)
            {
                throw new ApiGuardStoreUnavailableException("The in-memory replay store is full.");
            }

            if (_entries.TryAdd(id, expiry))
            {
                return ValueTask.FromResult(true);
            }
        }
    }

    private void Sweep(long now)
    {
        Interlocked.Exchange(ref _nextSweep, now + 10_000);
        foreach (var (k, expiry) in _entries)
        {
            if (expiry <= now)
            {
                _entries.TryRemove(new KeyValuePair<string, long>(k, expiry));
            }
        }
    }

    internal static string Hash(string scope, string key)
    {
        var bytes = Encoding.UTF8.GetBytes(key);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(bytes, hash);
        return string.Concat(scope, ":", Convert.ToBase64String(hash[..24]));
    }
}
