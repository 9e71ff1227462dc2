using System.Diagnostics;
using System.Globalization;
using Marketplace.Application;
using Marketplace.Billing.Payments;
using Marketplace.Billing.Periods;
using Marketplace.Billing.Usage;
using Marketplace.Domain;
using Marketplace.Grains;
using Marketplace.Storage;

namespace Marketplace.Billing.Reconciliation;

/// <summary>Where a run stands: percent done and the stage it is in.</summary>
public delegate Task ReconciliationProgress(int percent, string stage);

/// <summary>
/// Reconciles a billing period: the ledger's events (one streaming pass, summed per contract and billing day)
/// against the ledger's hourly totals, the usage meters, what was reported to the payment processor's meters
/// (<see cref="IMeterReportGrain"/>), what the processor holds (its day summaries per customer and meter; skipped
/// when ledger-only) and the invoices (quantities, and amounts re-priced from the contract's terms). Only closed
/// days are compared with reports (today is reported after midnight), and only a closed period's invoices.
/// </summary>
public sealed class PeriodReconciliation(
    GrainReferences grains,
    IUsageLedger ledger,
    IInvoiceIndex invoices,
    IPaymentProcessor processor,
    IOutbox outbox,
    BillingCalendar calendar,
    PeriodClosing closing,
    UsageReporting reporting)
{
    private const int Parallelism = 8;
    private const int ProgressEvery = 1 << 16;

    public async Task<ReconciliationReport> RunAsync(string runId, string periodId, ReconciliationProgress progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var clock = Stopwatch.StartNew();
        var period = closing.Parse(periodId);
        var today = calendar.DayOf(calendar.Now);
        var notes = new List<string>();
        var findings = new Findings();
        var repairs = new List<RepairOffer>();

        // 1. The ledger's hourly totals (cheap): which contracts and days to expect, and how many events.
        await progress(1, "hours");
        var days = new LedgerDays(period, calendar);
        long expectedEvents = 0;
        foreach (var hour in await ledger.ReadHoursAsync(period.Id, cancellationToken))
        {
            days.AddHour(hour.ContractId, hour.Hour, hour.Units);
            expectedEvents += hour.Events;
        }

        // 2. What was reported for each contract's days, read before the stream so it can keep the events a report missed.
        await progress(3, "reports");
        var contractIds = days.Contracts.ToList();
        var reported = new Dictionary<string, (IReadOnlyList<MeterReportDay> Days, DateOnly? Horizon)>(StringComparer.Ordinal);
        var lastDay = days.Day(days.DayCount - 1);
        await ForEachAsync(contractIds, async id =>
        {
            var grain = grains.Get<IMeterReportGrain>(id);
            var result = (await grain.Days(days.FirstDay, lastDay), await grain.Horizon());
            lock (reported)
            {
                reported[id] = result;
            }
        }, cancellationToken);
        long ReportedUnits(string contract, DateOnly day) =>
            reported.TryGetValue(contract, out var r) ? r.Days.FirstOrDefault(d => d.Day == day)?.ReportedUnits ?? 0 : 0;
        bool Remembered(string contract, DateOnly day) =>
            !reported.TryGetValue(contract, out var r) || r.Horizon is not { } horizon || day >= horizon;

        // Cells of closed days whose hours hold more than was reported: keep their last events.
        var tails = new EventTail?[days.CellCount];
        var anyTail = false;
        for (var row = 0; row < contractIds.Count; row++)
        {
            for (var column = 0; column < days.DayCount; column++)
            {
                var day = days.Day(column);
                if (day < today && days.HourUnits(row, column) > ReportedUnits(contractIds[row], day))
                {
                    tails[(row * days.DayCount) + column] = new EventTail(ReconciliationReport.MaxEventIds);
                    anyTail = true;
                }
            }
        }

        // 3. The ledger's events, once, in arrival order.
        await progress(5, "ledger");
        long events = 0;
        await foreach (var record in ledger.StreamPeriodAsync(period.Id, cancellationToken))
        {
            var cell = days.Add(record.ContractId, record.OccurredAt, record.Units);
            if (anyTail && cell < tails.Length && tails[cell] is { } tail)
            {
                tail.Add(record.EventId, record.Units);
            }
            if (++events % ProgressEvery == 0)
            {
                await progress(5 + (int)(60 * Math.Min(1.0, events / (double)Math.Max(1, expectedEvents))), "ledger");
            }
        }
        if (days.OutsidePeriod > 0)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture, $"{days.OutsidePeriod} ledger events are dated outside the period; they are counted on its first or last day."));
        }

        // 4. Contracts: the ledger's and those with invoices.
        await progress(66, "meters");
        var invoiceEntries = await InvoiceEntriesAsync(period.Id, cancellationToken);
        var allContracts = days.Contracts.Concat(invoiceEntries.Select(e => e.ContractId)).Concat(contractIds).Distinct(StringComparer.Ordinal).ToList();
        var views = new Dictionary<string, ContractView>(StringComparer.Ordinal);
        var meterUnits = new Dictionary<string, long>(StringComparer.Ordinal);
        await ForEachAsync(allContracts, async id =>
        {
            var view = await grains.Get<IContractGrain>(id).Get();
            var totals = await grains.Get<IUsageMeterGrain>(UsageMeterKey.For(id)).GetTotals(period.Id);
            lock (views)
            {
                if (view is not null)
                {
                    views[id] = view;
                }
                meterUnits[id] = totals.Units;
            }
        }, cancellationToken);

        // 5. Ledger against its hours, the meters and the reports.
        await progress(72, "compare");
        long ledgerUnits = 0, meterTotal = 0, reportedTotal = 0;
        int contractDays = 0, matchedDays = 0, notYetDue = 0, forgotten = 0;
        foreach (var contract in allContracts)
        {
            var row = days.Row(contract);
            var view = views.GetValueOrDefault(contract);
            var buyer = view?.BuyerId;
            var unit = view is null ? null : MeterEventMessages.UnitName(view.Terms.Pricing.Unit);
            var contractUnits = row < 0 ? 0 : days.ContractUnits(row);
            ledgerUnits = checked(ledgerUnits + contractUnits);
            var meter = meterUnits.GetValueOrDefault(contract);
            meterTotal = checked(meterTotal + meter);
            if (meter != contractUnits)
            {
                findings.Add(new ReconciliationFinding(FindingKinds.MeterDiffers, contract, buyer, unit, null, null, contractUnits, meter,
                    "The usage meter's total for the period differs from the ledger's events.", []));
            }
            for (var column = 0; column < days.DayCount; column++)
            {
                var day = days.Day(column);
                var units = row < 0 ? 0 : days.Units(row, column);
                var hourUnits = row < 0 ? 0 : days.HourUnits(row, column);
                var reportedUnits = ReportedUnits(contract, day);
                if (units == 0 && hourUnits == 0 && reportedUnits == 0)
                {
                    continue;
                }
                contractDays++;
                reportedTotal = checked(reportedTotal + reportedUnits);
                if (hourUnits != units)
                {
                    findings.Add(new ReconciliationFinding(FindingKinds.HoursDiffer, contract, buyer, unit, day, null, units, hourUnits,
                        "The ledger's hourly totals differ from its events for this day.", []));
                }
                if (day >= today)
                {
                    notYetDue++;
                    continue;
                }
                if (!Remembered(contract, day))
                {
                    forgotten++;
                    continue;
                }
                if (units == reportedUnits)
                {
                    matchedDays++;
                }
                else if (units > reportedUnits)
                {
                    var cell = (row * days.DayCount) + column;
                    var (ids, omitted) = cell < tails.Length && tails[cell] is { } tail ? tail.Covering(units - reportedUnits) : ([], 0);
                    var reportable = reporting.Reportable(day);
                    findings.Add(new ReconciliationFinding(FindingKinds.ReportedBelowLedger, contract, buyer, unit, day, null, units, reportedUnits,
                        reportable ? "Usage of this closed day was not reported to the meter."
                            : "Usage of this closed day was not reported, and the payment processor no longer accepts usage this old; the invoice bills it from the ledger.",
                        ids, omitted));
                    if (reportable && view is not null)
                    {
                        repairs.Add(new RepairOffer(RepairKinds.ReportUsage, contract, day, null, units - reportedUnits, 0,
                            string.Create(CultureInfo.InvariantCulture, $"ledger:{units}"), "Report the day's unreported usage (a new report of the difference)."));
                    }
                }
                else
                {
                    findings.Add(new ReconciliationFinding(FindingKinds.ReportedAboveLedger, contract, buyer, unit, day, null, units, reportedUnits,
                        "More was reported to the meter than the ledger holds for this day; an operator must look at it.", []));
                }
            }
        }
        if (notYetDue > 0)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture, $"{notYetDue} contract-days are today or later: they are reported after midnight and were not compared with reports."));
        }
        if (forgotten > 0)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture, $"{forgotten} contract-days are older than the {MeterReportIds.RetainedDays} days reports are remembered: not compared with reports."));
        }

        // 6. The payment processor's meters, per buyer, unit and UTC day (the billing day's noon is on that UTC date).
        await progress(80, "stripe");
        long? stripeTotal = null;
        var matchedStripe = 0;
        if (processor.IsConfigured)
        {
            (stripeTotal, matchedStripe) = await CompareStripeAsync(period, days, today, views, reported, findings, repairs, notes, cancellationToken);
        }
        else
        {
            notes.Add("Stripe is not configured (ledger-only): the payment processor's meters were not compared.");
        }

        // 7. Invoices of a closed period: quantities against the ledger, amounts re-priced from the contract's terms.
        await progress(90, "invoices");
        var (invoiced, invoiceCount, matchedInvoices) = await CompareInvoicesAsync(period, days, views, invoiceEntries, findings, repairs, notes);

        var totals = new ReconciliationTotals(allContracts.Count, contractDays, events, ledgerUnits, meterTotal, reportedTotal, stripeTotal, invoiced,
            invoiceCount, matchedDays, matchedStripe, matchedInvoices);
        var counts = findings.Counts();
        var kept = repairs.Take(ReconciliationReport.MaxRepairs).ToList();
        var summary = ReconciliationReport.SummaryLine(runId, period.Id, processor.IsConfigured, totals, counts, repairs.Count);
        return new ReconciliationReport(runId, period.Id, calendar.Now, processor.IsConfigured, totals, counts, findings.Kept, findings.Omitted,
            kept, repairs.Count - kept.Count, notes, clock.ElapsedMilliseconds, summary);
    }

    private async Task<(long Total, int Matched)> CompareStripeAsync(
        BillingPeriod period,
        LedgerDays days,
        DateOnly today,
        Dictionary<string, ContractView> views,
        Dictionary<string, (IReadOnlyList<MeterReportDay> Days, DateOnly? Horizon)> reported,
        Findings findings,
        List<RepairOffer> repairs,
        List<string> notes,
        CancellationToken cancellationToken)
    {
        long total = 0;
        int matched = 0, pending = 0;
        var start = new DateTimeOffset(days.FirstDay.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var end = start.AddDays(days.DayCount);
        var groups = reported.Keys.Where(views.ContainsKey)
            .GroupBy(id => (views[id].BuyerId, Unit: MeterEventMessages.UnitName(views[id].Terms.Pricing.Unit)))
            .OrderBy(g => g.Key.BuyerId, StringComparer.Ordinal).ThenBy(g => g.Key.Unit, StringComparer.Ordinal);
        foreach (var group in groups)
        {
            var (buyer, unit) = group.Key;
            var customer = await grains.Get<IPaymentLinkGrain>(PaymentLinkKeys.Customer(buyer)).Get();
            var meter = await grains.Get<IPaymentLinkGrain>(PaymentLinkKeys.Meter(unit)).Get();
            var atStripe = new Dictionary<DateOnly, long>();
            if (customer is not null && meter is not null)
            {
                foreach (var summary in await processor.ReadMeterSummariesAsync(meter, customer, start, end, cancellationToken))
                {
                    var day = MeterEventMessages.DayOfSummary(summary.Start);
                    atStripe[day] = checked(atStripe.GetValueOrDefault(day) + summary.Value);
                    total = checked(total + summary.Value);
                }
            }
            var contracts = group.OrderBy(c => c, StringComparer.Ordinal).ToList();
            for (var column = 0; column < days.DayCount; column++)
            {
                var day = days.Day(column);
                if (day >= today)
                {
                    continue;
                }
                var dayReports = contracts.Select(c => (Contract: c, Day: reported[c].Days.FirstOrDefault(d => d.Day == day))).Where(x => x.Day is not null).ToList();
                var expected = dayReports.Sum(x => x.Day!.ReportedUnits);
                var held = atStripe.GetValueOrDefault(day);
                if (expected == 0 && held == 0)
                {
                    continue;
                }
                if (held == expected)
                {
                    matched++;
                    continue;
                }
                var identifiers = dayReports.SelectMany(x => x.Day!.Reports).Select(r => r.Identifier).ToList();
                if (held < expected)
                {
                    if (await AnyPendingAsync(identifiers, cancellationToken))
                    {
                        pending++;
                        continue;
                    }
                    findings.Add(new ReconciliationFinding(FindingKinds.MissingAtStripe, contracts.Count == 1 ? contracts[0] : null, buyer, unit, day, null, expected, held,
                        $"Stripe's meter holds less than was reported (reports {string.Join(' ', identifiers.Take(ReconciliationReport.MaxEventIds))}).", []));
                    if (!reporting.Reportable(day))
                    {
                        notes.Add(string.Create(CultureInfo.InvariantCulture, $"Stripe lost usage of {buyer}'s {unit} on {day:yyyy-MM-dd}, which is now too old to send again; the invoice bills it from the ledger."));
                        continue;
                    }
                    // Which contract's event was lost is not known at the processor (it sums per customer): resend in contract order.
                    var missing = expected - held;
                    foreach (var (contract, day1) in dayReports)
                    {
                        var units = Math.Min(missing, day1!.ReportedUnits);
                        if (units <= 0)
                        {
                            continue;
                        }
                        missing -= units;
                        repairs.Add(new RepairOffer(RepairKinds.Resend, contract, day, null, units, 0,
                            string.Create(CultureInfo.InvariantCulture, $"stripe:{held}:expected:{expected}"), "Send the lost units again under a new identifier."));
                    }
                }
                else
                {
                    findings.Add(new ReconciliationFinding(FindingKinds.ExtraAtStripe, contracts.Count == 1 ? contracts[0] : null, buyer, unit, day, null, expected, held,
                        "Stripe's meter holds more than was reported (an event counted twice). No automatic repair: invoices bill the ledger's usage, not the meter's.", []));
                }
            }
        }
        if (pending > 0)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture, $"{pending} buyer-days have meter events still waiting in the outbox: not counted as missing."));
        }
        return (total, matched);
    }

    private async Task<bool> AnyPendingAsync(IReadOnlyList<string> identifiers, CancellationToken cancellationToken)
    {
        foreach (var id in identifiers)
        {
            if (await outbox.GetAsync(id, cancellationToken) is { Status: OutboxStatus.Pending })
            {
                return true;
            }
        }
        return false;
    }

    private async Task<(long Invoiced, int Count, int Matched)> CompareInvoicesAsync(
        BillingPeriod period,
        LedgerDays days,
        Dictionary<string, ContractView> views,
        IReadOnlyList<InvoiceEntry> entries,
        Findings findings,
        List<RepairOffer> repairs,
        List<string> notes)
    {
        var periods = grains.Get<IBillingPeriodsGrain>(IBillingPeriodsGrain.Key);
        if (await periods.Get(period.Id) is not { Status: PeriodStatus.Closed })
        {
            notes.Add($"Billing period {period.Id} is not closed: invoices were not compared.");
            return (0, 0, 0);
        }
        var later = new List<BillingPeriod>();
        var next = period.Next();
        for (var i = 0; i < PeriodClosing.LateUsagePeriods; i++, next = next.Next())
        {
            later.Add(next);
        }
        var laterClosed = true;
        foreach (var p in later)
        {
            laterClosed &= await periods.Get(p.Id) is { Status: PeriodStatus.Closed };
        }
        var ownInvoices = entries.Where(e => e.Kind == nameof(InvoiceKind.Invoice)).Select(e => e.ContractId);
        var contracts = days.Contracts.Concat(ownInvoices).Distinct(StringComparer.Ordinal).ToList();
        long invoiced = 0;
        int count = 0, matched = 0, awaiting = 0;
        foreach (var contract in contracts)
        {
            if (!views.TryGetValue(contract, out var view))
            {
                continue;
            }
            var plan = view.Terms.Pricing;
            var unit = MeterEventMessages.UnitName(plan.Unit);
            var row = days.Row(contract);
            var ledgerUnits = row < 0 ? 0 : days.ContractUnits(row);
            var invoice = await grains.Get<IInvoiceGrain>(InvoiceIds.For(period.Id, contract)).Get();
            IReadOnlyList<Invoice> credits = invoice is null ? [] : await CreditNotesAsync(invoice.Id);
            long billed = (invoice?.UnitsBilledFor(period.Id) ?? 0) + credits.Sum(c => c.UnitsBilledFor(period.Id));
            foreach (var p in later)
            {
                if (await grains.Get<IInvoiceGrain>(InvoiceIds.For(p.Id, contract)).Get() is { } laterInvoice)
                {
                    billed = checked(billed + laterInvoice.UnitsBilledFor(period.Id));
                }
            }
            invoiced = checked(invoiced + billed);
            var quantityMatches = billed == ledgerUnits;
            if (billed > ledgerUnits || (billed < ledgerUnits && laterClosed))
            {
                findings.Add(new ReconciliationFinding(FindingKinds.InvoiceQuantity, contract, view.BuyerId, unit, null, invoice?.Id, ledgerUnits, billed,
                    billed > ledgerUnits ? "The invoices bill more units for the period than the ledger holds." : "The invoices bill fewer units for the period than the ledger holds.", []));
            }
            else if (billed < ledgerUnits)
            {
                awaiting++;
            }
            if (invoice is null)
            {
                continue;
            }
            count++;
            var before = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var usagePeriod in invoice.Lines.Where(l => l.Kind == InvoiceLineKind.Adjustment).Select(l => l.UsagePeriod).Distinct(StringComparer.Ordinal))
            {
                before[usagePeriod] = await BilledBefore(contract, usagePeriod, period);
            }
            var repriced = InvoiceRepricing.Reprice(invoice, plan, ledgerUnits, credits, before);
            if (repriced.OverBilledMinor != 0)
            {
                findings.Add(new ReconciliationFinding(FindingKinds.InvoiceAmount, contract, view.BuyerId, unit, null, invoice.Id, repriced.ExpectedNetMinor, repriced.ActualNetMinor,
                    repriced.OverBilledMinor > 0
                        ? "The invoice (with its credit notes) bills more, before tax, than its lines re-priced with the contract's terms."
                        : "The invoice bills less, before tax, than its lines re-priced with the contract's terms; no automatic repair (a further invoice is needed).", []));
                if (repriced.OverBilledMinor > 0)
                {
                    var sequence = credits.Count + 1;
                    repairs.Add(new RepairOffer(RepairKinds.CreditNote, contract, null, invoice.Id, repriced.QuantityOver, repriced.OverBilledMinor,
                        InvoiceIds.CreditNote(invoice.Id, sequence), "Issue a credit note for the over-billed amount (negative lines, with tax)."));
                }
            }
            else if (quantityMatches)
            {
                matched++;
            }
        }
        if (awaiting > 0)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture, $"{awaiting} contracts have late usage of {period.Id} that the next open period's invoice will bill as an adjustment."));
        }
        return (invoiced, count, matched);
    }

    /// <summary>The units invoices from <paramref name="usagePeriod"/> up to before <paramref name="period"/> billed for it (as the close priced adjustments).</summary>
    private async Task<long> BilledBefore(string contract, string usagePeriod, BillingPeriod period)
    {
        long billed = 0;
        for (var p = closing.Parse(usagePeriod); string.CompareOrdinal(p.Id, period.Id) < 0; p = p.Next())
        {
            if (await grains.Get<IInvoiceGrain>(InvoiceIds.For(p.Id, contract)).Get() is { } earlier)
            {
                billed = checked(billed + earlier.UnitsBilledFor(usagePeriod));
            }
        }
        return billed;
    }

    /// <summary>Credit notes issued against an invoice, in sequence (ids are consecutive).</summary>
    public async Task<IReadOnlyList<Invoice>> CreditNotesAsync(string invoiceId)
    {
        var notes = new List<Invoice>();
        for (var n = 1; n <= 100; n++)
        {
            if (await grains.Get<IInvoiceGrain>(InvoiceIds.CreditNote(invoiceId, n)).Get() is not { } note)
            {
                break;
            }
            notes.Add(note);
        }
        return notes;
    }

    private async Task<IReadOnlyList<InvoiceEntry>> InvoiceEntriesAsync(string period, CancellationToken cancellationToken)
    {
        var entries = new List<InvoiceEntry>();
        IndexPosition? after = null;
        do
        {
            var page = await invoices.ListAsync(new InvoiceQuery(Period: period), after, IndexLimits.MaxPageSize, cancellationToken);
            entries.AddRange(page.Items);
            after = page.Next;
        }
        while (after is not null);
        return entries;
    }

    private static Task ForEachAsync(IEnumerable<string> ids, Func<string, Task> body, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (id, _) => await body(id));

    /// <summary>Findings kept within the report's bounds, with a count of every finding per kind.</summary>
    private sealed class Findings
    {
        private readonly Dictionary<string, int> _counts = FindingKinds.All.ToDictionary(k => k, _ => 0, StringComparer.Ordinal);

        public List<ReconciliationFinding> Kept { get; } = [];

        public int Omitted { get; private set; }

        public void Add(ReconciliationFinding finding)
        {
            var count = _counts[finding.Kind]++;
            if (count < ReconciliationReport.MaxFindingsPerKind && Kept.Count < ReconciliationReport.MaxFindings)
            {
                Kept.Add(finding);
            }
            else
            {
                Omitted++;
            }
        }

        public IReadOnlyDictionary<string, int> Counts() => _counts.Where(c => c.Value > 0).ToDictionary(c => c.Key, c => c.Value, StringComparer.Ordinal);
    }
}
