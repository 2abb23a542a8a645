using Microsoft.AspNetCore.Http;

namespace ApiGuard.Authentication.Otp;

/// <summary>One-time-password step-up settings, bound from <c>ApiGuard:Otp</c>.</summary>
public sealed class OtpOptions
{
    /// <summary>The configuration section name under <c>ApiGuard</c>: <c>Otp</c>.</summary>
    public const string SectionName = "Otp";

    /// <summary>The request header carrying the code.</summary>
    /// <value>Default: <c>X-ApiGuard-OTP</c>.</value>
    public string HeaderName { get; set; } = OtpDefaults.HeaderName;

    /// <summary>The mode of the OTP capability, overriding the global mode.</summary>
    /// <value>Default: <see langword="null"/> (inherit <c>ApiGuard:Mode</c>).</value>
    public ApiGuardMode? Mode { get; set; }

    /// <summary>TOTP time steps accepted on each side of the current one, for clock drift between client and server.</summary>
    /// <value>Default: 1 (the previous, current and next step). Allowed: 0 to 10.</value>
    public int DriftSteps { get; set; } = 1;

    /// <summary>How many HOTP counter values past the expected one are tried, to resynchronise a token pressed without being used.</summary>
    /// <value>Default: 10. Allowed: 0 to 1000.</value>
    public int HotpLookAhead { get; set; } = 10;

    /// <summary>The issuer written into enrolment URIs.</summary>
    /// <value>Default: <c>ApiGuard</c>.</value>
    public string Issuer { get; set; } = "ApiGuard";

    /// <summary>
    /// Secrets from configuration, by subject (the principal's client id). Looked up when the store has no secret for the subject.
    /// Meant for machine clients and samples; enrol users through <see cref="IOtpEnrollmentService"/> instead.
    /// </summary>
    /// <value>Default: empty.</value>
    public Dictionary<string, OtpSecretOptions> Secrets { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The claim of the authenticated principal that names the subject, for example <c>apiguard:key_id</c> to key secrets by signing key.
    /// </summary>
    /// <value>Default: <see langword="null"/>: the client id from <see cref="Identity.IClientIdentityResolver"/> (without <c>principal:</c>).</value>
    public string? SubjectClaimType { get; set; }

    /// <summary>
    /// Picks the subject whose secret checks the code, overriding <see cref="SubjectClaimType"/>. Code-only.
    /// </summary>
    /// <value>Default: <see langword="null"/> (use <see cref="SubjectClaimType"/>, else the client id).</value>
    public Func<HttpContext, string?>? SubjectSelector { get; set; }
}

/// <summary>One OTP secret given in configuration (<c>ApiGuard:Otp:Secrets:&lt;subject&gt;</c>).</summary>
public sealed class OtpSecretOptions
{
    /// <summary>The key in Base32.</summary>
    public string Secret { get; set; } = string.Empty;

    /// <summary>TOTP or HOTP.</summary>
    /// <value>Default: <see cref="OtpKind.Totp"/>.</value>
    public OtpKind Kind { get; set; } = OtpKind.Totp;

    /// <summary>The HMAC algorithm.</summary>
    /// <value>Default: <see cref="OtpAlgorithm.Sha1"/>.</value>
    public OtpAlgorithm Algorithm { get; set; } = OtpAlgorithm.Sha1;

    /// <summary>The code length.</summary>
    /// <value>Default: 6. Allowed: 6 to 8.</value>
    public int Digits { get; set; } = 6;

    /// <summary>The TOTP time step in seconds.</summary>
    /// <value>Default: 30. Allowed: 1 to 300.</value>
    public int Period { get; set; } = 30;

    /// <summary>The first HOTP counter.</summary>
    /// <value>Default: 0.</value>
    public long Counter { get; set; }

    internal OtpSecret ToSecret() => OtpSecret.FromBase32(Secret, Kind, Algorithm, Digits, Period, Counter);
}

/// <summary>Constants of the OTP capability.</summary>
public static class OtpDefaults
{
    /// <summary>The default header carrying the code: <c>X-ApiGuard-OTP</c>.</summary>
    public const string HeaderName = "X-ApiGuard-OTP";

    /// <summary>The authentication scheme named in the <c>WWW-Authenticate</c> challenge: <c>OTP</c>.</summary>
    public const string ChallengeScheme = "OTP";

    /// <summary>The replay-store scope of used codes: <c>otp</c>.</summary>
    public const string ReplayScope = "otp";
}
