using System.Diagnostics.Metrics;
using System.Net;
using ApiGuard.Monitoring;
using ApiGuard.Posture.Outbound;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ApiGuard.Tests.Posture;

/// <summary>
/// Outbound guard tests. The only traffic they send goes to a Kestrel server on 127.0.0.1; every other target
/// (169.254.169.254, 10.x, fd00:ec2::254) must be refused before any connect, which the connect counter proves.
/// </summary>
public sealed class OutboundGuardTests : IAsyncLifetime
{
    private WebApplication _server = null!;
    private int _port;
    private int _serverHits;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(new SlowSignal());
        _server = builder.Build();
        _server.Use((ctx, next) =>
        {
            Interlocked.Increment(ref _serverHits);
            return next(ctx);
        });
        _server.MapGet("/ok", () => "hello");
        _server.MapGet("/redirect-ok", () => Results.Redirect("/ok"));
        _server.MapGet("/redirect-private", () => Results.Redirect("http://10.1.2.3/admin"));
        _server.MapGet("/redirect-metadata-host", (HttpContext ctx) => Results.Redirect($"http://metadata.test:{ctx.Connection.LocalPort}/ok"));
        _server.MapGet("/redirect-loop", () => Results.Redirect("/redirect-loop"));
        _server.MapGet("/big", () => Results.Text(new string('x', 100_000)));
        _server.MapGet("/chunked-big", async (HttpContext ctx) =>
        {
            for (var i = 0; i < 100; i++)
            {
                await ctx.Response.WriteAsync(new string('y', 1000));
                await ctx.Response.Body.FlushAsync();
            }
        });
        _server.MapGet("/stall-body", async (HttpContext ctx, SlowSignal signal) =>
        {
            await ctx.Response.WriteAsync("first part");
            await ctx.Response.Body.FlushAsync();
            signal.Arrived.TrySetResult();
            await Task.Delay(Timeout.Infinite, ctx.RequestAborted);
        });
        _server.MapGet("/slow", async (HttpContext ctx, SlowSignal signal) =>
        {
            signal.Arrived.TrySetResult();
            await Task.Delay(Timeout.Infinite, ctx.RequestAborted);
        });
        await _server.StartAsync();
        var address = _server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _port = new Uri(address).Port;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private sealed class SlowSignal
    {
        public TaskCompletionSource Arrived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class MapResolver(Dictionary<string, IPAddress[]> map) : IOutboundHostResolver
    {
        public ValueTask<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
            ValueTask.FromResult(map.TryGetValue(host, out var a) ? a : throw new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.HostNotFound));
    }

    private static readonly Dictionary<string, IPAddress[]> s_dns = new(StringComparer.OrdinalIgnoreCase)
    {
        ["rebind.test"] = [IPAddress.Loopback],
        ["api.test"] = [IPAddress.Loopback],
        ["metadata.test"] = [IPAddress.Parse("169.254.169.254")],
        ["mixed.test"] = [IPAddress.Loopback, IPAddress.Parse("10.0.0.7")],
    };

    private sealed class VersionRecorder : DelegatingHandler
    {
        public List<(Version Version, HttpVersionPolicy Policy)> Seen { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            lock (Seen)
            {
                Seen.Add((request.Version, request.VersionPolicy));
            }

            return base.SendAsync(request, cancellationToken);
        }
    }

    private ServiceProvider Services(Action<OutboundGuardOptions>? configure, TimeProvider? time = null, Action<IHttpClientBuilder>? client = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        services.AddSingleton<PostureEventCollector>();
        services.AddSingleton<ISecurityEventObserver>(sp => sp.GetRequiredService<PostureEventCollector>());
        services.AddSingleton<IOutboundHostResolver>(new MapResolver(s_dns));
        services.AddApiGuard();
        var builder = services.AddHttpClient("guarded").AddApiGuardOutboundGuard(configure);
        client?.Invoke(builder);
        return services.BuildServiceProvider();
    }

    private static HttpClient Client(ServiceProvider sp) => sp.GetRequiredService<IHttpClientFactory>().CreateClient("guarded");

    private static MetricCollector<long> Connects(ServiceProvider sp) =>
        new(sp.GetRequiredService<IMeterFactory>(), "ApiGuard", "apiguard.posture.outbound.connects");

