using ApiGuard.Bots;
using ApiGuard.BruteForce;
using ApiGuard.DependencyInjection;
using ApiGuard.Inspection;
using ApiGuard.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace ApiGuard.Tests.DependencyInjection;

/// <summary><c>UseApiGuard()</c> runs capability middlewares in the documented stage order, whatever order they were added in.</summary>
public sealed class ApiGuardPipelineOrderTests
{
    private const string TraceKey = "apiguard.test.stages";

    [Fact]
    public async Task UseApiGuard_CapabilitiesAddedInReverse_RunInStageOrder()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddApiGuard()
            .AddMiddleware<StageRecorder<StepUpStage>>(ApiGuardStage.StepUp)
            .AddMiddleware<StageRecorder<InspectionStage>>(ApiGuardStage.Inspection)
            .AddMiddleware<StageRecorder<RateLimitingStage>>(ApiGuardStage.RateLimiting)
            .AddMiddleware<StageRecorder<BruteForceStage>>(ApiGuardStage.BruteForce)
            .AddMiddleware<StageRecorder<BansStage>>(ApiGuardStage.Bans)
            .AddMiddleware<StageRecorder<ClientIdentityStage>>(ApiGuardStage.ClientIdentity)
            .AddMiddleware<StageRecorder<ResponseStage>>(ApiGuardStage.Response);
        await using var app = builder.Build();
        app.UseRouting();
        app.UseApiGuard();
        app.MapGet("/order", (HttpContext context) => string.Join(",", (List<string>)context.Items[TraceKey]!));
        await app.StartAsync();

        var order = await app.GetTestClient().GetStringAsync("/order");

        Assert.Equal("Response,ClientIdentity,Bans,BruteForce,RateLimiting,Inspection,StepUp", order);
    }

    [Fact]
    public void CapabilityExtensions_AddedInReverse_TakeTheirDocumentedStages()
    {
        var services = new ServiceCollection();
        services.AddApiGuard().AddPayloadInspection().AddRateLimiting().AddBruteForceProtection().AddBotDetection();

        var stages = services
            .Select(d => d.ImplementationInstance)
            .OfType<ApiGuardPipelineEntry>()
            .ToDictionary(e => e.MiddlewareType, e => e.Stage);

        Assert.Equal(ApiGuardStage.Bans, stages[typeof(BotDetectionMiddleware)]);
        Assert.Equal(ApiGuardStage.BruteForce, stages[typeof(BruteForceMiddleware)]);
        Assert.Equal(ApiGuardStage.RateLimiting, stages[typeof(RateLimitingMiddleware)]);
        Assert.Equal(ApiGuardStage.Inspection, stages[typeof(InspectionMiddleware)]);
    }

    private sealed class StageRecorder<TStage>(RequestDelegate next)
    {
        public Task Invoke(HttpContext context)
        {
            if (context.Items[TraceKey] is not List<string> trace)
            {
                context.Items[TraceKey] = trace = [];
            }

            trace.Add(typeof(TStage).Name.Replace("Stage", string.Empty, StringComparison.Ordinal));
            return next(context);
        }
    }

    private sealed class ResponseStage;

    private sealed class ClientIdentityStage;

    private sealed class BansStage;

    private sealed class BruteForceStage;

    private sealed class RateLimitingStage;

    private sealed class InspectionStage;

    private sealed class StepUpStage;
}
