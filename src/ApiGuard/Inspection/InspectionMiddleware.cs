using System.Globalization;
using ApiGuard.Inspection.Body;
using ApiGuard.Inspection.Exclusions;
using ApiGuard.Monitoring;
using ApiGuard.Problems;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ApiGuard.Inspection;

/// <summary>
/// Inspects path segments, query names and values, configured headers and the body (JSON streamed with <c>Utf8JsonReader</c>,
/// form, multipart field values, XML, text) with the registered <see cref="IPayloadInspector"/>, sums the findings' scores and blocks
/// the request (403) when the score reaches the threshold. The body is buffered (pooled, up to the inspection limit) and replayed,
/// so the application reads it unchanged.
/// </summary>
internal sealed partial class InspectionMiddleware
{
    private static readonly string[] s_kinds = BuildKinds();

    private readonly RequestDelegate _next;
    private readonly ILogger _logger;
    private readonly PayloadInspectionOptions _options;
    private readonly InspectionMetrics _metrics;
    private readonly IPayloadInspector _inspector;
    private readonly ApiGuardModeResolver _modes;
    private readonly ISecurityEventPublisher _events;
    private readonly TimeProvider _time;
    private readonly InspectionExclusionPolicyCache _policies;
    private readonly string[] _headers;

    public InspectionMiddleware(
        RequestDelegate next,
        ILogger<InspectionMiddleware> logger,
        IOptions<PayloadInspectionOptions> options,
        InspectionMetrics metrics,
        IPayloadInspector inspector,
        ApiGuardModeResolver modes,
        ISecurityEventPublisher events,
        TimeProvider time)
    {
        _next = next;
        _logger = logger;
        _options = options.Value;
        _metrics = metrics;
        _inspector = inspector;
        _modes = modes;
        _events = events;
        _time = time;
        _policies = new InspectionExclusionPolicyCache(_options.Exclusions);
        _headers = [.. (_options.IncludeDefaultHeaders ? PayloadInspectionOptions.DefaultHeaders.Concat(_options.Headers) : _options.Headers).Distinct(StringComparer.OrdinalIgnoreCase)];
    }

    public Task Invoke(HttpContext context)
    {
        if (_modes.IsDisabled(context, ApiGuardCapabilities.Inspection))
        {
            return _next(context);
        }

        var policy = _policies.Get(context);
        if (policy.SkipsEndpoint)
        {
            return _next(context);
        }

        return InvokeInternal(context, policy);
    }

    private async Task InvokeInternal(HttpContext context, InspectionExclusionPolicy policy)
    {
        var started = _time.GetTimestamp();
        var mode = _modes.Resolve(context, ApiGuardCapabilities.Inspection, _options.Mode);
        var scan = new InspectionScan(_inspector, policy, _options.ParanoiaLevel, _options.BlockThreshold, _options.MaxFindingsPerRequest, mode);
        context.Features.Set<IInspectionFeature>(scan);

        InspectRequestLine(context, scan);
        BodyRead body = default;
        if (_options.InspectBody && !scan.ShouldStop)
        {
            body = await ReadAndScanBodyAsync(context, scan).ConfigureAwait(false);
        }

        var problem = Decide(context, scan, body.Kind);
        _metrics.Request(scan.Outcome, scan.BytesInspected, _time.GetElapsedTime(started));
        if (problem is not null && mode == ApiGuardMode.Enforce)
        {
            body.Buffer?.Dispose();
            await ApiGuardProblemWriter.WriteAsync(context, problem).ConfigureAwait(false);
            return;
        }

        if (body.Buffer is not { } buffer)
        {
            await _next(context).ConfigureAwait(false);
            return;
        }

        var request = context.Request;
        var originalBody = request.Body;
        var originalPipe = context.Features.Get<IRequestBodyPipeFeature>();
        request.Body = new ReplayRequestStream(buffer, body.Remainder);
        context.Features.Set<IRequestBodyPipeFeature>(new RequestBodyPipeFeature(context));
        try
        {
            await _next(context).ConfigureAwait(false);
        }
        finally
        {
            request.Body = originalBody;
            context.Features.Set(originalPipe);
            buffer.Dispose();
        }
    }

