using System.Collections.Concurrent;
using ApiGuard.Monitoring;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ApiGuard.Posture.Inventory;

/// <summary>
/// The in-memory route inventory. Endpoint counters are keyed by the endpoint object (bounded by the app's own endpoints);
/// unmatched shapes live in a table capped at <see cref="RouteInventoryOptions.MaxUnmatchedShapes"/>.
/// </summary>
internal sealed class RouteInventory : IRouteInventory
{
    // Endpoint objects are not unique per route (each EndpointDataSource view may build its own), so usage is kept per
    // route key and the per-object map only caches the lookup. Both are bounded by the app's own endpoints.
    private readonly ConcurrentDictionary<Endpoint, Usage> _byEndpoint = new(ReferenceEqualityComparer.Instance);
    private readonly ConcurrentDictionary<string, Usage> _routes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, StrongBox> _unmatched = new(StringComparer.Ordinal);
    private readonly EndpointDataSource? _endpoints;
    private readonly IOptionsMonitor<PostureOptions> _options;
    private readonly ISecurityEventPublisher _publisher;
    private readonly PostureMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly DateTimeOffset _since;
    private long _overflow;
    private int _fullLogged;

    public RouteInventory(
        IOptionsMonitor<PostureOptions> options,
        ISecurityEventPublisher publisher,
        PostureMetrics metrics,
        TimeProvider time,
        ILogger<RouteInventory> logger,
        EndpointDataSource? endpoints = null)
    {
        _options = options;
        _publisher = publisher;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _endpoints = endpoints;
        _since = time.GetUtcNow();
    }

    private sealed class Usage
    {
        public long Requests;
        public long LastSeenTicks;
        public int DeprecationReported;
    }

    private sealed class StrongBox
    {
        public long Requests;
    }

    public void Observe(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        if (endpoint is RouteEndpoint)
        {
            if (!_byEndpoint.TryGetValue(endpoint, out var usage))
            {
                usage = _routes.GetOrAdd(Key((RouteEndpoint)endpoint), static _ => new Usage());
                _byEndpoint.TryAdd(endpoint, usage);
            }

            Interlocked.Increment(ref usage.Requests);
            Volatile.Write(ref usage.LastSeenTicks, _time.GetUtcNow().UtcTicks);
            if (IsDeprecated(endpoint) && Interlocked.Exchange(ref usage.DeprecationReported, 1) == 0)
            {
                _publisher.Publish(new SecurityEvent
                {
                    Capability = ApiGuardCapabilities.Posture,
                    Kind = "inventory.deprecated-called",
                    Severity = SecuritySeverity.Low,
                    Action = SecurityAction.Allowed,
                    RuleId = "deprecated-endpoint",
                    Reason = $"The deprecated endpoint {endpoint.DisplayName} is still called (reported once per endpoint; counts in the inventory).",
                }, context);
            }

            return;
        }

        if (endpoint is not null)
        {
            return;
        }

        _metrics.Unmatched();
        var options = _options.CurrentValue.Inventory;
        var shape = PathShape.Of(context.Request.Path.Value, options.ShapeSegments);
        if (_unmatched.TryGetValue(shape, out var box))
        {
            Interlocked.Increment(ref box.Requests);
            return;
        }

        if (_unmatched.Count >= options.MaxUnmatchedShapes)
        {
            Interlocked.Increment(ref _overflow);
            if (Interlocked.Exchange(ref _fullLogged, 1) == 0)
            {
                PostureLog.InventoryFull(_logger, options.MaxUnmatchedShapes);
            }

            return;
        }

        Interlocked.Increment(ref _unmatched.GetOrAdd(shape, static _ => new StrongBox()).Requests);
    }

    internal static bool IsDeprecated(Endpoint endpoint) =>
        endpoint.Metadata.GetMetadata<DeprecatedEndpointAttribute>() is not null || endpoint.Metadata.GetMetadata<ObsoleteAttribute>() is not null;

    private static string Key(RouteEndpoint route) => (route.RoutePattern.RawText ?? "/") + "\n" + route.DisplayName;

    public RouteInventorySnapshot GetSnapshot()
    {
        var routes = new List<RouteUsage>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var endpoint in (_endpoints?.Endpoints ?? []).Concat(_byEndpoint.Keys))
        {
            if (endpoint is RouteEndpoint route && seen.Add(Key(route)))
            {
                routes.Add(ToUsage(route));
            }
        }

        routes.Sort(static (a, b) => b.Requests != a.Requests ? b.Requests.CompareTo(a.Requests) : string.CompareOrdinal(a.RoutePattern, b.RoutePattern));
        var unmatched = _unmatched.Select(kv => new UnmatchedShape(kv.Key, Interlocked.Read(ref kv.Value.Requests)))
            .OrderByDescending(u => u.Requests).ThenBy(u => u.Shape, StringComparer.Ordinal).ToArray();
        return new RouteInventorySnapshot(routes, unmatched, Interlocked.Read(ref _overflow), _since);
    }

    private RouteUsage ToUsage(RouteEndpoint route)
    {
        _routes.TryGetValue(Key(route), out var usage);
        var ticks = usage is null ? 0 : Volatile.Read(ref usage.LastSeenTicks);
        return new RouteUsage(
            route.RoutePattern.RawText ?? "/",
            route.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.ToArray() ?? [],
            route.DisplayName,
            usage is null ? 0 : Interlocked.Read(ref usage.Requests),
            IsDeprecated(route),
            ticks == 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero));
    }
}
