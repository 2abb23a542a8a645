using ApiGuard.Authentication.Signatures;
using ApiGuard.Tests.Client.Signatures;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ApiGuard.Tests.Authentication.Signatures;

/// <summary>
/// A real Kestrel app on 127.0.0.1 (random port) with signature authentication and the RFC 9421 test keys (owner
/// <c>client-{keyid}</c>), for tests that need what only a real server gives: the raw request target, real header limits.
/// </summary>
internal sealed class SignatureKestrelHost : IAsyncDisposable
{
    private SignatureKestrelHost(WebApplication app)
    {
        App = app;
        BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
    }

    public WebApplication App { get; }

    /// <summary>The server's address, <c>http://127.0.0.1:port</c>.</summary>
    public string BaseUrl { get; }

    public static async Task<SignatureKestrelHost> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddApiGuard().AddSignatureAuthentication(configureKeys: keys =>
        {
            foreach (var id in new[] { "test-shared-secret", "test-key-ed25519", "test-key-ecc-p256" })
            {
                keys.ClientKeys.Add(new SignatureClientKey(TestKeys.Public(id), "client-" + id));
            }
        });
        var app = builder.Build();
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapPost("/api/signed/echo", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            return Results.Text(context.User.Identity!.Name + "|" + await reader.ReadToEndAsync());
        }).RequireSignature();
        app.MapGet("/api/signed/items", (HttpContext context) => Results.Text(context.User.Identity!.Name)).RequireSignature();
        app.MapGet("/api/signed/items/{id}", (HttpContext context, string id) =>
            Results.Text($"{context.User.Identity!.Name}|{id}|{context.Request.Query["q"]}")).RequireSignature();
        await app.StartAsync();
        return new SignatureKestrelHost(app);
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
