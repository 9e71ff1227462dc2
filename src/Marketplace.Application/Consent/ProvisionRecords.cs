using Marketplace.Grains;
using Marketplace.Storage;

namespace Marketplace.Application.Consent;

/// <summary>
/// The record of provision's retention: kept <see cref="ProvisionRetention.Period"/> (the APPI's three years, and a
/// day), then removed by a daily job, so a person's list and the store stop growing with events nobody may keep.
/// </summary>
public sealed class ProvisionRecords(IProvisionLog provisions, BillingCalendar calendar)
{
    /// <summary>Calls of one run at most: a million events; the next run goes on where this one stopped.</summary>
    public const int MaxCallsPerRun = 1_000;

    /// <summary>Removes every event older than the retention period; answers how many were removed.</summary>
    public async Task<long> PruneExpiredAsync(CancellationToken cancellationToken = default)
    {
        var before = calendar.Now - ProvisionRetention.Period;
        long removed = 0;
        for (var call = 0; call < MaxCallsPerRun; call++)
        {
            var count = await provisions.PruneAsync(before, ProvisionRetention.EventsPerCall, cancellationToken);
            removed += count;
            if (count < ProvisionRetention.EventsPerCall)
            {
                break;
            }
        }
        return removed;
    }
}
