namespace ApiGuard.Problems;

/// <summary>
/// The stable <c>type</c> URIs of ApiGuard's RFC 9457 problem responses, one per kind of rejection.
/// Clients may branch on them; they never change meaning.
/// </summary>
public static class ApiGuardProblemTypes
{
    /// <summary>The prefix shared by every ApiGuard problem type.</summary>
    public const string Prefix = "https://apiguard.dev/problems/";

    /// <summary>403: the payload inspector found an injection attempt.</summary>
    public const string InjectionDetected = Prefix + "injection-detected";

    /// <summary>400: the request could not be parsed (malformed header, body or encoding).</summary>
    public const string MalformedRequest = Prefix + "malformed-request";

    /// <summary>413: the body is larger than the configured inspection limit.</summary>
    public const string PayloadTooLarge = Prefix + "payload-too-large";

    /// <summary>401: a required HTTP message signature is missing or does not verify.</summary>
    public const string SignatureInvalid = Prefix + "signature-invalid";

    /// <summary>401: a one-time password is required or was wrong.</summary>
    public const string OtpRequired = Prefix + "otp-required";

    /// <summary>401: a DPoP proof is missing or invalid, or a fresh nonce is required.</summary>
    public const string ProofInvalid = Prefix + "proof-invalid";

    /// <summary>429: a rate limit was exceeded.</summary>
    public const string RateLimited = Prefix + "rate-limited";

    /// <summary>429: too many failed authentication attempts.</summary>
    public const string TooManyAttempts = Prefix + "too-many-attempts";

    /// <summary>403: the client is blocked (ban list or bot decision).</summary>
    public const string ClientBlocked = Prefix + "client-blocked";

    /// <summary>503: a store ApiGuard depends on (for example Redis) is unavailable, so the request cannot be decided safely.</summary>
    public const string ServiceUnavailable = Prefix + "service-unavailable";

    /// <summary>500: the response was withheld because it leaked sensitive data.</summary>
    public const string ResponseWithheld = Prefix + "response-withheld";
}
