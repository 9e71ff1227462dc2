using Marketplace.Domain;

namespace Marketplace.Grains;

[GenerateSerializer, Alias("Marketplace.BillingPeriodsState")]
public sealed class BillingPeriodsState
{
    /// <summary>Every period that began closing, oldest first: twelve a year.</summary>
    [Id(0)] public List<PeriodClose> Periods { get; set; } = [];
}

[GrainType("billingperiods")]
public sealed class BillingPeriodsGrain(
    [PersistentState("billing-periods", GrainStorage.Name)] IPersistentState<BillingPeriodsState> state,
    BillingCalendar calendar) : Grain, IBillingPeriodsGrain
{
    private List<PeriodClose> Periods => state.State.Periods;

    public async Task<PeriodClose> BeginClose(string period, string previousPeriod, string closedBy)
    {
        if (Find(period) is { } known)
        {
            return known;
        }
        // Periods close in order once billing has begun: late usage of a period is adjusted on the next invoice
        // only if that period was invoiced first.
        var latest = Periods.Count == 0 ? null : Periods.MaxBy(p => p.Period, StringComparer.Ordinal);
        if (latest is not null && string.CompareOrdinal(period, latest.Period) < 0)
        {
            throw new DomainException(ErrorCodes.PeriodOutOfOrder,
                $"Billing period {period} is before {latest.Period}, which is already closed; earlier periods are billed as adjustments on the next invoice.");
        }
        if (latest is not null && latest.Status != PeriodStatus.Closed)
        {
            throw new DomainException(ErrorCodes.PeriodOutOfOrder,
                $"Billing period {latest.Period} began closing and has not finished: close it again first, so that {period} sees all of its invoices.");
        }
        if (latest is not null && latest.Period != previousPeriod)
        {
            throw new DomainException(ErrorCodes.PeriodOutOfOrder,
                $"Close billing period {previousPeriod} before {period}: periods close in order so that late usage lands on the next invoice.");
        }
        var began = new PeriodClose(period, PeriodStatus.Closing, calendar.Now, null, closedBy, 0, 0, null, 0);
        Periods.Add(began);
        await state.WriteStateAsync();
        return began;
    }

    public async Task<PeriodClose> CompleteClose(PeriodClose summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var at = Periods.FindIndex(p => p.Period == summary.Period);
        if (at < 0)
        {
            throw new DomainException(ErrorCodes.PeriodNotClosed, $"Billing period {summary.Period} has not begun closing.");
        }
        if (Periods[at].Status == PeriodStatus.Closed)
        {
            return Periods[at];
        }
        Periods[at] = summary with { Status = PeriodStatus.Closed, StartedAt = Periods[at].StartedAt, ClosedBy = Periods[at].ClosedBy, ClosedAt = calendar.Now };
        await state.WriteStateAsync();
        return Periods[at];
    }

    public Task<PeriodClose?> Get(string period) => Task.FromResult(Find(period));

    public Task<IReadOnlyList<PeriodClose>> List() =>
        Task.FromResult<IReadOnlyList<PeriodClose>>([.. Periods.OrderByDescending(p => p.Period, StringComparer.Ordinal)]);

    private PeriodClose? Find(string period) => Periods.Find(p => p.Period == period);
}
