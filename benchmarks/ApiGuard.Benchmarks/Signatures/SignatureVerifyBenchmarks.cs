using System.Security.Cryptography;
using ApiGuard.Authentication.Signatures;
using ApiGuard.Client.Signatures;
using ApiGuard.Replay;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ApiGuard.Benchmarks.Signatures;

/// <summary>
/// Verifying a signed typical GET (<c>GET /api/orders?page=2&amp;size=50</c>, covering <c>@method</c>, <c>@target-uri</c> and
/// <c>accept</c>, with created, nonce and keyid): the parse + signature-base path alone, the full core verification per
/// algorithm, and the whole ASP.NET Core authentication handler.
/// </summary>
[MemoryDiagnoser]
public class SignatureVerifyBenchmarks
{
    private readonly Dictionary<string, (SignatureKey Key, string Input, string Signature)> _signed = [];
    private HttpMessageComponents _message = null!;
    private DefaultHttpContext _context = null!;
    private IServiceProvider _services = null!;

    [GlobalSetup]
    public void Setup()
    {
        _context = new DefaultHttpContext();
        var request = _context.Request;
        request.Method = "GET";
        request.Scheme = "https";
        request.Host = new HostString("api.example.com");
        request.Path = "/api/orders";
        request.QueryString = new QueryString("?page=2&size=50");
        request.Headers.Accept = "application/json";
        request.Headers.UserAgent = "bench/1.0";
        _context.Features.Get<IHttpRequestFeature>()!.RawTarget = "/api/orders?page=2&size=50";
        _message = new AspNetCoreRequestComponents(_context, null, null);

        var keys = new (string Id, SignatureKey Key)[]
        {
            ("hmac", SignatureKey.FromSharedSecret("bench-hmac", RandomNumberGenerator.GetBytes(64))),
            ("ed25519", CreateEd25519()),
            ("ecdsa", CreateEcdsa()),
        };
        foreach (var (id, key) in keys)
        {
            var clientRequest = new HttpRequestMessage(HttpMethod.Get, "https://api.example.com/api/orders?page=2&size=50");
            clientRequest.Headers.TryAddWithoutValidation("Accept", "application/json");
            var options = new SigningOptions { Key = key };
            options.Components.Add("@method");
            options.Components.Add("@target-uri");
            options.Components.Add("accept");
            var result = new RequestSigner(options).SignAsync(clientRequest).GetAwaiter().GetResult();
            _signed[id] = (key, result.SignatureInput, result.Signature);
        }

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddApiGuard().AddSignatureAuthentication(configureKeys: k => k.ClientKeys.Add(new SignatureClientKey(_signed["hmac"].Key, "bench-client")));
        services.Replace(ServiceDescriptor.Singleton<IReplayStore, AcceptAllReplayStore>());
        _services = services.BuildServiceProvider();
        request.Headers["Signature-Input"] = _signed["hmac"].Input;
        request.Headers["Signature"] = _signed["hmac"].Signature;
        if (Verify("hmac") != null || Verify("ed25519") != null || Verify("ecdsa") != null || !Handler_HmacSha256_TypicalGet().GetAwaiter().GetResult())
        {
            throw new InvalidOperationException("The benchmark signatures do not verify.");
        }
    }

    /// <summary>RFC 8941 parsing of both fields and the signature base, no cryptography.</summary>
    [Benchmark]
    public int ParseAndBuildBase_TypicalGet()
    {
        var (_, input, signature) = _signed["hmac"];
        var inputs = SignatureFieldMembers.Rent();
        var signatures = SignatureFieldMembers.Rent();
        var member = SignatureInputMember.Rent();
        var buffer = new PooledByteBuffer(1024);
        try
        {
            inputs.TryParse(input, innerLists: true, MessageSignature.MaxMembers);
            signatures.TryParse(signature, innerLists: false, MessageSignature.MaxMembers);
            member.TryParse(input, inputs.ValueStart(0), inputs.ValueEnd(0), MessageSignature.MaxComponents);
            SignatureBaseBuilder.TryBuild(_message, member, ref buffer, out _, out _);
            return buffer.Length;
        }
        finally
        {
            buffer.Dispose();
            SignatureInputMember.Return(member);
            SignatureFieldMembers.Return(signatures);
            SignatureFieldMembers.Return(inputs);
        }
    }

