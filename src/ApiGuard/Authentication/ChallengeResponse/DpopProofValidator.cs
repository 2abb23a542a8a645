using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ApiGuard.Replay;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ApiGuard.Authentication.ChallengeResponse;

/// <summary>Checks DPoP proofs (RFC 9449 §4.3). The DPoP authentication handler uses it; so can a token endpoint.</summary>
public interface IDpopProofValidator
{
    /// <summary>Runs every check of RFC 9449 §4.3 on <paramref name="request"/>. A valid proof's <c>jti</c> (and nonce) are consumed.</summary>
    /// <exception cref="ApiGuardStoreUnavailableException">The replay store cannot answer; callers refuse with 503.</exception>
    ValueTask<DpopProofValidationResult> ValidateAsync(DpopProofValidationRequest request, HttpContext context, CancellationToken cancellationToken = default);
}

/// <summary>
/// The default <see cref="IDpopProofValidator"/>. JWT and JWK parsing by Microsoft.IdentityModel (<see cref="JsonWebToken"/>,
/// <see cref="JsonWebKey"/>); ES256, RS256 and PS256 verified with the BCL, EdDSA (Ed25519) with NSec. Checks, in order:
/// one well-formed JWS, <c>typ</c> <c>dpop+jwt</c>, an accepted <c>alg</c>, a public <c>jwk</c> suited to it, the signature,
/// <c>jti</c>/<c>htm</c>/<c>htu</c>/<c>iat</c> present, <c>htm</c>, <c>htu</c>, <c>iat</c> window, <c>ath</c>, <c>cnf.jkt</c>,
/// the nonce's presence, the <c>jti</c> (reserved in the shared <see cref="IReplayStore"/> per key), and last the server nonce (consumed).
/// </summary>
public sealed class DpopProofValidator : IDpopProofValidator
{
    private readonly TimeProvider _time;
    private readonly IReplayStore _replay;
    private readonly IServerNonceService _nonces;

    /// <summary>Creates the validator.</summary>
    public DpopProofValidator(TimeProvider time, IReplayStore replay, IServerNonceService nonces)
    {
        _time = time;
        _replay = replay;
        _nonces = nonces;
    }

    /// <inheritdoc />
    public async ValueTask<DpopProofValidationResult> ValidateAsync(DpopProofValidationRequest request, HttpContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var proof = request.Proof;
        if (string.IsNullOrEmpty(proof) || proof.Length > DpopDefaults.MaxProofLength)
        {
            return Invalid("header", "The DPoP proof is missing or too large.");
        }

        JsonWebToken jwt;
        JsonWebKey jwk;
        try
        {
            jwt = new JsonWebToken(proof);
            if (jwt.IsEncrypted || string.IsNullOrEmpty(jwt.EncodedSignature))
            {
                return Invalid("header", "The DPoP proof is not a signed JWT.");
            }

            if (!string.Equals(jwt.Typ, DpopDefaults.ProofType, StringComparison.OrdinalIgnoreCase))
            {
                return Invalid("typ", "The DPoP proof's typ is not dpop+jwt.");
            }

            if (!request.Algorithms.Contains(jwt.Alg, StringComparer.Ordinal))
            {
                return Invalid("alg", "The DPoP proof's alg is not accepted.");
            }

            if (!jwt.TryGetHeaderValue<JsonElement>("jwk", out var jwkElement) || jwkElement.ValueKind != JsonValueKind.Object)
            {
                return Invalid("jwk", "The DPoP proof has no jwk header.");
            }

            jwk = new JsonWebKey(jwkElement.GetRawText());
        }
        catch (Exception ex) when (ex is ArgumentException or SecurityTokenException or JsonException or FormatException or InvalidOperationException)
        {
            return Invalid("header", "The DPoP proof is not a well-formed JWT.");
        }

        if (!DpopKey.IsSuitable(jwk, jwt.Alg))
        {
            return Invalid("jwk", "The DPoP proof's jwk is not a public key for its alg.");
        }

        if (!VerifySignature(jwt, jwk))
        {
            return Invalid("signature", "The DPoP proof's signature does not verify.");
        }

        var thumbprint = DpopKey.Thumbprint(jwk);
        if (!TryGetString(jwt, "jti", out var jti) || jti.Length > 256 ||
            !TryGetString(jwt, "htm", out var htm) ||
            !TryGetString(jwt, "htu", out var htu) ||
            !jwt.TryGetPayloadValue<long>("iat", out var iat))
        {
            return Invalid("claims", "The DPoP proof lacks jti, htm, htu or iat.", thumbprint);
        }

        if (!string.Equals(htm, request.Method, StringComparison.Ordinal))
        {
            return Invalid("htm", "The DPoP proof's htm does not match the request method.", thumbprint);
        }

        var expectedUri = NormalizeUri(request.Uri);
        if (expectedUri is null || !string.Equals(NormalizeUri(htu), expectedUri, StringComparison.Ordinal))
        {
            return Invalid("htu", "The DPoP proof's htu does not match the request URI.", thumbprint);
        }

        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        if (iat < now - (long)request.ProofLifetime.TotalSeconds || iat > now + (long)request.ClockSkew.TotalSeconds)
        {
            return Invalid("iat", "The DPoP proof's iat is outside the accepted window.", thumbprint);
        }

        if (request.AccessToken is { } accessToken)
        {
            if (!TryGetString(jwt, "ath", out var ath) || !FixedTimeEquals(ath, DpopKey.AccessTokenHash(accessToken)))
            {
                return Invalid("ath", "The DPoP proof's ath does not match the access token.", thumbprint);
            }
        }

        if (request.ExpectedThumbprint is { } expected && !FixedTimeEquals(expected, thumbprint))
        {
            return DpopProofValidationResult.Fail(DpopError.InvalidToken, "jkt", "Invalid DPoP key binding.", thumbprint);
        }

        var hasNonce = TryGetString(jwt, "nonce", out var nonce);
        if (request.RequireNonce && !hasNonce)
        {
            return DpopProofValidationResult.Fail(DpopError.UseNonce, "nonce", "Resource server requires nonce in DPoP proof.", thumbprint);
        }

        // jti before the nonce: a replayed proof is reported as a replay (invalid_dpop_proof), whatever its nonce.
        var ttl = request.ProofLifetime + request.ClockSkew + TimeSpan.FromSeconds(1);
        if (!await _replay.TryReserveAsync(DpopDefaults.JtiReplayScope, string.Concat(thumbprint, ":", jti), ttl, cancellationToken).ConfigureAwait(false))
        {
            return Invalid("jti", "The DPoP proof was already used.", thumbprint);
        }

        if (hasNonce && !await _nonces.TryConsumeAsync(nonce, context, cancellationToken).ConfigureAwait(false))
        {
            return DpopProofValidationResult.Fail(DpopError.UseNonce, "nonce", "The DPoP proof's nonce is unknown, expired or used; use the fresh one.", thumbprint);
        }

        return DpopProofValidationResult.Success(thumbprint);
    }

