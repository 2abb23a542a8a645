namespace ApiGuard.Monitoring.Webhooks;

/// <summary>The JSON body of one webhook POST, in the Standard Webhooks envelope (<c>type</c>, <c>timestamp</c>, <c>data</c>).</summary>
public sealed class WebhookPayload
{
    /// <summary>Always <c>apiguard.security_events</c>.</summary>
    public string Type { get; init; } = "apiguard.security_events";

    /// <summary>When the batch was assembled.</summary>
    public DateTimeOffset Timestamp { get; init; }

    /// <summary>The batch.</summary>
    public required WebhookPayloadData Data { get; init; }
}

/// <summary>The data member of a <see cref="WebhookPayload"/>.</summary>
public sealed class WebhookPayloadData
{
    /// <summary>The events of this batch, oldest first.</summary>
    public required IReadOnlyList<SecurityEvent> Events { get; init; }
}
