using StackExchange.Redis;

namespace ApiGuard.Redis.Tests.Infrastructure;

public sealed class RedisServerTests
{
    [RedisFact]
    public async Task StartAsync_RealServer_AnswersAndRestartsOnSamePort()
    {
        await using var server = await RedisServer.StartAsync();
        using (var mux = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString))
        {
            var db = mux.GetDatabase();
            await db.StringSetAsync("k", "v");
            Assert.Equal("v", (string?)await db.StringGetAsync("k"));
        }

        await server.RestartAsync();
        using var again = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        Assert.False((await again.GetDatabase().StringGetAsync("k")).HasValue); // --save "": nothing persisted
    }
}
