using System.Text.Json;
using ApiGuard;
using ApiGuard.Posture.Audit;
using ApiGuard.Posture.Inventory;
using ApiGuard.Posture.Leaks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the posture JSON endpoints and adds posture endpoint conventions.</summary>
public static class PostureEndpointRouteBuilderExtensions
{
    /// <summary>The default route prefix of <see cref="MapApiGuardPosture"/>: <c>/apiguard/posture</c>.</summary>
    public const string DefaultPrefix = "/apiguard/posture";

    /// <summary>
    /// Maps <c>GET {prefix}/audit</c> (the endpoint audit report) and <c>GET {prefix}/inventory</c> (the route inventory) as JSON,
    /// both requiring the authorization policy <paramref name="authorizationPolicy"/>. An endpoint whose service is not registered answers 404.
    /// </summary>
    /// <param name="endpoints">The route builder.</param>
    /// <param name="authorizationPolicy">The name of the authorization policy callers must satisfy.</param>
    /// <param name="prefix">The route prefix. Default: <c>/apiguard/posture</c>.</param>
    public static IEndpointConventionBuilder MapApiGuardPosture(this IEndpointRouteBuilder endpoints, string authorizationPolicy, string prefix = DefaultPrefix)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrEmpty(authorizationPolicy);
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        var group = endpoints.MapGroup(prefix);
        group.MapGet("/audit", WriteAuditAsync).WithDisplayName("ApiGuard posture audit");
        group.MapGet("/inventory", WriteInventoryAsync).WithDisplayName("ApiGuard route inventory");
        group.RequireAuthorization(authorizationPolicy);
        group.DisableApiGuard(ApiGuardCapabilities.Posture);
        return group;
    }

    /// <summary>Marks the endpoints deprecated: the route inventory reports calls to them (event <c>inventory.deprecated-called</c>).</summary>
    /// <param name="builder">The endpoint builder.</param>
    /// <param name="sunset">When the endpoints go away, if known.</param>
    public static TBuilder Deprecated<TBuilder>(this TBuilder builder, string? sunset = null) where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        var metadata = new DeprecatedEndpointAttribute(sunset);
        builder.Add(b => b.Metadata.Add(metadata));
        return builder;
    }

    /// <summary>Declares leak types the endpoints return on purpose (for example <see cref="LeakType.Jwt"/> from a token endpoint); they are not reported or redacted.</summary>
    public static TBuilder AllowResponseLeaks<TBuilder>(this TBuilder builder, params LeakType[] types) where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        var metadata = new AllowResponseLeaksAttribute(types);
        builder.Add(b => b.Metadata.Add(metadata));
        return builder;
    }

    /// <summary>Overrides <c>ApiGuard:Posture:Leaks:Action</c> for the endpoints (for example Redact on one debug endpoint).</summary>
    public static TBuilder WithResponseLeakAction<TBuilder>(this TBuilder builder, LeakAction action) where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        var metadata = new ResponseLeakActionAttribute(action);
        builder.Add(b => b.Metadata.Add(metadata));
        return builder;
    }

    private static async Task WriteAuditAsync(HttpContext context)
    {
        var report = context.RequestServices.GetService<IEndpointAuditReport>();
        if (report is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var result = report.GetResult();
        await WriteJsonAsync(context, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("completedAt", result.CompletedAt);
            writer.WriteNumber("endpointsChecked", result.EndpointsChecked);
            writer.WriteBoolean("pipelineInspected", result.PipelineInspected);
            WriteFindings(writer, "findings", result.Findings);
            WriteFindings(writer, "suppressed", result.Suppressed);
            writer.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private static void WriteFindings(Utf8JsonWriter writer, string name, IReadOnlyList<AuditFinding> findings)
    {
        writer.WriteStartArray(name);
        foreach (var f in findings)
        {
            writer.WriteStartObject();
            writer.WriteString("id", f.Id);
            writer.WriteString("severity", f.Severity.ToString());
            writer.WriteString("title", f.Title);
            writer.WriteString("route", f.RoutePattern);
            writer.WriteString("displayName", f.DisplayName);
            writer.WriteString("fix", f.Fix);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static async Task WriteInventoryAsync(HttpContext context)
    {
        var inventory = context.RequestServices.GetService<IRouteInventory>();
        if (inventory is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var snapshot = inventory.GetSnapshot();
        await WriteJsonAsync(context, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("since", snapshot.Since);
            writer.WriteStartArray("routes");
            foreach (var r in snapshot.Routes)
            {
                writer.WriteStartObject();
                writer.WriteString("route", r.RoutePattern);
                writer.WriteStartArray("methods");
                foreach (var m in r.Methods)
                {
                    writer.WriteStringValue(m);
                }

                writer.WriteEndArray();
                writer.WriteString("displayName", r.DisplayName);
                writer.WriteNumber("requests", r.Requests);
                writer.WriteBoolean("deprecated", r.Deprecated);
                if (r.LastSeen is { } seen)
                {
                    writer.WriteString("lastSeen", seen);
                }
                else
                {
                    writer.WriteNull("lastSeen");
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteStartArray("unmatched");
            foreach (var u in snapshot.Unmatched)
            {
                writer.WriteStartObject();
                writer.WriteString("shape", u.Shape);
                writer.WriteNumber("requests", u.Requests);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteNumber("unmatchedOverflow", snapshot.UnmatchedOverflow);
            writer.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private static async Task WriteJsonAsync(HttpContext context, Action<Utf8JsonWriter> write)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        context.Response.ContentLength = buffer.WrittenCount;
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }
}
