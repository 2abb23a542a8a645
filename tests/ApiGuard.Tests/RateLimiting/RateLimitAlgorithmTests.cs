using System.Diagnostics.Metrics;
using ApiGuard.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;

namespace ApiGuard.Tests.RateLimiting;

public sealed class RateLimitAlgorithmTests
{
    private static readonly DateTimeOffset s_midnight = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private static ApiGuardRateLimiter Limiter(ServiceProvider sp, string key = "c") =>
        sp.GetRequiredService<ApiGuardPartitionedRateLimiter>().GetLimiter("p", key);

    private static bool Take(ApiGuardRateLimiter limiter, int cost = 1) => limiter.Decide(cost).Allowed;

    [Fact]
    public void SlidingWindow_PreviousWindowWeighted_AdmitsAsItSlides()
    {
        var time = new FakeTimeProvider(s_midnight);
        using var sp = RateLimitTestHost.Services(time, o => o.Policy("p", new RateLimitRuleOptions { Algorithm = RateLimitAlgorithm.SlidingWindow, PermitLimit = 10, Window = TimeSpan.FromSeconds(10) }));
        var limiter = Limiter(sp);
        for (var i = 0; i < 10; i++)
        {
            Assert.True(Take(limiter));
        }

        Assert.False(Take(limiter));

        // 2.5 s into the next window the previous 10 count 7.5: two more fit (9.5 <= 10), a third does not.
        time.Advance(TimeSpan.FromSeconds(12.5));
        Assert.True(Take(limiter));
        Assert.True(Take(limiter));
        var denied = limiter.Decide(1);
        Assert.False(denied.Allowed);

        // The estimate falls 1 permit per second: 0.5 s until 8.5 + 1 <= 10.
        Assert.Equal(500, denied.RetryAfterMs, 3);
    }

    [Fact]
    public void FixedWindow_AlignedToUtcMidnight_ResetsAtBoundary()
    {
        var time = new FakeTimeProvider(s_midnight.AddHours(23).AddMinutes(59));
        using var sp = RateLimitTestHost.Services(time, o => o.Policy("p", new RateLimitRuleOptions { Algorithm = RateLimitAlgorithm.FixedWindow, PermitLimit = 3, Window = TimeSpan.FromDays(1) }));
        var limiter = Limiter(sp);
        Assert.True(Take(limiter));
        Assert.True(Take(limiter));
        Assert.True(Take(limiter));
        var denied = limiter.Decide(1);
        Assert.False(denied.Allowed);
        Assert.Equal(TimeSpan.FromMinutes(1).TotalMilliseconds, denied.RetryAfterMs, 3);

        time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(Take(limiter));
    }

