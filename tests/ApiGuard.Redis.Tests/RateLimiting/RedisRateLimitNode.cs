using ApiGuard.RateLimiting;
using ApiGuard.Redis.RateLimiting;
using Microsoft.Extensions.DependencyInjection;

namespace ApiGuard.Redis.Tests.RateLimiting;

/// <summary>One app node: its own service provider, Redis connection and rate-limit store.</summary>
internal sealed class RedisRateLimitNode : IDisposable
{
    private readonly ServiceProvider _services;

    public RedisRateLimitNode(string redisConfiguration, string keyPrefix, Action<RateLimitingOptions> configure, TimeSpan? operationTimeout = null)
    {
        var services = new ServiceCollection();
        services.AddApiGuard()
            .AddRateLimiting(configure)
            .UseRedis(o =>
            {
                o.Configuration = redisConfiguration;
                o.KeyPrefix = keyPrefix;
                o.OperationTimeout = operationTimeout ?? TimeSpan.FromMilliseconds(50);
            });
        _services = services.BuildServiceProvider();
        Limiter = _services.GetRequiredService<ApiGuardPartitionedRateLimiter>();
        Store = Assert.IsType<RedisRateLimitStore>(Limiter.Store);
    }

    public ApiGuardPartitionedRateLimiter Limiter { get; }

    public RedisRateLimitStore Store { get; }

    public IApiGuardRedisConnection Connection => _services.GetRequiredService<IApiGuardRedisConnection>();

    public void Dispose() => _services.Dispose();
}
