using System.ComponentModel.DataAnnotations;

namespace ApiGuard.Monitoring.Webhooks;

/// <summary>Settings of the webhook alert sink (configuration section <c>ApiGuard:Webhooks</c>).</summary>
public sealed class WebhookAlertOptions
{
    /// <summary>The receivers. Each batch is POSTed to every one of them.</summary>
    public List<WebhookEndpointOptions> Endpoints { get; set; } = [];

    /// <summary>Events below this severity are not sent.</summary>
    /// <value>Default: <see cref="SecuritySeverity.Medium"/>.</value>
    public SecuritySeverity MinimumSeverity { get; set; } = SecuritySeverity.Medium;

    /// <summary>The most events in one POST.</summary>
    /// <value>Default: 100. Allowed: 1 to 10,000.</value>
    [Range(1, 10_000)]
    public int MaxBatchSize { get; set; } = 100;

    /// <summary>The capacity of the delivery queue. When full, new events are dropped and counted (<c>apiguard.events.dropped</c> with <c>apiguard.sink=webhook</c>).</summary>
    /// <value>Default: 10,000. Allowed: 1 to 1,000,000.</value>
    [Range(1, 1_000_000)]
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>The number of attempts per batch and receiver, including the first.</summary>
    /// <value>Default: 5. Allowed: 1 to 20.</value>
    [Range(1, 20)]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The delay before the first retry; doubles with each retry, with full jitter, up to <see cref="MaxBackoff"/>.</summary>
    /// <value>Default: 1 second.</value>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest delay between retries.</summary>
    /// <value>Default: 60 seconds.</value>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The timeout of one POST.</summary>
    /// <value>Default: 10 seconds.</value>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>One webhook receiver.</summary>
public sealed class WebhookEndpointOptions
{
    /// <summary>The absolute http or https URL batches are POSTed to.</summary>
    [Required]
    public string Url { get; set; } = string.Empty;

    /// <summary>The Standard Webhooks signing secret, <c>whsec_</c> followed by base64 (24 to 64 bytes decoded).</summary>
    [Required]
    public string Secret { get; set; } = string.Empty;
}
