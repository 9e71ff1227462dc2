using Marketplace.Application;
using Marketplace.Billing.Periods;
using Marketplace.Domain;
using Marketplace.Grains;
using Marketplace.Storage;
using Microsoft.Extensions.Logging;

namespace Marketplace.Billing.Usage;

/// <summary>What one reporting pass did.</summary>
/// <param name="Reports">Meter events enqueued (new reports and reports whose message a crash may have lost).</param>
/// <param name="TooOld">Contract-days the payment processor would no longer accept (older than its window).</param>
public sealed record UsageReportResult(int ContractDays, int Reports, long Units, int TooOld);

/// <summary>
/// Reports usage to the payment processor's meters, per contract and closed billing day: for each day the ledger
/// holds more units than were reported, it records a report of the difference under the day's next identifier
/// (in <see cref="IMeterReportGrain"/>) and then writes its outbox message. Every contract's usage is reported,
/// free plans too, so the processor's meter totals equal the ledger's. Idempotent: a second pass finds the
/// reports and only re-writes messages a crash may have lost.
/// </summary>
public sealed partial class UsageReporting(
    GrainReferences grains,
    IUsageLedger ledger,
    IOutbox outbox,
    BillingCalendar calendar,
    PeriodClosing closing,
    ILogger<UsageReporting> logger)
{
    private const int Parallelism = 4;

    /// <summary>Margin kept inside the processor's 35-day window for a message that waits in the outbox.</summary>
    private static readonly TimeSpan WindowMargin = TimeSpan.FromDays(1);

    /// <summary>The recurring job: every closed day of the current and the previous period.</summary>
    public async Task<UsageReportResult> ReportClosedDaysAsync(CancellationToken cancellationToken = default)
    {
        var current = calendar.CurrentPeriod();
        var first = await ReportPeriodAsync(closing.Previous(current), cancellationToken);
        var second = await ReportPeriodAsync(current, cancellationToken);
        var result = new UsageReportResult(first.ContractDays + second.ContractDays, first.Reports + second.Reports,
            checked(first.Units + second.Units), first.TooOld + second.TooOld);
        LogReported(logger, result.Reports, result.Units, result.ContractDays);
        return result;
    }

    /// <summary>The closed days of one period (a period's last days are closed from the midnight that ends it).</summary>
    public async Task<UsageReportResult> ReportPeriodAsync(BillingPeriod period, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(period);
        var today = calendar.DayOf(calendar.Now);
        var byContract = new Dictionary<string, SortedDictionary<DateOnly, long>>(StringComparer.Ordinal);
        foreach (var hour in await ledger.ReadHoursAsync(period.Id, cancellationToken))
        {
            var day = calendar.DayOf(hour.Hour);
            if (day >= today)
            {
                continue;
            }
            if (!byContract.TryGetValue(hour.ContractId, out var days))
            {
                byContract[hour.ContractId] = days = [];
            }
            days[day] = checked(days.GetValueOrDefault(day) + hour.Units);
        }
        int contractDays = 0, reports = 0, tooOld = 0;
        long units = 0;
        var gate = new Lock();
        await Parallel.ForEachAsync(byContract, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (entry, ct) =>
            {
                var contract = await grains.Get<IContractGrain>(entry.Key).Get();
                if (contract is null)
                {
                    return;
                }
                foreach (var (day, ledgerUnits) in entry.Value)
                {
                    if (!Reportable(day))
                    {
                        lock (gate)
                        {
                            tooOld++;
                        }
                        continue;
                    }
                    var sent = await ReportDayAsync(contract, day, ledgerUnits, ct);
                    lock (gate)
                    {
                        contractDays++;
                        reports += sent.Count;
                        units = checked(units + sent.Sum(r => r.Units));
                    }
                }
            });
        return new UsageReportResult(contractDays, reports, units, tooOld);
    }

    /// <summary>Whether a day's usage, dated at its noon, is still inside the processor's window (with a margin for the outbox).</summary>
    public bool Reportable(DateOnly day) =>
        MeterEventMessages.TimestampOf(day, calendar.Zone) >= calendar.Now - UsageWindow.MaxAge + WindowMargin;

    /// <summary>Reports one contract's day up to <paramref name="ledgerUnits"/>; answers the reports whose messages it wrote.</summary>
    public async Task<IReadOnlyList<MeterReport>> ReportDayAsync(ContractView contract, DateOnly day, long ledgerUnits, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(contract);
        var reportGrain = grains.Get<IMeterReportGrain>(contract.Id);
        var waiting = await reportGrain.Advance(day, ledgerUnits);
        return await EnqueueAsync(contract, waiting, cancellationToken);
    }

    /// <summary>Writes the outbox message of every report of the day not yet marked as enqueued, then marks them.</summary>
    public async Task<IReadOnlyList<MeterReport>> EnqueueAsync(ContractView contract, MeterReportDay day, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(contract);
        ArgumentNullException.ThrowIfNull(day);
        var waiting = day.NotEnqueued.ToList();
        if (waiting.Count == 0)
        {
            return [];
        }
        var now = calendar.Now;
        foreach (var report in waiting)
        {
            await outbox.EnqueueAsync(MeterEventMessages.For(MeterEventMessages.PayloadOf(contract, report, calendar.Zone), now), cancellationToken);
        }
        await grains.Get<IMeterReportGrain>(contract.Id).MarkEnqueued(day.Day, [.. waiting.Select(r => r.Identifier)]);
        return waiting;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Usage reporting: {Reports} meter events for {Units} units over {ContractDays} contract-days")]
    private static partial void LogReported(ILogger logger, int reports, long units, int contractDays);
}
