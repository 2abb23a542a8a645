using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace ApiGuard.Authentication.ChallengeResponse;

/// <summary>
/// Binds <see cref="DpopOptions"/> of each scheme from <c>Authentication:Schemes:&lt;scheme&gt;</c>
/// (<c>Mode</c>, <c>Algorithms</c>, <c>ProofLifetime</c>, <c>ClockSkew</c>, <c>RequireNonce</c>, <c>RequireBoundAccessToken</c>, <c>PublicOrigin</c>).
/// Runs before code configuration, which wins. A value that does not convert stops the host with a message naming its key.
/// </summary>
internal sealed class DpopConfigureOptions : IConfigureNamedOptions<DpopOptions>
{
    private readonly IConfiguration? _configuration;

    public DpopConfigureOptions(IConfiguration? configuration = null)
    {
        _configuration = configuration;
    }

    public void Configure(DpopOptions options) => Configure(Options.DefaultName, options);

    public void Configure(string? name, DpopOptions options)
    {
        if (_configuration is null || string.IsNullOrEmpty(name))
        {
            return;
        }

        var section = _configuration.GetSection("Authentication:Schemes:" + name);
        if (!section.Exists())
        {
            return;
        }

        // An unconvertible value (Mode=Sometimes, ClockSkew=soon, RequireNonce=maybe) stops the host naming key and allowed values.
        Microsoft.Extensions.DependencyInjection.ApiGuardOptionsBuilderExtensions.ThrowIfUnconvertible<DpopOptions>(section, name);

        if (section["Mode"] is { Length: > 0 } modeText)
        {
            // An unknown name becomes an undefined value, which the validator reports naming the key.
            options.Mode = Enum.TryParse<ApiGuardMode>(modeText, ignoreCase: true, out var mode) ? mode : (ApiGuardMode)(-1);
        }

        var algorithms = section.GetSection("Algorithms").GetChildren().Select(c => c.Value).OfType<string>().ToList();
        if (algorithms.Count > 0)
        {
            options.Algorithms = algorithms;
        }

        if (TimeSpan.TryParse(section["ProofLifetime"], CultureInfo.InvariantCulture, out var lifetime))
        {
            options.ProofLifetime = lifetime;
        }

        if (TimeSpan.TryParse(section["ClockSkew"], CultureInfo.InvariantCulture, out var skew))
        {
            options.ClockSkew = skew;
        }

        if (bool.TryParse(section["RequireNonce"], out var requireNonce))
        {
            options.RequireNonce = requireNonce;
        }

        if (bool.TryParse(section["RequireBoundAccessToken"], out var requireBound))
        {
            options.RequireBoundAccessToken = requireBound;
        }

        if (section["PublicOrigin"] is { Length: > 0 } origin)
        {
            options.PublicOrigin = origin;
        }
    }
}
