using System.Security.Cryptography;
using ApiGuard.Authentication.Otp;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ApiGuard.Tests.Authentication.Otp;

public sealed class OtpVerifierTests
{
    private static readonly DateTimeOffset s_start = DateTimeOffset.FromUnixTimeSeconds(1_700_000_010);

    private static (ServiceProvider Services, FakeTimeProvider Time) Build(Action<OtpOptions>? configure = null)
    {
        var time = new FakeTimeProvider(s_start);
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddApiGuard().AddOtp(configure);
        return (services.BuildServiceProvider(), time);
    }

    [Fact]
    public async Task VerifyAsync_CurrentCode_ValidOnceThenReplayed()
    {
        var (services, time) = Build();
        await using var _ = services;
        var secret = OtpEnrollment.CreateSecret();
        await services.GetRequiredService<IOtpSecretStore>().SetAsync("alice", secret);
        var verifier = services.GetRequiredService<IOtpVerifier>();
        var code = OtpCodes.ComputeTotp(secret, time.GetUtcNow());

        Assert.Equal(OtpVerificationResult.Valid, await verifier.VerifyAsync("alice", code));
        Assert.Equal(OtpVerificationResult.Replayed, await verifier.VerifyAsync("alice", code));
    }

    [Fact]
    public async Task VerifyAsync_DriftWindow_AcceptsNeighbourStepsOnlyWithinWindow()
    {
        var (services, time) = Build(o => o.DriftSteps = 1);
        await using var _ = services;
        var secret = OtpEnrollment.CreateSecret();
        await services.GetRequiredService<IOtpSecretStore>().SetAsync("alice", secret);
        var verifier = services.GetRequiredService<IOtpVerifier>();
        var now = time.GetUtcNow();

        var previous = OtpCodes.ComputeTotp(secret, now.AddSeconds(-30));
        var next = OtpCodes.ComputeTotp(secret, now.AddSeconds(30));
        var twoBack = OtpCodes.ComputeTotp(secret, now.AddSeconds(-60));
        var twoAhead = OtpCodes.ComputeTotp(secret, now.AddSeconds(60));

        Assert.Equal(OtpVerificationResult.Invalid, await verifier.VerifyAsync("alice", twoBack));
        Assert.Equal(OtpVerificationResult.Invalid, await verifier.VerifyAsync("alice", twoAhead));
        Assert.Equal(OtpVerificationResult.Valid, await verifier.VerifyAsync("alice", previous));
        Assert.Equal(OtpVerificationResult.Valid, await verifier.VerifyAsync("alice", next));

        // As the clock moves, a code from "now" falls out of the window and a code from the future comes into it.
        var current = OtpCodes.ComputeTotp(secret, now);
        var later = OtpCodes.ComputeTotp(secret, now.AddSeconds(90));
        Assert.Equal(OtpVerificationResult.Invalid, await verifier.VerifyAsync("alice", later));
        time.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(OtpVerificationResult.Invalid, await verifier.VerifyAsync("alice", current));
        Assert.Equal(OtpVerificationResult.Valid, await verifier.VerifyAsync("alice", later));
    }

    [Fact]
    public async Task VerifyAsync_OlderStepAfterNewerUsed_ReplayedEvenWithinDrift()
    {
        var (services, time) = Build(o => o.DriftSteps = 2);
        await using var _ = services;
        var secret = OtpEnrollment.CreateSecret();
        var store = services.GetRequiredService<IOtpSecretStore>();
        await store.SetAsync("alice", secret);
        var verifier = services.GetRequiredService<IOtpVerifier>();
        var now = time.GetUtcNow();
        var next = OtpCodes.ComputeTotp(secret, now.AddSeconds(30));
        var current = OtpCodes.ComputeTotp(secret, now);
        var previous = OtpCodes.ComputeTotp(secret, now.AddSeconds(-30));

        // None of current and previous was ever used: only "a newer step was used" can refuse them.
        Assert.Equal(OtpVerificationResult.Valid, await verifier.VerifyAsync("alice", next));
        Assert.Equal(OtpVerificationResult.Replayed, await verifier.VerifyAsync("alice", current));
        Assert.Equal(OtpVerificationResult.Replayed, await verifier.VerifyAsync("alice", previous));
        Assert.Equal(OtpCodes.GetTimeStep(now, 30) + 2, await store.GetCounterAsync("alice"));

        // Later steps are accepted as the clock moves on.
        time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(OtpVerificationResult.Valid, await verifier.VerifyAsync("alice", OtpCodes.ComputeTotp(secret, time.GetUtcNow().AddSeconds(30))));
    }

    [Fact]
    public async Task VerifyAsync_ConfiguredSecret_OlderStepAfterNewerUsed_Replayed()
    {
        var secret = OtpEnrollment.CreateSecret();
        var (services, time) = Build(o => o.Secrets["machine"] = new OtpSecretOptions { Secret = secret.ToBase32() });
        await using var _ = services;
        var verifier = services.GetRequiredService<IOtpVerifier>();
        var next = OtpCodes.ComputeTotp(secret, time.GetUtcNow().AddSeconds(30));
        var current = OtpCodes.ComputeTotp(secret, time.GetUtcNow());

        Assert.Equal(OtpVerificationResult.Valid, await verifier.VerifyAsync("machine", next));
        Assert.Equal(OtpVerificationResult.Replayed, await verifier.VerifyAsync("machine", current));
    }

