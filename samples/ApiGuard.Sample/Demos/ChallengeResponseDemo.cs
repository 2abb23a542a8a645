using System.Security.Cryptography;
using ApiGuard.Authentication.ChallengeResponse;
using Microsoft.AspNetCore.Authentication;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ApiGuard.Sample.Demos;

/// <summary>
/// Challenge-response demo: server nonces (<c>POST /api/challenge</c> and <c>DPoP-Nonce</c> on 401/2xx responses), a SAMPLE-ONLY
/// token endpoint minting DPoP-bound access tokens (<c>POST /api/dpop/token</c>), and a DPoP-protected endpoint (<c>GET /api/dpop/profile</c>).
/// </summary>
public static class ChallengeResponseDemo
{
    /// <summary>The issuer and audience of the sample's demo tokens.</summary>
    public const string TokenIssuer = "apiguard-sample";

    /// <summary>Adds server nonces (binds <c>ApiGuard:ChallengeResponse</c>) and the DPoP scheme accepting the sample's demo tokens.</summary>
    public static void AddChallengeResponseDemo(this IApiGuardBuilder guard, AuthenticationBuilder authentication)
    {
        guard.AddChallengeResponse();
        guard.Services.AddSingleton<SampleDpopTokenIssuer>();
        authentication.AddDpop();
        guard.Services.AddOptions<DpopOptions>(DpopDefaults.AuthenticationScheme).Configure<SampleDpopTokenIssuer>((options, issuer) =>
        {
            options.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = TokenIssuer,
                ValidAudience = TokenIssuer,
                IssuerSigningKey = issuer.Key,
                ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
            };
        });
    }

    /// <summary>Maps the challenge, token and profile endpoints.</summary>
    public static void MapChallengeResponseDemo(this IEndpointRouteBuilder app)
    {
        app.MapApiGuardChallenge();

        // SAMPLE ONLY: anyone holding a key gets a token bound to it. A real authorization server authenticates the client first.
        app.MapPost("/api/dpop/token", async (HttpContext context, IDpopProofValidator validator, SampleDpopTokenIssuer issuer, Microsoft.Extensions.Options.IOptions<ApiGuardOptions> guardOptions) =>
        {
            var proofs = context.Request.Headers[DpopDefaults.ProofHeaderName];
            var result = proofs.Count == 1
                ? await validator.ValidateAsync(new DpopProofValidationRequest
                {
                    Proof = proofs[0]!,
                    Method = context.Request.Method,
                    Uri = DpopProofValidator.GetRequestUri(context.Request, guardOptions.Value.PublicOrigin),
                }, context, context.RequestAborted)
                : null;
            if (result is not { IsValid: true })
            {
                // RFC 9449 §5 and §8: an authorization server answers 400 with the error and a fresh nonce.
                var error = result?.Error == DpopError.UseNonce ? "use_dpop_nonce" : "invalid_dpop_proof";
                context.Response.Headers[ChallengeResponseDefaults.NonceHeaderName] = context.RequestServices.GetRequiredService<IServerNonceService>().Issue(context);
                await ApiGuard.Problems.ApiGuardProblemWriter.WriteAsync(context, new ApiGuard.Problems.ApiGuardProblem(
                    ApiGuard.Problems.ApiGuardProblemTypes.ProofInvalid, StatusCodes.Status400BadRequest, "DPoP proof rejected",
                    result?.Description ?? "Exactly one DPoP proof header is required.")
                {
                    Extensions = [new("error", error)],
                });
                return;
            }

            context.Response.Headers.CacheControl = "no-store";
            await context.Response.WriteAsJsonAsync(new TokenResponse(issuer.Mint("demo-client", result.JwkThumbprint!), "DPoP", (int)SampleDpopTokenIssuer.Lifetime.TotalSeconds));
        });

        app.MapGet("/api/dpop/profile", (HttpContext context) => Results.Ok(new
        {
            sub = context.User.FindFirst("sub")?.Value,
            scheme = DpopDefaults.AuthenticationScheme,
        })).RequireAuthorization(policy => policy.AddAuthenticationSchemes(DpopDefaults.AuthenticationScheme).RequireAuthenticatedUser())
            .RequireBruteForceProtection(); // bad proofs count per address: an address past the threshold gets 429 before its proof is checked
    }

    /// <summary>The token endpoint's answer.</summary>
    /// <param name="access_token">The DPoP-bound access token.</param>
    /// <param name="token_type">Always <c>DPoP</c>.</param>
    /// <param name="expires_in">Lifetime in seconds.</param>
#pragma warning disable IDE1006 // OAuth member names
    public sealed record TokenResponse(string access_token, string token_type, int expires_in);
#pragma warning restore IDE1006
}

/// <summary>SAMPLE ONLY: signs demo access tokens with an ES256 key made at startup (tokens die with the process).</summary>
public sealed class SampleDpopTokenIssuer : IDisposable
{
    /// <summary>How long a demo token lives.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    private readonly ECDsa _ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly TimeProvider _time;

    /// <summary>Creates the issuer.</summary>
    public SampleDpopTokenIssuer(TimeProvider time)
    {
        _time = time;
        Key = new ECDsaSecurityKey(_ecdsa) { KeyId = "sample-only" };
    }

    /// <summary>The verification key.</summary>
    public SecurityKey Key { get; }

    /// <summary>Mints a token for <paramref name="subject"/> bound to the key with thumbprint <paramref name="jkt"/>.</summary>
    public string Mint(string subject, string jkt)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = ChallengeResponseDemo.TokenIssuer,
            Audience = ChallengeResponseDemo.TokenIssuer,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + Lifetime,
            Claims = new Dictionary<string, object>
            {
                ["sub"] = subject,
                ["cnf"] = new Dictionary<string, object> { ["jkt"] = jkt },
            },
            SigningCredentials = new SigningCredentials(Key, SecurityAlgorithms.EcdsaSha256),
        });
    }

    /// <inheritdoc />
    public void Dispose() => _ecdsa.Dispose();
}
