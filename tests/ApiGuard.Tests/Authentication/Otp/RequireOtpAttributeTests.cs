using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using ApiGuard.Authentication.Otp;
using ApiGuard.Problems;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace ApiGuard.Tests.Authentication.Otp;

/// <summary>Step-up through the <see cref="RequireOtpAttribute"/> on a minimal-API handler, instead of <c>.RequireOtp()</c>.</summary>
public sealed class RequireOtpAttributeTests
{
    private static readonly OtpSecret s_secret = OtpEnrollment.CreateSecret();

    private static async Task<(WebApplication App, HttpClient Http, FakeTimeProvider Time)> StartAsync()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_800_000_015));
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddApiGuard().AddOtp(o => o.Secrets["alice"] = new OtpSecretOptions { Secret = s_secret.ToBase32() });
        var app = builder.Build();
        app.UseRouting();

        // Stands in for authentication: every caller is the principal alice.
        app.Use((context, next) =>
        {
            context.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "alice")], "test"));
            return next(context);
        });
        app.UseApiGuard();
        app.MapPost("/api/attributed", [RequireOtp] () => Results.Ok(new { status = "done" }));
        app.MapPost("/api/plain", () => Results.Ok(new { status = "done" }));
        await app.StartAsync();
        return (app, app.GetTestClient(), time);
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient http, string path, string? code)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        if (code is not null)
        {
            request.Headers.Add(OtpDefaults.HeaderName, code);
        }

        return await http.SendAsync(request);
    }

    [Fact]
    public async Task Attribute_NoCode_401OtpChallenge()
    {
        var (app, http, _) = await StartAsync();
        await using var _ = app;

        using var attributed = await PostAsync(http, "/api/attributed", null);
        using var plain = await PostAsync(http, "/api/plain", null);

        Assert.Equal(HttpStatusCode.Unauthorized, attributed.StatusCode);
        Assert.StartsWith("OTP realm=\"ApiGuard\"", attributed.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal(ApiGuardProblemTypes.OtpRequired, (await attributed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
    }

    [Fact]
    public async Task Attribute_ValidCode_AcceptedOnceThenRejected()
    {
        var (app, http, time) = await StartAsync();
        await using var _ = app;
        var code = OtpCodes.ComputeTotp(s_secret, time.GetUtcNow());

        using var first = await PostAsync(http, "/api/attributed", code);
        using var second = await PostAsync(http, "/api/attributed", code);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, second.StatusCode);
        Assert.Contains("error=\"invalid_otp\"", second.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }
}
