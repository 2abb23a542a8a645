using System.Globalization;
using System.Text.RegularExpressions;
using System.Threading.RateLimiting;
using ApiGuard.RateLimiting;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using RedisRateLimiting;
using StackExchange.Redis;

namespace ApiGuard.Benchmarks.RateLimiting;

/// <summary>
/// ApiGuard's Redis rate limiting side by side with RedisRateLimiting 1.2.1 on the same local redis-server, 64 concurrent callers
/// (each on its own partition, limits high enough that every decision admits and writes). Each invocation makes
/// <see cref="Callers"/> × <see cref="PerCaller"/> decisions, so Mean is per decision: decisions/s = 1e9 / Mean (ns).
/// Redis commands per decision (INFO commandstats, in-script calls included) are printed by the setup.
/// </summary>
[MemoryDiagnoser]
public class RedisRateLimitingBenchmarks
{
    private const int Callers = 64;
    private const int PerCaller = 100;
    private const int Decisions = Callers * PerCaller;

    private BenchmarkRedisServer _server = null!;
    private ServiceProvider _apiGuard = null!;
    private ConnectionMultiplexer _rrlConnection = null!;
    private ConnectionMultiplexer _admin = null!;
    private RateLimiter[] _gcra = null!;
    private RateLimiter[] _threeLimits = null!;
    private RateLimiter[] _tokenBuckets = null!;
    private RateLimiter[][] _threeLimiters = null!;
    private RateLimiter _denied = null!;
    private byte[] _floorSha = null!;

