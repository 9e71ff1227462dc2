using Marketplace.Grains;

namespace Marketplace.Application.Harvest;

/// <summary>Runs each source's harvest on its schedule (the host's Hangfire recurring jobs).</summary>
public interface IHarvestScheduler
{
    void Schedule(string sourceId, HarvestSchedule schedule);

    void Unschedule(string sourceId);
}
