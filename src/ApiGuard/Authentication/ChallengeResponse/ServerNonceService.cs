using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using ApiGuard.Identity;
using ApiGuard.Replay;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace ApiGuard.Authentication.ChallengeResponse;

/// <summary>
/// Issues and consumes server nonces: the challenge in challenge-response. Used by the DPoP handler (<c>nonce</c> claim) and by the
/// RFC 9421 signatures handler (<c>nonce</c> parameter) through its <c>OnValidateNonce</c> event.
/// </summary>
public interface IServerNonceService
{
    /// <summary>Issues a fresh nonce for the client of <paramref name="context"/>. Costs no server memory.</summary>
    string Issue(HttpContext context);

    /// <summary>
    /// Accepts <paramref name="nonce"/> once: it must have been issued by this service (or an instance sharing its key), not have expired,
    /// belong to the client of <paramref name="context"/>, and not have been consumed before.
    /// </summary>
    /// <returns><see langword="false"/> for any other nonce (unknown, expired, another client's, already used).</returns>
    /// <exception cref="ApiGuardStoreUnavailableException">The replay store cannot answer; callers refuse with 503.</exception>
    ValueTask<bool> TryConsumeAsync(string nonce, HttpContext context, CancellationToken cancellationToken = default);
}

/// <summary>
/// The default <see cref="IServerNonceService"/>: stateless, HMAC-signed nonces.
/// A nonce is base64url(<c>version ‖ expiry ‖ 128 random bits ‖ HMAC-SHA-256(key, version ‖ expiry ‖ random ‖ binding)[..16]</c>),
/// 55 characters. Its single use is enforced by the shared <see cref="IReplayStore"/> until it expires.
/// </summary>
public sealed class ServerNonceService : IServerNonceService
{
    private const byte Version = 1;
    private const int RandomLength = 16;
    private const int MacLength = 16;
    private const int BodyLength = 1 + 8 + RandomLength;
    private const int RawLength = BodyLength + MacLength;

    /// <summary>The length of an encoded nonce in characters.</summary>
    public const int EncodedLength = ((RawLength * 4) + 2) / 3;

    private readonly byte[] _key;
    private readonly TimeProvider _time;
    private readonly IReplayStore _replay;
    private readonly IClientIdentityResolver _identities;
    private readonly ServerNonceOptions _options;

    /// <summary>Creates the service.</summary>
    public ServerNonceService(IOptions<ServerNonceOptions> options, TimeProvider time, IReplayStore replay, IClientIdentityResolver identities)
    {
        _options = options.Value;
        _time = time;
        _replay = replay;
        _identities = identities;
        _key = string.IsNullOrEmpty(_options.SigningKey) ? RandomNumberGenerator.GetBytes(32) : Convert.FromBase64String(_options.SigningKey);
    }

    /// <inheritdoc />
    public string Issue(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Span<byte> raw = stackalloc byte[RawLength];
        raw[0] = Version;
        var expiry = _time.GetUtcNow().Add(_options.NonceLifetime).ToUnixTimeMilliseconds();
        BinaryPrimitives.WriteInt64BigEndian(raw[1..], expiry);
        RandomNumberGenerator.Fill(raw.Slice(9, RandomLength));
        ComputeMac(raw[..BodyLength], GetBinding(context), raw[BodyLength..]);
        return Base64Url.EncodeToString(raw);
    }

    /// <inheritdoc />
    public async ValueTask<bool> TryConsumeAsync(string nonce, HttpContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!IsAuthentic(nonce, context, out var expiry))
        {
            return false;
        }

        var remaining = DateTimeOffset.FromUnixTimeMilliseconds(expiry) - _time.GetUtcNow();
        return await _replay.TryReserveAsync(ChallengeResponseDefaults.NonceReplayScope, nonce, remaining + TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Checks format, MAC, binding and expiry without consuming.</summary>
    internal bool IsAuthentic(string? nonce, HttpContext context, out long expiry)
    {
        expiry = 0;
        if (nonce is null || nonce.Length != EncodedLength)
        {
            return false;
        }

        Span<byte> raw = stackalloc byte[RawLength + 2];
        if (Base64Url.DecodeFromChars(nonce, raw, out var consumed, out var written) != System.Buffers.OperationStatus.Done ||
            consumed != nonce.Length || written != RawLength || raw[0] != Version)
        {
            return false;
        }

        Span<byte> mac = stackalloc byte[MacLength];
        ComputeMac(raw[..BodyLength], GetBinding(context), mac);
        if (!CryptographicOperations.FixedTimeEquals(mac, raw.Slice(BodyLength, MacLength)))
        {
            return false;
        }

        expiry = BinaryPrimitives.ReadInt64BigEndian(raw[1..]);
        return expiry > _time.GetUtcNow().ToUnixTimeMilliseconds();
    }

    private string GetBinding(HttpContext context) =>
        _options.BindToClientAddress ? _identities.ResolveAddress(context).AddressKey : string.Empty;

    private void ComputeMac(ReadOnlySpan<byte> body, string binding, Span<byte> destination)
    {
        var bindingBytes = Encoding.UTF8.GetByteCount(binding);
        var length = body.Length + bindingBytes;
        Span<byte> input = length <= 512 ? stackalloc byte[length] : new byte[length];
        body.CopyTo(input);
        Encoding.UTF8.GetBytes(binding, input[body.Length..]);
        Span<byte> full = stackalloc byte[32];
        HMACSHA256.HashData(_key, input, full);
        full[..MacLength].CopyTo(destination);
    }
}