    [GlobalSetup]
    public void Setup()
    {
        _server = BenchmarkRedisServer.Start();
        var services = new ServiceCollection();
        services.AddApiGuard()
            .AddRateLimiting(o =>
            {
                o.Policies["gcra"] = new RateLimitPolicyOptions { Limits = [new RateLimitRuleOptions { PermitLimit = 1_000_000_000, Window = TimeSpan.FromSeconds(1) }] };
                o.Policies["three"] = new RateLimitPolicyOptions
                {
                    Limits =
                    [
                        new RateLimitRuleOptions { Name = "second", PermitLimit = 1_000_000_000, Window = TimeSpan.FromSeconds(1) },
                        new RateLimitRuleOptions { Name = "minute", PermitLimit = 1_000_000_000, Window = TimeSpan.FromMinutes(1) },
                        new RateLimitRuleOptions { Name = "day", Algorithm = RateLimitAlgorithm.FixedWindow, PermitLimit = 1_000_000_000, Window = TimeSpan.FromDays(1) },
                    ],
                };
                o.Policies["strict"] = new RateLimitPolicyOptions { Limits = [new RateLimitRuleOptions { PermitLimit = 1, Window = TimeSpan.FromHours(1) }] };
            })
            .UseRedis(o =>
            {
                o.Configuration = _server.ConnectionString;
                o.OperationTimeout = TimeSpan.FromSeconds(5);
            });
        _apiGuard = services.BuildServiceProvider();
        var partitioned = _apiGuard.GetRequiredService<ApiGuardPartitionedRateLimiter>();
        _gcra = Enumerable.Range(0, Callers).Select(i => (RateLimiter)partitioned.GetLimiter("gcra", "client-" + i)).ToArray();
        _threeLimits = Enumerable.Range(0, Callers).Select(i => (RateLimiter)partitioned.GetLimiter("three", "client-" + i)).ToArray();

        _rrlConnection = ConnectionMultiplexer.Connect(_server.ConnectionString);
        _admin = ConnectionMultiplexer.Connect(_server.ConnectionString);
        _floorSha = (byte[])_admin.GetServer(_admin.GetEndPoints()[0]).ScriptLoad("return redis.call('INCR', KEYS[1])");
        Func<IConnectionMultiplexer> factory = () => _rrlConnection;
        _tokenBuckets = Enumerable.Range(0, Callers).Select(i => (RateLimiter)TokenBucket("tb-client-" + i, factory, TimeSpan.FromSeconds(1))).ToArray();
        _threeLimiters = Enumerable.Range(0, Callers).Select(i => new RateLimiter[]
        {
            TokenBucket("tb1-client-" + i, factory, TimeSpan.FromSeconds(1)),
            TokenBucket("tb2-client-" + i, factory, TimeSpan.FromMinutes(1)),
            new RedisFixedWindowRateLimiter<string>("fw-client-" + i, new RedisFixedWindowRateLimiterOptions
            {
                ConnectionMultiplexerFactory = factory, PermitLimit = 1_000_000_000, Window = TimeSpan.FromDays(1),
            }),
        }).ToArray();

        // The cached-denial row: a partition Redis has rejected; AttemptAcquire answers from the cache until the retry time (an hour).
        _denied = partitioned.GetLimiter("strict", "blocked-client");
        _denied.AcquireAsync().AsTask().GetAwaiter().GetResult().Dispose();
        using (var rejected = _denied.AcquireAsync().AsTask().GetAwaiter().GetResult())
        {
            if (rejected.IsAcquired)
            {
                throw new InvalidOperationException("The strict policy admitted twice.");
            }
        }

        // Sanity: every variant admits, and report Redis commands per decision.
        foreach (var (name, run) in new (string, Func<Task>)[] { ("ApiGuard GCRA", ApiGuardGcra), ("RedisRateLimiting token bucket", RedisRateLimitingTokenBucket), ("ApiGuard three limits", ApiGuardThreeLimits), ("RedisRateLimiting three limiters", RedisRateLimitingThreeLimiters) })
        {
            run().GetAwaiter().GetResult();
            var server = _admin.GetServer(_admin.GetEndPoints()[0]);
            server.Execute("CONFIG", "RESETSTAT");
            run().GetAwaiter().GetResult();
            var stats = (string?)server.Execute("INFO", "commandstats") ?? string.Empty;
            var total = 0L;
            var calls = new List<string>();
            foreach (Match m in Regex.Matches(stats, "cmdstat_([a-z|]+):calls=(\\d+)"))
            {
                if (m.Groups[1].Value is "config" or "info")
                {
                    continue;
                }

                var n = long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
                total += n;
                calls.Add($"{m.Groups[1].Value}={n / (double)Decisions:0.##}");
            }

            var line = $"[commandstats] {name}: {total / (double)Decisions:0.##} Redis commands per decision ({string.Join(", ", calls)})";
            Console.WriteLine(line);
            File.AppendAllText(Path.Combine(Path.GetTempPath(), "apiguard-ratelimit-commandstats.txt"), line + Environment.NewLine);
        }
    }

    private static RedisTokenBucketRateLimiter<string> TokenBucket(string key, Func<IConnectionMultiplexer> factory, TimeSpan period) =>
        new(key, new RedisTokenBucketRateLimiterOptions
        {
            ConnectionMultiplexerFactory = factory,
            TokenLimit = 1_000_000_000,
            TokensPerPeriod = 1_000_000_000,
            ReplenishmentPeriod = period,
        });

    [Benchmark(OperationsPerInvoke = Decisions, Description = "ApiGuard GCRA, 64 callers")]
    public Task ApiGuardGcra() => RunAsync(_gcra);

    [Benchmark(OperationsPerInvoke = Decisions, Baseline = true, Description = "RedisRateLimiting token bucket, 64 callers")]
    public Task RedisRateLimitingTokenBucket() => RunAsync(_tokenBuckets);

    [Benchmark(OperationsPerInvoke = Decisions, Description = "ApiGuard three limits in one call, 64 callers")]
    public Task ApiGuardThreeLimits() => RunAsync(_threeLimits);

