using System.Text.Json;
using ApiGuard;
using ApiGuard.Admin;
using ApiGuard.Problems;
using ApiGuard.Replay;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps ApiGuard's incident-response endpoints.</summary>
public static class ApiGuardAdminEndpointRouteBuilderExtensions
{
    private const int MaxBodyBytes = 4096;

    /// <summary>
    /// Maps the admin endpoints under <paramref name="prefix"/> (default <c>/apiguard/admin</c>), all requiring the
    /// authorization policy <paramref name="authorizationPolicy"/> (there is no anonymous default):
    /// <list type="bullet">
    /// <item><c>GET {prefix}/offenders?top=20</c>: top offenders with their reasons;</item>
    /// <item><c>GET {prefix}/clients/{clientId}</c>: a client's profile, timeline and ban;</item>
    /// <item><c>GET {prefix}/bans</c>: bans in force;</item>
    /// <item><c>POST {prefix}/bans</c> with <c>{"clientId":"ip:203.0.113.7","durationSeconds":3600,"reason":"…"}</c>: ban;</item>
    /// <item><c>DELETE {prefix}/bans/{clientId}</c>: unban.</item>
    /// </list>
    /// Requires <c>AddBotDetection()</c> and <c>AddAuthorization()</c> with the named policy. Bot bans do not apply to these
    /// endpoints (an operator behind a banned address can still unban); the other capabilities do.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="authorizationPolicy"/> is null, empty or white space.</exception>
    public static RouteGroupBuilder MapApiGuardAdmin(this IEndpointRouteBuilder endpoints, string authorizationPolicy, string prefix = "/apiguard/admin")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(authorizationPolicy);
        ArgumentException.ThrowIfNullOrWhiteSpace(prefix);
        if (endpoints.ServiceProvider.GetService<IApiGuardAdmin>() is null)
        {
            throw new InvalidOperationException("IApiGuardAdmin is not registered; call 'services.AddApiGuard(...).AddBotDetection()' first.");
        }

        var group = endpoints.MapGroup(prefix);
        group.RequireAuthorization(authorizationPolicy);

        // Operators must be able to unban, even from an address that is itself banned; the policy guards these endpoints.
        group.DisableApiGuard(ApiGuardCapabilities.Bots);

        group.MapGet("/offenders", static (HttpContext context, IApiGuardAdmin admin) =>
        {
            var top = 20;
            if (context.Request.Query.TryGetValue("top", out var value) &&
                (!int.TryParse(value.ToString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out top) || top is < 1 or > 1000))
            {
                return BadRequest(context, "The 'top' query parameter must be a number from 1 to 1000.");
            }

            return WriteJsonAsync(context, admin.GetTopOffenders(top), ApiGuardAdminJsonContext.Default.IReadOnlyListBotProfileSnapshot);
        });

        group.MapGet("/clients/{**clientId}", static async (HttpContext context, IApiGuardAdmin admin, string clientId) =>
        {
            try
            {
                var report = await admin.GetClientAsync(clientId, context.RequestAborted).ConfigureAwait(false);
                if (report is null)
                {
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    return;
                }

                await WriteJsonAsync(context, report, ApiGuardAdminJsonContext.Default.ClientReport).ConfigureAwait(false);
            }
            catch (ApiGuardStoreUnavailableException)
            {
                await Unavailable(context).ConfigureAwait(false);
            }
        });

        group.MapGet("/bans", static async (HttpContext context, IApiGuardAdmin admin) =>
        {
            try
            {
                var bans = await admin.GetBansAsync(1000, context.RequestAborted).ConfigureAwait(false);
                await WriteJsonAsync(context, bans, ApiGuardAdminJsonContext.Default.IReadOnlyListBanEntry).ConfigureAwait(false);
            }
            catch (ApiGuardStoreUnavailableException)
            {
                await Unavailable(context).ConfigureAwait(false);
            }
        });

