using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using ApiGuard.Authentication.Signatures;
using ApiGuard.Client.Signatures;
using ApiGuard.Tests.Client.Signatures;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ApiGuard.Tests.Authentication.Signatures;

/// <summary>
/// Interop with an independent RFC 9421 implementation, the npm package http-message-signatures 1.0.6
/// (tests/interop/signatures), over real HTTP on 127.0.0.1 in both directions.
/// </summary>
public sealed class HttpMessageSignaturesInteropTests
{
    private static readonly SemaphoreSlim s_npm = new(1, 1);

    public static TheoryData<string> Keys() => new() { "test-shared-secret", "test-key-ed25519", "test-key-ecc-p256" };

    [Theory]
    [MemberData(nameof(Keys))]
    public async Task NodeSigns_ApiGuardServerOnKestrel_Verifies(string keyId)
    {
        await EnsureNpmAsync();
        await using var app = await StartKestrelAsync();
        var baseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        var keyFile = keyId == "test-shared-secret" ? "test-shared-secret.b64" : keyId + ".priv.pem";
        var algorithm = TestKeys.AlgorithmOf(keyId);

        var post = await RunNodeAsync("sign-and-send.js", baseUrl + "/api/signed/echo?x=1", algorithm, keyId, TestPaths.Vector("rfc9421", "keys", keyFile), "{\"hello\": \"world\"}");
        var get = await RunNodeAsync("sign-and-send.js", baseUrl + "/api/signed/items", algorithm, keyId, TestPaths.Vector("rfc9421", "keys", keyFile));

        Assert.Equal(200, post.GetProperty("status").GetInt32());
        Assert.Equal("client-" + keyId + "|{\"hello\": \"world\"}", post.GetProperty("body").GetString());
        Assert.Equal(200, get.GetProperty("status").GetInt32());
        Assert.Equal("client-" + keyId, get.GetProperty("body").GetString());
    }

    [Fact]
    public async Task NodeSignsWithWrongKey_ApiGuardServerOnKestrel_Rejects()
    {
        await EnsureNpmAsync();
        await using var app = await StartKestrelAsync();
        var baseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();

        // Signed with the P-256 private key but claiming the Ed25519 key id.
        var result = await RunNodeAsync("sign-and-send.js", baseUrl + "/api/signed/items", SignatureAlgorithms.EcdsaP256Sha256, "test-key-ed25519", TestPaths.Vector("rfc9421", "keys", "test-key-ecc-p256.priv.pem"));

        Assert.Equal(401, result.GetProperty("status").GetInt32());
        Assert.Equal(SignatureChecks.BadSignature, JsonDocument.Parse(result.GetProperty("body").GetString()!).RootElement.GetProperty("check").GetString());
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public async Task ApiGuardClientSigns_NodeServer_Verifies(string keyId)
    {
        await EnsureNpmAsync();
        var keyFile = keyId == "test-shared-secret" ? "test-shared-secret.b64" : keyId + ".pub.pem";
        var keys = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            [keyId] = new { alg = TestKeys.AlgorithmOf(keyId), file = TestPaths.Vector("rfc9421", "keys", keyFile) },
        });
        using var node = StartNode("verify-server.js", keys);
        var port = await node.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20));
        using var client = new HttpClient(new SigningHandler(new RequestSigner(new SigningOptions { Key = TestKeys.Private(keyId) })) { InnerHandler = new SocketsHttpHandler() })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}"),
        };

        using var post = await client.PostAsync("/orders?id=7", new StringContent("{\"item\": 1}", Encoding.UTF8, "application/json"));
        using var get = await client.GetAsync("/orders?q=a%20b");

        Assert.Equal("verified " + keyId, await post.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        Assert.Equal("verified " + keyId, await get.Content.ReadAsStringAsync());
        node.Kill(entireProcessTree: true);
    }

    [Fact]
    public async Task ApiGuardClientSignsWithWrongSecret_NodeServer_Rejects()
    {
        await EnsureNpmAsync();
        var keys = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["test-shared-secret"] = new { alg = "hmac-sha256", file = TestPaths.Vector("rfc9421", "keys", "test-shared-secret.b64") },
        });
        using var node = StartNode("verify-server.js", keys);
        var port = await node.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20));
        var wrong = SignatureKey.FromSharedSecret("test-shared-secret", new byte[64]);
        using var client = new HttpClient(new SigningHandler(new RequestSigner(new SigningOptions { Key = wrong })) { InnerHandler = new SocketsHttpHandler() });

        using var response = await client.GetAsync($"http://127.0.0.1:{port}/orders");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        node.Kill(entireProcessTree: true);
    }

    private static async Task<WebApplication> StartKestrelAsync()
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
        await app.StartAsync();
        return app;
    }

    private static async Task<JsonElement> RunNodeAsync(string script, params string[] args)
    {
        using var process = StartNode(script, args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(process.ExitCode == 0, await stderr);
        return JsonDocument.Parse(await stdout).RootElement.Clone();
    }

    private static Process StartNode(string script, params string[] args)
    {
        var psi = new ProcessStartInfo("node")
        {
            WorkingDirectory = InteropDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(script);
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        return Process.Start(psi) ?? throw new InvalidOperationException("node did not start.");
    }

    private static string InteropDirectory => Path.Combine(TestPaths.RepositoryRoot, "tests", "interop", "signatures");

    private static async Task EnsureNpmAsync()
    {
        await s_npm.WaitAsync();
        try
        {
            if (Directory.Exists(Path.Combine(InteropDirectory, "node_modules", "http-message-signatures")))
            {
                return;
            }

            var psi = new ProcessStartInfo("npm") { WorkingDirectory = InteropDirectory, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { "ci", "--no-audit", "--no-fund", "--loglevel=error" })
            {
                psi.ArgumentList.Add(arg);
            }

            using var npm = Process.Start(psi)!;
            var error = npm.StandardError.ReadToEndAsync();
            await npm.StandardOutput.ReadToEndAsync();
            await npm.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
            Assert.True(npm.ExitCode == 0, "npm ci failed: " + await error);
        }
        finally
        {
            s_npm.Release();
        }
    }
}
