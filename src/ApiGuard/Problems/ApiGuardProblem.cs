using System.Text.Json;
using ApiGuard.Monitoring;
using Microsoft.AspNetCore.Http;

namespace ApiGuard.Problems;

/// <summary>An RFC 9457 problem that ApiGuard answers a rejected request with.</summary>
/// <param name="Type">A URI from <see cref="ApiGuardProblemTypes"/>.</param>
/// <param name="Status">The HTTP status code.</param>
/// <param name="Title">A short, fixed summary of the problem type.</param>
/// <param name="Detail">An explanation for this occurrence. Never echoes the payload, never internal details.</param>
public sealed record ApiGuardProblem(string Type, int Status, string Title, string? Detail = null)
{
    /// <summary>Extra members (for example <c>check</c> for a failed signature check), written as strings.</summary>
    public IReadOnlyList<KeyValuePair<string, string>>? Extensions { get; init; }
}

/// <summary>Writes <see cref="ApiGuardProblem"/> responses as <c>application/problem+json</c>.</summary>
public static class ApiGuardProblemWriter
{
    /// <summary>The content type of problem responses.</summary>
    public const string ContentType = "application/problem+json";

    /// <summary>
    /// Writes <paramref name="problem"/> to the response, with the request's W3C trace id (the same as in its security events).
    /// Does nothing if the response has already started.
    /// </summary>
    public static async Task WriteAsync(HttpContext context, ApiGuardProblem problem)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(problem);
        if (context.Response.HasStarted)
        {
            return;
        }

        context.Response.StatusCode = problem.Status;
        context.Response.ContentType = ContentType;
        context.Response.Headers.CacheControl = "no-store";
        var traceId = ApiGuardTraceId.Current(context);

        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", problem.Type);
            writer.WriteString("title", problem.Title);
            writer.WriteNumber("status", problem.Status);
            if (problem.Detail is not null)
            {
                writer.WriteString("detail", problem.Detail);
            }

            writer.WriteString("traceId", traceId);
            if (problem.Extensions is { } extensions)
            {
                foreach (var (key, value) in extensions)
                {
                    if (key is "type" or "title" or "status" or "detail" or "traceId" or "instance")
                    {
                        continue;
                    }

                    writer.WriteString(key, value);
                }
            }

            writer.WriteEndObject();
        }

        context.Response.ContentLength = buffer.WrittenCount;
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }
}