    private void InspectRequestLine(HttpContext context, InspectionScan scan)
    {
        var request = context.Request;
        if (_options.InspectPath && request.Path.Value is { Length: > 1 } path)
        {
            var index = 0;
            foreach (var range in path.AsSpan(1).Split('/'))
            {
                var segment = path.AsSpan(1)[range];
                if (segment.IsEmpty)
                {
                    continue;
                }

                scan.Inspect(segment, ValueSource.Path, InspectionField.ForPath(index));
                index++;
                if (scan.ShouldStop)
                {
                    return;
                }
            }
        }

        if (_options.InspectQuery && request.QueryString.HasValue)
        {
            foreach (var (name, values) in request.Query)
            {
                var field = new InspectionField(InspectionFieldKind.Query, name);
                scan.Inspect(name, ValueSource.Query, field, InspectionValuePart.Name);
                foreach (var value in values)
                {
                    scan.Inspect(value, ValueSource.Query, field);
                }

                if (scan.ShouldStop)
                {
                    return;
                }
            }
        }

        var headers = _headers;
        for (var i = 0; i < headers.Length; i++)
        {
            if (request.Headers.TryGetValue(headers[i], out var values))
            {
                var field = new InspectionField(InspectionFieldKind.Header, headers[i]);
                foreach (var value in values)
                {
                    scan.Inspect(value, ValueSource.Header, field);
                }

                if (scan.ShouldStop)
                {
                    return;
                }
            }
        }
    }

    private async ValueTask<BodyRead> ReadAndScanBodyAsync(HttpContext context, InspectionScan scan)
    {
        var request = context.Request;
        var kind = BodyContentTypes.Classify(request.ContentType);
        if (kind == BodyContentKind.None || request.ContentLength == 0 ||
            (request.ContentLength is null && context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == false))
        {
            return default;
        }

        var limit = _options.MaxBytesInspected;
        if (request.ContentLength > limit)
        {
            switch (_options.OversizeAction)
            {
                case InspectionOversizeAction.Reject413:
                    scan.BodyStatus = InspectionBodyStatus.TooLarge;
                    return new BodyRead(kind, null, null);
                case InspectionOversizeAction.SkipAndReport:
                    scan.BodyStatus = InspectionBodyStatus.Skipped;
                    return new BodyRead(kind, null, null);
            }
        }

        Span<byte> delimiter = stackalloc byte[80];
        var delimiterLength = 0;
        if (kind == BodyContentKind.Multipart && !MultipartBodyScanner.TryGetBoundary(request.ContentType, delimiter, out delimiterLength))
        {
            scan.BodyStatus = InspectionBodyStatus.Malformed;
            return new BodyRead(kind, null, null);
        }

        var delimiterBytes = delimiter[..delimiterLength].ToArray();
        return await ReadAndScanCoreAsync(context, scan, kind, limit, delimiterBytes).ConfigureAwait(false);
    }

    private async ValueTask<BodyRead> ReadAndScanCoreAsync(HttpContext context, InspectionScan scan, BodyContentKind kind, int limit, byte[] delimiter)
    {
        var request = context.Request;
        var reader = request.BodyReader;
        var buffer = new RequestBodyBuffer((int)Math.Min(request.ContentLength ?? 16 * 1024, limit));
        var json = kind == BodyContentKind.Json ? new JsonBodyScanner(_options.MaxJsonDepth) : null;
        var checkpoint = scan.Checkpoint();
        var complete = false;
        var oversize = false;
        var status = BodyScanStatus.Ok;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(context.RequestAborted).ConfigureAwait(false);
                var data = result.Buffer;
                var room = limit - buffer.Length;
                if (data.Length > room)
                {
                    var take = data.Slice(0, room);
                    buffer.Append(take);
                    reader.AdvanceTo(take.End);
                    oversize = true;
                    break;
                }

                buffer.Append(data);
                reader.AdvanceTo(data.End);
                if (result.IsCompleted)
                {
                    complete = true;
                    break;
                }

                if (json is not null)
                {
                    // Streamed: scan the complete tokens received so far, carrying the reader state.
                    status = json.ScanAvailable(buffer.Span, scan);
                    if (status != BodyScanStatus.Ok || scan.ShouldStop)
                    {
                        break;
                    }
                }
            }

            if (complete && buffer.Length == 0)
            {
                // A chunked or HTTP/2 request whose body turned out empty: nothing to inspect, nothing to replay.
                buffer.Dispose();
                return default;
            }

            if (oversize)
            {
                switch (_options.OversizeAction)
                {
                    case InspectionOversizeAction.SkipAndReport:
                        scan.Rollback(checkpoint);
                        scan.BodyStatus = InspectionBodyStatus.Skipped;
                        return new BodyRead(kind, buffer, reader.AsStream(leaveOpen: true));
                    case InspectionOversizeAction.Reject413:
                        scan.BodyStatus = InspectionBodyStatus.TooLarge;
                        break;
                    default:
                        scan.BodyStatus = InspectionBodyStatus.PrefixInspected;
                        break;
                }
            }
            else
            {
                scan.BodyStatus = InspectionBodyStatus.Inspected;
            }

            if (status == BodyScanStatus.Ok && !scan.ShouldStop && (complete || oversize))
            {
                status = ScanBuffered(buffer.Span, kind, complete, json, delimiter, scan);
            }