    private static long Allowed(MetricCollector<long> connects) =>
        connects.GetMeasurementSnapshot().Where(m => (string?)m.Tags["apiguard.result"] == "allowed").Sum(m => m.Value);

    [Fact]
    public async Task Send_HostResolvingToLoopback_RefusedBeforeConnect()
    {
        await using var sp = Services(null);
        using var connects = Connects(sp);
        using var client = Client(sp);

        var ex = await Assert.ThrowsAsync<OutboundRequestBlockedException>(() => client.GetAsync($"http://rebind.test:{_port}/ok"));

        Assert.Equal(OutboundBlockReason.BlockedAddress, ex.Reason);
        Assert.Equal(IPAddress.Loopback, ex.Address);
        Assert.Equal("rebind.test", ex.Host);
        Assert.Equal(0, Allowed(connects));
        Assert.Equal(0, _serverHits);
        var e = Assert.Single(sp.GetRequiredService<PostureEventCollector>().Events);
        Assert.Equal("outbound.blocked-address", e.Kind);
        Assert.Equal(SecurityAction.Blocked, e.Action);
        Assert.Equal("loopback", e.Properties!["category"]);
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/", "cloud-metadata")]
    [InlineData("http://[fd00:ec2::254]/latest/meta-data/", "cloud-metadata")]
    [InlineData("http://[::ffff:169.254.169.254]/latest/meta-data/", "cloud-metadata")]
    [InlineData("http://10.0.0.1/", "private")]
    [InlineData("http://100.64.1.1/", "cgnat")]
    [InlineData("http://0.0.0.0/", "unspecified")]
    [InlineData("http://[::1]/", "loopback")]
    public async Task Send_BlockedAddressLiteral_RefusedWithoutAnyConnect(string url, string category)
    {
        await using var sp = Services(null);
        using var connects = Connects(sp);
        using var client = Client(sp);

        var ex = await Assert.ThrowsAsync<OutboundRequestBlockedException>(() => client.GetAsync(url));

        Assert.Equal(OutboundBlockReason.BlockedAddress, ex.Reason);
        Assert.Equal(0, Allowed(connects));
        Assert.Equal(category, Assert.Single(sp.GetRequiredService<PostureEventCollector>().Events).Properties!["category"]);
    }

    [Fact]
    public async Task Send_HostResolvingToMetadataAddress_RefusedBeforeConnect()
    {
        await using var sp = Services(null);
        using var connects = Connects(sp);
        using var client = Client(sp);

        var ex = await Assert.ThrowsAsync<OutboundRequestBlockedException>(() => client.GetAsync("http://metadata.test/latest/meta-data/"));

        Assert.Equal(IPAddress.Parse("169.254.169.254"), ex.Address);
        Assert.Equal(0, Allowed(connects));
    }

    [Fact]
    public async Task Send_AllowListedLoopbackNetwork_Passes()
    {
        await using var sp = Services(o => o.AllowedNetworks.Add("127.0.0.1/32"));
        using var connects = Connects(sp);
        using var client = Client(sp);

        Assert.Equal("hello", await client.GetStringAsync($"http://api.test:{_port}/ok"));
        Assert.Equal("hello", await client.GetStringAsync($"http://127.0.0.1:{_port}/redirect-ok"));

        Assert.True(Allowed(connects) >= 1);
        Assert.Empty(sp.GetRequiredService<PostureEventCollector>().Events);
    }

    [Fact]
    public async Task Send_MixedAnswerWithOnePrivateAddress_RefusedEntirely()
    {
        await using var sp = Services(o => o.AllowedNetworks.Add("127.0.0.1/32"));
        using var connects = Connects(sp);
        using var client = Client(sp);

        var ex = await Assert.ThrowsAsync<OutboundRequestBlockedException>(() => client.GetAsync($"http://mixed.test:{_port}/ok"));

        Assert.Equal(IPAddress.Parse("10.0.0.7"), ex.Address);
        Assert.Equal(0, Allowed(connects));
        Assert.Equal(0, _serverHits);
    }

    [Fact]
    public async Task Send_RedirectToPrivateAddress_Refused()
    {
        await using var sp = Services(o => o.AllowedNetworks.Add("127.0.0.1/32"));
        using var connects = Connects(sp);
        using var client = Client(sp);

        var ex = await Assert.ThrowsAsync<OutboundRequestBlockedException>(() => client.GetAsync($"http://127.0.0.1:{_port}/redirect-private"));

        Assert.Equal(OutboundBlockReason.BlockedAddress, ex.Reason);
        Assert.Equal(IPAddress.Parse("10.1.2.3"), ex.Address);
        Assert.Equal(1, _serverHits);
    }

    [Fact]
    public async Task Send_RedirectToHostResolvingToMetadata_Refused()
    {
        await using var sp = Services(o => o.AllowedNetworks.Add("127.0.0.1/32"));
        using var client = Client(sp);

        var ex = await Assert.ThrowsAsync<OutboundRequestBlockedException>(() => client.GetAsync($"http://127.0.0.1:{_port}/redirect-metadata-host"));

        Assert.Equal(IPAddress.Parse("169.254.169.254"), ex.Address);
        Assert.Equal("metadata.test", ex.Host);
    }

    [Fact]
    public async Task Send_RedirectLoop_StopsAtMaxRedirects()
    {
        await using var sp = Services(o => { o.AllowedNetworks.Add("127.0.0.1/32"); o.MaxRedirects = 3; });
        using var client = Client(sp);

        var ex = await Assert.ThrowsAsync<OutboundRequestBlockedException>(() => client.GetAsync($"http://127.0.0.1:{_port}/redirect-loop"));

        Assert.Equal(OutboundBlockReason.TooManyRedirects, ex.Reason);
        Assert.Equal(4, _serverHits);
    }

    [Fact]
    public async Task Send_MaxRedirectsZero_ReturnsTheRedirect()
    {
        await using var sp = Services(o => { o.AllowedNetworks.Add("127.0.0.1/32"); o.MaxRedirects = 0; });
        using var client = Client(sp);

        using var response = await client.GetAsync($"http://127.0.0.1:{_port}/redirect-private");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    [Theory]
    [InlineData("/big")]
    [InlineData("/chunked-big")]
    public async Task Send_ResponseLargerThanLimit_Refused(string path)
    {
        await using var sp = Services(o => { o.AllowedNetworks.Add("127.0.0.1/32"); o.MaxResponseBytes = 10_000; });
        using var client = Client(sp);

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => client.GetStringAsync($"http://127.0.0.1:{_port}{path}"));

        var blocked = ex as OutboundRequestBlockedException ?? ex.InnerException as OutboundRequestBlockedException;
        Assert.NotNull(blocked);
        Assert.Equal(OutboundBlockReason.ResponseTooLarge, blocked.Reason);
    }

    [Fact]
    public async Task Send_HostNotInAllowList_Refused()
    {
        await using var sp = Services(o => { o.AllowedNetworks.Add("127.0.0.1/32"); o.AllowedHosts.Add("api.test"); });
        using var client = Client(sp);

        Assert.Equal("hello", await client.GetStringAsync($"http://api.test:{_port}/ok"));
        var ex = await Assert.ThrowsAsync<OutboundRequestBlockedException>(() => client.GetAsync($"http://rebind.test:{_port}/ok"));

        Assert.Equal(OutboundBlockReason.HostNotAllowed, ex.Reason);
    }

    [Fact]
    public async Task Send_NoResponseWithinTimeout_RefusedAsTimeout()
    {
        var time = new FakeTimeProvider();
        await using var sp = Services(o => { o.AllowedNetworks.Add("127.0.0.1/32"); o.Timeout = TimeSpan.FromSeconds(5); }, time);
        using var client = Client(sp);

        var request = client.GetAsync($"http://127.0.0.1:{_port}/slow");
        await _server.Services.GetRequiredService<SlowSignal>().Arrived.Task.WaitAsync(TimeSpan.FromSeconds(10));
        time.Advance(TimeSpan.FromSeconds(6));

        var ex = await Assert.ThrowsAsync<OutboundRequestBlockedException>(() => request);
        Assert.Equal(OutboundBlockReason.Timeout, ex.Reason);
    }

    [Theory]
    [InlineData(HttpVersionPolicy.RequestVersionExact)]
    [InlineData(HttpVersionPolicy.RequestVersionOrHigher)]
    public async Task Send_Http3Demanded_RefusedBeforeAnyConnect(HttpVersionPolicy policy)
    {
        // QUIC resolves and connects without ConnectCallback: an HTTP/3 request must never reach the primary handler.
        await using var sp = Services(null);
        using var connects = Connects(sp);
        using var client = Client(sp);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"https://rebind.test:{_port}/ok") { Version = HttpVersion.Version30, VersionPolicy = policy };

        var ex = await Assert.ThrowsAsync<OutboundRequestBlockedException>(() => client.SendAsync(request));

        Assert.Equal(OutboundBlockReason.UnsupportedProtocol, ex.Reason);
        Assert.Equal(0, Allowed(connects));
        Assert.Equal(0, _serverHits);
        var e = Assert.Single(sp.GetRequiredService<PostureEventCollector>().Events);
        Assert.Equal("outbound.unsupported-protocol", e.Kind);
    }

