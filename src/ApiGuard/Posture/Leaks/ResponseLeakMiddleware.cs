using System.Buffers;
using System.Text;
using ApiGuard.Monitoring;
using ApiGuard.Problems;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.ObjectPool;
using Microsoft.Extensions.Options;

namespace ApiGuard.Posture.Leaks;

/// <summary>
/// Watches response bodies for leaks (OWASP API3/API8) at <see cref="DependencyInjection.ApiGuardStage.Response"/>.
/// Sampling is deterministic; a skipped or disabled request costs one check.
/// </summary>
internal sealed partial class ResponseLeakMiddleware
{
    private static readonly string[] s_disclosureHeaders = ["Server", "X-Powered-By", "X-AspNet-Version", "X-AspNetMvc-Version"];

    private readonly RequestDelegate _next;
    private readonly IOptionsMonitor<PostureOptions> _options;
    private readonly ResponseLeakScanner _scanner;
    private readonly ApiGuardModeResolver _modes;
    private readonly ISecurityEventPublisher _publisher;
    private readonly PostureMetrics _metrics;
    private readonly ILogger _logger;
    private readonly ObjectPool<LeakScanningBody> _pool;
    private long _requests;
    private int _headersReported;

    public ResponseLeakMiddleware(
        RequestDelegate next,
        IOptionsMonitor<PostureOptions> options,
        ResponseLeakScanner scanner,
        ApiGuardModeResolver modes,
        ISecurityEventPublisher publisher,
        PostureMetrics metrics,
        ILogger<ResponseLeakMiddleware> logger)
    {
        _next = next;
        _options = options;
        _scanner = scanner;
        _modes = modes;
        _publisher = publisher;
        _metrics = metrics;
        _logger = logger;
        _pool = new DefaultObjectPool<LeakScanningBody>(new BodyPolicy(this), 256);
    }

    public Task Invoke(HttpContext context)
    {
        var leaks = _options.CurrentValue.Leaks;
        if (!Sampled(leaks.SampleRate) || _modes.IsDisabled(context, ApiGuardCapabilities.Posture))
        {
            return _next(context);
        }

        return InvokeInternal(context, leaks);
    }

    private bool Sampled(double rate)
    {
        if (rate >= 1)
        {
            return true;
        }

        if (rate <= 0)
        {
            return false;
        }

        // Every n-th request: the running count crosses an integer multiple of 1/rate.
        var n = Interlocked.Increment(ref _requests);
        return Math.Floor(n * rate) != Math.Floor((n - 1) * rate);
    }

    private async Task InvokeInternal(HttpContext context, ResponseLeakOptions leaks)
    {
        var inner = context.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
        var action = context.GetEndpoint()?.Metadata.GetMetadata<IResponseLeakActionMetadata>()?.Action ?? leaks.Action;
        if (action != LeakAction.Report && _modes.Resolve(context, ApiGuardCapabilities.Posture, _options.CurrentValue.Mode) == ApiGuardMode.DetectOnly)
        {
            // DetectOnly holds and scans exactly like the configured action would, and reports WouldBlock without changing a byte.
            action = LeakAction.Report;
            context.Items[DetectOnlyKey] = true;
        }

        var body = _pool.Get();
        body.Initialize(context, inner, action, leaks.MaxScanBytes);
        context.Features.Set<IHttpResponseBodyFeature>(body);
        try
        {
            await _next(context).ConfigureAwait(false);
            await body.FinishAsync(context.RequestAborted).ConfigureAwait(false);
        }
        finally
        {
            context.Features.Set(inner);
            _pool.Return(body);
        }
    }

    private static readonly object DetectOnlyKey = new();

    // ---- headers ----

    internal void CheckHeaders(HttpContext context, bool remove)
    {
        if (!_options.CurrentValue.Leaks.CheckDisclosureHeaders)
        {
            return;
        }

        var headers = context.Response.Headers;
        for (var i = 0; i < s_disclosureHeaders.Length; i++)
        {
            if (!headers.ContainsKey(s_disclosureHeaders[i]))
            {
                continue;
            }

            var bit = 1 << i;
            if ((Interlocked.Or(ref _headersReported, bit) & bit) == 0)
            {
                _publisher.Publish(new SecurityEvent
                {
                    Capability = ApiGuardCapabilities.Posture,
                    Kind = "leak.header",
                    Severity = SecuritySeverity.Low,
                    Action = remove ? SecurityAction.Blocked : SecurityAction.Allowed,
                    RuleId = s_disclosureHeaders[i],
                    Location = "header:" + s_disclosureHeaders[i],
                    Reason = $"The response discloses the {s_disclosureHeaders[i]} header (reported once per process).",
                }, context);
            }

            if (remove)
            {
                headers.Remove(s_disclosureHeaders[i]);
            }
        }
    }

    // ---- scanning ----

    /// <summary>Report mode: scans the widened copy and publishes what it found.</summary>
    internal void ScanAndReport(HttpContext context, ReadOnlySpan<char> text)
    {
        _metrics.LeakScanned();
        var max = _options.CurrentValue.Leaks.MaxMatchesPerResponse;
        var rented = ArrayPool<LeakMatch>.Shared.Rent(max);
        try
        {
            var count = Filter(context, rented.AsSpan(0, _scanner.Scan(text, rented.AsSpan(0, max))));
            PostureLog.LeakScan(_logger, text.Length, count);
            if (count > 0)
            {
                var detectOnly = context.Items.ContainsKey(DetectOnlyKey);
                Publish(context, text, rented.AsSpan(0, count), detectOnly ? SecurityAction.WouldBlock : SecurityAction.Allowed, null);
            }
        }
        finally
        {
            ArrayPool<LeakMatch>.Shared.Return(rented);
        }
    }

