using System.Net;
using ApiGuard.Client.Signatures;
using ApiGuard.Replay;
using ApiGuard.Tests.Authentication.Signatures;
using ApiGuard.Tests.Client.Signatures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ApiGuard.Tests.Replay;

public sealed class InMemoryReplayStoreTests
{
    [Fact]
    public async Task TryReserveAsync_SameKeyTwice_SecondIsReplay()
    {
        var (store, _) = Create();

        Assert.True(await store.TryReserveAsync("sig-nonce", "n-1", TimeSpan.FromMinutes(1)));
        Assert.False(await store.TryReserveAsync("sig-nonce", "n-1", TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public async Task TryReserveAsync_SameKeyOtherScope_IsIndependent()
    {
        var (store, _) = Create();

        Assert.True(await store.TryReserveAsync("sig-nonce", "shared", TimeSpan.FromMinutes(1)));
        Assert.True(await store.TryReserveAsync("dpop-jti", "shared", TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public async Task TryReserveAsync_AfterTtl_IsAllowedAgain()
    {
        var (store, time) = Create();
        await store.TryReserveAsync("sig-nonce", "n-1", TimeSpan.FromSeconds(30));

        time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(await store.TryReserveAsync("sig-nonce", "n-1", TimeSpan.FromSeconds(30)));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await store.TryReserveAsync("sig-nonce", "n-1", TimeSpan.FromSeconds(30)));
        Assert.False(await store.TryReserveAsync("sig-nonce", "n-1", TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task TryReserveAsync_CapacityFullOfLiveEntries_ThrowsStoreUnavailable()
    {
        var (store, _) = Create(capacity: 2);
        await store.TryReserveAsync("s", "a", TimeSpan.FromMinutes(1));
        await store.TryReserveAsync("s", "b", TimeSpan.FromMinutes(1));

        await Assert.ThrowsAsync<ApiGuardStoreUnavailableException>(() => store.TryReserveAsync("s", "c", TimeSpan.FromMinutes(1)).AsTask());
        Assert.False(await store.TryReserveAsync("s", "a", TimeSpan.FromMinutes(1)));
        Assert.Equal(2, store.Count);
    }

    [Fact]
    public async Task TryReserveAsync_CapacityFullOfExpiredEntries_SweepsAndAccepts()
    {
        var (store, time) = Create(capacity: 2);
        await store.TryReserveAsync("s", "a", TimeSpan.FromSeconds(5));
        await store.TryReserveAsync("s", "b", TimeSpan.FromSeconds(5));
        time.Advance(TimeSpan.FromSeconds(5));

        Assert.True(await store.TryReserveAsync("s", "c", TimeSpan.FromMinutes(1)));
        Assert.Equal(1, store.Count);
    }

    [Fact]
    public async Task TryReserveAsync_AttackerSizedKeys_StoredAsFixedSizeHashes()
    {
        var (store, _) = Create();

        Assert.True(await store.TryReserveAsync("s", new string('x', 100_000), TimeSpan.FromMinutes(1)));
        Assert.False(await store.TryReserveAsync("s", new string('x', 100_000), TimeSpan.FromMinutes(1)));
        Assert.True(await store.TryReserveAsync("s", new string('x', 99_999), TimeSpan.FromMinutes(1)));
        Assert.Equal(InMemoryReplayStore.Hash("s", "short").Length, InMemoryReplayStore.Hash("s", new string('x', 100_000)).Length);
    }

    [Fact]
    public async Task TryReserveAsync_ConcurrentSameKey_AdmitsExactlyOne()
    {
        for (var round = 0; round < 20; round++)
        {
            var (store, _) = Create();

            Assert.Equal(1, await RaceAsync(store));
        }
    }

    [Fact]
    public async Task TryReserveAsync_ConcurrentSameExpiredKey_AdmitsExactlyOne()
    {
        for (var round = 0; round < 20; round++)
        {
            var (store, time) = Create();
            await store.TryReserveAsync("sig-nonce", "race", TimeSpan.FromSeconds(1));
            time.Advance(TimeSpan.FromSeconds(2));

            Assert.Equal(1, await RaceAsync(store));
        }
    }

    [Fact]
    public async Task SignatureHandler_ReplayStoreFull_Answers503Problem()
    {
        await using var host = await SignatureTestHost.StartAsync(services: s =>
        {
            s.Configure<ReplayStoreOptions>(o => o.Capacity = 1);
            s.Replace(ServiceDescriptor.Singleton<IReplayStore, InMemoryReplayStore>());
        });
        using var client = host.CreateClient(TestKeys.Private("test-key-ed25519"));

        using var first = await client.GetAsync("/api/signed/items");
        using var second = await client.GetAsync("/api/signed/items");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        await SignatureAuthenticationHandlerTests.AssertProblemAsync(second, HttpStatusCode.ServiceUnavailable, SignatureChecks.StoreUnavailable);
    }

    /// <summary>Eight threads released together reserve the same key; returns how many were admitted.</summary>
    private static async Task<int> RaceAsync(InMemoryReplayStore store)
    {
        using var start = new Barrier(8);
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            start.SignalAndWait();
            return store.TryReserveAsync("sig-nonce", "race", TimeSpan.FromMinutes(1)).AsTask();
        })));
        return results.Count(admitted => admitted);
    }

    private static (InMemoryReplayStore Store, FakeTimeProvider Time) Create(int capacity = 1000)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 15, 12, 0, 0, TimeSpan.Zero));
        return (new InMemoryReplayStore(time, Options.Create(new ReplayStoreOptions { Capacity = capacity })), time);
    }
}
