using ApiGuard.Authentication.Otp;
using ApiGuard.DependencyInjection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers one-time-password step-up.</summary>
public static class OtpBuilderExtensions
{
    /// <summary>
    /// Adds OTP step-up: endpoints marked <c>.RequireOtp()</c> / <c>[RequireOtp]</c> need a valid code in <c>X-ApiGuard-OTP</c>.
    /// Binds <c>ApiGuard:Otp</c> when configuration was given to <c>AddApiGuard</c>; validated at startup. Registers
    /// ASP.NET Core Data Protection (secrets are protected at rest), the in-memory <see cref="IOtpSecretStore"/> (Redis with
    /// <c>UseRedis()</c>), <see cref="IOtpVerifier"/>, <see cref="IOtpEnrollmentService"/> and the shared replay store. Safe to call twice.
    /// </summary>
    public static IApiGuardBuilder AddOtp(this IApiGuardBuilder builder, Action<OtpOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<OtpOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        if (!builder.TryAddMarker<OtpMarker>())
        {
            return builder;
        }

        if (builder.Configuration?.GetSection(OtpOptions.SectionName) is { } section && section.Exists())
        {
            options.CheckApiGuardSection(section).Bind(section);
        }

        options.ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OtpOptions>, OtpOptionsValidator>());
        builder.Services.AddDataProtection();
        builder.AddReplayStore();
        builder.Services.TryAddSingleton<OtpSecretProtector>();
        builder.Services.TryAddSingleton<IOtpSecretStore, InMemoryOtpSecretStore>();
        builder.Services.TryAddSingleton<IOtpVerifier, OtpVerifier>();
        builder.Services.TryAddSingleton<IOtpEnrollmentService, OtpEnrollmentService>();
        builder.Services.TryAddSingleton<OtpMetrics>();
        builder.AddMiddleware<OtpMiddleware>(ApiGuardStage.StepUp);
        return builder;
    }

    private sealed class OtpMarker;
}
