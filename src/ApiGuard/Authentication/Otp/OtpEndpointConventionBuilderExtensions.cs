using ApiGuard.Authentication.Otp;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Minimal-API conventions for OTP step-up.</summary>
public static class OtpEndpointConventionBuilderExtensions
{
    /// <summary>
    /// Requires a valid one-time password (header <c>X-ApiGuard-OTP</c> by default) from the authenticated principal on the endpoints.
    /// Needs <c>AddOtp()</c> and <c>UseApiGuard()</c>.
    /// </summary>
    public static TBuilder RequireOtp<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Add(static b => b.Metadata.Add(RequireOtpAttribute.Instance));
        return builder;
    }
}
