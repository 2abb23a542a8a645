using ApiGuard.Bots;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ApiGuard.Tests.Bots;

public sealed class InMemoryBanListTests
{
    [Fact]
    public async Task BanAsync_ThenExpiry_GetReturnsBanUntilItEnds()
    {
        var time = new FakeTimeProvider();
        var bans = new InMemoryBanList(Options.Create(new BotDetectionOptions()), time);
        Assert.True(await bans.BanAsync(new BanEntry("ip:1.2.3.4", time.GetUtcNow().AddMinutes(5), "route-scanning", "bots")));
        Assert.Equal("route-scanning", (await bans.GetAsync("ip:1.2.3.4"))!.Reason);
        Assert.Single(await bans.ListAsync(10));
        time.Advance(TimeSpan.FromMinutes(6));
        Assert.Null(await bans.GetAsync("ip:1.2.3.4"));
        Assert.Empty(await bans.ListAsync(10));
    }

    [Fact]
    public async Task UnbanAsync_Banned_ReturnsTrueOnce()
    {
        var time = new FakeTimeProvider();
        var bans = new InMemoryBanList(Options.Create(new BotDetectionOptions()), time);
        await bans.BanAsync(new BanEntry("ip:1.2.3.4", time.GetUtcNow().AddMinutes(5), "x", "admin"));
        Assert.True(await bans.UnbanAsync("ip:1.2.3.4"));
        Assert.False(await bans.UnbanAsync("ip:1.2.3.4"));
        Assert.Null(await bans.GetAsync("ip:1.2.3.4"));
    }

    [Fact]
    public async Task BanAsync_Full_SweepsExpiredThenRefuses()
    {
        var time = new FakeTimeProvider();
        var bans = new InMemoryBanList(Options.Create(new BotDetectionOptions { MaxBans = 16 }), time);
        for (var i = 0; i < 16; i++)
        {
            Assert.True(await bans.BanAsync(new BanEntry($"ip:10.0.0.{i}", time.GetUtcNow().AddMinutes(1), "x", "bots")));
        }

        Assert.False(await bans.BanAsync(new BanEntry("ip:10.0.1.1", time.GetUtcNow().AddMinutes(1), "x", "bots")));
        time.Advance(TimeSpan.FromMinutes(2));
        Assert.True(await bans.BanAsync(new BanEntry("ip:10.0.1.1", time.GetUtcNow().AddMinutes(1), "x", "bots")));
        Assert.Equal(1, bans.Count);
    }
}