    [Benchmark(OperationsPerInvoke = Decisions, Description = "RedisRateLimiting three limiters, 64 callers")]
    public Task RedisRateLimitingThreeLimiters() =>
        Task.WhenAll(Enumerable.Range(0, Callers).Select(c => Task.Run(async () =>
        {
            var limiters = _threeLimiters[c];
            for (var i = 0; i < PerCaller; i++)
            {
                using var a = await limiters[0].AcquireAsync();
                using var b = await limiters[1].AcquireAsync();
                using var d = await limiters[2].AcquireAsync();
                if (!a.IsAcquired || !b.IsAcquired || !d.IsAcquired)
                {
                    throw new InvalidOperationException("RedisRateLimiting rejected a decision.");
                }
            }
        })));

    [Benchmark(OperationsPerInvoke = Decisions, Description = "Floor: EVALSHA of a one-INCR script, 64 callers")]
    public Task FloorEvalShaIncr() =>
        Task.WhenAll(Enumerable.Range(0, Callers).Select(c => Task.Run(async () =>
        {
            var db = _admin.GetDatabase();
            RedisKey[] keys = ["floor-" + c];
            for (var i = 0; i < PerCaller; i++)
            {
                await db.ScriptEvaluateAsync(_floorSha, keys);
            }
        })));

    [Benchmark(Description = "ApiGuard cached denial (AttemptAcquire, no network)")]
    public bool ApiGuardCachedDenial()
    {
        using var lease = _denied.AttemptAcquire();
        return lease.IsAcquired;
    }

    private static Task RunAsync(RateLimiter[] limiters) =>
        Task.WhenAll(Enumerable.Range(0, Callers).Select(c => Task.Run(async () =>
        {
            var limiter = limiters[c];
            for (var i = 0; i < PerCaller; i++)
            {
                using var lease = await limiter.AcquireAsync();
                if (!lease.IsAcquired)
                {
                    throw new InvalidOperationException("A decision was rejected.");
                }
            }
        })));

    /// <summary>
    /// Interleaved side-by-side rounds (ApiGuard, then RedisRateLimiting, alternating), so machine noise hits both alike;
    /// prints the median decisions/s of each variant and the ratios. Run by <see cref="RedisRateLimitingThroughput"/>.
    /// </summary>
    internal string CompareInterleaved(int rounds)
    {
        var variants = new (string Name, Func<Task> Run)[]
        {
            ("ApiGuard GCRA", ApiGuardGcra), ("RedisRateLimiting token bucket", RedisRateLimitingTokenBucket),
            ("ApiGuard three limits", ApiGuardThreeLimits), ("RedisRateLimiting three limiters", RedisRateLimitingThreeLimiters),
            ("Floor EVALSHA INCR", FloorEvalShaIncr),
        };
        var samples = variants.Select(_ => new List<double>()).ToArray();
        for (var r = 0; r < rounds; r++)
        {
            for (var v = 0; v < variants.Length; v++)
            {
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                variants[v].Run().GetAwaiter().GetResult();
                samples[v].Add(Decisions / System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
            }
        }

        double Median(List<double> x) => x.OrderBy(d => d).ElementAt(x.Count / 2);
        var medians = samples.Select(Median).ToArray();
        var lines = new List<string>();
        for (var v = 0; v < variants.Length; v++)
        {
            lines.Add($"[throughput] {variants[v].Name}: median {medians[v]:N0} decisions/s over {rounds} interleaved rounds of {Decisions} decisions (64 callers)");
        }

        lines.Add($"[throughput] ratio GCRA / token bucket: {medians[0] / medians[1]:0.00}x; three limits / three limiters: {medians[2] / medians[3]:0.00}x");
        var text = string.Join(Environment.NewLine, lines);
        Console.WriteLine(text);
        File.AppendAllText(Path.Combine(Path.GetTempPath(), "apiguard-ratelimit-throughput.txt"), text + Environment.NewLine);
        return text;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _apiGuard.Dispose();
        _rrlConnection.Dispose();
        _admin.Dispose();
        _server.Dispose();
    }
}
