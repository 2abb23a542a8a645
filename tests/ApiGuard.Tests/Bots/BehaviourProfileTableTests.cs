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
        Assert.InRange(profile.DistinctObjectIds, 35, 55); // 45 ids: the estimate's standard error is about 2 (hashes are seeded per process)
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
    public void Record_NewClientsInEvictedSlots_InheritNothingFromTheEvictedProfiles()
    {
        // Every slot first holds a client walking 50 random account ids (enumeration, an action, a timeline: 200 such clients
        // fill every bucket); then new clients evict them, each sending one id on the same route. None may see the evicted
        // client's ids, score, action or timeline.
        var (table, time) = Create(o => o.Capacity = 64);
        var random = new Random(11);
        for (var c = 0; c < 200; c++)
        {
            for (var i = 0; i < 50; i++)
            {
                var id = random.Next(1_000_000, 9_000_000).ToString(CultureInfo.InvariantCulture);
                Get(table, $"ip:198.51.{c / 100}.{c % 100}", $"/api/accounts/{id}", 404, "/api/accounts/{accountId}", id);
            }

            time.Advance(TimeSpan.FromMilliseconds(10));
        }

        Assert.Equal(64, table.Count);
        Assert.All(table.GetTopOffenders(64), p => Assert.True((p.Reasons & BotReasons.Enumeration) != 0 && p.Action != BotAction.Allow));
        Assert.Equal(64, table.GetTopOffenders(64).Count);

        var evictionsBefore = table.Evictions;
        for (var n = 0; n < 640; n++)
        {
            var client = $"ip:203.0.113.{n % 256}.{n / 256}";
            var d = Get(table, client, "/api/accounts/42", 200, "/api/accounts/{accountId}", "42");
            Assert.Equal(BotAction.Allow, d.Action);
            Assert.Equal(BotReasons.None, d.Reasons);
            var profile = table.GetSnapshot(client)!;
            Assert.Equal(1, profile.TotalRequests);
            Assert.InRange(profile.DistinctObjectIds, 0.9, 1.1);
            Assert.Equal(0, profile.Score);
            Assert.Empty(table.GetTimeline(client));
            time.Advance(TimeSpan.FromMilliseconds(1));
        }

        Assert.True(table.Evictions - evictionsBefore >= 640, $"{table.Evictions - evictionsBefore} evictions");
        Assert.True(table.Count <= table.Capacity);
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
    public void Linear256_DistinctValues_EstimatesWithinTwentyFivePercent(int distinct)
    {
        // String hashes are seeded per process, so the estimate differs from run to run. Linear counting's standard error at
        // 200 values in 256 bits is about 5 % (measured: sd 10.2 over 20,000 seeds), so the bound is five of them wide;
        // ±20 % failed about once in 10,000 runs.
        var (table, _) = Create();
        for (var i = 0; i < distinct; i++)
        {
            var id = (i * 7919).ToString(CultureInfo.InvariantCulture);
            Get(table, "ip:198.51.100.16", "/x", 200, "/api/items/{id}", id);
        }

        Assert.InRange(table.GetSnapshot("ip:198.51.100.16")!.DistinctObjectIds, distinct * 0.75, distinct * 1.25);
    }

    [Fact]
    public void Record_RoundRobinOverThreeIdRoutes_BuildsUpSequenceAndEnumeration()
    {
        // Each route walked in sequence, the routes taken in turn: no route may wipe another's state.
        var (table, time) = Create();
        string[] routes = ["/api/orders/{id}", "/api/invoices/{id}", "/api/shipments/{id}"];
        BotDecision last = default;
        for (var i = 0; i < 150; i++)
        {
            var id = (5000 + (i / 3)).ToString(CultureInfo.InvariantCulture);
            last = Get(table, "ip:198.51.100.20", "/x", 200, routes[i % 3], id);
            time.Advance(TimeSpan.FromMilliseconds(200));
        }

        var profile = table.GetSnapshot("ip:198.51.100.20")!;
        Assert.True(profile.SequentialIds > 100, profile.SequentialIds.ToString(CultureInfo.InvariantCulture));
        Assert.InRange(profile.DistinctObjectIds, 40, 60);
        Assert.Contains(profile.ObjectIdRoute, routes);
        Assert.True((last.Reasons & BotReasons.SequentialIds) != 0, last.Reasons.ToString());
        Assert.True((last.Reasons & BotReasons.Enumeration) != 0, last.Reasons.ToString());
        Assert.True(last.Action >= BotAction.Challenge, last.Action.ToString());
    }

    [Fact]
    public void Record_RoundRobinOverMoreRoutesThanTrackers_StillBuildsUp()
    {
        var (table, time) = Create();
        var routes = Enumerable.Range(0, (BehaviourProfileTable.TrackersPerClient * 2) + 1).Select(r => $"/api/r{r}/{{id}}").ToArray();
        for (var i = 0; i < routes.Length * 40; i++)
        {
            var id = (9000 + (i / routes.Length)).ToString(CultureInfo.InvariantCulture);
            Get(table, "ip:198.51.100.21", "/x", 200, routes[i % routes.Length], id);
            time.Advance(TimeSpan.FromMilliseconds(100));
        }

        var profile = table.GetSnapshot("ip:198.51.100.21")!;
        Assert.True((profile.Reasons & BotReasons.Enumeration) != 0, profile.Reasons.ToString());
        // 40 distinct ids, counted by a 256-bit linear-counting estimate over string hashes seeded per process: 14 runs gave
        // 36.5-42.3 and one CI run 33.0 (three steps of the estimate below the rest), so the floor leaves room for the seed.
        Assert.True(profile.DistinctObjectIds >= 30, profile.DistinctObjectIds.ToString(CultureInfo.InvariantCulture));

        // The routes that hold a sequence entry keep it: a new route takes over only the entry filled last.
        Assert.True(profile.SequentialIds > 40, profile.SequentialIds.ToString(CultureInfo.InvariantCulture));
        Assert.True((profile.Reasons & BotReasons.SequentialIds) != 0, profile.Reasons.ToString());
    }

    [Fact]
    public void Record_ManyDistinctRoutes_ScoredAsDistinctRoutesAndExplained()
    {
        var (table, time) = Create(o => o.Anonymous = new BotClassOptions { MaxDistinctRoutes = 20 });
        for (var i = 0; i < 60; i++)
        {
            Get(table, "ip:198.51.100.22", "/x", 200, $"/api/area{i}");
            time.Advance(TimeSpan.FromMilliseconds(500));
        }

        var profile = table.GetSnapshot("ip:198.51.100.22")!;
        Assert.InRange(profile.DistinctRoutes, 35, 100);
        Assert.Equal(BotReasons.DistinctRoutes, profile.Reasons);
        Assert.True(profile.Score > 0);
        Assert.Contains(profile.Explanation, l => l.StartsWith("distinct-routes: ~", StringComparison.Ordinal) && l.EndsWith("(limit 20)", StringComparison.Ordinal));
        Assert.Equal("distinct-routes", BotReasonCodes.ToCode(BotReasons.DistinctRoutes));

        // The same client calling a few routes over and over is not.
        var (few, time2) = Create(o => o.Anonymous = new BotClassOptions { MaxDistinctRoutes = 20 });
        for (var i = 0; i < 60; i++)
        {
            Get(few, "ip:198.51.100.23", "/x", 200, $"/api/area{i % 5}");
            time2.Advance(TimeSpan.FromMilliseconds(500));
        }

        Assert.Equal(BotReasons.None, few.GetSnapshot("ip:198.51.100.23")!.Reasons);
    }

    [Theory]
    [InlineData(404, BotReasons.NotFoundRatio, "not-found-ratio: ")]
    [InlineData(429, BotReasons.TooManyRequestsRatio, "too-many-requests-ratio: ")]
    [InlineData(401, BotReasons.UnauthorizedRatio, "unauthorized-ratio: ")]
    [InlineData(403, BotReasons.ForbiddenRatio, "forbidden-ratio: ")]
    [InlineData(500, BotReasons.ServerErrorRatio, "server-error-ratio: ")]
    [InlineData(503, BotReasons.ServerErrorRatio, "server-error-ratio: ")]
    public void Record_ShareOfStatusAboveClassRatio_ScoredAndExplained(int status, BotReasons reason, string line)
    {
        var (table, time) = Create(o => o.Anonymous = RatiosOnly(0.3));
        for (var i = 0; i < 40; i++)
        {
            Get(table, "ip:198.51.100.24", "/x", i % 2 == 0 ? status : 200, "/api/products/{id}", "7");
            time.Advance(TimeSpan.FromMilliseconds(200));
        }

        var profile = table.GetSnapshot("ip:198.51.100.24")!;
        Assert.Equal(reason, profile.Reasons);
        Assert.Contains(profile.Explanation, l => l.StartsWith(line, StringComparison.Ordinal) && l.Contains("(limit 30%)", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(404)]
    [InlineData(429)]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(500)]
    public void Record_ShareOfStatusUnderClassRatio_NotScored(int status)
    {
        var (table, time) = Create(o => o.Anonymous = RatiosOnly(0.3));
        for (var i = 0; i < 40; i++)
        {
            // One response in five (20 %) against a 30 % limit.
            Get(table, "ip:198.51.100.25", "/x", i % 5 == 0 ? status : 200, "/api/products/{id}", "7");
            time.Advance(TimeSpan.FromMilliseconds(200));
        }

        Assert.Equal(BotReasons.None, table.GetSnapshot("ip:198.51.100.25")!.Reasons);
    }

    [Fact]
    public void ToCodes_EveryReason_HasItsOwnCodeInFlagOrder()
    {
        var all = Enum.GetValues<BotReasons>().Where(r => r != BotReasons.None).ToArray();
        var combined = all.Aggregate(BotReasons.None, (a, r) => a | r);

        var codes = BotReasonCodes.ToCodes(combined);

        Assert.Equal(all.Select(BotReasonCodes.ToCode), codes);
        Assert.DoesNotContain("none", codes);
        Assert.Equal(all.Length, codes.Distinct(StringComparer.Ordinal).Count());
    }

    /// <summary>A class judging only the per-status ratios (every count and the combined error ratio off).</summary>
    private static BotClassOptions RatiosOnly(double limit) => new()
    {
        MaxNotFoundRatio = limit,
        MaxTooManyRequestsRatio = limit,
        MaxUnauthorizedRatio = limit,
        MaxForbiddenRatio = limit,
        MaxServerErrorRatio = limit,
    };

    /// <summary>A class with a single expectation, so that only the signal under test can move the score.</summary>
    private static (BehaviourProfileTable Table, FakeTimeProvider Time) CreateOnly(Action<BotClassOptions> limit) =>
        Create(o =>
        {
            o.Anonymous = new BotClassOptions { ThrottleScore = 0, ChallengeScore = 0, BlockScore = 0 };
            limit(o.Anonymous);
        });

    [Fact]
    public void RecordSignal_RateLimitEvents_MoveTheScore()
    {
        var (table, time) = CreateOnly(c => c.MaxRateLimitRejections = 5);
        var before = Get(table, "ip:198.51.100.30", "/x", 200, "/api/products").Score;
        for (var i = 0; i < 10; i++)
        {
            table.RecordSignal("ip:198.51.100.30", ObservedSignal.RateLimited, "ratelimit.exceeded", "GET", "/api/products", "api");
            time.Advance(TimeSpan.FromMilliseconds(100));
        }

        var after = Get(table, "ip:198.51.100.30", "/x", 200, "/api/products");
        Assert.Equal(0f, before);
        Assert.True(after.Score > before, after.Score.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(BotReasons.RateLimited, after.Reasons);
    }

    [Fact]
    public void RecordSignal_BruteForceEvents_MoveTheScore()
    {
        var (table, time) = CreateOnly(c => c.MaxBruteForceEvents = 2);
        var before = Get(table, "ip:198.51.100.31", "/x", 200, "/api/login", method: "POST").Score;
        for (var i = 0; i < 4; i++)
        {
            table.RecordSignal("ip:198.51.100.31", ObservedSignal.BruteForce, "bruteforce.locked", "POST", "/api/login", "login");
            time.Advance(TimeSpan.FromMilliseconds(100));
        }

        var after = Get(table, "ip:198.51.100.31", "/x", 200, "/api/login", method: "POST");
        Assert.Equal(0f, before);
        Assert.True(after.Score > before, after.Score.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(BotReasons.BruteForce, after.Reasons);
    }

    [Fact]
    public void Record_ServerErrors_MoveTheScore()
    {
        var (table, time) = CreateOnly(c => c.MaxServerErrors = 5);
        var scores = new List<float>();
        for (var i = 0; i < 12; i++)
        {
            scores.Add(Get(table, "ip:198.51.100.32", "/x", 500, "/api/fail").Score);
            time.Advance(TimeSpan.FromMilliseconds(100));
        }

        Assert.Equal(0f, scores[0]);
        Assert.True(scores[^1] > 0, scores[^1].ToString(CultureInfo.InvariantCulture));
        Assert.Equal(BotReasons.ServerErrors, table.GetSnapshot("ip:198.51.100.32")!.Reasons);
    }

    [Fact]
    public void Record_ErrorRatio_MovesTheScore()
    {
        var (table, time) = CreateOnly(c => c.MaxErrorRatio = 0.5);
        BotDecision last = default;
        for (var i = 0; i < 30; i++)
        {
            last = Get(table, "ip:198.51.100.33", "/x", i % 4 == 0 ? 200 : 403, "/api/orders/{id}");
            time.Advance(TimeSpan.FromMilliseconds(100));
        }

        // The same number of requests with few errors does not.
        var (calm, time2) = CreateOnly(c => c.MaxErrorRatio = 0.5);
        BotDecision control = default;
        for (var i = 0; i < 30; i++)
        {
            control = Get(calm, "ip:198.51.100.34", "/x", i % 4 == 0 ? 403 : 200, "/api/orders/{id}");
            time2.Advance(TimeSpan.FromMilliseconds(100));
        }

        Assert.True(last.Score > 0, last.Score.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(BotReasons.ErrorRatio, last.Reasons);
        Assert.Equal(0f, control.Score);
    }

    [Fact]
    public void Record_HighRequestRate_MovesTheScore()
    {
        var (table, time) = CreateOnly(c => c.MaxRequestsPerSecond = 5);
        BotDecision slow = default;
        for (var i = 0; i < 60; i++)
        {
            slow = Get(table, "ip:198.51.100.35", "/x", 200, "/api/products");
            time.Advance(TimeSpan.FromSeconds(1)); // 1 request/s
        }

        BotDecision fast = default;
        for (var i = 0; i < 1200; i++)
        {
            fast = Get(table, "ip:198.51.100.35", "/x", 200, "/api/products");
            time.Advance(TimeSpan.FromMilliseconds(50)); // 20 requests/s for a minute
        }

        Assert.Equal(0f, slow.Score);
        Assert.True(fast.Score > 0, fast.Score.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(BotReasons.HighRate, fast.Reasons);
    }

    [Fact]
    public void Record_VeryLongPaths_TimelineHoldsBoundedText()
    {
        var (table, time) = Create(o =>
        {
            o.TimelineClients = 16;
            o.TimelineLength = 8;
        });
        for (var i = 0; i < 200; i++)
        {
            var path = "/" + new string((char)('a' + (i % 26)), 100_000) + i.ToString(CultureInfo.InvariantCulture);
            Get(table, $"ip:198.51.100.{40 + (i % 20)}", path, 404, method: "X-" + new string('M', 1000));
            time.Advance(TimeSpan.FromMilliseconds(10));
        }

        // Every entry of every buffer is full, and none holds more than the bounds: the pool cannot grow with the paths.
        var perEntry = (3 * BotTimelines.MaxTextLength) + BotTimelines.MaxMethodLength;
        Assert.True(table.Timelines.StoredChars <= 16L * 8 * perEntry, $"{table.Timelines.StoredChars} characters held");
        var entry = table.GetTimeline("ip:198.51.100.59")[0];
        Assert.Equal(BotTimelines.MaxTextLength, entry.Route!.Length);
        Assert.Equal(BotTimelines.MaxMethodLength, entry.Method!.Length);
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