    [Fact]
    public async Task VerifyAsync_ZeroDrift_RejectsPreviousStep()
    {
        var (services, time) = Build(o => o.DriftSteps = 0);
        await using var _ = services;
        var secret = OtpEnrollment.CreateSecret(algorithm: OtpAlgorithm.Sha512, digits: 8);
        await services.GetRequiredService<IOtpSecretStore>().SetAsync("svc", secret);
        var verifier = services.GetRequiredService<IOtpVerifier>();

        Assert.Equal(OtpVerificationResult.Invalid, await verifier.VerifyAsync("svc", OtpCodes.ComputeTotp(secret, time.GetUtcNow().AddSeconds(-30))));
        Assert.Equal(OtpVerificationResult.Valid, await verifier.VerifyAsync("svc", OtpCodes.ComputeTotp(secret, time.GetUtcNow())));
    }

    [Fact]
    public async Task VerifyAsync_HotpLookAhead_ResynchronisesAndNeverGoesBack()
    {
        var (services, _) = Build(o => o.HotpLookAhead = 5);
        await using var provider = services;
        var secret = OtpEnrollment.CreateSecret(OtpKind.Hotp);
        var store = services.GetRequiredService<IOtpSecretStore>();
        await store.SetAsync("token", secret);
        var verifier = services.GetRequiredService<IOtpVerifier>();

        Assert.Equal(OtpVerificationResult.Invalid, await verifier.VerifyAsync("token", OtpCodes.Compute(secret, 6)));
        Assert.Equal(OtpVerificationResult.Valid, await verifier.VerifyAsync("token", OtpCodes.Compute(secret, 4)));
        Assert.Equal(5, await store.GetCounterAsync("token"));
        Assert.Equal(OtpVerificationResult.Invalid, await verifier.VerifyAsync("token", OtpCodes.Compute(secret, 2)));
        Assert.NotEqual(OtpVerificationResult.Valid, await verifier.VerifyAsync("token", OtpCodes.Compute(secret, 4)));
        Assert.Equal(OtpVerificationResult.Valid, await verifier.VerifyAsync("token", OtpCodes.Compute(secret, 5)));
    }

    [Fact]
    public async Task VerifyAsync_UnknownSubjectOrMalformedCode_Invalid()
    {
        var (services, time) = Build();
        await using var _ = services;
        var secret = OtpEnrollment.CreateSecret();
        await services.GetRequiredService<IOtpSecretStore>().SetAsync("alice", secret);
        var verifier = services.GetRequiredService<IOtpVerifier>();
        var code = OtpCodes.ComputeTotp(secret, time.GetUtcNow());

        Assert.Equal(OtpVerificationResult.Invalid, await verifier.VerifyAsync("bob", code));
        Assert.Equal(OtpVerificationResult.Invalid, await verifier.VerifyAsync("alice", null));
        Assert.Equal(OtpVerificationResult.Invalid, await verifier.VerifyAsync("alice", code + "0"));
        Assert.Equal(OtpVerificationResult.Invalid, await verifier.VerifyAsync("alice", "12a456"));
    }

    [Fact]
    public async Task VerifyAsync_ConfiguredSecret_UsedWhenStoreHasNone()
    {
        var secret = OtpEnrollment.CreateSecret();
        var (services, time) = Build(o => o.Secrets["machine"] = new OtpSecretOptions { Secret = secret.ToBase32() });
        await using var _ = services;

        Assert.Equal(OtpVerificationResult.Valid, await services.GetRequiredService<IOtpVerifier>().VerifyAsync("machine", OtpCodes.ComputeTotp(secret, time.GetUtcNow())));
    }

    [Fact]
    public void Protect_StoredForm_IsNotThePlainKeyAndIsBoundToSubject()
    {
        var protector = new OtpSecretProtector(new EphemeralDataProtectionProvider());
        var secret = OtpEnrollment.CreateSecret();

        var blob = protector.Protect("alice", secret);

        Assert.False(blob.AsSpan().IndexOf(secret.Key) >= 0);
        Assert.Equal(secret.Key, protector.Unprotect("alice", blob).Key);
        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect("mallory", blob));
    }

    [Fact]
    public async Task EnrollAsync_NewSubject_StoresSecretAndReturnsUri()
    {
        var (services, time) = Build(o => o.Issuer = "Example API");
        await using var _ = services;

        var result = await services.GetRequiredService<IOtpEnrollmentService>().EnrollAsync("carol");

        Assert.StartsWith("otpauth://totp/Example%20API:carol?secret=" + result.Secret, result.Uri, StringComparison.Ordinal);
        var stored = await services.GetRequiredService<IOtpSecretStore>().GetAsync("carol");
        Assert.NotNull(stored);
        Assert.Equal(OtpVerificationResult.Valid, await services.GetRequiredService<IOtpVerifier>().VerifyAsync("carol", OtpCodes.ComputeTotp(stored, time.GetUtcNow())));
    }

    [Fact]
    public void Validate_BadOptions_NamesKeys()
    {
        var services = new ServiceCollection();
        services.AddApiGuard().AddOtp(o =>
        {
            o.DriftSteps = 11;
            o.Secrets["x"] = new OtpSecretOptions { Secret = "!!", Digits = 9 };
        });
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<OtpOptions>>().Value);

        Assert.Contains(ex.Failures, f => f.StartsWith("ApiGuard:Otp:DriftSteps", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("ApiGuard:Otp:Secrets:x:Digits", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("ApiGuard:Otp:Secrets:x:Secret", StringComparison.Ordinal));
    }
}
