namespace Marketplace.Grains;

[GenerateSerializer, Alias("Marketplace.MeterReportState")]
public sealed class MeterReportState
{
    /// <summary>The reports of the remembered days (at most <see cref="MeterReportIds.RetainedDays"/> days), oldest first.</summary>
    [Id(0)] public List<MeterReport> Reports { get; set; } = [];

    /// <summary>The first day not yet forgotten; days before it may have had reports.</summary>
    [Id(1)] public DateOnly? Horizon { get; set; }
}

[GrainType("meterreport")]
public sealed class MeterReportGrain(
    [PersistentState("meter-reports", GrainStorage.Name)] IPersistentState<MeterReportState> state,
    BillingCalendar calendar) : Grain, IMeterReportGrain
{
    private List<MeterReport> Reports => state.State.Reports;

    public async Task<MeterReportDay> Advance(DateOnly day, long ledgerUnits)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ledgerUnits);
        var reported = Reported(day);
        if (ledgerUnits > reported && !Forgotten(day))
        {
            await AddAsync(day, checked(ledgerUnits - reported), MeterReportKind.Usage, null);
        }
        return DayOf(day, waitingOnly: true);
    }

    public async Task<MeterReportDay> Resend(DateOnly day, long units, string basis)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(units);
        ArgumentException.ThrowIfNullOrWhiteSpace(basis);
        if (!Forgotten(day) && !Reports.Exists(r => r.Day == day && r.Kind == MeterReportKind.Resend && r.Basis == basis))
        {
            await AddAsync(day, units, MeterReportKind.Resend, basis);
        }
        return DayOf(day, waitingOnly: true);
    }

    public async Task MarkEnqueued(DateOnly day, IReadOnlyList<string> identifiers)
    {
        ArgumentNullException.ThrowIfNull(identifiers);
        var changed = false;
        for (var i = 0; i < Reports.Count; i++)
        {
            if (Reports[i].Day == day && !Reports[i].Enqueued && identifiers.Contains(Reports[i].Identifier))
            {
                Reports[i] = Reports[i] with { Enqueued = true };
                changed = true;
            }
        }
        if (changed)
        {
            await state.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<MeterReportDay>> Days(DateOnly from, DateOnly to) =>
        Task.FromResult<IReadOnlyList<MeterReportDay>>([.. Reports.Where(r => r.Day >= from && r.Day <= to)
            .Select(r => r.Day).Distinct().Order().Select(d => DayOf(d, waitingOnly: false))]);

    public Task<DateOnly?> Horizon() => Task.FromResult(state.State.Horizon);

    /// <summary>A day before the horizon may have had reports this grain no longer knows: reporting it again could count it twice.</summary>
    private bool Forgotten(DateOnly day) => state.State.Horizon is { } horizon && day < horizon;

    private long Reported(DateOnly day)
    {
        long units = 0;
        foreach (var r in Reports)
        {
            if (r.Day == day && r.Kind == MeterReportKind.Usage)
            {
                units = checked(units + r.Units);
            }
        }
        return units;
    }

    private async Task AddAsync(DateOnly day, long units, MeterReportKind kind, string? basis)
    {
        var sequence = Reports.Count(r => r.Day == day) + 1;
        var contractId = this.GetPrimaryKeyString();
        Reports.Add(new MeterReport(MeterReportIds.For(contractId, day, sequence), day, sequence, units, kind, calendar.Now, false, basis));
        Forget();
        await state.WriteStateAsync();
    }

    // Bounded state: a day older than the retention cannot be reported to the processor any more.
    private void Forget()
    {
        var horizon = calendar.DayOf(calendar.Now).AddDays(-MeterReportIds.RetainedDays);
        if (Reports.RemoveAll(r => r.Day < horizon) > 0 || state.State.Horizon is null || state.State.Horizon < horizon)
        {
            state.State.Horizon = horizon;
        }
    }

    private MeterReportDay DayOf(DateOnly day, bool waitingOnly)
    {
        long reported = 0, resent = 0;
        var reports = new List<MeterReport>();
        foreach (var r in Reports.Where(r => r.Day == day))
        {
            if (r.Kind == MeterReportKind.Usage)
            {
                reported = checked(reported + r.Units);
            }
            else
            {
                resent = checked(resent + r.Units);
            }
            if (!waitingOnly || !r.Enqueued)
            {
                reports.Add(r);
            }
        }
        return new MeterReportDay(day, reported, resent, reports);
    }
}