    /// <summary>Redact and Withhold: scans the held bytes, masks them or asks for the response to be withheld.</summary>
    internal HeldOutcome ScanHeld(HttpContext context, Span<byte> held, ref char[]? chars, LeakAction action)
    {
        _metrics.LeakScanned();
        chars ??= ArrayPool<char>.Shared.Rent(held.Length);
        var text = chars.AsSpan(0, held.Length);
        Encoding.Latin1.GetChars(held, text);
        var max = _options.CurrentValue.Leaks.MaxMatchesPerResponse;
        var rented = ArrayPool<LeakMatch>.Shared.Rent(max);
        try
        {
            var count = Filter(context, rented.AsSpan(0, _scanner.Scan(text, rented.AsSpan(0, max))));
            PostureLog.LeakScan(_logger, held.Length, count);
            if (count == 0)
            {
                return HeldOutcome.Send;
            }

            var matches = rented.AsSpan(0, count);
            if (action == LeakAction.Withhold && !context.Response.HasStarted)
            {
                Publish(context, text, matches, SecurityAction.Blocked, "withheld");
                PostureLog.ResponseWithheld(_logger, context.Response.StatusCode, LeakDescriptions.Kind(matches[0].Type));
                return HeldOutcome.Withhold;
            }

            if (action == LeakAction.Withhold)
            {
                PostureLog.WithholdTooLate(_logger);
            }

            Publish(context, text, matches, SecurityAction.Blocked, "redacted");
            foreach (var m in matches)
            {
                LeakDescriptions.Redact(held.Slice(m.Start, m.Length));
            }

            return HeldOutcome.Send;
        }
        finally
        {
            ArrayPool<LeakMatch>.Shared.Return(rented);
        }
    }

    internal async Task WriteWithheldAsync(HttpContext context)
    {
        var response = context.Response;
        response.Headers.Clear();
        await ApiGuardProblemWriter.WriteAsync(context, new ApiGuardProblem(
            ApiGuardProblemTypes.ResponseWithheld,
            StatusCodes.Status500InternalServerError,
            "Response withheld",
            "The response was withheld because it contained sensitive data.")).ConfigureAwait(false);
    }

    private static int Filter(HttpContext context, Span<LeakMatch> matches)
    {
        var allowances = context.GetEndpoint()?.Metadata.GetOrderedMetadata<IAllowResponseLeaksMetadata>();
        if (allowances is null || allowances.Count == 0 || matches.IsEmpty)
        {
            return matches.Length;
        }

        var kept = 0;
        foreach (var m in matches)
        {
            var allowed = false;
            foreach (var a in allowances)
            {
                foreach (var t in a.AllowedTypes)
                {
                    allowed |= t == m.Type;
                }
            }

            if (!allowed)
            {
                matches[kept++] = m;
            }
        }

        return kept;
    }

    /// <summary>One event per leak kind in the response, with a masked description of its first match.</summary>
    private void Publish(HttpContext context, ReadOnlySpan<char> text, ReadOnlySpan<LeakMatch> matches, SecurityAction action, string? outcome)
    {
        Span<bool> seen = stackalloc bool[matches.Length];
        seen.Clear(); // [module: SkipLocalsInit]
        for (var i = 0; i < matches.Length; i++)
        {
            if (seen[i])
            {
                continue;
            }

            var first = matches[i];
            var n = 0;
            for (var j = i; j < matches.Length; j++)
            {
                if (matches[j].Type == first.Type && matches[j].Detector == first.Detector)
                {
                    seen[j] = true;
                    n++;
                }
            }

            string kind;
            SecuritySeverity severity;
            if (first.Type == LeakType.Custom)
            {
                var detector = _scanner.CustomDetectors[first.Detector];
                kind = "leak." + detector.Name;
                severity = detector.Severity;
            }
            else
            {
                kind = LeakDescriptions.Kind(first.Type);
                severity = LeakDescriptions.Severity(first.Type);
            }

            _metrics.LeakDetected(kind, action);
            var excerpt = LeakDescriptions.Mask(first.Type, text.Slice(first.Start, first.Length));
            _publisher.Publish(new SecurityEvent
            {
                Capability = ApiGuardCapabilities.Posture,
                Kind = kind,
                Severity = severity,
                Action = action,
                RuleId = kind,
                Location = $"body@{first.Start}",
                Reason = $"{n} match(es) in the response body{(outcome is null ? "" : ", " + outcome)}; first: {excerpt}",
                Properties = new Dictionary<string, string>
                {
                    ["matches"] = n.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["status"] = context.Response.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture),
                },
            }, context);
        }
    }

    private sealed class BodyPolicy(ResponseLeakMiddleware owner) : IPooledObjectPolicy<LeakScanningBody>
    {
        public LeakScanningBody Create() => new(owner);

        public bool Return(LeakScanningBody obj)
        {
            obj.Reset();
            return true;
        }
    }
}
