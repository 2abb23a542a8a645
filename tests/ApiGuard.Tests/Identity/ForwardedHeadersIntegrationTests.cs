using System.Net;
using ApiGuard.Monitoring;
using ApiGuard.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ApiGuard.Tests.Identity;

/// <summary>
/// Acceptance: a spoofed <c>X-Forwarded-For</c> from an untrusted peer does not change the client identity that capabilities
/// report, and from a configured trusted proxy it does. The connection's peer address is set by a startup filter from the
/// test-only <c>X-Test-Peer</c> header, ahead of the whole pipeline.
/// </summary>
public sealed class ForwardedHeadersIntegrationTests
{
    private const string PeerHeader = "X-Test-Peer";

    private static async Task<WebApplication> StartAsync(CollectingSink sink)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ApiGuard:ClientIdentity:TrustedProxies:0"] = "10.0.0.0/8",
        });
        builder.Services.AddSingleton<IStartupFilter, PeerAddressStartupFilter>();
        builder.Services.AddApiGuard(builder.Configuration.GetSection("ApiGuard")).AddTestCapability()
            .Services.AddSingleton<ISecurityEventSink>(sink);
        var app = builder.Build();
        app.UseRouting();
        app.UseApiGuard();
        app.MapGet("/orders/{id}", (string id) => id);
        await app.StartAsync();
        return app;
    }

    [Theory]
    [InlineData("203.0.113.9", "ip:203.0.113.9")] // untrusted peer: the spoofed header is ignored
    [InlineData("10.0.0.5", "ip:198.51.100.7")] // configured proxy: the forwarded client is the identity
    public async Task ForwardedFor_FromPeer_PublishedClientIdHonoursOnlyTrustedProxies(string peer, string expectedClientId)
    {
        var sink = new CollectingSink();
        await using var app = await StartAsync(sink);

        await SendBlockedAsync(app, peer, forwardedFor: "198.51.100.7");

        var e = await sink.WaitForAsync(e => e.Kind == "test.block");
        Assert.Equal(expectedClientId, e.ClientId);
    }

    private static async Task SendBlockedAsync(WebApplication app, string peer, string forwardedFor)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/orders/42");
        request.Headers.Add(PeerHeader, peer);
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        request.Headers.Add("X-Test-Block", "1");
        using var response = await app.GetTestClient().SendAsync(request);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    /// <summary>Sets the connection's remote address from <c>X-Test-Peer</c> before anything else runs.</summary>
    private sealed class PeerAddressStartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (context.Request.Headers.TryGetValue(PeerHeader, out var peer))
                {
                    context.Connection.RemoteIpAddress = IPAddress.Parse(peer.ToString());
                    context.Request.Headers.Remove(PeerHeader);
                }

                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
