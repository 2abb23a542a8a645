using System.Threading.RateLimiting;
using ApiGuard.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ApiGuard.Tests.RateLimiting;

public sealed class GcraTests
{
    /// <summary>
    /// GCRA by its definition (virtual scheduling, ITU-T I.371): emission interval T, tolerance L = tau - T.
    /// A cell arriving at t conforms iff t >= TAT - L; then TAT = max(t, TAT) + T. A non-conforming cell leaves TAT unchanged,
    /// and could conform at TAT - L.
    /// </summary>
    private sealed class ReferenceGcra(double emissionMs, double toleranceMs)
    {
        private double _tat = double.NegativeInfinity;

        public (bool Conforms, double RetryMs) Arrive(double t, int cost)
        {
            var increment = emissionMs * cost;
            var limit = toleranceMs - increment;
            var tat = Math.Max(_tat, t);
            if (t < tat - limit)
            {
                return (false, tat - limit - t);
            }

            _tat = tat + increment;
            return (true, 0);
        }
    }

    [Fact]
    public void AttemptAcquire_StepByStep_MatchesDefinition()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var sp = RateLimitTestHost.Services(time, o => o.Policy("p", new RateLimitRuleOptions { PermitLimit = 5, Window = TimeSpan.FromSeconds(1), Burst = 3 }));
        var partitioned = sp.GetRequiredService<ApiGuardPartitionedRateLimiter>();
        var limiter = partitioned.GetLimiter("p", "client");
        var reference = new ReferenceGcra(200, 600);
        var start = time.GetUtcNow();

        // A fixed, irregular schedule: bursts, gaps shorter and longer than T, weighted requests.
        int[] stepsMs = [0, 0, 0, 0, 50, 100, 49, 1, 200, 0, 0, 0, 399, 1, 600, 0, 0, 0, 0, 1000, 10, 10, 10, 180, 200, 3, 197];
        int[] costs = [1, 1, 1, 1, 1, 1, 1, 1, 2, 1, 1, 1, 1, 1, 3, 1, 1, 1, 1, 2, 1, 1, 1, 1, 1, 1, 2];
        var conforming = 0;
        var denied = 0;
        for (var i = 0; i < stepsMs.Length; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(stepsMs[i]));
            var t = (time.GetUtcNow() - start).TotalMilliseconds;
            var expected = reference.Arrive(t, costs[i]);
            var decision = limiter.Decide(costs[i]);

            Assert.True(expected.Conforms == decision.Allowed, $"step {i} at {t} ms (cost {costs[i]}): expected {expected.Conforms}, got {decision.Allowed}");
            if (!expected.Conforms && decision.Source == RateLimitDecisionSource.Store)
            {
                Assert.Equal(expected.RetryMs, decision.RetryAfterMs, 6);
            }

            if (expected.Conforms)
            {
                conforming++;
            }
            else
            {
                // Denials are cached until their retry time (for this cost or more), which the definition agrees with.
                denied++;
            }
        }

        Assert.InRange(conforming, 5, stepsMs.Length - 1);
        Assert.InRange(denied, 1, stepsMs.Length - 5);
    }

    [Fact]
    public void AttemptAcquire_BurstThenRefill_GrantsBurstAndOnePerEmissionInterval()
    {
        var time = new FakeTimeProvider();
        using var sp = RateLimitTestHost.Services(time, o => o.Policy("p", new RateLimitRuleOptions { PermitLimit = 10, Window = TimeSpan.FromSeconds(10) }));
        var limiter = sp.GetRequiredService<ApiGuardPartitionedRateLimiter>().GetLimiter("p", "c");

        for (var i = 0; i < 10; i++)
        {
            using var lease = limiter.AttemptAcquire();
            Assert.True(lease.IsAcquired, $"permit {i}");
        }

        using (var denied = limiter.AttemptAcquire())
        {
            Assert.False(denied.IsAcquired);
            Assert.True(denied.TryGetMetadata(MetadataName.RetryAfter, out var retry));
            Assert.Equal(TimeSpan.FromSeconds(1), retry);
        }

        time.Advance(TimeSpan.FromMilliseconds(999));
        using (var stillDenied = limiter.AttemptAcquire())
        {
            Assert.False(stillDenied.IsAcquired);
        }

        time.Advance(TimeSpan.FromMilliseconds(1));
        using (var refilled = limiter.AttemptAcquire())
        {
            Assert.True(refilled.IsAcquired);
        }

        using (var again = limiter.AttemptAcquire())
        {
            Assert.False(again.IsAcquired);
        }

        var stats = limiter.GetStatistics()!;
        Assert.Equal(11, stats.TotalSuccessfulLeases);
        Assert.Equal(3, stats.TotalFailedLeases);
        Assert.Equal(0, stats.CurrentAvailablePermits);
    }

    [Fact]
    public void AttemptAcquire_MorePermitsThanBurst_Throws()
    {
        using var sp = RateLimitTestHost.Services(new FakeTimeProvider(), o => o.Policy("p", new RateLimitRuleOptions { PermitLimit = 5 }));
        var limiter = sp.GetRequiredService<ApiGuardPartitionedRateLimiter>().GetLimiter("p", "c");
        Assert.Throws<ArgumentOutOfRangeException>(() => limiter.AttemptAcquire(6));
    }
}