    [Theory]
    [InlineData("3.0", HttpVersionPolicy.RequestVersionOrLower)]
    [InlineData("1.1", HttpVersionPolicy.RequestVersionOrHigher)]
    [InlineData("2.0", HttpVersionPolicy.RequestVersionOrHigher)]
    public async Task Send_VersionAllowingHttp3ToHostResolvingToLoopback_CappedAtHttp2AndRefusedAtConnect(string version, HttpVersionPolicy policy)
    {
        var recorder = new VersionRecorder();
        await using var sp = Services(null, client: b => b.AddHttpMessageHandler(() => recorder));
        using var connects = Connects(sp);
        using var client = Client(sp);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"https://rebind.test:{_port}/ok") { Version = Version.Parse(version), VersionPolicy = policy };

        var ex = await Assert.ThrowsAsync<OutboundRequestBlockedException>(() => client.SendAsync(request));

        Assert.Equal(OutboundBlockReason.BlockedAddress, ex.Reason);
        Assert.Equal(IPAddress.Loopback, ex.Address);
        Assert.Equal(0, Allowed(connects));
        var (sentVersion, sentPolicy) = Assert.Single(recorder.Seen);
        Assert.True(sentVersion.Major <= 2, $"sent HTTP/{sentVersion}");
        Assert.NotEqual(HttpVersionPolicy.RequestVersionOrHigher, sentPolicy);
    }

    [Fact]
    public async Task Send_RedirectOfRequestAllowingHttp3_EveryHopCappedAtHttp2()
    {
        var recorder = new VersionRecorder();
        await using var sp = Services(o => o.AllowedNetworks.Add("127.0.0.1/32"), client: b => b.AddHttpMessageHandler(() => recorder));
        using var client = Client(sp);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{_port}/redirect-ok")
        {
            Version = HttpVersion.Version30,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };

        using var response = await client.SendAsync(request);

        Assert.Equal("hello", await response.Content.ReadAsStringAsync());
        Assert.Equal(2, recorder.Seen.Count);
        Assert.All(recorder.Seen, s => Assert.True(s.Version.Major <= 2 && s.Policy != HttpVersionPolicy.RequestVersionOrHigher, $"HTTP/{s.Version} {s.Policy}"));
    }

    [Fact]
    public async Task Send_PrimaryHandlerReplacedAfterTheGuard_RefusesToSendWithoutTheConnectCheck()
    {
        await using var sp = Services(o => o.AllowedNetworks.Add("127.0.0.1/32"), client: b => b.ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler()));
        using var client = Client(sp);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => client.GetAsync($"http://rebind.test:{_port}/ok"));

        Assert.Contains("'guarded'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("ConnectCallback", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, _serverHits);
    }

    [Fact]
    public async Task Send_PrimaryHandlerAdjustedKeepingTheCallback_Passes()
    {
        await using var sp = Services(
            o => o.AllowedNetworks.Add("127.0.0.1/32"),
            client: b => b.ConfigurePrimaryHttpMessageHandler((handler, _) => ((SocketsHttpHandler)handler).MaxConnectionsPerServer = 4));
        using var client = Client(sp);

        Assert.Equal("hello", await client.GetStringAsync($"http://api.test:{_port}/ok"));
    }

    [Fact]
    public async Task Read_BodyStalledPastTimeout_RefusedAsTimeout()
    {
        var time = new FakeTimeProvider();
        await using var sp = Services(o => { o.AllowedNetworks.Add("127.0.0.1/32"); o.Timeout = TimeSpan.FromSeconds(5); }, time);
        using var client = Client(sp);

        using var response = await client.GetAsync($"http://127.0.0.1:{_port}/stall-body", HttpCompletionOption.ResponseHeadersRead);
        await _server.Services.GetRequiredService<SlowSignal>().Arrived.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var stream = await response.Content.ReadAsStreamAsync();
        var drain = stream.CopyToAsync(Stream.Null);
        time.Advance(TimeSpan.FromSeconds(6));

        var ex = await Assert.ThrowsAsync<OutboundRequestBlockedException>(() => drain.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(OutboundBlockReason.Timeout, ex.Reason);
        Assert.Contains(sp.GetRequiredService<PostureEventCollector>().Events, e => e.Kind == "outbound.timeout");
    }

    [Fact]
    public async Task SampleOutboundMetadata_ThroughTheSampleHost_RefusesTheMetadataAddress()
    {
        await using var app = ApiGuard.Sample.SampleApp.Build([], b =>
        {
            b.WebHost.UseTestServer();
            b.Logging.ClearProviders();
        });
        await app.StartAsync();
        using var client = app.GetTestClient();

        using var response = await client.GetAsync("/api/outbound/metadata");

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        using var doc = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(doc.RootElement.GetProperty("blocked").GetBoolean());
        Assert.Equal(nameof(OutboundBlockReason.BlockedAddress), doc.RootElement.GetProperty("reason").GetString());
        Assert.Equal("169.254.169.254", doc.RootElement.GetProperty("address").GetString());
    }

    [Fact]
    public void Options_InvalidAllowedNetwork_FailsNamingTheKey()
    {
        using var sp = Services(o => o.AllowedNetworks.Add("not-a-network"));

        var ex = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IOptionsMonitor<OutboundGuardOptions>>().Get("guarded"));

        Assert.Contains("ApiGuard:Posture:Outbound (client 'guarded'):AllowedNetworks:0", ex.Message, StringComparison.Ordinal);
    }
}

