using System.Diagnostics.Metrics;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ApiGuard.Monitoring.Webhooks;

/// <summary>
/// The webhook alert sink: filters events by severity into a bounded queue (drops counted when full),
/// and a background loop POSTs them in batches, signed per Standard Webhooks, to every receiver,
/// retrying failures with exponential backoff and full jitter.
/// </summary>
internal sealed partial class WebhookAlertSink : BackgroundService, ISecurityEventSink
{
    internal const string HttpClientName = "ApiGuard.Webhooks";
    private readonly Channel<SecurityEvent> _queue;
    private readonly WebhookAlertOptions _options;
    private readonly (Uri Url, byte[] Key)[] _endpoints;
    private readonly IHttpClientFactory _httpClientFactory;
    private readonly TimeProvider _time;
    private readonly SecurityEventMetrics _metrics;
    private readonly Counter<long> _deliveries;
    private readonly ILogger _logger;
    private long _dropped;
    private long _delivered;
    private long _failedAttempts;

    public WebhookAlertSink(
        IOptions<WebhookAlertOptions> options,
        IHttpClientFactory httpClientFactory,
        TimeProvider time,
        SecurityEventMetrics metrics,
        ILogger<WebhookAlertSink> logger)
    {
        _options = options.Value;
        _endpoints = _options.Endpoints
            .Select(e => (new Uri(e.Url), StandardWebhookSigner.TryDecodeSecret(e.Secret, out var key) ? key : throw new OptionsValidationException(nameof(WebhookAlertOptions), typeof(WebhookAlertOptions), ["ApiGuard:Webhooks:Endpoints: Secret is invalid."])))
            .ToArray();
        _queue = Channel.CreateBounded<SecurityEvent>(new BoundedChannelOptions(_options.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait, // TryWrite then fails fast when full, so the drop can be counted
            SingleReader = true,
        });
        _httpClientFactory = httpClientFactory;
        _time = time;
        _metrics = metrics;
        _deliveries = metrics.Meter.CreateCounter<long>("apiguard.webhooks.deliveries", "{request}", "Webhook POSTs by outcome.");
        _logger = logger;
    }

    /// <summary>Events dropped because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Batches delivered (per receiver).</summary>
    public long Delivered => Interlocked.Read(ref _delivered);

    /// <summary>Failed POST attempts.</summary>
    public long FailedAttempts => Interlocked.Read(ref _failedAttempts);

    public ValueTask WriteAsync(IReadOnlyList<SecurityEvent> events, CancellationToken cancellationToken)
    {
        long dropped = 0;
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            if (e.Severity >= _options.MinimumSeverity && !_queue.Writer.TryWrite(e))
            {
                dropped++;
            }
        }

        if (dropped > 0)
        {
            var total = Interlocked.Add(ref _dropped, dropped);
            _metrics.Dropped("webhook", dropped);
            Log.Dropped(_logger, dropped, total);
        }

