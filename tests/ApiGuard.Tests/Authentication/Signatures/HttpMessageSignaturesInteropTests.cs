using System.Net;
using System.Text;
using System.Text.Json;
using ApiGuard.Client.Signatures;
using ApiGuard.Tests.Client.Signatures;

namespace ApiGuard.Tests.Authentication.Signatures;

/// <summary>
/// Interop with an independent RFC 9421 implementation, the npm package http-message-signatures 1.0.6
/// (tests/interop/signatures), over real HTTP on 127.0.0.1 in both directions.
/// </summary>
public sealed class HttpMessageSignaturesInteropTests
{
    public static TheoryData<string> Keys() => new() { "test-shared-secret", "test-key-ed25519", "test-key-ecc-p256" };

    [Theory]
    [MemberData(nameof(Keys))]
    public async Task NodeSigns_ApiGuardServerOnKestrel_Verifies(string keyId)
    {
        await using var app = await SignatureKestrelHost.StartAsync();

        var post = await NodeInterop.SignAndSendAsync(app.BaseUrl + "/api/signed/echo?x=1", keyId, "{\"hello\": \"world\"}");
        var get = await NodeInterop.SignAndSendAsync(app.BaseUrl + "/api/signed/items", keyId);

        Assert.Equal(200, post.GetProperty("status").GetInt32());
        Assert.Equal("client-" + keyId + "|{\"hello\": \"world\"}", post.GetProperty("body").GetString());
        Assert.Equal(200, get.GetProperty("status").GetInt32());
        Assert.Equal("client-" + keyId, get.GetProperty("body").GetString());
    }

    [Fact]
    public async Task NodeSignsWithWrongKey_ApiGuardServerOnKestrel_Rejects()
    {
        await using var app = await SignatureKestrelHost.StartAsync();

        // Signed with the P-256 private key but claiming the Ed25519 key id.
        var result = await NodeInterop.RunAsync("sign-and-send.js", app.BaseUrl + "/api/signed/items", SignatureAlgorithms.EcdsaP256Sha256, "test-key-ed25519", TestPaths.Vector("rfc9421", "keys", "test-key-ecc-p256.priv.pem"));

        Assert.Equal(401, result.GetProperty("status").GetInt32());
        Assert.Equal(SignatureChecks.BadSignature, JsonDocument.Parse(result.GetProperty("body").GetString()!).RootElement.GetProperty("check").GetString());
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public async Task ApiGuardClientSigns_NodeServer_Verifies(string keyId)
    {
        await NodeInterop.EnsureInstalledAsync();
        var keyFile = keyId == "test-shared-secret" ? "test-shared-secret.b64" : keyId + ".pub.pem";
        var keys = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            [keyId] = new { alg = TestKeys.AlgorithmOf(keyId), file = TestPaths.Vector("rfc9421", "keys", keyFile) },
        });
        using var node = NodeInterop.Start("verify-server.js", keys);
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
        await NodeInterop.EnsureInstalledAsync();
        var keys = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["test-shared-secret"] = new { alg = "hmac-sha256", file = TestPaths.Vector("rfc9421", "keys", "test-shared-secret.b64") },
        });
        using var node = NodeInterop.Start("verify-server.js", keys);
        var port = await node.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20));
        var wrong = SignatureKey.FromSharedSecret("test-shared-secret", new byte[64]);
        using var client = new HttpClient(new SigningHandler(new RequestSigner(new SigningOptions { Key = wrong })) { InnerHandler = new SocketsHttpHandler() });

        using var response = await client.GetAsync($"http://127.0.0.1:{port}/orders");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        node.Kill(entireProcessTree: true);
    }
}
