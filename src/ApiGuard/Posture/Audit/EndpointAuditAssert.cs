using Microsoft.Extensions.DependencyInjection;

namespace ApiGuard.Posture.Audit;

/// <summary>
/// Lets an application's own CI fail on new audit findings. Works over any started host's services, for example
/// <c>WebApplicationFactory&lt;Program&gt;.Services</c> or <c>TestServer.Services</c>, and throws a plain
/// <see cref="EndpointAuditException"/> that every test runner reports, so it needs no test-framework package.
/// </summary>
/// <example><code>
/// using var factory = new WebApplicationFactory&lt;Program&gt;();
/// EndpointAuditAssert.NoFindings(factory.Services, "APIG-POSTURE-008", "APIG-POSTURE-001@/health");
/// </code></example>
public static class EndpointAuditAssert
{
    /// <summary>Throws if the audit of the host has a finding that no <paramref name="allowList"/> entry accepts.</summary>
    /// <param name="services">The host's services (the host must have <c>AddApiGuard().AddPosture()</c> or <c>AddEndpointAudit()</c>).</param>
    /// <param name="allowList">Accepted findings: an id (<c>APIG-POSTURE-008</c>) or <c>id@route</c> (<c>APIG-POSTURE-001@/health</c>).</param>
    /// <exception cref="EndpointAuditException">There are findings that the allow-list does not accept.</exception>
    /// <exception cref="InvalidOperationException">The endpoint audit is not registered.</exception>
    public static void NoFindings(IServiceProvider services, params string[] allowList)
    {
        var unaccepted = GetUnacceptedFindings(services, allowList);
        if (unaccepted.Count > 0)
        {
            throw new EndpointAuditException(unaccepted);
        }
    }

    /// <summary>The findings of the host's audit that no <paramref name="allowList"/> entry accepts.</summary>
    /// <exception cref="InvalidOperationException">The endpoint audit is not registered.</exception>
    public static IReadOnlyList<AuditFinding> GetUnacceptedFindings(IServiceProvider services, params string[] allowList)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(allowList);
        var report = services.GetService<IEndpointAuditReport>()
            ?? throw new InvalidOperationException("The ApiGuard endpoint audit is not registered; call services.AddApiGuard().AddEndpointAudit() (or AddPosture()).");
        return report.GetResult().Findings.Where(f => !Array.Exists(allowList, f.IsMatchedBy)).ToArray();
    }
}

/// <summary>Thrown by <see cref="EndpointAuditAssert"/> when the audit has findings the allow-list does not accept.</summary>
public sealed class EndpointAuditException : Exception
{
    /// <summary>Creates the exception.</summary>
    public EndpointAuditException(IReadOnlyList<AuditFinding> findings)
        : base($"The ApiGuard endpoint audit has {findings.Count} finding(s) not in the allow-list:{Environment.NewLine}"
               + string.Join(Environment.NewLine, findings.Select(f => "  " + f)))
    {
        Findings = findings;
    }

    /// <summary>The findings that were not accepted.</summary>
    public IReadOnlyList<AuditFinding> Findings { get; }
}
