using System.Diagnostics.Metrics;
using Marketplace.Domain;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Marketplace.Application.Telemetry;

/// <summary>
/// The marketplace's own instruments, on the meter <see cref="MeterName"/>: every one is recorded at the single
/// place its event happens (the broker, usage reporting, the consent filter, the rate limiter, the billing jobs),
/// never counted twice. Units follow Prometheus' conventions once exported (seconds, counts named by what they count),
/// and every instrument says what it measures, so that a scrape passes <c>promtool check metrics</c>.
/// </summary>
public sealed class MarketplaceMetrics
{
    public const string MeterName = "Marketplace";

    /// <summary>Job names of <see cref="MeasureJob"/>.</summary>
    public const string PeriodCloseJob = "period_close";

    public const string ReconciliationJob = "reconciliation";

    private static readonly double[] JobSeconds = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

    private readonly Counter<long> _recordsServed;
    private readonly Counter<long> _usageEvents;
    private readonly Counter<long> _consentDenials;
    private readonly Counter<long> _rateLimitRejections;
    private readonly Histogram<double> _jobDuration;
    private OutboxBacklog? _outbox;

    public MarketplaceMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        _recordsServed = meter.CreateCounter<long>("marketplace.records.served", "{record}",
            "Records answered to buyers by the access broker (retries answered again included), by dataset class.");
        _usageEvents = meter.CreateCounter<long>("marketplace.usage.events.ingested", "{event}",
            "Usage events reported by providers, by outcome: accepted (metered), duplicate (already metered) or rejected.");
        _consentDenials = meter.CreateCounter<long>("marketplace.consent.denials", "{record}",
            "Personal records left out of a page because their subject's consent did not cover the access.");
        _rateLimitRejections = meter.CreateCounter<long>("marketplace.rate_limit.rejections", "{request}",
            "Requests refused with 429 by the rate limiter, by partition: api_key or address.");
        _jobDuration = meter.CreateHistogram("marketplace.billing.job.duration", "s",
            "Duration of billing jobs (period close, reconciliation), by job and outcome (done or failed).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = JobSeconds });
        meter.CreateObservableGauge("marketplace.outbox.depth", ObserveDepth, "{message}",
            "Pending outbox messages (external effects waiting to be carried out), counted up to the sampler's bound.");
        meter.CreateObservableGauge("marketplace.outbox.oldest.age", ObserveOldestAge, "s",
            "Age of the oldest pending outbox message, 0 when none is pending.");
    }

    public void RecordsServed(DatasetClass datasetClass, int records)
    {
        if (records > 0)
        {
            _recordsServed.Add(records, new KeyValuePair<string, object?>("dataset_class", ClassName(datasetClass)));
        }
    }

    public void UsageEventsIngested(long accepted, long duplicates, long rejected)
    {
        Add(_usageEvents, accepted, "outcome", "accepted");
        Add(_usageEvents, duplicates, "outcome", "duplicate");
        Add(_usageEvents, rejected, "outcome", "rejected");
    }

    public void ConsentDenials(int records)
    {
        if (records > 0)
        {
            _consentDenials.Add(records);
        }
    }

    public void RateLimitRejected(bool byApiKey) =>
        _rateLimitRejections.Add(1, new KeyValuePair<string, object?>("partition", byApiKey ? "api_key" : "address"));

    /// <summary>Starts timing a billing job; call <see cref="JobTiming.Done"/> when it finished, or dispose it (a failure).</summary>
    public JobTiming MeasureJob(string job) => new(this, job, TimeProvider.System.GetTimestamp());

    /// <summary>The outbox as last sampled (the gauges answer from it; the store is read by the sampler, not by a scrape).</summary>
    public void ObserveOutbox(OutboxBacklog backlog) => Volatile.Write(ref _outbox, backlog);

    private IEnumerable<Measurement<long>> ObserveDepth() =>
        Volatile.Read(ref _outbox) is { } outbox ? [new Measurement<long>(outbox.Pending)] : [];

    private IEnumerable<Measurement<double>> ObserveOldestAge() =>
        Volatile.Read(ref _outbox) is { } outbox ? [new Measurement<double>(outbox.OldestAge.TotalSeconds)] : [];

    private void RecordJob(string job, long started, bool done) =>
        _jobDuration.Record(TimeProvider.System.GetElapsedTime(started).TotalSeconds,
            new KeyValuePair<string, object?>("job", job), new KeyValuePair<string, object?>("outcome", done ? "done" : "failed"));

    private static void Add(Counter<long> counter, long value, string tag, string tagValue)
    {
        if (value > 0)
        {
            counter.Add(value, new KeyValuePair<string, object?>(tag, tagValue));
        }
    }

    private static string ClassName(DatasetClass datasetClass) => datasetClass switch
    {
        DatasetClass.Public => "public",
        DatasetClass.Private => "private",
        DatasetClass.Personal => "personal",
        _ => "other",
    };

    /// <summary>A billing job being timed: recorded once, as done or (when disposed first) failed.</summary>
    public sealed class JobTiming(MarketplaceMetrics metrics, string job, long started) : IDisposable
    {
        private int _recorded;

        public void Done()
        {
            if (Interlocked.Exchange(ref _recorded, 1) == 0)
            {
                metrics.RecordJob(job, started, done: true);
            }
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _recorded, 1) == 0)
            {
                metrics.RecordJob(job, started, done: false);
            }
        }
    }
}

/// <summary>The outbox's pending messages as sampled: how many (up to the sampler's bound) and how old the oldest is.</summary>
public sealed record OutboxBacklog(long Pending, TimeSpan OldestAge);

public static class MarketplaceMetricsRegistration
{
    /// <summary>The marketplace's meter (and the metrics services it needs when the host has not added them).</summary>
    public static IServiceCollection AddMarketplaceMetrics(this IServiceCollection services)
    {
        services.AddMetrics();
        services.TryAddSingleton<MarketplaceMetrics>();
        return services;
    }
}
