using System.Diagnostics;
using System.Text.Json;
using ApiGuard.Monitoring;
using ApiGuard.Problems;
using ApiGuard.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace ApiGuard.Tests.Problems;

public sealed class ApiGuardProblemWriterTests
{
    [Fact]
    public async Task WriteAsync_Problem_WritesRfc9457JsonWithTraceIdAndExtensions()
    {
        var context = new DefaultHttpContext { TraceIdentifier = "trace-1" };
        var body = new MemoryStream();
        context.Response.Body = body;

        await ApiGuardProblemWriter.WriteAsync(context, new ApiGuardProblem(ApiGuardProblemTypes.RateLimited, 429, "Too many requests", "Retry later.")
        {
            Extensions = [new("policy", "per-client"), new("status", "999")],
        });

        Assert.Equal(429, context.Response.StatusCode);
        Assert.Equal("application/problem+json", context.Response.ContentType);
        Assert.Equal(body.Length, context.Response.ContentLength);
        using var doc = JsonDocument.Parse(body.ToArray());
        var root = doc.RootElement;
        Assert.Equal(ApiGuardProblemTypes.RateLimited, root.GetProperty("type").GetString());
        Assert.Equal(429, root.GetProperty("status").GetInt32());
        Assert.Equal("Too many requests", root.GetProperty("title").GetString());
        Assert.Equal("Retry later.", root.GetProperty("detail").GetString());
        Assert.Equal("trace-1", root.GetProperty("traceId").GetString());
        Assert.Equal("per-client", root.GetProperty("policy").GetString());
    }

    [Fact]
    public async Task WriteAsync_CurrentW3CActivity_WritesItsTraceIdNotTheFullActivityId()
    {
        using var activity = new Activity("test").SetIdFormat(ActivityIdFormat.W3C).Start();
        var context = new DefaultHttpContext { TraceIdentifier = "trace-1" };
        var body = new MemoryStream();
        context.Response.Body = body;

        await ApiGuardProblemWriter.WriteAsync(context, new ApiGuardProblem(ApiGuardProblemTypes.RateLimited, 429, "Too many requests"));

        using var doc = JsonDocument.Parse(body.ToArray());
        Assert.Equal(activity.TraceId.ToHexString(), doc.RootElement.GetProperty("traceId").GetString());
    }

    [Fact]
    public async Task RejectedRequest_ProblemTraceId_EqualsTheSecurityEventTraceIdAndTheCallersTraceparent()
    {
        const string traceId = "0af7651916cd43dd8448eb211c80319c";
        var sink = new CollectingSink();
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddApiGuard().AddTestCapability().Services.AddSingleton<ISecurityEventSink>(sink);
        await using var app = builder.Build();
        app.UseRouting();
        app.UseApiGuard();
        app.MapGet("/ok", () => "ok");
        await app.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/ok");
        request.Headers.Add("X-Test-Block", "1");
        request.Headers.Add("traceparent", $"00-{traceId}-b7ad6b7169203331-01");

        using var response = await app.GetTestClient().SendAsync(request);

        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var e = await sink.WaitForAsync(e => e.Kind == "test.block");
        Assert.Equal(traceId, problem.RootElement.GetProperty("traceId").GetString());
        Assert.Equal(traceId, e.TraceId);
    }
}