    [Fact]
    public void FixedWindow_CalendarMonth_ResetsOnFirstOfMonth()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 2, 28, 23, 0, 0, TimeSpan.Zero));
        using var sp = RateLimitTestHost.Services(time, o => o.Policy("p", new RateLimitRuleOptions { Algorithm = RateLimitAlgorithm.FixedWindow, PermitLimit = 2, CalendarMonth = true }));
        var limiter = Limiter(sp);
        Assert.True(Take(limiter));
        Assert.True(Take(limiter));
        var denied = limiter.Decide(1);
        Assert.False(denied.Allowed);
        Assert.Equal(TimeSpan.FromHours(1).TotalMilliseconds, denied.RetryAfterMs, 3);
        time.Advance(TimeSpan.FromHours(1));
        Assert.True(Take(limiter));
    }

    [Fact]
    public void Concurrency_LeasesHeld_RejectsUntilDisposed()
    {
        using var sp = RateLimitTestHost.Services(new FakeTimeProvider(), o => o.Policy("p", new RateLimitRuleOptions { Algorithm = RateLimitAlgorithm.Concurrency, PermitLimit = 2 }));
        var limiter = Limiter(sp);
        var a = limiter.AttemptAcquire();
        var b = limiter.AttemptAcquire();
        Assert.True(a.IsAcquired && b.IsAcquired);
        Assert.Null(limiter.IdleDuration);
        using (var c = limiter.AttemptAcquire())
        {
            Assert.False(c.IsAcquired);
        }

        a.Dispose();
        a.Dispose();
        using var d = limiter.AttemptAcquire();
        Assert.True(d.IsAcquired);
        using var e = limiter.AttemptAcquire();
        Assert.False(e.IsAcquired);
        b.Dispose();
    }

    [Fact]
    public void MultipleLimits_OneRejects_NoneConsumed()
    {
        var time = new FakeTimeProvider(s_midnight);
        using var sp = RateLimitTestHost.Services(time, o => o.Policy("p",
            new RateLimitRuleOptions { Name = "second", PermitLimit = 2, Window = TimeSpan.FromSeconds(1) },
            new RateLimitRuleOptions { Name = "day", Algorithm = RateLimitAlgorithm.FixedWindow, PermitLimit = 5, Window = TimeSpan.FromDays(1) }));
        var limiter = Limiter(sp);

        var granted = 0;
        for (var round = 0; round < 10; round++)
        {
            // Each second: 3 attempts; the per-second limit rejects the third, and that rejection must not cost a daily permit.
            for (var i = 0; i < 3; i++)
            {
                var d = limiter.Decide(1);
                granted += d.Allowed ? 1 : 0;
            }

            time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(5, granted);
        var last = limiter.Decide(1);
        Assert.False(last.Allowed);
        Assert.Equal(1, last.LimitIndex);
    }

    [Fact]
    public void MultipleLimits_WeightedCost_ChargesEveryLimit()
    {
        using var sp = RateLimitTestHost.Services(new FakeTimeProvider(s_midnight), o => o.Policy("p",
            new RateLimitRuleOptions { PermitLimit = 10, Window = TimeSpan.FromHours(1) },
            new RateLimitRuleOptions { Algorithm = RateLimitAlgorithm.SlidingWindow, PermitLimit = 7, Window = TimeSpan.FromHours(1) }));
        var limiter = Limiter(sp);
        Assert.True(Take(limiter, 5));
        var rejected = limiter.Decide(3);
        Assert.False(rejected.Allowed);
        Assert.Equal(1, rejected.LimitIndex);
        Assert.Equal(2, rejected.Remaining);
        Assert.True(Take(limiter, 2));
        Assert.False(Take(limiter, 1));
    }

    [Fact]
    public void Partitions_FloodOfDistinctKeys_StaysUnderCapAndCountsEvictions()
    {
        var time = new FakeTimeProvider(s_midnight);
        using var sp = RateLimitTestHost.Services(time, o =>
        {
            o.Policy("p", new RateLimitRuleOptions { PermitLimit = 1 });
            o.MaxPartitions = 100;
        });
        using var evicted = new MetricCollector<long>(sp.GetRequiredService<IMeterFactory>(), "ApiGuard", "apiguard.ratelimiting.partitions.evicted");
        var partitioned = sp.GetRequiredService<ApiGuardPartitionedRateLimiter>();
        var hot = partitioned.GetLimiter("p", "hot");
        Assert.True(Take(hot));

        for (var i = 0; i < 10_000; i++)
        {
            Take(partitioned.GetLimiter("p", "attacker-" + i));
            time.Advance(TimeSpan.FromMilliseconds(1));
            if (i % 50 == 0)
            {
                Take(hot);
            }
        }

        Assert.InRange(partitioned.Partitions.Count, 1, 100);
        var total = evicted.GetMeasurementSnapshot().Sum(m => m.Value);
        Assert.Equal(partitioned.Partitions.Evicted, total);
        Assert.InRange(total, 9_900, 10_001);

        // The recently used partition survived the flood, with its state.
        Assert.Same(hot, partitioned.GetLimiter("p", "hot"));
        Assert.False(Take(hot));
    }

    [Fact]
    public void Partitions_Idle_AreEvicted()
    {
        var time = new FakeTimeProvider(s_midnight);
        using var sp = RateLimitTestHost.Services(time, o =>
        {
            o.Policy("p", new RateLimitRuleOptions { PermitLimit = 1 });
            o.PartitionIdleTimeout = TimeSpan.FromMinutes(1);
        });
        var partitioned = sp.GetRequiredService<ApiGuardPartitionedRateLimiter>();
        for (var i = 0; i < 50; i++)
        {
            Take(partitioned.GetLimiter("p", "k" + i));
        }

        time.Advance(TimeSpan.FromMinutes(2));
        partitioned.GetLimiter("p", "new");
        Assert.Equal(1, partitioned.Partitions.Count);
        Assert.Equal(50, partitioned.Partitions.Evicted);
    }
}
