using Marketplace.Application;
using Marketplace.Billing.Periods;
using Marketplace.Billing.Subjects;
using Marketplace.Billing.Usage;
using Marketplace.Domain;
using Marketplace.Grains;

namespace Marketplace.Billing.Reconciliation;

/// <summary>What one repair did: <see cref="Applied"/> false when an earlier application had done it already.</summary>
public sealed record RepairOutcome(string Kind, string? ContractId, DateOnly? Day, string? InvoiceId, bool Applied, string Detail);

/// <summary>
/// Applies the repairs a reconciliation report offers. Each is idempotent by what it records, so applying a
/// report's repairs twice (or two reports' repairs of one finding) has one effect: a report of unreported usage
/// advances the day to the ledger's units it saw, a resend is recorded once per (day, what Stripe held), and a
/// credit note has the id of the invoice's next credit note when the report was made.
/// </summary>
public sealed class ReconciliationRepairs(GrainReferences grains, UsageReporting reporting, SubjectShareDistribution subjectShares, BillingCalendar calendar)
{
    public async Task<IReadOnlyList<RepairOutcome>> ApplyAsync(ReconciliationReport report, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        var outcomes = new List<RepairOutcome>();
        foreach (var offer in report.Repairs)
        {
            outcomes.Add(offer.Kind switch
            {
                RepairKinds.ReportUsage => await ReportUsageAsync(offer, cancellationToken),
                RepairKinds.Resend => await ResendAsync(offer, cancellationToken),
                RepairKinds.CreditNote => await CreditAsync(offer),
                _ => new RepairOutcome(offer.Kind, offer.ContractId, offer.Day, offer.InvoiceId, false, "Unknown repair; nothing done."),
            });
        }
        return outcomes;
    }

    private async Task<RepairOutcome> ReportUsageAsync(RepairOffer offer, CancellationToken cancellationToken)
    {
        var (contract, day) = await TargetAsync(offer);
        var ledgerUnits = long.Parse(offer.Basis.AsSpan("ledger:".Length), System.Globalization.CultureInfo.InvariantCulture);
        var sent = await reporting.ReportDayAsync(contract, day, ledgerUnits, cancellationToken);
        return new RepairOutcome(offer.Kind, offer.ContractId, day, null, sent.Count > 0,
            sent.Count > 0 ? $"Reported as {string.Join(' ', sent.Select(r => r.Identifier))}." : "Already reported.");
    }

    private async Task<RepairOutcome> ResendAsync(RepairOffer offer, CancellationToken cancellationToken)
    {
        var (contract, day) = await TargetAsync(offer);
        var recorded = await grains.Get<IMeterReportGrain>(contract.Id).Resend(day, offer.Units, offer.Basis);
        var sent = await reporting.EnqueueAsync(contract, recorded, cancellationToken);
        return new RepairOutcome(offer.Kind, offer.ContractId, day, null, sent.Count > 0,
            sent.Count > 0 ? $"Resent as {string.Join(' ', sent.Select(r => r.Identifier))}." : "Already resent.");
    }

    private async Task<RepairOutcome> CreditAsync(RepairOffer offer)
    {
        var noteId = offer.Basis;
        var note = grains.Get<IInvoiceGrain>(noteId);
        if (await note.Get() is { } existing)
        {
            // Its people's parts were written after it was issued; writing them again completes an interrupted repair.
            await subjectShares.RecordAsync(existing);
            return new RepairOutcome(offer.Kind, offer.ContractId, null, offer.InvoiceId, false, $"Credit note {noteId} was issued already.");
        }
        var invoice = await grains.Get<IInvoiceGrain>(offer.InvoiceId ?? "").Get()
            ?? throw new DomainException(ErrorCodes.InvoiceNotFound, $"There is no invoice '{offer.InvoiceId}'.");
        var contract = await grains.Get<IContractGrain>(invoice.ContractId).Get()
            ?? throw new DomainException(ErrorCodes.ContractNotFound, $"There is no contract '{invoice.ContractId}'.");
        var plan = contract.Terms.Pricing;
        var sequence = int.Parse(noteId.AsSpan(noteId.LastIndexOf("-cn", StringComparison.Ordinal) + 3), System.Globalization.CultureInfo.InvariantCulture);
        var repriced = new RepricedInvoice(0, offer.AmountMinor, offer.Units, plan.Kind == PlanKind.Flat ? InvoiceLineKind.FlatFee : InvoiceLineKind.Usage,
            invoice.Lines.Count > 0 ? invoice.Lines[0].TaxRateBasisPoints : ConsumptionTax.StandardRateBasisPoints);
        var issued = await note.Issue(InvoiceRepricing.CreditNote(invoice, repriced, plan, sequence, calendar.Now, PeriodClosing.MarketplaceShare));
        await subjectShares.RecordAsync(issued);
        return new RepairOutcome(offer.Kind, offer.ContractId, null, offer.InvoiceId, true,
            string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Issued credit note {issued.Id} for {issued.TotalMinor} {issued.Currency.Code} (tax included)."));
    }

    private async Task<(ContractView Contract, DateOnly Day)> TargetAsync(RepairOffer offer)
    {
        var contract = await grains.Get<IContractGrain>(offer.ContractId ?? "").Get()
            ?? throw new DomainException(ErrorCodes.ContractNotFound, $"There is no contract '{offer.ContractId}'.");
        return (contract, offer.Day ?? throw new DomainException(ErrorCodes.ReconciliationNotFound, "The repair names no day."));
    }
}
