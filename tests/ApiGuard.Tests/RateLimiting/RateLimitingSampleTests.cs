using Microsoft.Extensions.DependencyInjection;
using System.Net;
using ApiGuard.Sample;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;

namespace ApiGuard.Tests.RateLimiting;

public sealed class RateLimitingSampleTests
{
    [Fact]
    public async Task GetLimited_ElevenRequestsInABurst_EleventhIs429WithRateLimitFields()
    {
        // The clock stands still: on the real clock a slow first request (JIT) lets GCRA refill a permit before the eleventh.
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 10, 0, 0, TimeSpan.Zero));
        await using var app = SampleApp.Build([], b =>
        {
            b.WebHost.UseTestServer();
            b.Services.AddSingleton<TimeProvider>(time);
        });
        await app.StartAsync();
        using var client = app.GetTestClient();

        for (var i = 0; i < 10; i++)
        {
            using var ok = await client.GetAsync(new Uri("/api/limited", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal("\"default\";q=10;w=10", ok.Headers.GetValues("RateLimit-Policy").Single());
        }

        using var limited = await client.GetAsync(new Uri("/api/limited", UriKind.Relative));
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType!.MediaType);
        Assert.InRange(int.Parse(limited.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture), 1, 1);
        Assert.Equal("\"default\";q=10;w=10", limited.Headers.GetValues("RateLimit-Policy").Single());
        Assert.Matches("^\"default\";r=0;t=1$", limited.Headers.GetValues("RateLimit").Single());
    }
}
