namespace ApiGuard.Authentication.Otp;

/// <summary>Endpoint metadata: the endpoint needs a valid one-time password from the authenticated principal.</summary>
public interface IRequireOtpMetadata
{
}

/// <summary>
/// Marks an endpoint (or controller) as needing a valid one-time password, in the <c>X-ApiGuard-OTP</c> header by default,
/// from the already authenticated principal. Minimal APIs use <c>.RequireOtp()</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class RequireOtpAttribute : Attribute, IRequireOtpMetadata
{
    internal static readonly RequireOtpAttribute Instance = new();
}
