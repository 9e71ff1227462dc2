using Marketplace.Application.Telemetry;
using Marketplace.Grains;
using Marketplace.Storage;

namespace Marketplace.Host.Telemetry;

/// <summary>
/// Reads the outbox's pending messages (oldest first, at most <see cref="MaxCounted"/>) every
/// <see cref="TelemetryOptions.OutboxSampleInterval"/> and hands depth and age to the gauges: a scrape never waits
/// on the store, and the store is read at a fixed pace however often it is scraped.
/// </summary>
public sealed partial class OutboxSampler(IOutbox outbox, BillingCalendar calendar, MarketplaceMetrics metrics, TelemetryOptions options,
    ILogger<OutboxSampler> logger) : BackgroundService
{
    /// <summary>The depth gauge counts up to this many: beyond it the backlog is an incident whatever its size.</summary>
    public const int MaxCounted = 1_000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.OutboxSampleInterval > TimeSpan.Zero ? options.OutboxSampleInterval : TimeSpan.FromSeconds(15);
        using var timer = new PeriodicTimer(interval, TimeProvider.System);
        do
        {
            await SampleAsync(stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task SampleAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            var pending = await outbox.ListAsync(OutboxStatus.Pending, MaxCounted, cancellationToken);
            var age = pending.Count == 0 ? TimeSpan.Zero : calendar.Now - pending.Min(m => m.CreatedAt);
            metrics.ObserveOutbox(new OutboxBacklog(pending.Count, age > TimeSpan.Zero ? age : TimeSpan.Zero));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The gauges keep their last reading; readiness (/health/ready) is what reports the store down.
            LogSampleFailed(logger, e.GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The outbox gauges could not read the outbox ({Error}); they keep their last reading.")]
    private static partial void LogSampleFailed(ILogger logger, string error);
}