        return ValueTask.CompletedTask;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_endpoints.Length == 0)
        {
            return;
        }

        var reader = _queue.Reader;
        var batch = new List<SecurityEvent>(_options.MaxBatchSize);
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                batch.Clear();
                while (batch.Count < _options.MaxBatchSize && reader.TryRead(out var e))
                {
                    batch.Add(e);
                }

                try
                {
                    await SendBatchAsync(batch, stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    // Whatever fails unexpectedly costs this batch (counted as dropped), never the sink's loop.
                    var total = Interlocked.Add(ref _dropped, batch.Count);
                    _metrics.Dropped("webhook", batch.Count);
                    Log.BatchFailed(_logger, ex, batch.Count, total);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task SendBatchAsync(List<SecurityEvent> batch, CancellationToken stoppingToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(
            new WebhookPayload { Timestamp = _time.GetUtcNow(), Data = new WebhookPayloadData { Events = batch } },
            ApiGuardJsonContext.Default.WebhookPayload);
        var webhookId = "msg_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        foreach (var endpoint in _endpoints)
        {
            await DeliverAsync(endpoint.Url, endpoint.Key, webhookId, body, stoppingToken).ConfigureAwait(false);
        }
    }

    private async Task DeliverAsync(Uri url, byte[] key, string webhookId, byte[] body, CancellationToken cancellationToken)
    {
        var client = _httpClientFactory.CreateClient(HttpClientName);
        for (var attempt = 1; attempt <= _options.MaxAttempts; attempt++)
        {
            string outcome;
            try
            {
                // A fresh timestamp per attempt keeps receivers' freshness checks happy; the id stays, so they can dedupe.
                var timestamp = _time.GetUtcNow().ToUnixTimeSeconds();
                using var request = new HttpRequestMessage(HttpMethod.Post, url)
                {
                    Content = new ByteArrayContent(body),
                };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                request.Headers.TryAddWithoutValidation("webhook-id", webhookId);
                request.Headers.TryAddWithoutValidation("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
                request.Headers.TryAddWithoutValidation("webhook-signature", StandardWebhookSigner.Sign(key, webhookId, timestamp, body));
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(_options.Timeout);
                using var response = await client.SendAsync(request, timeout.Token).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref _delivered);
                    _deliveries.Add(1, new KeyValuePair<string, object?>("apiguard.outcome", "delivered"));
                    return;
                }

                outcome = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
                if ((int)response.StatusCode is >= 400 and < 500 and not 408 and not 429)
                {
                    // The receiver refuses this batch for good; retrying would not help.
                    attempt = _options.MaxAttempts;
                }
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // Network errors and timeouts are expected; anything else (a failing handler, say) is logged in full,
                // and both are counted and retried like a failed response: the sink never stops on one delivery.
                outcome = ex.GetType().Name;
                if (ex is not (HttpRequestException or OperationCanceledException))
                {
                    Log.UnexpectedError(_logger, ex, url.Host, attempt);
                }
            }

            Interlocked.Increment(ref _failedAttempts);
            _deliveries.Add(1, new KeyValuePair<string, object?>("apiguard.outcome", "failed"), new KeyValuePair<string, object?>(ApiGuardTelemetryTags.ErrorType, outcome));
            if (attempt >= _options.MaxAttempts)
            {
                Log.GaveUp(_logger, url.Host, attempt, outcome);
                return;
            }

            var delay = Backoff(attempt);
            Log.Retry(_logger, url.Host, attempt, outcome, delay);
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Exponential backoff with full jitter: a random delay in [0, min(max, initial·2^(attempt-1))], at least 1 ms.</summary>
    internal TimeSpan Backoff(int attempt)
    {
        var ceiling = Math.Min(_options.MaxBackoff.TotalMilliseconds, _options.InitialBackoff.TotalMilliseconds * Math.Pow(2, attempt - 1));
        var jittered = ceiling * (RandomNumberGenerator.GetInt32(0, 1_000_001) / 1_000_000.0);
        return TimeSpan.FromMilliseconds(Math.Max(1, jittered));
    }

    private static partial class Log
    {
        [LoggerMessage(ApiGuardEventIds.WebhookRetry, LogLevel.Warning, "Webhook delivery to {Host} failed (attempt {Attempt}, {Outcome}); retrying in {Delay}.", EventName = "WebhookRetry")]
        public static partial void Retry(ILogger logger, string host, int attempt, string outcome, TimeSpan delay);

        [LoggerMessage(ApiGuardEventIds.WebhookGaveUp, LogLevel.Error, "Webhook delivery to {Host} gave up after {Attempt} attempts ({Outcome}); the batch is dropped.", EventName = "WebhookGaveUp")]
        public static partial void GaveUp(ILogger logger, string host, int attempt, string outcome);

        [LoggerMessage(ApiGuardEventIds.WebhookUnexpectedError, LogLevel.Error, "Webhook delivery to {Host} failed unexpectedly (attempt {Attempt}).", EventName = "WebhookUnexpectedError")]
        public static partial void UnexpectedError(ILogger logger, Exception exception, string host, int attempt);

        [LoggerMessage(ApiGuardEventIds.WebhookBatchFailed, LogLevel.Error, "A webhook batch of {Count} events could not be sent and is dropped ({Total} events dropped in all); the sink continues.", EventName = "WebhookBatchFailed")]
        public static partial void BatchFailed(ILogger logger, Exception exception, int count, long total);

        [LoggerMessage(ApiGuardEventIds.WebhookDropped, LogLevel.Warning, "The webhook queue is full: {Dropped} events dropped ({Total} in all).", EventName = "WebhookDropped")]
        public static partial void Dropped(ILogger logger, long dropped, long total);
    }
}
