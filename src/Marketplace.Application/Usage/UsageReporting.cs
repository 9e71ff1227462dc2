using Marketplace.Application.Telemetry;
using Marketplace.Domain;
using Marketplace.Grains;

namespace Marketplace.Application.Usage;

/// <summary>Bounds on usage reports; configured by the host.</summary>
public sealed record UsageLimits(int MaxEventsPerReport = 10_000, long MaxUnitsPerEvent = 1_000_000_000)
{
    public long MaxUnitsPerEvent { get; init; } = MaxUnitsPerEvent is > 0 and <= UsageWindow.MaxUnitsPerEvent
        ? MaxUnitsPerEvent
        : throw new ArgumentOutOfRangeException(nameof(MaxUnitsPerEvent), MaxUnitsPerEvent, $"Between 1 and {UsageWindow.MaxUnitsPerEvent}.");
}

/// <summary>
/// A provider reports usage of data it serves itself. Each event is judged on its own: malformed ones, ones for
/// contracts that are not the provider's or not active, and ones dated before the contract began are rejected
/// with a reason; the rest are metered, idempotent by event id whatever month they name.
/// </summary>
public sealed class UsageReporting(GrainReferences grains, BillingCalendar calendar, UsageLimits limits, MarketplaceMetrics metrics)
{
    public async Task<UsageReportResponse> ReportAsync(ApiPrincipal provider, UsageReportRequest request)
    {
        ArgumentNullException.ThrowIfNull(provider);
        var events = request?.Events ?? [];
        if (events.Count == 0)
        {
            throw new DomainException(ErrorCodes.UsageEmpty, "Send at least one event: { \"events\": [ { \"eventId\", \"contractId\", \"units\", \"occurredAt\" } ] }.");
        }
        if (events.Count > limits.MaxEventsPerReport)
        {
            throw new DomainException(ErrorCodes.UsageTooLarge, $"A report holds at most {limits.MaxEventsPerReport} events; split it into several.");
        }

        var report = new UsageReport(events, calendar.Now, limits.MaxUnitsPerEvent);
        foreach (var group in report.Acceptable().GroupBy(e => e.Event.ContractId!, StringComparer.Ordinal))
        {
            var contract = await grains.Get<IContractGrain>(group.Key).Get();
            var problem = contract is null || contract.Terms.ProviderId != provider.PartyId
                ? $"Contract '{group.Key}' is not a contract on your offerings."
                : contract.Status != ContractStatus.Active ? $"Contract '{group.Key}' is {WireNames.Of(contract.Status)}, not active." : null;
            if (problem is not null)
            {
                report.RejectAll(group, problem);
                continue;
            }
            var metered = new List<(int Index, ReportedUsageEvent Event)>();
            foreach (var e in group)
            {
                // The same tolerance for clock skew as for usage dated ahead of the marketplace's clock.
                if (e.Event.OccurredAt < contract!.ActivatedAt - UsageWindow.MaxAhead)
                {
                    report.Reject(e, $"occurredAt is before contract '{group.Key}' became active ({contract.ActivatedAt:yyyy-MM-dd HH:mm:ss zzz}).");
                }
                else
                {
                    metered.Add(e);
                }
            }
            if (metered.Count == 0)
            {
                continue;
            }
            var meter = grains.Get<IUsageMeterGrain>(UsageMeterKey.For(group.Key));
            var receipts = await meter.RecordBatch([.. metered.Select(e =>
                new UsageEvent(e.Event.EventId!, e.Event.Units, e.Event.OccurredAt!.Value, UsageSources.Provider(provider.PartyId), null))]);
            report.Count(receipts);
        }
        var response = report.ToResponse();
        metrics.UsageEventsIngested(response.Accepted, response.Duplicates, response.Rejected.Count);
        return response;
    }
}