        group.MapPost("/bans", static async (HttpContext context, IApiGuardAdmin admin) =>
        {
            BanRequest? request;
            try
            {
                if (context.Request.ContentLength > MaxBodyBytes)
                {
                    await ApiGuardProblemWriter.WriteAsync(context, new ApiGuardProblem(ApiGuardProblemTypes.PayloadTooLarge, StatusCodes.Status413PayloadTooLarge,
                        "Payload too large", $"The body must be at most {MaxBodyBytes} bytes.")).ConfigureAwait(false);
                    return;
                }

                using var limited = new MemoryStream();
                await CopyLimitedAsync(context.Request.Body, limited, MaxBodyBytes, context.RequestAborted).ConfigureAwait(false);
                limited.Position = 0;
                request = await JsonSerializer.DeserializeAsync(limited, ApiGuardAdminJsonContext.Default.BanRequest, context.RequestAborted).ConfigureAwait(false);
            }
            catch (JsonException)
            {
                await BadRequest(context, "The body must be JSON: {\"clientId\":\"ip:203.0.113.7\",\"durationSeconds\":3600,\"reason\":\"...\"}.").ConfigureAwait(false);
                return;
            }
            catch (InvalidDataException)
            {
                await ApiGuardProblemWriter.WriteAsync(context, new ApiGuardProblem(ApiGuardProblemTypes.PayloadTooLarge, StatusCodes.Status413PayloadTooLarge,
                    "Payload too large", $"The body must be at most {MaxBodyBytes} bytes.")).ConfigureAwait(false);
                return;
            }

            if (request is null || string.IsNullOrWhiteSpace(request.ClientId) || request.ClientId.Length > 256)
            {
                await BadRequest(context, "'clientId' is required (at most 256 characters).").ConfigureAwait(false);
                return;
            }

            if (request.DurationSeconds is < 1 or > 2_592_000)
            {
                await BadRequest(context, "'durationSeconds' must be from 1 to 2592000.").ConfigureAwait(false);
                return;
            }

            if (request.Reason is { Length: > ApiGuardAdmin.MaxReasonLength })
            {
                await BadRequest(context, $"'reason' must be at most {ApiGuardAdmin.MaxReasonLength} characters.").ConfigureAwait(false);
                return;
            }

            try
            {
                var entry = await admin.BanAsync(request.ClientId, TimeSpan.FromSeconds(request.DurationSeconds), request.Reason ?? string.Empty, context.RequestAborted).ConfigureAwait(false);
                context.Response.StatusCode = StatusCodes.Status201Created;
                await WriteJsonAsync(context, entry, ApiGuardAdminJsonContext.Default.BanEntry).ConfigureAwait(false);
            }
            catch (ApiGuardStoreUnavailableException)
            {
                await Unavailable(context).ConfigureAwait(false);
            }
        });

        group.MapDelete("/bans/{**clientId}", static async (HttpContext context, IApiGuardAdmin admin, string clientId) =>
        {
            try
            {
                var wasBanned = await admin.UnbanAsync(clientId, context.RequestAborted).ConfigureAwait(false);
                context.Response.StatusCode = wasBanned ? StatusCodes.Status204NoContent : StatusCodes.Status404NotFound;
            }
            catch (ApiGuardStoreUnavailableException)
            {
                await Unavailable(context).ConfigureAwait(false);
            }
        });

        return group;
    }

    private static async Task CopyLimitedAsync(Stream source, Stream destination, int limit, CancellationToken cancellationToken)
    {
        var buffer = new byte[1024];
        var total = 0;
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            total += read;
            if (total > limit)
            {
                throw new InvalidDataException("Body too large.");
            }

            await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
        }
    }

    private static Task WriteJsonAsync<T>(HttpContext context, T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo)
    {
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsJsonAsync(value, typeInfo, contentType: "application/json", context.RequestAborted);
    }

    private static Task BadRequest(HttpContext context, string detail) =>
        ApiGuardProblemWriter.WriteAsync(context, new ApiGuardProblem(ApiGuardProblemTypes.MalformedRequest, StatusCodes.Status400BadRequest, "Malformed request", detail));

    private static Task Unavailable(HttpContext context) =>
        ApiGuardProblemWriter.WriteAsync(context, new ApiGuardProblem(ApiGuardProblemTypes.ServiceUnavailable, StatusCodes.Status503ServiceUnavailable,
            "Service unavailable", "The ban list cannot be reached; try again shortly."));
}
