using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using ApiGuard.Monitoring;

namespace ApiGuard.Bots;

/// <summary>
/// Metrics of bot detection: <c>apiguard.bots.actions</c> (changes of action), <c>apiguard.bots.rejections</c> (requests refused),
/// <c>apiguard.bots.store_errors</c> (ban-list failures), <c>apiguard.bots.profiles</c> (profiles held) and
/// <c>apiguard.bots.evictions</c> (profiles evicted).
/// </summary>
internal sealed class BotMetrics
{
    public const string ClassTag = "apiguard.bots.class";

    private readonly Counter<long> _actions;
    private readonly Counter<long> _rejections;
    private readonly Counter<long> _storeErrors;

    public BotMetrics(IMeterFactory meterFactory, BehaviourProfileTable table)
    {
        var meter = meterFactory.Create(ApiGuardTelemetryTags.MeterName);
        _actions = meter.CreateCounter<long>("apiguard.bots.actions", "{action}", "Changes of bot action (throttle, challenge, block, release).");
        _rejections = meter.CreateCounter<long>("apiguard.bots.rejections", "{request}", "Requests refused or reported by bot detection (block, challenge).");
        _storeErrors = meter.CreateCounter<long>("apiguard.bots.store_errors", "{error}", "Ban-list calls that failed; the request was decided on local state.");
        meter.CreateObservableGauge("apiguard.bots.profiles", () => table.Count, "{profile}", "Client behaviour profiles held (bounded by ApiGuard:Bots:Capacity).");
        meter.CreateObservableCounter("apiguard.bots.evictions", () => table.Evictions, "{profile}", "Profiles evicted to make room for new clients.");
    }

    public void ActionChanged(BotAction action, ClientClass clientClass, bool detectOnly)
    {
        if (_actions.Enabled)
        {
            ActionChangedCore(action, clientClass, detectOnly);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ActionChangedCore(BotAction action, ClientClass clientClass, bool detectOnly)
    {
        var tags = new TagList
        {
            { ApiGuardTelemetryTags.Action, ToTag(action, detectOnly) },
            { ClassTag, ToTag(clientClass) },
        };
        _actions.Add(1, tags);
    }

    public void Rejected(BotAction action, bool detectOnly)
    {
        if (_rejections.Enabled)
        {
            RejectedCore(action, detectOnly);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void RejectedCore(BotAction action, bool detectOnly) =>
        _rejections.Add(1, new KeyValuePair<string, object?>(ApiGuardTelemetryTags.Action, ToTag(action, detectOnly)));

    public void StoreError(string operation)
    {
        if (_storeErrors.Enabled)
        {
            _storeErrors.Add(1, new KeyValuePair<string, object?>(ApiGuardTelemetryTags.ErrorType, operation));
        }
    }

    private static string ToTag(BotAction action, bool detectOnly) => detectOnly && action is BotAction.Block or BotAction.Challenge
        ? "would_block"
        : action switch
        {
            BotAction.Throttle => "throttled",
            BotAction.Challenge => "challenged",
            BotAction.Block => "blocked",
            _ => "allowed",
        };

    private static string ToTag(ClientClass c) => c switch
    {
        ClientClass.Verified => "verified",
        ClientClass.Known => "known",
        _ => "anonymous",
    };
}
