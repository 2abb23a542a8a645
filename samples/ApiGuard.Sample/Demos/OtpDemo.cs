using System.Security.Claims;
using ApiGuard.Authentication.Signatures;

namespace ApiGuard.Sample.Demos;

/// <summary>
/// OTP step-up demo: <c>POST /api/transfers</c> needs an RFC 9421 signature by key <c>test-shared-secret</c> (hmac-sha256,
/// default signature policy: nonce and <c>content-digest</c> required for POST) and a TOTP code (SHA-1, 6 digits, 30 s) in
/// <c>X-ApiGuard-OTP</c>. The OTP subject is the signing key id (<c>ApiGuard:Otp:SubjectClaimType</c> = <c>apiguard:key_id</c>);
/// the demo secret of <c>test-shared-secret</c> sits in appsettings.json (sample only). Wrong codes count as brute-force failures
/// of the client (and its address): after <c>ApiGuard:BruteForce:Pair:DelayThreshold</c> of them the step-up answers 429 with
/// <c>Retry-After</c> before checking the next code.
/// </summary>
public static class OtpDemo
{
    /// <summary>Adds OTP step-up (binds <c>ApiGuard:Otp</c>).</summary>
    public static void AddOtpDemo(this IApiGuardBuilder guard) => guard.AddOtp();

    /// <summary>The only signing key accepted by <c>POST /api/transfers</c>.</summary>
    public const string TransferKeyId = "test-shared-secret";

    /// <summary>Maps <c>POST /api/transfers</c>.</summary>
    public static void MapOtpDemo(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/transfers", (TransferRequest request, ClaimsPrincipal user) =>
            Results.Ok(new TransferAccepted("accepted", user.Identity?.Name ?? "unknown", request.Amount, request.To)))
            .RequireOtp()
            .RequireSignature()
            .RequireBruteForceProtection()
            .RequireAuthorization(p => p
                .AddAuthenticationSchemes(SignatureAuthenticationDefaults.AuthenticationScheme)
                .RequireAssertion(c => c.User.FindFirst(SignatureAuthenticationDefaults.KeyIdClaimType)?.Value is null or TransferKeyId));
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
