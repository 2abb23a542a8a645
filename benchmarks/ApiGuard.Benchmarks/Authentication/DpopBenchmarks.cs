using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ApiGuard.Authentication.ChallengeResponse;
using ApiGuard.Replay;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace ApiGuard.Benchmarks.Authentication;

/// <summary>
/// ES256 DPoP proof verification (RFC 9449 §4.3: parse, typ/alg/jwk, ECDSA P-256 signature, RFC 7638 thumbprint, htm/htu/iat/ath/jkt).
/// The replay store is a benchmark-only one that accepts every jti, so one proof can be verified repeatedly; no nonce.
/// </summary>
[MemoryDiagnoser]
public class DpopBenchmarks
{
    private const string Htu = "https://api.example.com/api/dpop/profile";
    private const string AccessToken = "Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU";
    private IDpopProofValidator _validator = null!;
    private DpopProofValidationRequest _request = null!;
    private HttpContext _context = null!;

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection();
        services.AddApiGuard().AddChallengeResponse();
        services.AddSingleton<IReplayStore, AcceptAllReplayStore>();
        services.AddAuthentication().AddDpop();
        var provider = services.BuildServiceProvider();
        _validator = provider.GetRequiredService<IDpopProofValidator>();
        _context = new DefaultHttpContext { RequestServices = provider };

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var p = key.ExportParameters(false);
        var jwk = new JsonObject { ["kty"] = "EC", ["crv"] = "P-256", ["x"] = Base64UrlEncoder.Encode(p.Q.X), ["y"] = Base64UrlEncoder.Encode(p.Q.Y) };
        var thumbprint = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.UTF8.GetBytes($"{{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"{jwk["x"]}\",\"y\":\"{jwk["y"]}\"}}")));
        var header = new JsonObject { ["typ"] = "dpop+jwt", ["alg"] = "ES256", ["jwk"] = jwk };
        var payload = new JsonObject
        {
            ["jti"] = "bench-jti",
            ["htm"] = "GET",
            ["htu"] = Htu,
            ["iat"] = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds(),
            ["ath"] = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(AccessToken))),
        };
        var input = Base64UrlEncoder.Encode(header.ToJsonString()) + "." + Base64UrlEncoder.Encode(payload.ToJsonString());
        var signature = key.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        _request = new DpopProofValidationRequest
        {
            Proof = input + "." + Base64UrlEncoder.Encode(signature),
            Method = "GET",
            Uri = Htu,
            AccessToken = AccessToken,
            ExpectedThumbprint = thumbprint,
            RequireNonce = false,
            ProofLifetime = TimeSpan.FromHours(1),
        };
        if (!VerifyEs256Proof())
        {
            throw new InvalidOperationException("The benchmark proof does not verify.");
        }
    }

    /// <summary>Verifies one ES256 proof bound to an access token and key.</summary>
    [Benchmark]
    public bool VerifyEs256Proof() => _validator.ValidateAsync(_request, _context).AsTask().GetAwaiter().GetResult().IsValid;

    private sealed class AcceptAllReplayStore : IReplayStore
    {
        public ValueTask<bool> TryReserveAsync(string scope, string key, TimeSpan ttl, CancellationToken cancellationToken = default) => ValueTask.FromResult(true);
    }
}
