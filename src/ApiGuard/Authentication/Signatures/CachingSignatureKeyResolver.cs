using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace ApiGuard.Authentication.Signatures;

/// <summary>
/// Caches the answers of a slower <see cref="ISignatureKeyResolver"/> (a database, a key service) for
/// <see cref="SignatureKeyCacheOptions.Ttl"/>, bounded to <see cref="SignatureKeyCacheOptions.Capacity"/> entries, with time
/// from <see cref="TimeProvider"/>. Register it with <c>services.AddSignatureKeyResolver&lt;TResolver&gt;()</c>. The built-in
/// <see cref="ConfigurationSignatureKeyResolver"/> and <see cref="InMemorySignatureKeyResolver"/> are in-memory dictionaries and
/// need no cache. Unknown key ids are cached only when <see cref="SignatureKeyCacheOptions.NegativeTtl"/> is set. Thread-safe.
/// </summary>
public sealed class CachingSignatureKeyResolver : ISignatureKeyResolver
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ISignatureKeyResolver _inner;
    private readonly TimeProvider _time;
    private readonly long _ttl;
    private readonly long _negativeTtl;
    private readonly int _capacity;

    /// <summary>Creates the cache in front of <paramref name="inner"/>.</summary>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public CachingSignatureKeyResolver(ISignatureKeyResolver inner, TimeProvider time, IOptions<SignatureKeyCacheOptions> options)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(options);
        _inner = inner;
        _time = time;
        var o = options.Value;
        _ttl = ToTimestamp(o.Ttl, time);
        _negativeTtl = ToTimestamp(o.NegativeTtl, time);
        _capacity = Math.Max(1, o.Capacity);
    }

    /// <summary>The number of cached answers (expired ones included until they are swept).</summary>
    public int Count => _entries.Count;

    /// <inheritdoc />
    public ValueTask<SignatureClientKey?> ResolveAsync(string keyId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        var now = _time.GetTimestamp();
        return _entries.TryGetValue(keyId, out var entry) && entry.ExpiresAt > now
            ? ValueTask.FromResult(entry.Key)
            : ResolveAndCacheAsync(keyId, now, cancellationToken);
    }

    /// <summary>Forgets the cached answer for <paramref name="keyId"/> (after revoking or replacing a key); returns whether there was one.</summary>
    public bool Invalidate(string keyId) => _entries.TryRemove(keyId, out _);

    /// <summary>Forgets every cached answer.</summary>
    public void Clear() => _entries.Clear();

    private async ValueTask<SignatureClientKey?> ResolveAndCacheAsync(string keyId, long now, CancellationToken cancellationToken)
    {
        var key = await _inner.ResolveAsync(keyId, cancellationToken).ConfigureAwait(false);
        var ttl = key is null ? _negativeTtl : _ttl;
        if (ttl > 0 && HasRoom(keyId, now))
        {
            _entries[keyId] = new Entry(key, now + ttl);
        }

        return key;
    }

    private bool HasRoom(string keyId, long now)
    {
        if (_entries.Count < _capacity || _entries.ContainsKey(keyId))
        {
            return true;
        }

        foreach (var (id, entry) in _entries)
        {
            if (entry.ExpiresAt <= now)
            {
                _entries.TryRemove(new KeyValuePair<string, Entry>(id, entry));
            }
        }

        // Still full of live answers: this one is not cached (the inner resolver keeps answering), so memory stays bounded.
        return _entries.Count < _capacity;
    }

    private static long ToTimestamp(TimeSpan span, TimeProvider time) =>
        span <= TimeSpan.Zero ? 0 : (long)(span.TotalSeconds * time.TimestampFrequency);

    private sealed record Entry(SignatureClientKey? Key, long ExpiresAt);
}

/// <summary>Settings of <see cref="CachingSignatureKeyResolver"/>, bound from <c>ApiGuard:Signatures:KeyCache</c>.</summary>
public sealed class SignatureKeyCacheOptions
{
    /// <summary>How long a found key is reused before the inner resolver is asked again (so a revoked key stops working after at most this).</summary>
    /// <value>Default: 5 minutes. Allowed: 1 second to 1 day.</value>
    public TimeSpan Ttl { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long an unknown key id is remembered as unknown; zero does not cache unknown key ids (they are attacker input).</summary>
    /// <value>Default: zero. Allowed: zero to 1 hour.</value>
    public TimeSpan NegativeTtl { get; set; } = TimeSpan.Zero;

    /// <summary>The most cached answers; when full (after dropping expired ones) new answers are not cached.</summary>
    /// <value>Default: 10,000. Allowed: 1 to 1,000,000.</value>
    public int Capacity { get; set; } = 10_000;
}

/// <summary>Validates <see cref="SignatureKeyCacheOptions"/> at startup.</summary>
internal sealed class SignatureKeyCacheOptionsValidator : IValidateOptions<SignatureKeyCacheOptions>
{
    public ValidateOptionsResult Validate(string? name, SignatureKeyCacheOptions options)
    {
        const string Prefix = "ApiGuard:Signatures:KeyCache:";
        var errors = new List<string>();
        if (options.Ttl < TimeSpan.FromSeconds(1) || options.Ttl > TimeSpan.FromDays(1))
        {
            errors.Add($"{Prefix}Ttl must be between 00:00:01 and 1.00:00:00 (was {options.Ttl}).");
        }

        if (options.NegativeTtl < TimeSpan.Zero || options.NegativeTtl > TimeSpan.FromHours(1))
        {
            errors.Add($"{Prefix}NegativeTtl must be between 00:00:00 and 01:00:00 (was {options.NegativeTtl}).");
        }

        if (options.Capacity is < 1 or > 1_000_000)
        {
            errors.Add($"{Prefix}Capacity must be between 1 and 1000000 (was {options.Capacity}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
