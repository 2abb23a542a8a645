using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using ApiGuard.Monitoring;

namespace ApiGuard.Inspection;

/// <summary>
/// Metrics of payload inspection on the <c>ApiGuard</c> meter: <c>apiguard.inspection.requests</c> (by outcome),
/// <c>apiguard.inspection.findings</c> (by kind), <c>apiguard.inspection.bytes</c>, <c>apiguard.inspection.body_errors</c>
/// (by <c>error.type</c>) and <c>apiguard.inspection.duration</c>.
/// </summary>
internal sealed class InspectionMetrics
{
    public const string RequestsName = "apiguard.inspection.requests";
    public const string FindingsName = "apiguard.inspection.findings";
    public const string BytesName = "apiguard.inspection.bytes";
    public const string BodyErrorsName = "apiguard.inspection.body_errors";
    public const string DurationName = "apiguard.inspection.duration";

    private readonly Counter<long> _requests;
    private readonly Counter<long> _findings;
    private readonly Counter<long> _bytes;
    private readonly Counter<long> _bodyErrors;
    private readonly Histogram<double> _duration;

    public InspectionMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(ApiGuardTelemetryTags.MeterName);
        _requests = meter.CreateCounter<long>(RequestsName, "{request}", "Requests inspected by ApiGuard payload inspection, by outcome.");
        _findings = meter.CreateCounter<long>(FindingsName, "{finding}", "Injection findings reported by payload inspection, by kind.");
        _bytes = meter.CreateCounter<long>(BytesName, "By", "Bytes of values handed to the payload inspector.");
        _bodyErrors = meter.CreateCounter<long>(BodyErrorsName, "{request}", "Request bodies that were malformed or larger than the inspection limit.");
        _duration = meter.CreateHistogram<double>(DurationName, "s", "Time spent inspecting a request (headers, query and body scan).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1] });
    }

    public void Request(InspectionOutcome outcome, long bytes, TimeSpan duration)
    {
        if (_requests.Enabled)
        {
            RequestCore(_requests, outcome);
        }

        if (_bytes.Enabled && bytes > 0)
        {
            _bytes.Add(bytes);
        }

        if (_duration.Enabled)
        {
            _duration.Record(duration.TotalSeconds);
        }
    }

    public void Finding(string kind)
    {
        if (_findings.Enabled)
        {
            _findings.Add(1, new KeyValuePair<string, object?>(ApiGuardTelemetryTags.Kind, kind));
        }
    }

    public void BodyError(string errorType)
    {
        if (_bodyErrors.Enabled)
        {
            _bodyErrors.Add(1, new KeyValuePair<string, object?>(ApiGuardTelemetryTags.ErrorType, errorType));
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void RequestCore(Counter<long> counter, InspectionOutcome outcome)
    {
        var tags = new TagList
        {
            { ApiGuardTelemetryTags.Action, outcome switch { InspectionOutcome.Blocked => "blocked", InspectionOutcome.WouldBlock => "would_block", _ => "passed" } },
        };
        counter.Add(1, tags);
    }
}
