using ApiGuard.Client.Signatures;
using ApiGuard.Monitoring;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ApiGuard.Authentication.Signatures;

/// <summary>Requires that the request was authenticated by the signature scheme (added by <c>.RequireSignature()</c>).</summary>
public sealed class SignatureAuthorizationRequirement : IAuthorizationRequirement
{
    /// <summary>Creates the requirement.</summary>
    public SignatureAuthorizationRequirement(string authenticationScheme)
    {
        ArgumentException.ThrowIfNullOrEmpty(authenticationScheme);
        AuthenticationScheme = authenticationScheme;
    }

    /// <summary>The signature authentication scheme.</summary>
    public string AuthenticationScheme { get; }
}

/// <summary>
/// Succeeds when the signature scheme authenticated the request. In DetectOnly mode (or when the capability is disabled for the
/// endpoint) it also succeeds, so nothing is blocked; a request with no signature is then reported as would-block.
/// </summary>
internal sealed class SignatureAuthorizationHandler(IOptionsMonitor<SignatureAuthenticationOptions> options) : AuthorizationHandler<SignatureAuthorizationRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, SignatureAuthorizationRequirement requirement)
    {
        foreach (var identity in context.User.Identities)
        {
            if (identity.IsAuthenticated && identity.AuthenticationType == requirement.AuthenticationScheme)
            {
                context.Succeed(requirement);
                return Task.CompletedTask;
            }
        }

        if (context.Resource is HttpContext http && http.RequestServices.GetService<ApiGuardModeResolver>() is { } modes)
        {
            if (modes.IsDisabled(http, ApiGuardCapabilities.Signatures))
            {
                context.Succeed(requirement);
            }
            else if (modes.Resolve(http, ApiGuardCapabilities.Signatures, options.Get(requirement.AuthenticationScheme).Mode) == ApiGuardMode.DetectOnly)
            {
                if (http.Features.Get<SignatureFailureFeature>() is null)
                {
                    http.RequestServices.GetService<ISecurityEventPublisher>()?.Publish(
                        new SecurityEvent
                        {
                            Capability = ApiGuardCapabilities.Signatures,
                            Kind = "authentication.failed",
                            Severity = SecuritySeverity.Medium,
                            Action = SecurityAction.WouldBlock,
                            RuleId = SignatureChecks.MissingSignature,
                            Reason = "The request has no signature.",
                        },
                        http);
                }

                context.Succeed(requirement);
            }
        }

        return Task.CompletedTask;
    }
}
