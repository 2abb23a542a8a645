using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using ApiGuard.Authentication.Signatures;
using ApiGuard.Client.Signatures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ApiGuard.Tests.Authentication.Signatures;

public sealed class CachingSignatureKeyResolverTests
{
    [Fact]
    public async Task ResolveAsync_KnownKey_AsksInnerOnceUntilTtlPasses()
    {
        var (cache, inner, time) = Create(new SignatureKeyCacheOptions { Ttl = TimeSpan.FromMinutes(5) }, "k1");

        var first = await cache.ResolveAsync("k1");
        var second = await cache.ResolveAsync("k1");
        time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));
        await cache.ResolveAsync("k1");
        Assert.Equal(1, inner.Calls("k1"));
        time.Advance(TimeSpan.FromSeconds(2));
        var third = await cache.ResolveAsync("k1");

        Assert.Same(first, second);
        Assert.Same(first, third);
        Assert.Equal(2, inner.Calls("k1"));
    }

    [Fact]
    public async Task ResolveAsync_UnknownKeyWithoutNegativeTtl_AsksInnerEveryTime()
    {
        var (cache, inner, _) = Create(new SignatureKeyCacheOptions(), "k1");

        Assert.Null(await cache.ResolveAsync("nobody"));
        Assert.Null(await cache.ResolveAsync("nobody"));

        Assert.Equal(2, inner.Calls("nobody"));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public async Task ResolveAsync_UnknownKeyWithNegativeTtl_RemembersUntilItPasses()
    {
        var (cache, inner, time) = Create(new SignatureKeyCacheOptions { NegativeTtl = TimeSpan.FromSeconds(30) }, "k1");

        await cache.ResolveAsync("nobody");
        await cache.ResolveAsync("nobody");
        time.Advance(TimeSpan.FromSeconds(31));
        await cache.ResolveAsync("nobody");

        Assert.Equal(2, inner.Calls("nobody"));
    }

    [Fact]
    public async Task ResolveAsync_CapacityReached_StaysBoundedAndStillAnswers()
    {
        var (cache, inner, time) = Create(new SignatureKeyCacheOptions { Capacity = 2 }, "k1", "k2", "k3");

        await cache.ResolveAsync("k1");
        await cache.ResolveAsync("k2");
        var third = await cache.ResolveAsync("k3");
        await cache.ResolveAsync("k3");
        Assert.Equal(2, cache.Count);
        Assert.Equal("k3", third!.Key.KeyId);
        Assert.Equal(2, inner.Calls("k3"));

        time.Advance(TimeSpan.FromMinutes(6));
        await cache.ResolveAsync("k3");
        await cache.ResolveAsync("k3");

        Assert.Equal(3, inner.Calls("k3"));
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public async Task Invalidate_RevokedKey_AsksInnerAgain()
    {
        var (cache, inner, _) = Create(new SignatureKeyCacheOptions(), "k1");
        await cache.ResolveAsync("k1");
        inner.Keys.TryRemove("k1", out _);

        Assert.NotNull(await cache.ResolveAsync("k1"));
        Assert.True(cache.Invalidate("k1"));
        Assert.Null(await cache.ResolveAsync("k1"));
    }

    [Fact]
    public async Task AddSignatureKeyResolver_CustomResolver_IsCachedAndVerifies()
    {
        var key = SignatureKey.FromSharedSecret("custom-key", RandomNumberGenerator.GetBytes(32));
        var inner = new CountingResolver(new SignatureClientKey(key, "custom-client"));
        await using var host = await SignatureTestHost.StartAsync(services: s =>
        {
            s.AddSingleton(inner);
            s.AddSignatureKeyResolver<CountingResolver>(o => o.Ttl = TimeSpan.FromMinutes(1));
        });
        using var client = host.CreateClient(key);

        using var first = await client.GetAsync("/api/signed/items");
        using var second = await client.GetAsync("/api/signed/items");

        Assert.Equal("custom-client", await first.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(1, inner.Calls("custom-key"));
        Assert.IsType<CachingSignatureKeyResolver>(host.Services.GetRequiredService<ISignatureKeyResolver>());
    }

    [Fact]
    public async Task AddSignatureKeyResolver_TtlOutOfRange_FailsAtStartupNamingKey()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => SignatureTestHost.StartAsync(services: s =>
            s.AddSignatureKeyResolver<CountingResolver>(o => o.Ttl = TimeSpan.Zero)));

        Assert.Contains("ApiGuard:Signatures:KeyCache:Ttl must be between 00:00:01 and 1.00:00:00", ex.Message, StringComparison.Ordinal);
    }

    private static (CachingSignatureKeyResolver Cache, CountingResolver Inner, FakeTimeProvider Time) Create(SignatureKeyCacheOptions options, params string[] keyIds)
    {
        var inner = new CountingResolver([.. keyIds.Select(id => new SignatureClientKey(SignatureKey.FromSharedSecret(id, new byte[32]), "owner-" + id))]);
        var time = new FakeTimeProvider(SignatureTestHost.Start);
        return (new CachingSignatureKeyResolver(inner, time, Options.Create(options)), inner, time);
    }

    /// <summary>A slow-store stand-in: answers from a dictionary, asynchronously, and counts lookups per key id.</summary>
    internal sealed class CountingResolver(params SignatureClientKey[] keys) : ISignatureKeyResolver
    {
        private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);

        public ConcurrentDictionary<string, SignatureClientKey> Keys { get; } = new(keys.ToDictionary(k => k.Key.KeyId), StringComparer.Ordinal);

        public int Calls(string keyId) => _calls.GetValueOrDefault(keyId);

        public async ValueTask<SignatureClientKey?> ResolveAsync(string keyId, CancellationToken cancellationToken = default)
        {
            _calls.AddOrUpdate(keyId, 1, (_, n) => n + 1);
            await Task.Yield();
            return Keys.GetValueOrDefault(keyId);
        }
    }
}
