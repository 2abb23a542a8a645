using System.Net;
using ApiGuard.Authentication.ChallengeResponse;
using ApiGuard.Sample;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ApiGuard.Tests.Authentication.ChallengeResponse;

public sealed class DpopOptionsTests
{
    [Fact]
    public async Task AddDpop_AlgorithmsFromConfiguration_AdvertisedInChallenge()
    {
        await using var app = SampleApp.Build(["--contentRoot", AppContext.BaseDirectory, "--Authentication:Schemes:DPoP:Algorithms:0=ES256", "--Authentication:Schemes:DPoP:Algorithms:1=EdDSA"], b => b.WebHost.UseTestServer());
        await app.StartAsync();

        using var response = await app.GetTestClient().GetAsync("/api/dpop/profile");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("DPoP algs=\"ES256 EdDSA\"", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task AddDpop_InvalidConfiguration_HostFailsNamingKeys()
    {
        // DpopOptions.Validate() (the authentication convention) throws InvalidOperationException at startup, naming each key.
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await using var app = SampleApp.Build(
                ["--contentRoot", AppContext.BaseDirectory, "--Authentication:Schemes:DPoP:ProofLifetime=01:00:00", "--Authentication:Schemes:DPoP:Algorithms:0=HS256"],
                b => b.WebHost.UseTestServer());
            await app.StartAsync();
        });

        Assert.Contains("Authentication:Schemes:DPoP:ProofLifetime is 01:00:00; allowed values are 00:00:01 to 00:10:00.", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Authentication:Schemes:DPoP:Algorithms is [HS256]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddDpop_ModeFromConfiguration_Bound()
    {
        await using var app = SampleApp.Build(["--contentRoot", AppContext.BaseDirectory, "--Authentication:Schemes:DPoP:Mode=DetectOnly"], b => b.WebHost.UseTestServer());
        await app.StartAsync();

        var options = app.Services.GetRequiredService<IOptionsMonitor<DpopOptions>>().Get(DpopDefaults.AuthenticationScheme);

        Assert.Equal(ApiGuardMode.DetectOnly, options.Mode);
    }

    [Fact]
    public async Task AddDpop_UnknownMode_HostFailsNamingKey()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var app = SampleApp.Build(["--contentRoot", AppContext.BaseDirectory, "--Authentication:Schemes:DPoP:Mode=Sometimes"], b => b.WebHost.UseTestServer());
            await app.StartAsync();
        });

        Assert.Equal("Authentication:Schemes:DPoP:Mode has the value 'Sometimes'; allowed values are Enforce, DetectOnly.", Assert.Single(ex.Failures));
    }
}
