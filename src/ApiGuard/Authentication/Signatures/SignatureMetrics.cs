using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using ApiGuard.Monitoring;

namespace ApiGuard.Authentication.Signatures;

/// <summary>The <c>apiguard.signatures.*</c> instruments.</summary>
internal sealed class SignatureMetrics
{
    public const string VerificationsName = "apiguard.signatures.verifications";
    public const string DurationName = "apiguard.signatures.duration";

    private readonly Counter<long> _verifications;
    private readonly Histogram<double> _duration;

    public SignatureMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(ApiGuardTelemetryTags.MeterName);
        _verifications = meter.CreateCounter<long>(VerificationsName, "{request}", "Signed requests verified, by result and failed check.");
        _duration = meter.CreateHistogram<double>(DurationName, "s", "Time to verify a signed request (key lookup, base, signature, digest, replay).");
    }

    public void Verified(string result, string? check, string? algorithm, TimeSpan elapsed)
    {
        if (_verifications.Enabled || _duration.Enabled)
        {
            VerifiedCore(result, check, algorithm, elapsed);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void VerifiedCore(string result, string? check, string? algorithm, TimeSpan elapsed)
    {
        var tags = new TagList
        {
            { ApiGuardTelemetryTags.Capability, ApiGuardCapabilities.Signatures },
            { "apiguard.result", result },
        };
        if (check is not null)
        {
            tags.Add(ApiGuardTelemetryTags.ErrorType, check);
        }

        if (algorithm is not null)
        {
            tags.Add("apiguard.algorithm", algorithm);
        }

        _verifications.Add(1, tags);
        _duration.Record(elapsed.TotalSeconds, tags);
    }
}
