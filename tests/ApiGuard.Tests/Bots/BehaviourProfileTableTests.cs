using System.Globalization;
using ApiGuard.Bots;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ApiGuard.Tests.Bots;

[Collection(MemoryMeasurementCollection.Name)]
public sealed class BehaviourProfileTableTests
{
    private static readonly DateTimeOffset s_start = new(2026, 11, 28, 10, 0, 0, TimeSpan.Zero);

    private static (BehaviourProfileTable Table, FakeTimeProvider Time) Create(Action<BotDetectionOptions>? configure = null)
    {
        var options = new BotDetectionOptions();
        configure?.Invoke(options);
        var time = new FakeTimeProvider(s_start);
        return (new BehaviourProfileTable(Options.Create(options), time), time);
    }

    private static BotDecision Get(BehaviourProfileTable table, string client, string path, int status = 200, string? route = null,
        string? objectId = null, ClientClass clientClass = ClientClass.Anonymous, string method = "GET") =>
        table.Record(new RequestObservation(client, clientClass, method, route, route is null ? path : null, status, objectId, null), detectOnly: false);

    [Fact]
    public void Record_MillionSpoofedIds_StaysWithinConfiguredBoundAndKeepsTheOffender()
    {
        var (table, time) = Create(o => o.Capacity = 16_384);
        Assert.Equal(16_384, table.Capacity);

        // An offender with an action in force before the flood.
        for (var i = 0; i < 40; i++)
        {
            Get(table, "ip:203.0.113.66", $"/scan/{i}", 404);
            time.Advance(TimeSpan.FromMilliseconds(50));
        }

        Assert.True(table.TryGetAction("ip:203.0.113.66", out var before));
        Assert.Equal(BotAction.Block, before.Action);

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var retainedBefore = GC.GetTotalMemory(forceFullCollection: true);

        for (var i = 0; i < 1_000_000; i++)
        {
            var id = string.Create(CultureInfo.InvariantCulture, $"ip:10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}");
            Get(table, id, "/api/products", 200, "/api/products");
            if ((i & 1023) == 0)
            {
                time.Advance(TimeSpan.FromMilliseconds(1));
            }
        }

        var retainedAfter = GC.GetTotalMemory(forceFullCollection: true);

        // Never more profiles than slots; every spoofed id past the bound evicted another one.
        Assert.True(table.Count <= table.Capacity, $"count {table.Count} > capacity {table.Capacity}");
        Assert.Equal(table.Capacity, table.Count);
        Assert.True(table.Evictions >= 1_000_000 + 1 - table.Capacity, $"evictions {table.Evictions}");

        // Memory: the slots were allocated up front; what the flood may add is at most one retained id string per slot.
        const long MaxIdStringBytes = 64;
        var growth = retainedAfter - retainedBefore;
        Assert.True(growth < table.Capacity * MaxIdStringBytes, $"retained growth {growth} bytes, bound {table.Capacity * MaxIdStringBytes}");
        Assert.True(table.FixedBytes < 16_384L * 512, $"table arrays {table.FixedBytes} bytes");

        // The least valuable profiles were evicted, not the offender.
        Assert.True(table.TryGetAction("ip:203.0.113.66", out var after));
        Assert.Equal(BotAction.Block, after.Action);
    }

    [Fact]
    public void Record_SequentialWalkOnIdRoute_ReportsSequentialIdsAndEnumeration()
    {
        var (table, time) = Create();
        BotDecision last = default;
        for (var id = 1000; id < 1045; id++)
        {
            last = Get(table, "ip:198.51.100.7", $"/api/orders/{id}", 200, "/api/orders/{id}", id.ToString(CultureInfo.InvariantCulture));
            time.Advance(TimeSpan.FromMilliseconds(200));
        }

        var profile = table.GetSnapshot("ip:198.51.100.7")!;
        Assert.True(profile.SequentialIds > 40, profile.SequentialIds.ToString(CultureInfo.InvariantCulture));
        Assert.InRange(profile.DistinctObjectIds, 38, 52);
        Assert.Equal("/api/orders/{id}", profile.ObjectIdRoute);
        Assert.True((last.Reasons & BotReasons.SequentialIds) != 0);
        Assert.True((last.Reasons & BotReasons.Enumeration) != 0);
        Assert.Contains(profile.Explanation, line => line.StartsWith("enumeration:", StringComparison.Ordinal) && line.Contains("/api/orders/{id}", StringComparison.Ordinal));
        Assert.True(last.Action >= BotAction.Challenge, last.Action.ToString());
    }

