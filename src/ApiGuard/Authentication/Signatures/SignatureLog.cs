using Microsoft.Extensions.Logging;

namespace ApiGuard.Authentication.Signatures;

/// <summary>The signatures capability's log messages (EventIds 3000–3499; the client uses 3500–3999).</summary>
internal static partial class SignatureLog
{
    [LoggerMessage(3001, LogLevel.Debug, "Signature {Label} verified with key {KeyId} for client {ClientId}.", EventName = "SignatureVerified")]
    public static partial void Verified(ILogger logger, string label, string keyId, string clientId);

    [LoggerMessage(3002, LogLevel.Information, "Signature check failed: {Check}. {Reason}", EventName = "SignatureFailed")]
    public static partial void Failed(ILogger logger, string check, string reason);

    [LoggerMessage(3003, LogLevel.Debug, "Server signature base for label {Label}:\n{SignatureBase}", EventName = "SignatureBase")]
    public static partial void Base(ILogger logger, string label, string signatureBase);

    [LoggerMessage(3004, LogLevel.Warning, "The replay store is unavailable; the signed request is refused with 503.", EventName = "ReplayStoreUnavailable")]
    public static partial void StoreUnavailable(ILogger logger, Exception exception);

    [LoggerMessage(3005, LogLevel.Information, "DetectOnly: a signed request failed the {Check} check and was let through.", EventName = "SignatureWouldBlock")]
    public static partial void WouldBlock(ILogger logger, string check);
}
