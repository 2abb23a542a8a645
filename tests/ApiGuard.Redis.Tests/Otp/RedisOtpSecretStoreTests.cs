using ApiGuard.Authentication.Otp;
using ApiGuard.Redis.Otp;
using ApiGuard.Redis.Tests.Infrastructure;
using ApiGuard.Replay;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace ApiGuard.Redis.Tests.Otp;

public sealed class RedisOtpSecretStoreTests
{
    private static ServiceProvider BuildInstance(RedisServer server, IDataProtectionProvider keyRing, TimeProvider time, string prefix)
    {
        var services = new ServiceCollection();
        services.AddSingleton(time);
        services.AddSingleton(keyRing);
        services.AddApiGuard().AddOtp().UseRedis(o =>
        {
            o.Configuration = server.ConnectionString;
            o.KeyPrefix = prefix;
            o.OperationTimeout = TimeSpan.FromSeconds(2); // the first call also connects
        });
        return services.BuildServiceProvider();
    }

    [RedisFact]
    public async Task SetAsync_Secret_StoredProtectedAndReadBack()
    {
        await using var server = await RedisServer.StartAsync();
        await using var services = BuildInstance(server, new EphemeralDataProtectionProvider(), TimeProvider.System, "t1");
        var store = services.GetRequiredService<IOtpSecretStore>();
        Assert.IsType<RedisOtpSecretStore>(store);
        var secret = OtpEnrollment.CreateSecret(OtpKind.Hotp, OtpAlgorithm.Sha256, 8);

        await store.SetAsync("alice", secret);
        var read = await store.GetAsync("alice");

        Assert.NotNull(read);
        Assert.Equal(secret.Key, read.Key);
        Assert.Equal((OtpKind.Hotp, OtpAlgorithm.Sha256, 8), (read.Kind, read.Algorithm, read.Digits));
        Assert.Null(await store.GetAsync("bob"));

        using var mux = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        var keys = mux.GetServer(mux.GetEndPoints()[0]).Keys(pattern: "t1:otp:v1:*").ToArray();
        var stored = (byte[])(await mux.GetDatabase().HashGetAsync(Assert.Single(keys), "s"))!;
        Assert.True(stored.AsSpan().IndexOf(secret.Key) < 0);
        Assert.DoesNotContain("alice", keys[0].ToString(), StringComparison.Ordinal);

        Assert.True(await store.RemoveAsync("alice"));
        Assert.Null(await store.GetAsync("alice"));
    }

    [RedisFact]
    public async Task TryAdvanceCounterAsync_ConcurrentCallers_ExactlyOneMovesItAndNeverBackwards()
    {
        await using var server = await RedisServer.StartAsync();
        await using var services = BuildInstance(server, new EphemeralDataProtectionProvider(), TimeProvider.System, "t2");
        var store = services.GetRequiredService<IOtpSecretStore>();
        await store.SetAsync("token", OtpEnrollment.CreateSecret(OtpKind.Hotp));

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => store.TryAdvanceCounterAsync("token", 5).AsTask()));

        Assert.Single(results, r => r);
        Assert.False(await store.TryAdvanceCounterAsync("token", 3));
        Assert.Equal(5, await store.GetCounterAsync("token"));
    }

    [RedisFact]
    public async Task VerifyAsync_TwoInstancesSharingRedis_CodeAcceptedOnceAndOlderStepsRefusedAcrossBoth()
    {
        await using var server = await RedisServer.StartAsync();
        var keyRing = new EphemeralDataProtectionProvider();
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
        await using var a = BuildInstance(server, keyRing, time, "t3");
        await using var b = BuildInstance(server, keyRing, time, "t3");
        var enrolled = await a.GetRequiredService<IOtpEnrollmentService>().EnrollAsync("client-1");
        var secret = OtpSecret.FromBase32(enrolled.Secret);
        var code = OtpCodes.ComputeTotp(secret, time.GetUtcNow());
        var next = OtpCodes.ComputeTotp(secret, time.GetUtcNow().AddSeconds(30));
        var previous = OtpCodes.ComputeTotp(secret, time.GetUtcNow().AddSeconds(-30));

        Assert.Equal(OtpVerificationResult.Valid, await b.GetRequiredService<IOtpVerifier>().VerifyAsync("client-1", code));
        Assert.Equal(OtpVerificationResult.Replayed, await a.GetRequiredService<IOtpVerifier>().VerifyAsync("client-1", code));

        // RFC 6238 §5.2 across instances: after the next step is used on one, the (never used) previous step is refused on the other.
        Assert.Equal(OtpVerificationResult.Valid, await a.GetRequiredService<IOtpVerifier>().VerifyAsync("client-1", next));
        Assert.Equal(OtpVerificationResult.Replayed, await b.GetRequiredService<IOtpVerifier>().VerifyAsync("client-1", previous));
        Assert.Equal(OtpCodes.GetTimeStep(time.GetUtcNow(), 30) + 2, await b.GetRequiredService<IOtpSecretStore>().GetCounterAsync("client-1"));
    }

    [RedisFact]
    public async Task GetAsync_RedisDown_ThrowsStoreUnavailable()
    {
        await using var server = await RedisServer.StartAsync();
        await using var services = BuildInstance(server, new EphemeralDataProtectionProvider(), TimeProvider.System, "t4");
        var store = services.GetRequiredService<IOtpSecretStore>();
        await store.SetAsync("alice", OtpEnrollment.CreateSecret());
        server.Kill();

        await Assert.ThrowsAsync<ApiGuardStoreUnavailableException>(async () => await store.GetAsync("alice"));
    }
}
