using System.Collections.Concurrent;
using ApiGuard.Inspection;
using ApiGuard.Monitoring;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ApiGuard.Tests.Inspection.Middleware;

/// <summary>Content without a Content-Length (sent chunked), written in small pieces.</summary>
internal sealed class UnknownLengthContent : HttpContent
{
    private readonly byte[] _bytes;
    private readonly int _chunk;

    public UnknownLengthContent(string text, string mediaType, int chunk = 512)
    {
        _bytes = System.Text.Encoding.UTF8.GetBytes(text);
        _chunk = chunk;
        Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(mediaType);
    }

    protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
    {
        for (var i = 0; i < _bytes.Length; i += _chunk)
        {
            await stream.WriteAsync(_bytes.AsMemory(i, Math.Min(_chunk, _bytes.Length - i)));
            await stream.FlushAsync();
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}

/// <summary>Collects every published security event synchronously.</summary>
internal sealed class EventCollector : ISecurityEventObserver
{
    public ConcurrentQueue<SecurityEvent> Events { get; } = new();

    public IEnumerable<SecurityEvent> Inspection => Events.Where(e => e.Capability == ApiGuardCapabilities.Inspection);

    public void OnEvent(SecurityEvent securityEvent, HttpContext? context) => Events.Enqueue(securityEvent);
}

/// <summary>A TestServer host with ApiGuard and payload inspection, a marker inspector (or the real one) and echo endpoints.</summary>
internal sealed class InspectionTestHost : IAsyncDisposable
{
    private readonly IHost _host;

    private InspectionTestHost(IHost host, EventCollector events, MarkerInspector? marker)
    {
        _host = host;
        Events = events;
        Marker = marker;
        Client = host.GetTestServer().CreateClient();
    }

    public HttpClient Client { get; }

    public EventCollector Events { get; }

    public MarkerInspector? Marker { get; }

    public IServiceProvider Services => _host.Services;

    /// <summary>The last inspection feature seen by an endpoint of this host.</summary>
    public IInspectionFeature? LastFeature => _host.Services.GetRequiredService<FeatureHolder>().Last;

    public static async Task<InspectionTestHost> StartAsync(
        Action<PayloadInspectionOptions>? configure = null,
        Action<IEndpointRouteBuilder>? map = null,
        Dictionary<string, string?>? configuration = null,
        bool realInspector = false)
    {
        var events = new EventCollector();
        var marker = realInspector ? null : new MarkerInspector();
        var host = new HostBuilder()
            .ConfigureWebHost(web => web
                .UseTestServer()
                .ConfigureServices(services =>
                {
                    var config = new ConfigurationBuilder().AddInMemoryCollection(configuration ?? []).Build();
                    services.AddRouting();
                    services.AddSingleton<ISecurityEventObserver>(events);
                    services.AddSingleton<FeatureHolder>();
                    if (marker is not null)
                    {
                        services.AddSingleton<IPayloadInspector>(marker);
                    }

                    services.AddApiGuard(config.GetSection("ApiGuard")).AddPayloadInspection(configure);
                })
                .Configure(app =>
                {
                    app.UseRouting();
                    app.UseApiGuard();
                    app.UseEndpoints(endpoints =>
                    {
                        MapDefaults(endpoints);
                        map?.Invoke(endpoints);
                    });
                }))
            .Build();
        await host.StartAsync();
        return new InspectionTestHost(host, events, marker);
    }

    private static void MapDefaults(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/items/{id}", (HttpContext context) => Capture(context, "ok"));
        endpoints.MapGet("/search", (HttpContext context) => Capture(context, "ok"));
        endpoints.MapPost("/echo", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            return Capture(context, body);
        });
        endpoints.MapPost("/echo-pipe", async (HttpContext context) =>
        {
            var reader = context.Request.BodyReader;
            long total = 0;
            while (true)
            {
                var result = await reader.ReadAsync(context.RequestAborted);
                total += result.Buffer.Length;
                reader.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }

            return Capture(context, total.ToString(System.Globalization.CultureInfo.InvariantCulture));
        });
        endpoints.MapPost("/form", async (HttpContext context) =>
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            return Capture(context, string.Join("&", form.Select(kv => kv.Key + "=" + kv.Value)) + "|files=" + form.Files.Count);
        });
    }

    internal static IResult Capture(HttpContext context, string body)
    {
        context.RequestServices.GetRequiredService<FeatureHolder>().Last = context.GetInspectionResult();
        return Results.Text(body);
    }

    internal sealed class FeatureHolder
    {
        public IInspectionFeature? Last { get; set; }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _host.StopAsync();
        _host.Dispose();
    }
}
