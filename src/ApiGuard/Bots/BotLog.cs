using ApiGuard.Monitoring;
using Microsoft.Extensions.Logging;

namespace ApiGuard.Bots;

/// <summary>Bot detection's log messages (EventIds 7000–7999).</summary>
internal static partial class BotLog
{
    public const int ActionChangedId = ApiGuardEventIds.BotsBase + 1;
    public const int BanListUnavailableId = ApiGuardEventIds.BotsBase + 2;
    public const int BanListFullId = ApiGuardEventIds.BotsBase + 3;
    public const int StepUpUnavailableId = ApiGuardEventIds.BotsBase + 4;
    public const int ChallengePassedId = ApiGuardEventIds.BotsBase + 5;
    public const int AdminBanId = ApiGuardEventIds.BotsBase + 10;
    public const int AdminUnbanId = ApiGuardEventIds.BotsBase + 11;

    [LoggerMessage(ActionChangedId, LogLevel.Warning,
        "Bot detection: client {ClientId} ({ClientClass}) moved from {Previous} to {Action} (score {Score}, detect-only {DetectOnly}): {Reasons}",
        EventName = "BotActionChanged")]
    public static partial void ActionChanged(ILogger logger, string clientId, ClientClass clientClass, BotAction previous, BotAction action, double score, bool detectOnly, string reasons);

    [LoggerMessage(BanListUnavailableId, LogLevel.Warning,
        "The ban list could not be reached ({Operation}); the request was decided on this node's own profiles.",
        EventName = "BanListUnavailable")]
    public static partial void BanListUnavailable(ILogger logger, string operation, Exception exception);

    [LoggerMessage(BanListFullId, LogLevel.Warning,
        "The in-memory ban list is full (ApiGuard:Bots:MaxBans); client {ClientId} is blocked by this node's profile only.",
        EventName = "BanListFull")]
    public static partial void BanListFull(ILogger logger, string clientId);

    [LoggerMessage(StepUpUnavailableId, LogLevel.Warning,
        "The one-time password of a challenged client could not be checked; the challenge stands.", EventName = "BotStepUpUnavailable")]
    public static partial void StepUpUnavailable(ILogger logger, Exception exception);

    [LoggerMessage(ChallengePassedId, LogLevel.Information, "Bot detection: challenged client {ClientId} proved itself ({How}); its profile starts afresh",
        EventName = "BotChallengePassed")]
    public static partial void ChallengePassed(ILogger logger, string clientId, string how);

    [LoggerMessage(AdminBanId, LogLevel.Warning, "Admin banned client {ClientId} until {Until}: {Reason}", EventName = "AdminBan")]
    public static partial void AdminBan(ILogger logger, string clientId, DateTimeOffset until, string reason);

    [LoggerMessage(AdminUnbanId, LogLevel.Warning, "Admin unbanned client {ClientId} (was banned: {WasBanned})", EventName = "AdminUnban")]
    public static partial void AdminUnban(ILogger logger, string clientId, bool wasBanned);
}
