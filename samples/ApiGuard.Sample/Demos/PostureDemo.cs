using ApiGuard.Posture.Leaks;
using ApiGuard.Posture.Outbound;

namespace ApiGuard.Sample.Demos;

/// <summary>
/// Posture demos (OWASP API Top 10):
/// <list type="bullet">
/// <item><c>GET /api/debug/leak</c>: a response that leaks a stack trace, an AWS key id and a card number, redacted on the way out.</item>
/// <item><c>GET /api/outbound/metadata</c>: an outbound call to the cloud metadata address <c>http://169.254.169.254/</c>, refused before any connect.</item>
/// <item><c>DELETE /api/debug/cache</c>: a DELIBERATE audit finding (APIG-POSTURE-002, anonymous state-changing endpoint) so the startup audit has something to print.</item>
/// </list>
/// </summary>
public static class PostureDemo
{
    /// <summary>The named <c>HttpClient</c> guarded by the outbound guard.</summary>
    public const string OutboundClientName = "posture-demo";

    /// <summary>Adds the posture capability and a guarded outbound client.</summary>
    public static void AddPostureDemo(this IServiceCollection services, IApiGuardBuilder guard)
    {
        guard.AddPosture();
        services.AddHttpClient(OutboundClientName).AddApiGuardOutboundGuard();
    }

    /// <summary>Maps the posture demo endpoints.</summary>
    public static void MapPostureDemos(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/debug/leak", () => Results.Json(new
        {
            error = "Unhandled exception",
            detail = "System.InvalidOperationException: Sequence contains no elements\n   at ApiGuard.Sample.Orders.OrderService.GetLatest(Int32 customerId) in /src/Orders/OrderService.cs:line 42",
            awsKeyId = "AKIAIOSFODNN7EXAMPLE",
            card = "4111 1111 1111 1111",
        }))
            .AllowAnonymous()
            .WithResponseLeakAction(LeakAction.Redact)
            .WithDisplayName("Posture demo: leaking response (redacted)");

        app.MapGet("/api/outbound/metadata", async (IHttpClientFactory factory, CancellationToken ct) =>
        {
            var client = factory.CreateClient(OutboundClientName);
            try
            {
                using var response = await client.GetAsync("http://169.254.169.254/latest/meta-data/", ct);
                return Results.Json(new { blocked = false, status = (int)response.StatusCode });
            }
            catch (OutboundRequestBlockedException ex)
            {
                return Results.Json(new { blocked = true, reason = ex.Reason.ToString(), host = ex.Host, address = ex.Address?.ToString() });
            }
        })
            .AllowAnonymous()
            .WithDisplayName("Posture demo: outbound call to cloud metadata (refused)");

        // Deliberate finding APIG-POSTURE-002: an anonymous DELETE. Kept so the startup audit shows what a finding looks like.
        app.MapDelete("/api/debug/cache", () => Results.NoContent())
            .AllowAnonymous()
            .WithDisplayName("Posture demo: deliberate anonymous DELETE");
    }
}
