using System.Text.Json;
using ApiGuard.Problems;
using Microsoft.AspNetCore.Http;

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
}
