using System.Text;
using ApiGuard.Posture.Leaks;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ApiGuard.Benchmarks.Posture;

/// <summary>
/// Response leak scanning of a 16 KB JSON response: the scan path alone (widening plus all built-in detectors), and the
/// whole middleware in Report and Redact mode over a benign response.
/// </summary>
[MemoryDiagnoser]
public class ResponseLeakBenchmarks
{
    private readonly LeakMatch[] _matches = new LeakMatch[64];
    private ResponseLeakScanner _scanner = null!;
    private byte[] _benign = null!;
    private byte[] _leaking = null!;
    private char[] _chars = null!;
    private RequestDelegate _report = null!;
    private RequestDelegate _redact = null!;
    private DefaultHttpContext _context = null!;

    [GlobalSetup]
    public void Setup()
    {
        _scanner = new ResponseLeakScanner([], []);
        _benign = Encoding.UTF8.GetBytes(BenignJson(16 * 1024));
        var leak = ",\"error\":\"System.InvalidOperationException: Sequence contains no elements\\n   at Shop.Orders.OrderService.GetLatest(Int32 id) in /src/OrderService.cs:line 42\",\"card\":\"4111 1111 1111 1111\"";
        var benign = Encoding.UTF8.GetString(_benign);
        var middle = benign.IndexOf("},{", benign.Length / 2, StringComparison.Ordinal) + 1;
        _leaking = Encoding.UTF8.GetBytes(benign[..middle].TrimEnd('}') + leak + "}" + benign[middle..]);
        _chars = new char[Math.Max(_benign.Length, _leaking.Length)];
        _report = Build(LeakAction.Report);
        _redact = Build(LeakAction.Redact);
        _context = new DefaultHttpContext();
        _context.Request.Method = "GET";
        _context.Request.Path = "/api/orders";
        _context.Response.Body = Stream.Null;
    }

    internal static string BenignJson(int size)
    {
        var sb = new StringBuilder("{\"orders\":[");
        var i = 0;
        while (sb.Length < size - 200)
        {
            sb.Append(i == 0 ? "" : ",")
              .Append("{\"id\":").Append(100000 + i)
              .Append(",\"number\":\"ORD-2024-").Append((i * 7919 % 1000000).ToString("000000", System.Globalization.CultureInfo.InvariantCulture))
              .Append("\",\"createdAt\":\"2024-05-").Append((i % 28 + 1).ToString("00", System.Globalization.CultureInfo.InvariantCulture)).Append("T10:15:00Z\"")
              .Append(",\"customer\":\"c0a8012e-").Append((1000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture)).Append("-4d2b-9f1e-1c2b3a4d5e6f\"")
              .Append(",\"total\":").Append(19.99 + i).Append(",\"note\":\"Delivered at the front desk, no error reported\"}");
            i++;
        }

        return sb.Append("]}").ToString();
    }

    private RequestDelegate Build(LeakAction action)
    {
        var services = new ServiceCollection();
        services.AddApiGuard().AddResponseLeakDetection(o => o.Leaks.Action = action);
        var app = new ApplicationBuilder(services.BuildServiceProvider());
        app.UseApiGuard();
        var body = _benign;
        app.Run(ctx =>
        {
            ctx.Response.ContentType = "application/json";
            return ctx.Response.Body.WriteAsync(body).AsTask();
        });
        return app.Build();
    }

    [Benchmark(Baseline = true)]
    public int Scan_16KB_Benign()
    {
        var n = Encoding.Latin1.GetChars(_benign, _chars);
        return _scanner.Scan(_chars.AsSpan(0, n), _matches);
    }

    [Benchmark]
    public int Scan_16KB_WithLeak()
    {
        var n = Encoding.Latin1.GetChars(_leaking, _chars);
        return _scanner.Scan(_chars.AsSpan(0, n), _matches);
    }

    [Benchmark]
    public Task Middleware_Report_16KB_Benign() => _report(_context);

    [Benchmark]
    public Task Middleware_Redact_16KB_Benign() => _redact(_context);
}