    [Fact]
    public void Record_RandomIdsOnOneRoute_ReportsEnumerationWithoutSequence()
    {
        var (table, time) = Create();
        var random = new Random(3);
        for (var i = 0; i < 60; i++)
        {
            var id = random.Next(1_000_000, 9_000_000).ToString(CultureInfo.InvariantCulture);
            Get(table, "ip:198.51.100.8", $"/api/accounts/{id}", 200, "/api/accounts/{accountId}", id);
            time.Advance(TimeSpan.FromMilliseconds(500));
        }

        var profile = table.GetSnapshot("ip:198.51.100.8")!;
        Assert.True((profile.Reasons & BotReasons.Enumeration) != 0, profile.Reasons.ToString());
        Assert.True((profile.Reasons & BotReasons.SequentialIds) == 0, profile.Reasons.ToString());
        Assert.InRange(profile.DistinctObjectIds, 45, 75);
    }

    [Fact]
    public void Record_FewIdsRevisited_NoEnumeration()
    {
        var (table, time) = Create();
        for (var i = 0; i < 300; i++)
        {
            var id = (i % 6).ToString(CultureInfo.InvariantCulture);
            var d = Get(table, "ip:198.51.100.9", $"/api/orders/{id}", 200, "/api/orders/{id}", "10" + id + "00");
            Assert.Equal(BotAction.Allow, d.Action);
            time.Advance(TimeSpan.FromSeconds(1));
        }

        var profile = table.GetSnapshot("ip:198.51.100.9")!;
        Assert.Equal(BotReasons.None, profile.Reasons);
        Assert.InRange(profile.DistinctObjectIds, 5, 7);
    }

    [Fact]
    public void Record_NotFoundOnRoutesThatDoNotExist_ReportsRouteScanning()
    {
        var (table, time) = Create();
        for (var i = 0; i < 8; i++)
        {
            Get(table, "ip:198.51.100.10", $"/probe-{i}.php", 404);
            time.Advance(TimeSpan.FromMilliseconds(300));
        }

        var profile = table.GetSnapshot("ip:198.51.100.10")!;
        Assert.True((profile.Reasons & BotReasons.RouteScanning) != 0);
        Assert.InRange(profile.RouteScans, 7.5, 8.0); // decayed over 2.4 s of a 60 s window

        // A 404 from an endpoint that exists (an object not found) is not scanning.
        var (other, time2) = Create();
        for (var i = 0; i < 8; i++)
        {
            Get(other, "ip:198.51.100.11", "/api/products/9999", 404, "/api/products/{id}", "9999");
            time2.Advance(TimeSpan.FromMilliseconds(300));
        }

        Assert.True((other.GetSnapshot("ip:198.51.100.11")!.Reasons & BotReasons.RouteScanning) == 0);
    }

    [Fact]
    public void RecordSignal_AuthenticationFailures_CountAndExplain()
    {
        var (table, time) = Create();
        for (var i = 0; i < 7; i++)
        {
            table.RecordSignal("ip:198.51.100.12", ObservedSignal.AuthenticationFailed, "authentication.failed", "POST", "/api/login", "password");
            time.Advance(TimeSpan.FromMilliseconds(100));
        }

        var d = Get(table, "ip:198.51.100.12", "/api/login", 200, "/api/login", method: "POST");
        Assert.True((d.Reasons & BotReasons.AuthFailures) != 0);
        Assert.Equal(BotAction.Throttle, d.Action);
        Assert.True(d.Changed);
        var timeline = table.GetTimeline("ip:198.51.100.12");
        Assert.Equal(7, timeline.Count(t => t.Kind == "authentication.failed"));
    }

