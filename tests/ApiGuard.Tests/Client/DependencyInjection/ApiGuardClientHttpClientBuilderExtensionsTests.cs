using System.Net;
using System.Text;
using ApiGuard.Client.Signatures;
using ApiGuard.Tests.Authentication.Signatures;
using ApiGuard.Tests.Client.Signatures;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ApiGuard.Tests.Client.DependencyInjection;

public sealed class ApiGuardClientHttpClientBuilderExtensionsTests
{
    [Fact]
    public async Task AddApiGuardSigning_NamedClient_SignsWithContainerClockAndServerVerifies()
    {
        await using var host = await SignatureTestHost.StartAsync();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(host.Time);
        services.AddHttpClient("orders", c => c.BaseAddress = new Uri("http://localhost"))
            .AddApiGuardSigning(o => o.Key = TestKeys.Private("test-key-ed25519"))
            .ConfigurePrimaryHttpMessageHandler(() => host.App.GetTestServer().CreateHandler());
        services.AddHttpClient("unsigned", c => c.BaseAddress = new Uri("http://localhost"))
            .ConfigurePrimaryHttpMessageHandler(() => host.App.GetTestServer().CreateHandler());
        await using var provider = services.BuildServiceProvider();
        var factory = provider.GetRequiredService<IHttpClientFactory>();

        using var post = await factory.CreateClient("orders").PostAsync("/api/signed/echo", new StringContent("{\"a\":1}", Encoding.UTF8, "application/json"));
        using var unsigned = await factory.CreateClient("unsigned").GetAsync("/api/signed/items");

        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        Assert.Equal("ed-client|orders:read orders:write|{\"a\":1}", await post.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
    }

    [Fact]
    public async Task AddApiGuardSigning_OptionsPerClient_EachSignsWithItsOwnKey()
    {
        await using var host = await SignatureTestHost.StartAsync();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(host.Time);
        foreach (var keyId in new[] { "test-shared-secret", "test-key-ecc-p256" })
        {
            services.AddHttpClient(keyId, c => c.BaseAddress = new Uri("http://localhost"))
                .AddApiGuardSigning(o => o.Key = TestKeys.Private(keyId))
                .ConfigurePrimaryHttpMessageHandler(() => host.App.GetTestServer().CreateHandler());
        }

        await using var provider = services.BuildServiceProvider();
        var factory = provider.GetRequiredService<IHttpClientFactory>();

        Assert.Equal("hmac-client", await factory.CreateClient("test-shared-secret").GetStringAsync("/api/signed/items"));
        Assert.Equal("ec-client", await factory.CreateClient("test-key-ecc-p256").GetStringAsync("/api/signed/items"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AddApiGuardSigning_KeyWithoutPrivatePartOrMissing_FailsNamingClient(bool publicKey)
    {
        var services = new ServiceCollection();
        services.AddHttpClient("orders").AddApiGuardSigning(o => o.Key = publicKey ? TestKeys.Public("test-key-ed25519") : null);
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IHttpClientFactory>().CreateClient("orders"));

        Assert.Contains("ApiGuard signing for HttpClient 'orders' needs SigningOptions.Key with a private part.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddApiGuardSigning_NullArguments_Throw()
    {
        var builder = new ServiceCollection().AddHttpClient("orders");

        Assert.Throws<ArgumentNullException>(() => builder.AddApiGuardSigning(null!));
        Assert.Throws<ArgumentNullException>(() => ((IHttpClientBuilder)null!).AddApiGuardSigning(_ => { }));
    }
}
