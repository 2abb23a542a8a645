namespace ApiGuard.Monitoring;

/// <summary>
/// The one registry of ApiGuard's log EventIds. Each capability owns a block of a thousand ids:
/// 1xxx foundation, 2xxx inspection, 3xxx signatures, 4xxx OTP and challenge-response, 5xxx rate limiting,
/// 6xxx brute force, 7xxx bots, 8xxx posture.
/// </summary>
public static class ApiGuardEventIds
{
    /// <summary>Forwarded headers arrived but no trusted proxy is configured.</summary>
    public const int ForwardedHeadersIgnored = 1001;

    /// <summary>A security event, logged by the logging sink (info or low severity).</summary>
    public const int SecurityEventLow = 1010;

    /// <summary>A security event, logged by the logging sink (medium severity).</summary>
    public const int SecurityEventMedium = 1011;

    /// <summary>A security event, logged by the logging sink (high or critical severity).</summary>
    public const int SecurityEventHigh = 1012;

    /// <summary>The event channel was full and an event was dropped.</summary>
    public const int SecurityEventDropped = 1020;

    /// <summary>A sink threw while writing events.</summary>
    public const int SinkFailed = 1021;

    /// <summary>A webhook delivery failed and will be retried.</summary>
    public const int WebhookRetry = 1030;

    /// <summary>A webhook batch was given up after its retries.</summary>
    public const int WebhookGaveUp = 1031;

    /// <summary>The webhook queue was full and events were dropped.</summary>
    public const int WebhookDropped = 1032;

    /// <summary>A webhook delivery attempt failed with an unexpected exception (counted and retried).</summary>
    public const int WebhookUnexpectedError = 1033;

    /// <summary>A webhook batch failed unexpectedly before or while sending and was dropped; the sink continues.</summary>
    public const int WebhookBatchFailed = 1034;

    /// <summary>A request was rejected with a problem response.</summary>
    public const int RequestRejected = 1040;

    /// <summary>First id of the inspection block.</summary>
    public const int InspectionBase = 2000;

    /// <summary>First id of the signatures block.</summary>
    public const int SignaturesBase = 3000;

    /// <summary>First id of the OTP and challenge-response block.</summary>
    public const int OtpBase = 4000;

    /// <summary>First id of the rate-limiting block.</summary>
    public const int RateLimitingBase = 5000;

    /// <summary>First id of the brute-force block.</summary>
    public const int BruteForceBase = 6000;

    /// <summary>First id of the bots block.</summary>
    public const int BotsBase = 7000;

    /// <summary>First id of the posture block.</summary>
    public const int PostureBase = 8000;
}
