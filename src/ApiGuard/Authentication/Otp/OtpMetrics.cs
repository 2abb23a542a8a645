using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using ApiGuard.Monitoring;

namespace ApiGuard.Authentication.Otp;

/// <summary>OTP metrics: <c>apiguard.otp.verifications</c> (counter, tag <c>apiguard.otp.result</c>: valid, invalid, replayed, missing, unavailable, throttled).</summary>
internal sealed class OtpMetrics
{
    public const string ResultTag = "apiguard.otp.result";
    private readonly Counter<long> _verifications;

    public OtpMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(ApiGuardTelemetryTags.MeterName);
        _verifications = meter.CreateCounter<long>("apiguard.otp.verifications", "{verification}", "One-time passwords checked, by result.");
    }

    public void Verified(string result)
    {
        if (_verifications.Enabled)
        {
            VerifiedCore(result);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void VerifiedCore(string result)
    {
        var tags = new TagList { { ResultTag, result } };
        _verifications.Add(1, tags);
    }
}