            if (status != BodyScanStatus.Ok)
            {
                scan.BodyStatus = InspectionBodyStatus.Malformed;
            }

            return new BodyRead(kind, buffer, complete ? null : reader.AsStream(leaveOpen: true));
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
        finally
        {
            json?.Dispose();
        }
    }

    private static BodyScanStatus ScanBuffered(ReadOnlySpan<byte> body, BodyContentKind kind, bool complete, JsonBodyScanner? json, byte[] delimiter, InspectionScan scan)
    {
        if (!complete)
        {
            body = Utf8Prefix.TrimIncomplete(body);
        }

        switch (kind)
        {
            case BodyContentKind.Json:
                return json!.Scan(body, isFinal: complete, scan);
            case BodyContentKind.Form:
                return FormBodyScanner.Scan(body, scan);
            case BodyContentKind.Multipart:
                return MultipartBodyScanner.Scan(body, delimiter, complete, scan);
            case BodyContentKind.Xml:
            case BodyContentKind.Text:
                if (!System.Text.Unicode.Utf8.IsValid(body))
                {
                    return BodyScanStatus.InvalidUtf8;
                }

                var isXml = kind == BodyContentKind.Xml;
                scan.Inspect(body, isXml ? ValueSource.Xml : ValueSource.Raw, new InspectionField(InspectionFieldKind.Body, isXml ? "xml" : "text"));
                return BodyScanStatus.Ok;
            default:
                return BodyScanStatus.Ok;
        }
    }

    /// <summary>Decides the outcome, publishes events, logs; returns the problem to answer with when the request is (or would be) blocked.</summary>
    private ApiGuardProblem? Decide(HttpContext context, InspectionScan scan, BodyContentKind kind)
    {
        var enforce = scan.Mode == ApiGuardMode.Enforce;
        var blockAction = enforce ? SecurityAction.Blocked : SecurityAction.WouldBlock;
        ApiGuardProblem? problem = null;
        if (scan.ReachedThreshold)
        {
            problem = new ApiGuardProblem(ApiGuardProblemTypes.InjectionDetected, StatusCodes.Status403Forbidden, "Injection detected",
                "The request was rejected by payload inspection.");
        }
        else if (scan.BodyStatus == InspectionBodyStatus.TooLarge)
        {
            problem = new ApiGuardProblem(ApiGuardProblemTypes.PayloadTooLarge, StatusCodes.Status413PayloadTooLarge, "Payload too large",
                string.Create(CultureInfo.InvariantCulture, $"The request body is larger than the {_options.MaxBytesInspected} bytes that can be inspected."));
        }
        else if (scan.BodyStatus == InspectionBodyStatus.Malformed)
        {
            problem = new ApiGuardProblem(ApiGuardProblemTypes.MalformedRequest, StatusCodes.Status400BadRequest, "Malformed request body",
                $"The {KindName(kind)} request body could not be parsed (malformed syntax or invalid UTF-8).");
        }

        scan.Outcome = problem is null ? InspectionOutcome.Passed : enforce ? InspectionOutcome.Blocked : InspectionOutcome.WouldBlock;
        var findingAction = scan.ReachedThreshold ? blockAction : SecurityAction.Allowed;
        var findings = scan.Findings;
        for (var i = 0; i < findings.Count; i++)
        {
            var f = findings[i];
            var kindName = s_kinds[(int)f.Category < s_kinds.Length && f.Category >= 0 ? (int)f.Category : s_kinds.Length - 1];
            _metrics.Finding(kindName);
            _events.Publish(new SecurityEvent
            {
                Capability = ApiGuardCapabilities.Inspection,
                Kind = kindName,
                Severity = findingAction == SecurityAction.Allowed ? (f.Score >= 4 ? SecuritySeverity.Medium : SecuritySeverity.Low) : SecuritySeverity.High,
                Action = findingAction,
                RuleId = f.RuleId.ToString(CultureInfo.InvariantCulture),
                Location = f.Location,
                Score = scan.Score,
                Reason = string.Create(CultureInfo.InvariantCulture, $"{f.Category} rule {f.RuleId} matched ({f.Part}, score {f.Score}; request {scan.Score}/{scan.Threshold})"),
                Properties = new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    ["excerpt"] = f.Excerpt,
                    ["layers"] = f.Layers.ToString(),
                    ["part"] = f.Part.ToString(),
                    ["findingScore"] = f.Score.ToString(CultureInfo.InvariantCulture),
                },
            }, context);
        }

        if (scan.BodyStatus == InspectionBodyStatus.Malformed)
        {
            _metrics.BodyError("malformed");
            Log.MalformedBody(_logger, KindName(kind), scan.Mode);
            _events.Publish(new SecurityEvent
            {
                Capability = ApiGuardCapabilities.Inspection,
                Kind = "inspection.malformed",
                Severity = SecuritySeverity.Medium,
                Action = scan.ReachedThreshold || problem?.Status == StatusCodes.Status400BadRequest ? blockAction : SecurityAction.Allowed,
                Location = "body:" + KindName(kind),
                Reason = $"The {KindName(kind)} body is malformed or not valid UTF-8.",
            }, context);
        }
        else if (scan.BodyStatus is InspectionBodyStatus.TooLarge or InspectionBodyStatus.PrefixInspected or InspectionBodyStatus.Skipped)
        {
            _metrics.BodyError("oversize");
            Log.OversizeBody(_logger, _options.MaxBytesInspected, _options.OversizeAction, scan.Mode);
            _events.Publish(new SecurityEvent
            {
                Capability = ApiGuardCapabilities.Inspection,
                Kind = "inspection.oversize",
                Severity = scan.BodyStatus == InspectionBodyStatus.TooLarge ? SecuritySeverity.Medium : SecuritySeverity.Low,
                Action = scan.BodyStatus == InspectionBodyStatus.TooLarge ? (problem?.Status == StatusCodes.Status413PayloadTooLarge || scan.ReachedThreshold ? blockAction : SecurityAction.Allowed) : SecurityAction.Allowed,
                Location = "body:" + KindName(kind),
                Reason = string.Create(CultureInfo.InvariantCulture,
                    $"The body is larger than {_options.MaxBytesInspected} bytes; {(scan.BodyStatus == InspectionBodyStatus.TooLarge ? "rejected" : scan.BodyStatus == InspectionBodyStatus.Skipped ? "body not inspected" : "prefix inspected")}."),
            }, context);
        }

        if (scan.ReachedThreshold)
        {
            var first = findings.Count > 0 ? findings[0] : null;
            if (enforce)
            {
                Log.Blocked(_logger, context.Request.Method, scan.Score, scan.Threshold, scan.TotalFindings, first?.RuleId ?? 0, first?.Location);
            }
            else
            {
                Log.WouldBlock(_logger, context.Request.Method, scan.Score, scan.Threshold, scan.TotalFindings, first?.RuleId ?? 0, first?.Location);
            }
        }

        return problem;
    }

    private static string KindName(BodyContentKind kind) => kind switch
    {
        BodyContentKind.Json => "json",
        BodyContentKind.Form => "form",
        BodyContentKind.Multipart => "multipart",
        BodyContentKind.Xml => "xml",
        BodyContentKind.Text => "text",
        _ => "body",
    };

    private static string[] BuildKinds()
    {
        var values = Enum.GetValues<InspectionCategory>();
        var kinds = new string[values.Length + 1];
        foreach (var v in values)
        {
            kinds[(int)v] = "injection." + v.ToString().ToLowerInvariant();
        }

        kinds[^1] = "injection.other";
        return kinds;
    }

    private readonly record struct BodyRead(BodyContentKind Kind, RequestBodyBuffer? Buffer, Stream? Remainder);

    private static partial class Log
    {
        [LoggerMessage(ApiGuardEventIds.InspectionBase + 500, LogLevel.Warning,
            "Payload inspection blocked a {Method} request: score {Score} reached {Threshold} ({FindingCount} findings, first rule {RuleId} at {Location}).",
            EventName = "InspectionBlocked")]
        public static partial void Blocked(ILogger logger, string method, int score, int threshold, int findingCount, int ruleId, string? location);

        [LoggerMessage(ApiGuardEventIds.InspectionBase + 501, LogLevel.Information,
            "Payload inspection would block a {Method} request (DetectOnly): score {Score} reached {Threshold} ({FindingCount} findings, first rule {RuleId} at {Location}).",
            EventName = "InspectionWouldBlock")]
        public static partial void WouldBlock(ILogger logger, string method, int score, int threshold, int findingCount, int ruleId, string? location);

        [LoggerMessage(ApiGuardEventIds.InspectionBase + 502, LogLevel.Information,
            "Payload inspection found a malformed {BodyKind} request body (mode {Mode}).", EventName = "InspectionMalformedBody")]
        public static partial void MalformedBody(ILogger logger, string bodyKind, ApiGuardMode mode);

        [LoggerMessage(ApiGuardEventIds.InspectionBase + 503, LogLevel.Information,
            "A request body exceeded the {Limit}-byte inspection limit; action {Action} (mode {Mode}).", EventName = "InspectionOversizeBody")]
        public static partial void OversizeBody(ILogger logger, int limit, InspectionOversizeAction action, ApiGuardMode mode);
    }
}
