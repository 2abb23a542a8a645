using System.Collections.Concurrent;
using ApiGuard.Client.Signatures;

namespace ApiGuard.Authentication.Signatures;

/// <summary>A verification key and its owner: who a request verified with it comes from.</summary>
public sealed class SignatureClientKey
{
    /// <summary>Creates the entry.</summary>
    /// <param name="key">The key, pinned to its algorithm.</param>
    /// <param name="clientId">The owner; becomes the <c>apiguard:client_id</c> claim.</param>
    /// <param name="scopes">Scopes granted to the owner; each becomes a <c>scope</c> claim.</param>
    public SignatureClientKey(SignatureKey key, string clientId, IReadOnlyList<string>? scopes = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentException.ThrowIfNullOrEmpty(clientId);
        Key = key;
        ClientId = clientId;
        Scopes = scopes ?? [];
    }

    /// <summary>The key.</summary>
    public SignatureKey Key { get; }

    /// <summary>The owner's client id.</summary>
    public string ClientId { get; }

    /// <summary>The owner's scopes.</summary>
    public IReadOnlyList<string> Scopes { get; }

    /// <summary>The key is not accepted before this instant (for staged rotation).</summary>
    public DateTimeOffset? NotBefore { get; init; }

    /// <summary>The key is not accepted after this instant (for retiring a rotated key).</summary>
    public DateTimeOffset? NotAfter { get; init; }
}

/// <summary>Finds the verification key for a <c>keyid</c>. Implementations should cache; they are called for every signed request.</summary>
public interface ISignatureKeyResolver
{
    /// <summary>The key for <paramref name="keyId"/>, or <see langword="null"/> when unknown. <paramref name="keyId"/> is attacker input.</summary>
    ValueTask<SignatureClientKey?> ResolveAsync(string keyId, CancellationToken cancellationToken = default);
}

/// <summary>An in-memory <see cref="ISignatureKeyResolver"/>: add keys in code (several per client for rotation).</summary>
public sealed class InMemorySignatureKeyResolver : ISignatureKeyResolver
{
    private readonly ConcurrentDictionary<string, SignatureClientKey> _keys = new(StringComparer.Ordinal);

    /// <summary>Adds or replaces a key.</summary>
    public InMemorySignatureKeyResolver Add(SignatureClientKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        _keys[key.Key.KeyId] = key;
        return this;
    }

    /// <summary>Removes a key; returns whether it was there.</summary>
    public bool Remove(string keyId) => _keys.TryRemove(keyId, out _);

    /// <inheritdoc />
    public ValueTask<SignatureClientKey?> ResolveAsync(string keyId, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_keys.TryGetValue(keyId, out var key) ? key : null);
}
