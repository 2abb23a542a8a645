using System.Globalization;
using ApiGuard.Monitoring;
using ApiGuard.Replay;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ApiGuard.Bots;

/// <summary>Turns a change of action into a security event, a log line, metrics and, for blocks, a shared ban.</summary>
internal sealed class BotDecisionReporter
{
    private readonly ISecurityEventPublisher _publisher;
    private readonly IBanList _bans;
    private readonly BehaviourProfileTable _table;
    private readonly BotMetrics _metrics;
    private readonly ILogger _logger;

    public BotDecisionReporter(ISecurityEventPublisher publisher, IBanList bans, BehaviourProfileTable table, BotMetrics metrics, ILogger<BotDecisionReporter> logger)
    {
        _publisher = publisher;
        _bans = bans;
        _table = table;
        _metrics = metrics;
        _logger = logger;
    }

    public async ValueTask ReportAsync(HttpContext? context, string clientId, BotDecision decision)
    {
        var snapshot = _table.GetSnapshot(clientId);
        var explanation = snapshot is null || snapshot.Explanation.Count == 0
            ? string.Join(", ", BotReasonCodes.ToCodes(decision.Reasons))
            : string.Join("; ", snapshot.Explanation);
        var codes = string.Join(",", BotReasonCodes.ToCodes(decision.Reasons));
        var until = DateTimeOffset.FromUnixTimeMilliseconds(decision.UntilMs);
        var kind = KindOf(decision.Action);

        _metrics.ActionChanged(decision.Action, decision.ClientClass, decision.DetectOnly);
        BotLog.ActionChanged(_logger, clientId, decision.ClientClass, decision.Previous, decision.Action, Math.Round(decision.Score, 1), decision.DetectOnly, explanation);
        _table.AddTimelineEntry(clientId, kind, codes.Length == 0 ? null : codes);

        var properties = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["class"] = decision.ClientClass.ToString(),
            ["previous"] = decision.Previous.ToString(),
            ["reasons"] = codes,
        };
        if (decision.Action != BotAction.Allow)
        {
            properties["until"] = until.ToString("O", CultureInfo.InvariantCulture);
        }

        _publisher.Publish(new SecurityEvent
        {
            Capability = ApiGuardCapabilities.Bots,
            Kind = kind,
            Severity = SeverityOf(decision.Action),
            Action = ActionOf(decision.Action, decision.DetectOnly),
            ClientId = clientId,
            RuleId = decision.FlowRule is not null && (decision.Reasons & BotReasons.FlowRule) != 0 ? decision.FlowRule : "score",
            Reason = decision.Action == BotAction.Allow ? "the action expired and the behaviour no longer calls for one" : explanation,
            Score = Math.Round(decision.Score, 1),
            Properties = properties,
        }, context);

        if (decision.Action == BotAction.Block && !decision.DetectOnly)
        {
            try
            {
                if (await _bans.BanAsync(new BanEntry(clientId, until, codes, ApiGuardCapabilities.Bots)).ConfigureAwait(false))
                {
                    _table.MarkShared(clientId);
                }
                else
                {
                    BotLog.BanListFull(_logger, clientId);
                    _metrics.StoreError("full");
                }
            }
            catch (ApiGuardStoreUnavailableException ex)
            {
                BotLog.BanListUnavailable(_logger, "ban", ex);
                _metrics.StoreError("ban");
            }
        }
    }

    /// <summary>A challenged client proved itself (for example with a one-time password): its profile starts afresh.</summary>
    public ValueTask ReportChallengePassedAsync(HttpContext context, string clientId, ClientClass clientClass, string how)
    {
        _table.Reset(clientId);
        _table.AddTimelineEntry(clientId, "bot.challenge-passed", how);
        _metrics.ActionChanged(BotAction.Allow, clientClass, detectOnly: false);
        BotLog.ChallengePassed(_logger, clientId, how);
        _publisher.Publish(new SecurityEvent
        {
            Capability = ApiGuardCapabilities.Bots,
            Kind = "bot.challenge-passed",
            Severity = SecuritySeverity.Info,
            Action = SecurityAction.Allowed,
            ClientId = clientId,
            RuleId = how,
            Reason = "the challenged client proved itself; its behaviour record starts afresh",
            Properties = new Dictionary<string, string>(StringComparer.Ordinal) { ["class"] = clientClass.ToString() },
        }, context);
        return ValueTask.CompletedTask;
    }

    internal static string KindOf(BotAction action) => action switch
    {
        BotAction.Throttle => "bot.throttled",
        BotAction.Challenge => "bot.challenged",
        BotAction.Block => "bot.blocked",
        _ => "bot.released",
    };

    private static SecuritySeverity SeverityOf(BotAction action) => action switch
    {
        BotAction.Block => SecuritySeverity.High,
        BotAction.Challenge => SecuritySeverity.Medium,
        BotAction.Throttle => SecuritySeverity.Low,
        _ => SecuritySeverity.Info,
    };

    private static SecurityAction ActionOf(BotAction action, bool detectOnly) => action switch
    {
        BotAction.Allow => SecurityAction.Allowed,
        _ when detectOnly => SecurityAction.WouldBlock,
        BotAction.Block => SecurityAction.Blocked,
        BotAction.Challenge => SecurityAction.Challenged,
        _ => SecurityAction.Throttled,
    };
}
