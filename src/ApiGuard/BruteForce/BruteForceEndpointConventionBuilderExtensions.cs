using ApiGuard.BruteForce;
using Microsoft.AspNetCore.Http;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Minimal-API conventions for brute-force protection. Switch it off with <c>DisableApiGuard(ApiGuardCapabilities.BruteForce)</c>.</summary>
public static class BruteForceEndpointConventionBuilderExtensions
{
    /// <summary>
    /// Refuses clients whose address is delayed or blocked before the endpoint runs (429 with <c>Retry-After</c>).
    /// The endpoint checks and records accounts itself through <see cref="IBruteForceGuard"/>.
    /// </summary>
    public static TBuilder RequireBruteForceProtection<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Add(static b => b.Metadata.Add(BruteForceProtectionAttribute.Instance));
        return builder;
    }

    /// <summary>
    /// Protects the endpoint for the account <paramref name="accountSelector"/> reads (for example from a route value or header):
    /// refuses delayed or blocked clients, and records the outcome from the status code (401/403 failure, 2xx success)
    /// unless the endpoint recorded it through <see cref="IBruteForceGuard"/>.
    /// </summary>
    public static TBuilder RequireBruteForceProtection<TBuilder>(this TBuilder builder, Func<HttpContext, string?> accountSelector) where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(accountSelector);
        return builder.RequireBruteForceProtection(context => ValueTask.FromResult(accountSelector(context)));
    }

    /// <summary>As <see cref="RequireBruteForceProtection{TBuilder}(TBuilder, Func{HttpContext, string?})"/>, with an asynchronous selector (for example one that reads a buffered body).</summary>
    public static TBuilder RequireBruteForceProtection<TBuilder>(this TBuilder builder, Func<HttpContext, ValueTask<string?>> accountSelector) where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(accountSelector);
        var metadata = new BruteForceProtectionMetadata(accountSelector);
        builder.Add(b => b.Metadata.Add(metadata));
        return builder;
    }
}
