using ApiGuard.Bots;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ApiGuard.Tests.Bots;

public sealed class BotDetectionOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeed()
    {
        Assert.True(new BotDetectionOptionsValidator().Validate(null, new BotDetectionOptions()).Succeeded);
    }

    [Fact]
    public void Validate_BadValues_NameEachKeyAndWhatIsAllowed()
    {
        var options = new BotDetectionOptions
        {
            Capacity = 10,
            Window = TimeSpan.FromSeconds(1),
            ThrottlePolicy = " ",
            ChallengeAuthenticate = "DPoP\r\nX: y",
            VerifiedClients = ["ip:1.2.3.4"],
        };
        options.Anonymous.MaxDistinctObjectIds = 1000;
        options.Known.MaxErrorRatio = 2;
        options.Verified.BlockScore = 10;
        options.Verified.ChallengeScore = 60;
        options.Anonymous.MaxBurstPerSecond = -1;
        options.Known.MaxDistinctRoutes = 101;
        options.Anonymous.MaxNotFoundRatio = 1.5;
        options.Verified.MaxTooManyRequestsRatio = -0.1;
        options.Known.MaxUnauthorizedRatio = 2;
        options.Anonymous.MaxServerErrorRatio = -1;

        var failures = new BotDetectionOptionsValidator().Validate(null, options).Failures!.ToList();
        Assert.Contains(failures, f => f.StartsWith("ApiGuard:Bots:Capacity is 10; allowed values are 64 to 4194304", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("ApiGuard:Bots:Window", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("ApiGuard:Bots:ThrottlePolicy", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("ApiGuard:Bots:ChallengeAuthenticate", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("ApiGuard:Bots:VerifiedClients:0 'ip:1.2.3.4'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("ApiGuard:Bots:Anonymous:MaxDistinctObjectIds is 1000; allowed values are 0 (off) to 500", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("ApiGuard:Bots:Known:MaxErrorRatio", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("ApiGuard:Bots:Verified thresholds must not decrease", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("ApiGuard:Bots:Anonymous:MaxBurstPerSecond", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("ApiGuard:Bots:Known:MaxDistinctRoutes is 101; allowed values are 0 (off) to 100", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("ApiGuard:Bots:Anonymous:MaxNotFoundRatio is 1.5; allowed values are 0 (off) to 1", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("ApiGuard:Bots:Verified:MaxTooManyRequestsRatio is -0.1; allowed values are 0 (off) to 1", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("ApiGuard:Bots:Known:MaxUnauthorizedRatio is 2; allowed values are 0 (off) to 1", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("ApiGuard:Bots:Anonymous:MaxServerErrorRatio is -1; allowed values are 0 (off) to 1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AddBotDetection_BadConfiguration_HostFailsToStartNamingTheKey()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ApiGuard:Bots:Capacity"] = "5" });
        builder.Services.AddApiGuard(builder.Configuration.GetSection("ApiGuard")).AddBotDetection();
        await using var app = builder.Build();
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());
        Assert.Contains("ApiGuard:Bots:Capacity is 5", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddBotDetection_BindsSectionAndIsIdempotent()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ApiGuard:Bots:Capacity"] = "1024",
            ["ApiGuard:Bots:Anonymous:MaxRouteScans"] = "7",
            ["ApiGuard:Bots:VerifiedClients:0"] = "principal:ci-bot",
        }).Build();
        var services = new ServiceCollection();
        var guard = services.AddApiGuard(configuration.GetSection("ApiGuard"));
        guard.AddBotDetection().AddBotDetection(o => o.TimelineLength = 8);
        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<BotDetectionOptions>>().Value;
        Assert.Equal(1024, options.Capacity);
        Assert.Equal(7, options.Anonymous.MaxRouteScans);
        Assert.Equal(8, options.TimelineLength);
        Assert.Contains("principal:ci-bot", options.VerifiedClients);
        Assert.Single(provider.GetServices<ApiGuard.DependencyInjection.ApiGuardPipelineEntry>(), e => e.MiddlewareType.Name == "BotDetectionMiddleware");
        Assert.Single(provider.GetServices<ApiGuard.Monitoring.ISecurityEventObserver>().OfType<BotEventObserver>());
    }
}
