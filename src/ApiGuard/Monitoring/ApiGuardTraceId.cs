using System.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace ApiGuard.Monitoring;

/// <summary>The one trace id ApiGuard writes into problem responses and security events, so the two can be joined.</summary>
internal static class ApiGuardTraceId
{
    /// <summary>
    /// The W3C trace id (32 hex digits) of the current <see cref="Activity"/>; for a hierarchical activity its root id;
    /// without an activity, the request's <see cref="HttpContext.TraceIdentifier"/> (or <see langword="null"/> without a request).
    /// </summary>
    public static string? Current(HttpContext? context)
    {
        var activity = Activity.Current;
        if (activity is not null)
        {
            return activity.IdFormat == ActivityIdFormat.W3C ? activity.TraceId.ToHexString() : activity.RootId;
        }

        return context?.TraceIdentifier;
    }
}
