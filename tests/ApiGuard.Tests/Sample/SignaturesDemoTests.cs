using System.Net;
using System.Text.Json;
using ApiGuard.Sample;
using ApiGuard.SampleClient;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;

namespace ApiGuard.Tests.Sample;

public sealed class SignaturesDemoTests
{
    [Theory]
    [InlineData("test-key-ed25519", "demo-mobile")]
    [InlineData("test-shared-secret", "demo-hmac")]
    [InlineData("test-key-ecc-p256", "demo-service")]
    [InlineData("test-key-rsa-pss", "demo-service")]
    public async Task SampleClient_SignedEcho_AcceptedWithDemoKey(string keyId, string clientId)
    {
        await using var app = SampleApp.Build([], b => b.WebHost.UseTestServer());
        await app.StartAsync();
        var stdout = new StringWriter();

        var exit = await SampleClientApp.RunAsync(["http://localhost", keyId, "hi"], stdout, TextWriter.Null, app.GetTestServer().CreateHandler());

        Assert.Equal(0, exit);
        var json = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1];
        var echo = JsonDocument.Parse(json).RootElement;
        Assert.Equal(clientId, echo.GetProperty("clientId").GetString());
        Assert.Equal(keyId, echo.GetProperty("keyId").GetString());
        Assert.Equal("{\"message\": \"hi\"}", echo.GetProperty("body").GetString());
    }

    [Fact]
    public async Task SignedEcho_Unsigned_Returns401WithCheck()
    {
        await using var app = SampleApp.Build([], b => b.WebHost.UseTestServer());
        await app.StartAsync();

        using var response = await app.GetTestClient().PostAsync("/api/signed/echo", new StringContent("{}"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("\"check\":\"missing-signature\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True(response.Headers.Contains("Accept-Signature"));
    }
}