public sealed class OutboundAddressPolicyTests
{
    [Theory]
    [InlineData("127.0.0.1", false)]
    [InlineData("127.8.9.10", false)]
    [InlineData("10.20.30.40", false)]
    [InlineData("172.16.0.1", false)]
    [InlineData("172.31.255.255", false)]
    [InlineData("172.32.0.1", true)]
    [InlineData("192.168.1.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("100.127.255.255", false)]
    [InlineData("100.128.0.1", true)]
    [InlineData("0.0.0.0", false)]
    [InlineData("224.0.0.1", false)]
    [InlineData("255.255.255.255", false)]
    [InlineData("8.8.8.8", true)]
    [InlineData("::1", false)]
    [InlineData("::", false)]
    [InlineData("fd00:ec2::254", false)]
    [InlineData("fc00::1", false)]
    [InlineData("fe80::1", false)]
    [InlineData("ff02::1", false)]
    [InlineData("::ffff:127.0.0.1", false)]
    [InlineData("::ffff:10.0.0.1", false)]
    [InlineData("::ffff:8.8.8.8", true)]
    [InlineData("64:ff9b::a9fe:a9fe", false)]   // NAT64 of 169.254.169.254
    [InlineData("2002:a9fe:a9fe::1", false)]    // 6to4 of 169.254.169.254
    [InlineData("::a9fe:a9fe", false)]          // IPv4-compatible 169.254.169.254
    [InlineData("2606:4700:4700::1111", true)]
    public void IsAllowed_SpecialPurposeAddresses_Blocked(string address, bool allowed)
    {
        Assert.Equal(allowed, OutboundAddressPolicy.IsAllowed(IPAddress.Parse(address), [], out _));
    }

    [Fact]
    public void IsAllowed_AllowedNetwork_OverridesTheBlock()
    {
        IPNetwork[] allowed = [IPNetwork.Parse("10.20.0.0/16")];
        Assert.True(OutboundAddressPolicy.IsAllowed(IPAddress.Parse("10.20.1.1"), allowed, out _));
        Assert.True(OutboundAddressPolicy.IsAllowed(IPAddress.Parse("::ffff:10.20.1.1"), allowed, out _));
        Assert.False(OutboundAddressPolicy.IsAllowed(IPAddress.Parse("10.21.1.1"), allowed, out var category));
        Assert.Equal("private", category);
    }
}
