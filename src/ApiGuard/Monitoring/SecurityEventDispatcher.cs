using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ApiGuard.Monitoring;

/// <summary>Reads the event channel in batches and hands each batch to every registered sink.</summary>
internal sealed partial class SecurityEventDispatcher : BackgroundService
{
    private const int MaxBatch = 256;
    private readonly SecurityEventPublisher _publisher;
    private readonly ISecurityEventSink[] _sinks;
    private readonly SecurityEventMetrics _metrics;
    private readonly ILogger _logger;

    public SecurityEventDispatcher(
        SecurityEventPublisher publisher,
        IEnumerable<ISecurityEventSink> sinks,
        SecurityEventMetrics metrics,
        ILogger<SecurityEventDispatcher> logger)
    {
        _publisher = publisher;
        _sinks = sinks.ToArray();
        _metrics = metrics;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = _publisher.Reader;
        var batch = new List<SecurityEvent>(MaxBatch);
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                batch.Clear();
                while (batch.Count < MaxBatch && reader.TryRead(out var e))
                {
                    batch.Add(e);
                }

                await WriteAsync(batch, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        // Drain what is left on shutdown, best effort.
        batch.Clear();
        while (batch.Count < MaxBatch * 4 && reader.TryRead(out var rest))
        {
            batch.Add(rest);
        }

        if (batch.Count > 0)
        {
            await WriteAsync(batch, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task WriteAsync(List<SecurityEvent> batch, CancellationToken cancellationToken)
    {
        foreach (var sink in _sinks)
        {
            try
            {
                await sink.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                _metrics.Dropped(sink.GetType().Name, batch.Count);
                Log.SinkFailed(_logger, sink.GetType().Name, ex);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(ApiGuardEventIds.SinkFailed, LogLevel.Error, "The security event sink {Sink} failed; its batch was dropped.", EventName = "SinkFailed")]
        public static partial void SinkFailed(ILogger logger, string sink, Exception exception);
    }
}
