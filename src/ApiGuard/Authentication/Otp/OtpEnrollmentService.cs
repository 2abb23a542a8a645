using Microsoft.Extensions.Options;

namespace ApiGuard.Authentication.Otp;

/// <summary>The result of an enrolment: the secret in Base32 and its <c>otpauth://</c> URI. Show them once; never log them.</summary>
/// <param name="Secret">The key in Base32.</param>
/// <param name="Uri">The Key URI for authenticator apps.</param>
public sealed record OtpEnrollmentResult(string Secret, string Uri);

/// <summary>Enrols subjects: creates a secret, stores it (protected) and returns what the authenticator needs.</summary>
public interface IOtpEnrollmentService
{
    /// <summary>Creates and stores a new secret for <paramref name="subject"/>, replacing any previous one.</summary>
    /// <param name="subject">The user or client id (the step-up subject).</param>
    /// <param name="kind">TOTP (default) or HOTP.</param>
    /// <param name="algorithm">The HMAC algorithm (default SHA-1, which every authenticator app supports).</param>
    /// <param name="digits">6 to 8 (default 6).</param>
    /// <param name="period">The TOTP step in seconds (default 30).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    ValueTask<OtpEnrollmentResult> EnrollAsync(string subject, OtpKind kind = OtpKind.Totp, OtpAlgorithm algorithm = OtpAlgorithm.Sha1, int digits = 6, int period = 30, CancellationToken cancellationToken = default);
}

/// <summary>The default <see cref="IOtpEnrollmentService"/>.</summary>
public sealed class OtpEnrollmentService : IOtpEnrollmentService
{
    private readonly IOtpSecretStore _store;
    private readonly IOptionsMonitor<OtpOptions> _options;

    /// <summary>Creates the service.</summary>
    public OtpEnrollmentService(IOtpSecretStore store, IOptionsMonitor<OtpOptions> options)
    {
        _store = store;
        _options = options;
    }

    /// <inheritdoc />
    public async ValueTask<OtpEnrollmentResult> EnrollAsync(string subject, OtpKind kind = OtpKind.Totp, OtpAlgorithm algorithm = OtpAlgorithm.Sha1, int digits = 6, int period = 30, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        var secret = OtpEnrollment.CreateSecret(kind, algorithm, digits, period);
        await _store.SetAsync(subject, secret, cancellationToken).ConfigureAwait(false);
        return new OtpEnrollmentResult(secret.ToBase32(), OtpEnrollment.GetUri(secret, subject, _options.CurrentValue.Issuer));
    }
}
