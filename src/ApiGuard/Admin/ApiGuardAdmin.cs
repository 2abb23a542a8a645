using ApiGuard.Bots;
using ApiGuard.Monitoring;
using Microsoft.Extensions.Logging;

namespace ApiGuard.Admin;

/// <summary>The default <see cref="IApiGuardAdmin"/>, over the bot profile table and the ban list.</summary>
internal sealed class ApiGuardAdmin : IApiGuardAdmin
{
    internal const int MaxReasonLength = 200;
    private readonly BehaviourProfileTable _table;
    private readonly IBanList _bans;
    private readonly ISecurityEventPublisher _publisher;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public ApiGuardAdmin(BehaviourProfileTable table, IBanList bans, ISecurityEventPublisher publisher, TimeProvider time, ILogger<ApiGuardAdmin> logger)
    {
        _table = table;
        _bans = bans;
        _publisher = publisher;
        _time = time;
        _logger = logger;
    }

    public IReadOnlyList<BotProfileSnapshot> GetTopOffenders(int count) =>
        _table.GetTopOffenders(Math.Clamp(count, 1, 1000));

    public async ValueTask<ClientReport?> GetClientAsync(string clientId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(clientId);
        var profile = _table.GetSnapshot(clientId);
        var ban = await _bans.GetAsync(clientId, cancellationToken).ConfigureAwait(false);
        if (profile is null && ban is null)
        {
            return null;
        }

        return new ClientReport(clientId, profile, _table.GetTimeline(clientId), ban);
    }

    public async ValueTask<BanEntry> BanAsync(string clientId, TimeSpan duration, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(clientId);
        if (clientId.Length > 256)
        {
            throw new ArgumentException("The client id is longer than 256 characters.", nameof(clientId));
        }

        if (duration <= TimeSpan.Zero || duration > TimeSpan.FromDays(30))
        {
            throw new ArgumentException("The duration must be above 0 and at most 30 days.", nameof(duration));
        }

        reason ??= string.Empty;
        if (reason.Length > MaxReasonLength)
        {
            throw new ArgumentException($"The reason is longer than {MaxReasonLength} characters.", nameof(reason));
        }

        var entry = new BanEntry(clientId, _time.GetUtcNow() + duration, reason.Length == 0 ? "banned by an administrator" : reason, "admin");
        if (!await _bans.BanAsync(entry, cancellationToken).ConfigureAwait(false))
        {
            throw new Replay.ApiGuardStoreUnavailableException("The ban list is full.");
        }

        BotLog.AdminBan(_logger, clientId, entry.Until, entry.Reason);
        _table.AddTimelineEntry(clientId, "admin.banned", entry.Reason);
        _publisher.Publish(new SecurityEvent
        {
            Capability = ApiGuardCapabilities.Bots,
            Kind = "bot.banned",
            Severity = SecuritySeverity.High,
            Action = SecurityAction.Blocked,
            ClientId = clientId,
            RuleId = "admin",
            Reason = entry.Reason,
        });
        return entry;
    }

    public async ValueTask<bool> UnbanAsync(string clientId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(clientId);
        var wasBanned = await _bans.UnbanAsync(clientId, cancellationToken).ConfigureAwait(false);
        var wasTracked = _table.Reset(clientId);
        if (wasTracked)
        {
            _table.AddTimelineEntry(clientId, "admin.unbanned", null);
        }

        BotLog.AdminUnban(_logger, clientId, wasBanned);
        _publisher.Publish(new SecurityEvent
        {
            Capability = ApiGuardCapabilities.Bots,
            Kind = "bot.unbanned",
            Severity = SecuritySeverity.Medium,
            Action = SecurityAction.Allowed,
            ClientId = clientId,
            RuleId = "admin",
            Reason = wasBanned ? "ban lifted by an administrator" : "behaviour reset by an administrator",
        });
        return wasBanned;
    }

    public ValueTask<IReadOnlyList<BanEntry>> GetBansAsync(int max, CancellationToken cancellationToken = default) =>
        _bans.ListAsync(Math.Clamp(max, 1, 10_000), cancellationToken);
}
