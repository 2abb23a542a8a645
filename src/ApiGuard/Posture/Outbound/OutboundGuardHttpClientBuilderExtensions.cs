using System.Collections.Concurrent;
using ApiGuard.DependencyInjection;
using ApiGuard.Monitoring;
using ApiGuard.Posture;
using ApiGuard.Posture.Outbound;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the ApiGuard outbound guard (OWASP API7 SSRF, API10 unsafe consumption of APIs) to <c>HttpClientFactory</c> clients.</summary>
public static class OutboundGuardHttpClientBuilderExtensions
{
    /// <summary>
    /// Guards the client: its primary handler becomes a <see cref="SocketsHttpHandler"/> whose <see cref="SocketsHttpHandler.ConnectCallback"/>
    /// resolves the host (through <see cref="IOutboundHostResolver"/>), refuses loopback, private, link-local (cloud metadata),
    /// unspecified, multicast and reserved addresses unless allowed, and connects to the address it checked. Redirects are followed
    /// by the guard (every hop checked), and the time to the response headers and the response size are limited. Every refusal is a
    /// security event and an <see cref="OutboundRequestBlockedException"/>. Settings default to <c>ApiGuard:Posture:Outbound</c>,
    /// then <paramref name="configure"/>. Proxies are not used (a proxy would hide the target from the address check).
    /// Requires <c>AddApiGuard()</c>.
    /// </summary>
    public static IHttpClientBuilder AddApiGuardOutboundGuard(this IHttpClientBuilder builder, Action<OutboundGuardOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.TryAddSingleton<IOutboundHostResolver, DnsOutboundHostResolver>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<PostureMetrics>();
        services.TryAddSingleton<OutboundGuardRegistry>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<OutboundGuardOptions>, OutboundGuardSectionOptions>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OutboundGuardOptions>, OutboundGuardOptionsValidator>());

        var name = builder.Name;
        var options = services.AddOptions<OutboundGuardOptions>(name);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        builder.ConfigurePrimaryHttpMessageHandler(sp =>
        {
            var guard = sp.GetRequiredService<OutboundGuardRegistry>().Get(name);
            return new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseProxy = false,
                UseCookies = false,
                ConnectCallback = guard.ConnectCallback,
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            };
        });
        builder.AddHttpMessageHandler(sp => new OutboundGuardHandler(sp.GetRequiredService<OutboundGuardRegistry>().Get(name)));
        return builder;
    }
}

/// <summary>Binds <c>ApiGuard:Posture:Outbound</c> (when <c>AddApiGuard</c> got configuration) as every guarded client's defaults.</summary>
internal sealed class OutboundGuardSectionOptions(IServiceProvider services) : IConfigureNamedOptions<OutboundGuardOptions>
{
    public void Configure(OutboundGuardOptions options) => Configure(Microsoft.Extensions.Options.Options.DefaultName, options);

    public void Configure(string? name, OutboundGuardOptions options)
    {
        var section = services.GetService<ApiGuardMarkerService>()?.Configuration?.GetSection("Posture:Outbound");
        if (section is not null && section.Exists())
        {
            ApiGuardOptionsBuilderExtensions.ThrowIfUnconvertible<OutboundGuardOptions>(section, name);
            section.Bind(options);
        }
    }
}

/// <summary>One <see cref="OutboundGuard"/> per client name.</summary>
internal sealed class OutboundGuardRegistry(IServiceProvider services)
{
    private readonly ConcurrentDictionary<string, OutboundGuard> _guards = new(StringComparer.Ordinal);

    public OutboundGuard Get(string name) => _guards.GetOrAdd(name, static (n, sp) => new OutboundGuard(
        n,
        sp.GetRequiredService<IOptionsMonitor<OutboundGuardOptions>>(),
        sp.GetRequiredService<IOutboundHostResolver>(),
        sp.GetService<ISecurityEventPublisher>() ?? throw new InvalidOperationException(
            "The ApiGuard outbound guard needs ApiGuard's services; call services.AddApiGuard(...) in the application startup code."),
        sp.GetRequiredService<PostureMetrics>(),
        sp.GetRequiredService<TimeProvider>(),
        sp.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(OutboundGuard).FullName!),
        sp.GetService<IHttpContextAccessor>()), services);
}
