namespace ApiGuard.Sample.Demos;

/// <summary>
/// Rate-limiting demo endpoints. <c>GET /api/limited</c> runs under the anonymous per-client policy <c>anonymous</c>
/// (10 requests per 10 s, configured in appsettings.json under <c>ApiGuard:RateLimiting</c>); the 11th request in a burst gets
/// 429 with <c>Retry-After</c>, <c>RateLimit-Policy</c> and <c>RateLimit</c>.
/// </summary>
public static class RateLimitingDemo
{
    /// <summary>Maps the rate-limiting demo endpoints.</summary>
    public static IEndpointRouteBuilder MapRateLimitingDemo(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/api/limited", () => Results.Ok(new { message = "within the limit" }))
            .RequireApiGuardRateLimit("anonymous");
        app.MapGet("/api/limited/report", () => Results.Ok(new { message = "an expensive report: 5 permits" }))
            .RequireApiGuardRateLimit("anonymous", cost: 5);
        return app;
    }
}
