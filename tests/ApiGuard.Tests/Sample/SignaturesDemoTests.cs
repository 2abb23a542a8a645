using System.Net;
using System.Text;
using System.Text.Json;
using ApiGuard.Client.Signatures;
using ApiGuard.Sample;
using ApiGuard.SampleClient;
using ApiGuard.Tests.Client.Signatures;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

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

    [Fact]
    public async Task SignedEcho_100KBSignatureHeaderOnKestrel_ReturnsProblemNever431Or500()
    {
        await using var app = SampleApp.Build(["--urls=http://127.0.0.1:0"]);
        await app.StartAsync();
        var baseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        using var request = new HttpRequestMessage(HttpMethod.Post, baseUrl + "/api/signed/echo") { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        await new RequestSigner(new SigningOptions { Key = TestKeys.Private("test-key-ed25519") }).SignAsync(request);
        request.Headers.Remove("Signature");
        request.Headers.TryAddWithoutValidation("Signature", "sig1=:" + new string('A', 100 * 1024) + ":");
        using var client = new HttpClient();

        using var response = await client.SendAsync(request);

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"check\":\"malformed\"", body, StringComparison.Ordinal);
        Assert.DoesNotContain("AAAAAAAA", body, StringComparison.Ordinal);
        await app.StopAsync();
    }
}