    /// <summary>
    /// Normalises an absolute http(s) URI for <c>htu</c> comparison (RFC 9449 §4.3, RFC 3986 §6.2.2–6.2.3): lower-case scheme and host,
    /// default port dropped, dot segments removed, percent-encoding normalised; query and fragment dropped. <see langword="null"/> if not a URI.
    /// </summary>
    public static string? NormalizeUri(string? uri)
    {
        if (string.IsNullOrEmpty(uri) || uri.Length > 8192 || !Uri.TryCreate(uri, UriKind.Absolute, out var parsed) ||
            (parsed.Scheme != Uri.UriSchemeHttps && parsed.Scheme != Uri.UriSchemeHttp) || !string.IsNullOrEmpty(parsed.UserInfo))
        {
            return null;
        }

        return parsed.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);
    }

    /// <summary>The URI a client addressed: <paramref name="publicOrigin"/> (when set) or the request's scheme and host, plus path base and path.</summary>
    public static string GetRequestUri(HttpRequest request, string? publicOrigin)
    {
        ArgumentNullException.ThrowIfNull(request);
        var path = request.PathBase.Add(request.Path).ToUriComponent();
        return string.IsNullOrEmpty(publicOrigin)
            ? string.Concat(request.Scheme, "://", request.Host.ToUriComponent(), path)
            : string.Concat(publicOrigin.TrimEnd('/'), path);
    }

    private static bool VerifySignature(JsonWebToken jwt, JsonWebKey jwk)
    {
        byte[] signature;
        try
        {
            signature = Base64UrlEncoder.DecodeBytes(jwt.EncodedSignature);
        }
        catch (FormatException)
        {
            return false;
        }

        var signingInput = Encoding.ASCII.GetBytes(string.Concat(jwt.EncodedHeader, ".", jwt.EncodedPayload));
        try
        {
            return DpopKey.Verify(jwk, jwt.Alg, signingInput, signature);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private static bool TryGetString(JsonWebToken jwt, string name, out string value)
    {
        if (jwt.TryGetPayloadValue<string>(name, out var v) && !string.IsNullOrEmpty(v))
        {
            value = v;
            return true;
        }

        value = string.Empty;
        return false;
    }

    private static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    private static DpopProofValidationResult Invalid(string check, string description, string? thumbprint = null) =>
        DpopProofValidationResult.Fail(DpopError.InvalidProof, check, description, thumbprint);
}
