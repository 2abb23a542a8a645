using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ApiGuard.Benchmarks.Foundation;

/// <summary>The cost of <c>UseApiGuard()</c> with no capability registered, against the same pipeline without it.</summary>
[MemoryDiagnoser]
public class PipelineBenchmarks
{
    private RequestDelegate _bare = null!;
    private RequestDelegate _guarded = null!;
    private HttpContext _context = null!;

    [GlobalSetup]
    public void Setup()
    {
        _bare = Build(withGuard: false);
        _guarded = Build(withGuard: true);
        _context = new DefaultHttpContext();
        _context.Request.Method = "GET";
        _context.Request.Path = "/api/products";
    }

    private static RequestDelegate Build(bool withGuard)
    {
        var services = new ServiceCollection();
        services.AddApiGuard();
        var provider = services.BuildServiceProvider();
        var app = new ApplicationBuilder(provider);
        if (withGuard)
        {
            app.UseApiGuard();
        }

        app.Run(static context => Task.CompletedTask);
        return app.Build();
    }

    [Benchmark(Baseline = true)]
    public Task Pipeline_WithoutApiGuard() => _bare(_context);

    [Benchmark]
    public Task Pipeline_UseApiGuard_NoCapabilities() => _guarded(_context);
}
