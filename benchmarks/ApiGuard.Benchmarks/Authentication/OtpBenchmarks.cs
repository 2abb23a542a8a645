using ApiGuard.Authentication.Otp;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;

namespace ApiGuard.Benchmarks.Authentication;

/// <summary>OTP verification: TOTP SHA-1, 6 digits, drift ±1 step (three codes computed and compared in constant time), in-memory stores.</summary>
[MemoryDiagnoser]
public class OtpBenchmarks
{
    private IOtpVerifier _verifier = null!;
    private string _usedCode = null!;
    private string _wrongCode = null!;

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection();
        services.AddApiGuard().AddOtp();
        var provider = services.BuildServiceProvider();
        var secret = OtpEnrollment.CreateSecret();
        provider.GetRequiredService<IOtpSecretStore>().SetAsync("client-1", secret).AsTask().GetAwaiter().GetResult();
        _verifier = provider.GetRequiredService<IOtpVerifier>();
        _usedCode = OtpCodes.ComputeTotp(secret, TimeProvider.System.GetUtcNow());
        _wrongCode = ((int.Parse(_usedCode, System.Globalization.CultureInfo.InvariantCulture) + 1) % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
        _verifier.VerifyAsync("client-1", _usedCode).AsTask().GetAwaiter().GetResult();
    }

    /// <summary>A wrong code: secret lookup (Data Protection unprotect) and three candidate codes.</summary>
    [Benchmark]
    public OtpVerificationResult VerifyWrongCode() => _verifier.VerifyAsync("client-1", _wrongCode).AsTask().GetAwaiter().GetResult();

    /// <summary>A right code already used: the same, plus the replay-store lookup that refuses it.</summary>
    [Benchmark]
    public OtpVerificationResult VerifyReplayedCode() => _verifier.VerifyAsync("client-1", _usedCode).AsTask().GetAwaiter().GetResult();
}
