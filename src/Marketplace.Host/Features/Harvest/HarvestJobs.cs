using System.Globalization;
using Hangfire;
using Marketplace.Application.Harvest;
using Marketplace.Domain;
using Marketplace.Grains;

namespace Marketplace.Host.Features.Harvest;

/// <summary>The recurring Hangfire job of one harvest source (id "harvest-{source id}"): a run, as "run now" does.</summary>
public sealed class HarvestJobs(CatalogHarvest harvest)
{
    public static string JobId(string sourceId) => $"harvest-{sourceId}";

    [DisableConcurrentExecution(timeoutInSeconds: 1800)]
    [AutomaticRetry(Attempts = 0)]
    public async Task HarvestAsync(string sourceId, CancellationToken cancellationToken)
    {
        try
        {
            await harvest.RunAsync(sourceId, cancellationToken);
        }
        catch (DomainException e) when (e.Code == ErrorCodes.HarvestSourceNotFound.Value || e.Code == ErrorCodes.HarvestRunning.Value)
        {
            // Deleted since it was scheduled, or run by an operator right now: the next slot harvests again.
        }
    }
}

/// <summary>Schedules harvests as Hangfire recurring jobs, each minute of the hour spread by the source's id.</summary>
public sealed class HangfireHarvestScheduler(IRecurringJobManager recurring, BillingCalendar calendar) : IHarvestScheduler
{
    public void Schedule(string sourceId, HarvestSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(sourceId);
        if (schedule == HarvestSchedule.Manual)
        {
            recurring.RemoveIfExists(HarvestJobs.JobId(sourceId));
            return;
        }
        var minute = sourceId.Sum(c => (int)c) % 60;
        var cron = schedule switch
        {
            HarvestSchedule.Hourly => string.Create(CultureInfo.InvariantCulture, $"{minute} * * * *"),
            HarvestSchedule.Daily => string.Create(CultureInfo.InvariantCulture, $"{minute} 4 * * *"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{minute} 4 * * 1"),
        };
        recurring.AddOrUpdate<HarvestJobs>(HarvestJobs.JobId(sourceId), jobs => jobs.HarvestAsync(sourceId, CancellationToken.None), cron,
            new RecurringJobOptions { TimeZone = calendar.Zone });
    }

    public void Unschedule(string sourceId) => recurring.RemoveIfExists(HarvestJobs.JobId(sourceId));
}

/// <summary>Once the host has started (the silo is up): every source's recurring job is registered again.</summary>
internal sealed partial class HarvestScheduleStartup(IHostApplicationLifetime lifetime, CatalogHarvest harvest, ILogger<HarvestScheduleStartup> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() => _ = ScheduleAsync());
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task ScheduleAsync()
    {
        try
        {
            await harvest.ScheduleAllAsync();
        }
#pragma warning disable CA1031 // Best effort at start-up; registering or changing a source schedules it again.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogFailed(logger, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not schedule the harvest sources at start-up")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
