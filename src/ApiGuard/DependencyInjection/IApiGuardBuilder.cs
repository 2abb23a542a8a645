using Microsoft.Extensions.Configuration;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Configures ApiGuard's capabilities. Every capability is an extension method on this builder that returns it.</summary>
public interface IApiGuardBuilder
{
    /// <summary>The service collection ApiGuard registers into.</summary>
    IServiceCollection Services { get; }

    /// <summary>The <c>ApiGuard</c> configuration section passed to <c>AddApiGuard</c>, if any; capabilities bind their sub-sections from it.</summary>
    IConfiguration? Configuration { get; }
}

internal sealed class ApiGuardBuilder(IServiceCollection services, IConfiguration? configuration) : IApiGuardBuilder
{
    public IServiceCollection Services { get; } = services;

    public IConfiguration? Configuration { get; } = configuration;
}
