using System.Text.Json.Serialization;

namespace ApiGuard.Authentication.ChallengeResponse;

/// <summary>The body of the challenge endpoint.</summary>
/// <param name="Nonce">The server nonce.</param>
/// <param name="ExpiresIn">Seconds until it expires.</param>
public sealed record ChallengeNonceResponse(
    [property: JsonPropertyName("nonce")] string Nonce,
    [property: JsonPropertyName("expires_in")] int ExpiresIn);

[JsonSerializable(typeof(ChallengeNonceResponse))]
internal sealed partial class ChallengeResponseJsonContext : JsonSerializerContext;
