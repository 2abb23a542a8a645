using ApiGuard.Bots;
using ApiGuard.Monitoring;

namespace ApiGuard.Tests.Bots;

public sealed class BotFlowRuleTests
{
    private const string Ip = "198.51.100.40";

    [Fact]
    public async Task OrdersWithoutCart_MoreThanThreshold_ClientChallengedWithTheRuleNamed()
    {
        await using var host = await BotTestHost.StartAsync(o =>
            o.AddFlowRule("orders-without-cart").On("POST", "/api/orders").WithoutPrior("GET", "/api/cart").MoreThan(3).Within(TimeSpan.FromMinutes(10)));

        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(201, (await host.SendAsync("POST", "/api/orders", Ip)).Response.StatusCode);
            host.Time.Advance(TimeSpan.FromSeconds(5));
        }

        var e = Assert.Single(host.Observer.Bots);
        Assert.Equal("bot.challenged", e.Kind);
        Assert.Equal("orders-without-cart", e.RuleId);
        Assert.Contains("flow-rule", e.Properties!["reasons"], StringComparison.Ordinal);
        Assert.Contains("orders-without-cart", e.Reason, StringComparison.Ordinal);
        Assert.Equal(401, (await host.SendAsync("POST", "/api/orders", Ip)).Response.StatusCode);
    }

    [Fact]
    public async Task OrdersWithCart_EachOrderPrecededByCart_NoAction()
    {
        await using var host = await BotTestHost.StartAsync(o =>
            o.AddFlowRule("orders-without-cart").On("POST", "/api/orders").WithoutPrior("GET", "/api/cart").MoreThan(3));

        for (var i = 0; i < 20; i++)
        {
            await host.SendAsync("GET", "/api/cart", Ip);
            Assert.Equal(201, (await host.SendAsync("POST", "/api/orders", Ip)).Response.StatusCode);
            host.Time.Advance(TimeSpan.FromSeconds(5));
        }

        Assert.Empty(host.Observer.Bots);
    }

    [Fact]
    public async Task OrdersWithoutCart_SpreadOverWindows_NoAction()
    {
        await using var host = await BotTestHost.StartAsync(o =>
            o.AddFlowRule("orders-without-cart").On("POST", "/api/orders").WithoutPrior("GET", "/api/cart").MoreThan(3).Within(TimeSpan.FromMinutes(1)));

        for (var i = 0; i < 10; i++)
        {
            await host.SendAsync("POST", "/api/orders", Ip);
            host.Time.Advance(TimeSpan.FromSeconds(31));
        }

        Assert.Empty(host.Observer.Bots);
    }

    [Fact]
    public async Task DistinctAccountIds_PerPrincipal_AboveThreshold_Blocked()
    {
        await using var host = await BotTestHost.StartAsync(o =>
            o.AddFlowRule("accounts-per-principal").CountDistinct("accountId").MoreThan(5).Within(TimeSpan.FromHours(1)).Then(BotAction.Block));

        // Revisiting the same few accounts is fine.
        for (var i = 0; i < 30; i++)
        {
            await host.SendAsync("GET", $"/api/accounts/acc-{i % 3}", Ip, r => r.Headers["X-Test-Principal"] = "alice;Bearer");
            host.Time.Advance(TimeSpan.FromSeconds(10));
        }

        Assert.Empty(host.Observer.Bots);

        for (var i = 0; i < 6; i++)
        {
            await host.SendAsync("GET", $"/api/accounts/other-{i}", Ip, r => r.Headers["X-Test-Principal"] = "alice;Bearer");
            host.Time.Advance(TimeSpan.FromSeconds(10));
        }

        var e = Assert.Single(host.Observer.Bots);
        Assert.Equal("bot.blocked", e.Kind);
        Assert.Equal("principal:alice", e.ClientId);
        Assert.Equal("accounts-per-principal", e.RuleId);
        Assert.Equal(SecurityAction.Blocked, e.Action);
        Assert.Equal(403, (await host.SendAsync("GET", "/api/accounts/acc-1", Ip, r => r.Headers["X-Test-Principal"] = "alice;Bearer")).Response.StatusCode);

        // Another principal behind the same address is not affected.
        Assert.Equal(200, (await host.SendAsync("GET", "/api/accounts/acc-1", Ip, r => r.Headers["X-Test-Principal"] = "bob;Bearer")).Response.StatusCode);
    }

    [Fact]
    public void Validate_IncompleteRules_NameTheRule()
    {
        var options = new BotDetectionOptions();
        options.AddFlowRule("empty");
        options.AddFlowRule("too-many").CountDistinct("accountId").MoreThan(10_000);
        options.AddFlowRule("allow").On("GET", "/x").Then(BotAction.Allow);
        var result = new BotDetectionOptionsValidator().Validate(null, options);
        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.StartsWith("ApiGuard:Bots:FlowRules:empty needs On", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("ApiGuard:Bots:FlowRules:too-many MoreThan", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("ApiGuard:Bots:FlowRules:allow Then", StringComparison.Ordinal));
        Assert.Throws<ArgumentException>(() => options.AddFlowRule(""));
    }
}
