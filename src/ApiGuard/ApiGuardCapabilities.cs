namespace ApiGuard;

/// <summary>The names of ApiGuard's capabilities, as used in events, metrics, metadata and configuration.</summary>
public static class ApiGuardCapabilities
{
    /// <summary>Client identity resolution and the shared foundation.</summary>
    public const string Core = "core";

    /// <summary>Payload inspection (injection detection).</summary>
    public const string Inspection = "inspection";

    /// <summary>RFC 9421 HTTP message signatures.</summary>
    public const string Signatures = "signatures";

    /// <summary>One-time passwords (step-up).</summary>
    public const string Otp = "otp";

    /// <summary>Challenge-response: server nonces and DPoP proofs.</summary>
    public const string ChallengeResponse = "challenge";

    /// <summary>Rate limiting.</summary>
    public const string RateLimiting = "ratelimiting";

    /// <summary>Brute-force and credential-stuffing protection.</summary>
    public const string BruteForce = "bruteforce";

    /// <summary>Behavioural bot detection and bans.</summary>
    public const string Bots = "bots";

    /// <summary>Posture: endpoint audit, response leaks, outbound guard, inventory.</summary>
    public const string Posture = "posture";
}
