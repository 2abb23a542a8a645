using System.Net;
using ApiGuard.BruteForce;
using ApiGuard.Problems;
using ApiGuard.Replay;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace ApiGuard.Tests.BruteForce;

public sealed class BruteForceStoreFailureTests
{
    /// <summary>A shared store that never answers, as Redis does when it is down.</summary>
    private sealed class UnavailableStore : IBruteForceStore
    {
        public int Calls { get; private set; }

        public ValueTask<BruteForceState> GetStateAsync(BruteForceKey key, DateTimeOffset now, CancellationToken cancellationToken = default) =>
            throw Fail();

        public ValueTask<BruteForceFailureResult> RecordFailureAsync(BruteForceKey key, DateTimeOffset now, CancellationToken cancellationToken = default) =>
            throw Fail();

        public ValueTask RecordSuccessAsync(BruteForceKey key, DateTimeOffset now, CancellationToken cancellationToken = default) =>
            throw Fail();

        private ApiGuardStoreUnavailableException Fail()
        {
            Calls++;
            return new ApiGuardStoreUnavailableException("down");
        }
    }

    private static (ServiceProvider Provider, UnavailableStore Store) Create(BruteForceStoreFailurePolicy policy, FakeTimeProvider? time = null)
    {
        var store = new UnavailableStore();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time ?? new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 10, 0, 0, TimeSpan.Zero)));
        services.AddApiGuard().AddBruteForceProtection(o =>
        {
            o.StoreFailurePolicy = policy;
            o.Pair.DelayThreshold = 2;
        });
        services.Replace(ServiceDescriptor.Singleton<IBruteForceStore>(store));
        return (services.BuildServiceProvider(), store);
    }

    private static DefaultHttpContext NewContext(IServiceProvider provider)
    {
        var context = new DefaultHttpContext { RequestServices = provider };
        context.Connection.RemoteIpAddress = IPAddress.Parse("198.51.100.66");
        context.Response.Body = new MemoryStream();
        return context;
    }

    [Fact]
    public async Task CheckAsync_StoreDownFallbackToLocal_CountsLocally()
    {
        var (provider, _) = Create(BruteForceStoreFailurePolicy.FallbackToLocal);
        await using var __ = provider;
        var guard = provider.GetRequiredService<IBruteForceGuard>();

        await guard.RecordFailureAsync(NewContext(provider), "alice");
        await guard.RecordFailureAsync(NewContext(provider), "alice");
        var decision = await guard.CheckAsync(NewContext(provider), "alice");

        Assert.False(decision.IsAllowed);
        Assert.Equal(TimeSpan.FromSeconds(1), decision.RetryAfter);
    }

    [Fact]
    public async Task CheckAsync_StoreDown_SkippedForFiveSecondsThenRetried()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 10, 0, 0, TimeSpan.Zero));
        var (provider, store) = Create(BruteForceStoreFailurePolicy.FallbackToLocal, time);
        await using var _ = provider;
        var guard = provider.GetRequiredService<IBruteForceGuard>();

        for (var i = 0; i < 4; i++)
        {
            await guard.CheckAsync(NewContext(provider), "alice");
        }

        Assert.Equal(1, store.Calls); // one time budget spent, then straight to the local store
        time.Advance(TimeSpan.FromSeconds(5));
        await guard.CheckAsync(NewContext(provider), "alice");
        Assert.Equal(2, store.Calls);
    }

    [Fact]
    public async Task CheckAsync_StoreDownFailOpen_Allowed()
    {
        var (provider, _) = Create(BruteForceStoreFailurePolicy.FailOpen);
        await using var __ = provider;
        var guard = provider.GetRequiredService<IBruteForceGuard>();

        for (var i = 0; i < 5; i++)
        {
            await guard.RecordFailureAsync(NewContext(provider), "alice");
        }

        Assert.True((await guard.CheckAsync(NewContext(provider), "alice")).IsAllowed);
    }

    [Fact]
    public async Task CheckAsync_StoreDownFailClosed_503Problem()
    {
        var (provider, _) = Create(BruteForceStoreFailurePolicy.FailClosed);
        await using var __ = provider;
        var guard = provider.GetRequiredService<IBruteForceGuard>();
        var context = NewContext(provider);

        var decision = await guard.CheckAsync(context, "alice");
        await guard.WriteRejectionAsync(context, decision);

        Assert.False(decision.IsAllowed);
        Assert.True(decision.StoreUnavailable);
        Assert.Equal(503, context.Response.StatusCode);
        Assert.Equal(ApiGuardProblemWriter.ContentType, context.Response.ContentType);
        context.Response.Body.Position = 0;
        var body = await new StreamReader(context.Response.Body).ReadToEndAsync();
        Assert.Contains(ApiGuardProblemTypes.ServiceUnavailable, body, StringComparison.Ordinal);
        Assert.DoesNotContain("alice", body, StringComparison.Ordinal);
    }
}