    /// <summary>Parse, base and HMAC-SHA256 verification.</summary>
    [Benchmark(Baseline = true)]
    public string? Verify_HmacSha256_TypicalGet() => Verify("hmac");

    /// <summary>Parse, base and Ed25519 verification (NSec).</summary>
    [Benchmark]
    public string? Verify_Ed25519_TypicalGet() => Verify("ed25519");

    /// <summary>Parse, base and ECDSA P-256 verification.</summary>
    [Benchmark]
    public string? Verify_EcdsaP256_TypicalGet() => Verify("ecdsa");

    /// <summary>The whole authentication handler (key lookup, policy, freshness, base, HMAC, replay store that accepts all).</summary>
    [Benchmark]
    public async Task<bool> Handler_HmacSha256_TypicalGet()
    {
        // A scope per request, as ASP.NET Core does: handlers are created per request.
        await using var scope = _services.CreateAsyncScope();
        _context.RequestServices = scope.ServiceProvider;
        var result = await _context.AuthenticateAsync(SignatureAuthenticationDefaults.AuthenticationScheme);
        return result.Succeeded;
    }

    private string? Verify(string id)
    {
        var (key, input, signature) = _signed[id];
        var inputs = SignatureFieldMembers.Rent();
        var signatures = SignatureFieldMembers.Rent();
        var member = SignatureInputMember.Rent();
        var buffer = new PooledByteBuffer(1024);
        try
        {
            if (!inputs.TryParse(input, innerLists: true, MessageSignature.MaxMembers) ||
                !signatures.TryParse(signature, innerLists: false, MessageSignature.MaxMembers) ||
                member.TryParse(input, inputs.ValueStart(0), inputs.ValueEnd(0), MessageSignature.MaxComponents) is not null ||
                !SignatureBaseBuilder.TryBuild(_message, member, ref buffer, out var check, out _))
            {
                return SignatureChecks.Malformed;
            }

            Span<byte> bytes = stackalloc byte[SignatureKey.MaxSignatureLength];
            Convert.TryFromBase64Chars(signatures.ByteSequenceText(0), bytes, out var length);
            return key.Verify(buffer.WrittenSpan, bytes[..length]) ? null : SignatureChecks.BadSignature;
        }
        finally
        {
            buffer.Dispose();
            SignatureInputMember.Return(member);
            SignatureFieldMembers.Return(signatures);
            SignatureFieldMembers.Return(inputs);
        }
    }

    private static SignatureKey CreateEd25519()
    {
        using var key = NSec.Cryptography.Key.Create(NSec.Cryptography.SignatureAlgorithm.Ed25519, new NSec.Cryptography.KeyCreationParameters { ExportPolicy = NSec.Cryptography.KeyExportPolicies.AllowPlaintextExport });
        var pem = System.Text.Encoding.ASCII.GetString(key.Export(NSec.Cryptography.KeyBlobFormat.PkixPrivateKeyText));
        return SignatureKey.FromPem("bench-ed25519", SignatureAlgorithms.Ed25519, pem);
    }

    private static SignatureKey CreateEcdsa()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return SignatureKey.FromPem("bench-ecdsa", SignatureAlgorithms.EcdsaP256Sha256, ecdsa.ExportPkcs8PrivateKeyPem());
    }

    private sealed class AcceptAllReplayStore : IReplayStore
    {
        public ValueTask<bool> TryReserveAsync(string scope, string key, TimeSpan ttl, CancellationToken cancellationToken = default) => ValueTask.FromResult(true);
    }
}
