using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ApiGuard.Redis;

/// <summary>The Redis connection shared by every ApiGuard Redis store.</summary>
public interface IApiGuardRedisConnection
{
    /// <summary>The multiplexer (connected lazily, reconnecting on its own).</summary>
    IConnectionMultiplexer Multiplexer { get; }

    /// <summary>The key prefix, from <see cref="ApiGuardRedisOptions.KeyPrefix"/>.</summary>
    string KeyPrefix { get; }

    /// <summary>The per-call time budget, from <see cref="ApiGuardRedisOptions.OperationTimeout"/>.</summary>
    TimeSpan OperationTimeout { get; }
}

internal sealed class ApiGuardRedisConnection : IApiGuardRedisConnection, IDisposable
{
    private readonly Lazy<ConnectionMultiplexer> _multiplexer;

    public ApiGuardRedisConnection(IOptions<ApiGuardRedisOptions> options)
    {
        var o = options.Value;
        KeyPrefix = o.KeyPrefix;
        OperationTimeout = o.OperationTimeout;
        _multiplexer = new Lazy<ConnectionMultiplexer>(() =>
        {
            var config = ConfigurationOptions.Parse(o.Configuration);
            config.AbortOnConnectFail = false;
            config.ConnectTimeout = Math.Max(config.ConnectTimeout == 0 ? 0 : 1000, 1000);
            return ConnectionMultiplexer.Connect(config);
        });
    }

    public IConnectionMultiplexer Multiplexer => _multiplexer.Value;

    public string KeyPrefix { get; }

    public TimeSpan OperationTimeout { get; }

    public void Dispose()
    {
        if (_multiplexer.IsValueCreated)
        {
            _multiplexer.Value.Dispose();
        }
    }
}