    [Fact]
    public void Record_VerifiedIntegrationAtHighVolume_NeverActedOn()
    {
        var (table, time) = Create();
        for (var i = 0; i < 20_000; i++)
        {
            var id = i.ToString(CultureInfo.InvariantCulture);
            var d = Get(table, "principal:erp-sync", $"/api/orders/{id}", 200, "/api/orders/{id}", id, ClientClass.Verified);
            Assert.Equal(BotAction.Allow, d.Action);
            time.Advance(TimeSpan.FromMilliseconds(2)); // 500 requests/s
        }

        Assert.Equal(BotReasons.None, table.GetSnapshot("principal:erp-sync")!.Reasons);

        // The same traffic from an anonymous client is not normal.
        var (anon, time2) = Create();
        BotDecision last = default;
        for (var i = 0; i < 2_000; i++)
        {
            var id = i.ToString(CultureInfo.InvariantCulture);
            last = Get(anon, "ip:198.51.100.13", $"/api/orders/{id}", 200, "/api/orders/{id}", id);
            time2.Advance(TimeSpan.FromMilliseconds(2));
        }

        Assert.Equal(BotAction.Block, last.Action);
        Assert.True((last.Reasons & (BotReasons.Burst | BotReasons.Enumeration | BotReasons.SequentialIds)) != 0);
    }

    [Fact]
    public void Record_UnusualMethods_Reported()
    {
        var (table, time) = Create();
        foreach (var method in new[] { "TRACE", "PROPFIND", "DEBUG", "TRACK", "CONNECT" })
        {
            Get(table, "ip:198.51.100.14", "/", 405, "/", method: method);
            time.Advance(TimeSpan.FromMilliseconds(100));
        }

        Assert.True((table.GetSnapshot("ip:198.51.100.14")!.Reasons & BotReasons.UnusualMethods) != 0);
        Assert.False(BehaviourProfileTable.IsUnusualMethod("GET"));
        Assert.False(BehaviourProfileTable.IsUnusualMethod("patch"));
        Assert.True(BehaviourProfileTable.IsUnusualMethod("TRACE"));
    }

    [Fact]
    public void Record_AfterTheActionExpiresAndBehaviourStops_ReleasesOnce()
    {
        var (table, time) = Create(o => o.ThrottleDuration = TimeSpan.FromMinutes(1));
        for (var i = 0; i < 7; i++)
        {
            Get(table, "ip:198.51.100.15", "/api/login", 401, "/api/login", method: "POST");
            time.Advance(TimeSpan.FromMilliseconds(100));
        }

        Assert.True(table.TryGetAction("ip:198.51.100.15", out var state));
        Assert.Equal(BotAction.Throttle, state.Action);

        time.Advance(TimeSpan.FromMinutes(10));
        var released = Get(table, "ip:198.51.100.15", "/api/products", 200, "/api/products");
        Assert.True(released.Changed);
        Assert.Equal(BotAction.Throttle, released.Previous);
        Assert.Equal(BotAction.Allow, released.Action);
        var next = Get(table, "ip:198.51.100.15", "/api/products", 200, "/api/products");
        Assert.False(next.Changed);
        Assert.False(table.TryGetAction("ip:198.51.100.15", out _));
    }

    [Theory]
    [InlineData(10)]
    [InlineData(50)]
    [InlineData(200)]
    public void Linear256_DistinctValues_EstimatesWithinTwentyPercent(int distinct)
    {
        var (table, _) = Create();
        for (var i = 0; i < distinct; i++)
        {
            var id = (i * 7919).ToString(CultureInfo.InvariantCulture);
            Get(table, "ip:198.51.100.16", "/x", 200, "/api/items/{id}", id);
        }

        Assert.InRange(table.GetSnapshot("ip:198.51.100.16")!.DistinctObjectIds, distinct * 0.8, distinct * 1.2);
    }

    [Fact]
    public void Record_SameClientConcurrently_CountsEveryRequest()
    {
        var (table, _) = Create();
        Parallel.For(0, 8, _ =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                Get(table, "principal:busy", "/api/products", 200, "/api/products", clientClass: ClientClass.Verified);
            }
        });

        Assert.Equal(80_000, table.GetSnapshot("principal:busy")!.TotalRequests);
    }
}

/// <summary>Tests that measure the process's retained memory run alone, not beside tests that allocate.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryMeasurementCollection
{
    public const string Name = "Memory measurement";
}
