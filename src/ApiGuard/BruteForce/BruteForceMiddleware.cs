using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ApiGuard.BruteForce;

/// <summary>
/// Runs at <see cref="DependencyInjection.ApiGuardStage.BruteForce"/>: refuses clients that are delayed or blocked on endpoints
/// marked with <see cref="IBruteForceProtectionMetadata"/> (or on every endpoint with <see cref="BruteForceOptions.CheckAddressOnAllEndpoints"/>),
/// before the endpoint reads a body or verifies a credential.
/// </summary>
internal sealed partial class BruteForceMiddleware
{
    private readonly RequestDelegate _next;
    private readonly ILogger _logger;
    private readonly bool _checkAll;
    private readonly BruteForceGuard _guard;
    private readonly ApiGuardModeResolver _modes;

    public BruteForceMiddleware(RequestDelegate next, ILogger<BruteForceMiddleware> logger, IOptions<BruteForceOptions> options, BruteForceGuard guard, ApiGuardModeResolver modes)
    {
        _next = next;
        _logger = logger;
        _checkAll = options.Value.CheckAddressOnAllEndpoints;
        _guard = guard;
        _modes = modes;
    }

    public Task Invoke(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        var metadata = endpoint?.Metadata.GetMetadata<IBruteForceProtectionMetadata>();
        if ((metadata is null && (!_checkAll || endpoint is null)) || _modes.IsDisabled(context, ApiGuardCapabilities.BruteForce))
        {
            return _next(context);
        }

        return InvokeInternal(context, metadata);
    }

    private async Task InvokeInternal(HttpContext context, IBruteForceProtectionMetadata? metadata)
    {
        string? account = null;
        if (metadata?.AccountSelector is { } selector)
        {
            account = await selector(context).ConfigureAwait(false);
        }

        var decision = await _guard.CheckAsync(context, account, context.RequestAborted).ConfigureAwait(false);
        if (!decision.IsAllowed)
        {
            Log.Refused(_logger, context.Request.Method, decision.RetryAfter.TotalSeconds);
            await _guard.WriteRejectionAsync(context, decision).ConfigureAwait(false);
            return;
        }

        if (account is null)
        {
            await _next(context).ConfigureAwait(false);
            return;
        }

        var feature = new BruteForceFeature();
        context.Features.Set(feature);
        await _next(context).ConfigureAwait(false);
        if (feature.Recorded)
        {
            return;
        }

        var status = context.Response.StatusCode;
        if (status is StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden)
        {
            await _guard.RecordFailureAsync(context, account, context.RequestAborted).ConfigureAwait(false);
        }
        else if (status is >= 200 and < 300)
        {
            await _guard.RecordSuccessAsync(context, account, context.RequestAborted).ConfigureAwait(false);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Monitoring.ApiGuardEventIds.BruteForceBase + 10, LogLevel.Debug,
            "Brute-force protection refused a {Method} request before the endpoint ran (retry after {RetryAfterSeconds} s).", EventName = "BruteForceRequestRefused")]
        public static partial void Refused(ILogger logger, string method, double retryAfterSeconds);
    }
}
