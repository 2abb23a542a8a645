using System.Security.Claims;

namespace ApiGuard.Sample.Demos;

/// <summary>
/// OTP step-up demo: <c>POST /api/transfers</c> needs an authenticated client and a TOTP code (SHA-1, 6 digits, 30 s) in
/// <c>X-ApiGuard-OTP</c>. The demo secret of client <c>test-shared-secret</c> sits in appsettings.json (sample only).
/// The signature requirement (key <c>test-shared-secret</c>) comes from the signatures capability.
/// </summary>
public static class OtpDemo
{
    /// <summary>Adds OTP step-up (binds <c>ApiGuard:Otp</c>).</summary>
    public static void AddOtpDemo(this IApiGuardBuilder guard) => guard.AddOtp();

    /// <summary>Maps <c>POST /api/transfers</c>.</summary>
    public static void MapOtpDemo(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/transfers", (TransferRequest request, ClaimsPrincipal user) =>
            Results.Ok(new TransferAccepted("accepted", user.Identity?.Name ?? "unknown", request.Amount, request.To)))
            .RequireOtp()
            .RequireAuthorization();
    }

    /// <summary>A transfer order.</summary>
    /// <param name="To">The destination account.</param>
    /// <param name="Amount">The amount.</param>
    public sealed record TransferRequest(string? To, decimal Amount);

    /// <summary>The answer to an accepted transfer.</summary>
    /// <param name="Status">Always <c>accepted</c>.</param>
    /// <param name="Client">The authenticated client.</param>
    /// <param name="Amount">The amount.</param>
    /// <param name="To">The destination account.</param>
    public sealed record TransferAccepted(string Status, string Client, decimal Amount, string? To);
}
