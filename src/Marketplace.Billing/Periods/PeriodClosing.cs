using System.Globalization;
using Marketplace.Application;
using Marketplace.Billing.Subjects;
using Marketplace.Domain;
using Marketplace.Grains;
using Marketplace.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Billing.Periods;

/// <summary>
/// Closes billing periods: for every contract with usage, a fee or late usage, computes its invoice with the
/// domain rules and issues it once (deterministic ids per contract and period). Closing again, or after a crash
/// halfway, issues nothing twice: an issued invoice is kept as it was, and each issue re-queues its payment work.
/// </summary>
public sealed partial class PeriodClosing(
    GrainReferences grains,
    IHoldingsIndex holdings,
    IUsageLedger ledger,
    IInvoiceIndex invoices,
    SubjectShareDistribution subjectShares,
    BillingCalendar calendar,
    Marketplace.Application.Telemetry.MarketplaceMetrics metrics,
    IOptions<BillingOptions> options,
    ILogger<PeriodClosing> logger)
{
    /// <summary>How many periods back late usage can still arrive for: usage may be up to 35 days old.</summary>
    public const int LateUsagePeriods = 2;

    private BillingOptions Options => options.Value;

    /// <summary>When a period may be closed: its end plus the grace window.</summary>
    public DateTimeOffset ClosableFrom(BillingPeriod period)
    {
        ArgumentNullException.ThrowIfNull(period);
        return period.End + Options.GraceWindow;
    }

    public BillingPeriod Parse(string period) => BillingPeriod.Parse(period, calendar.Zone);

    /// <summary>Every period that began closing, newest first.</summary>
    public Task<IReadOnlyList<PeriodClose>> ListAsync() => grains.Get<IBillingPeriodsGrain>(IBillingPeriodsGrain.Key).List();

    /// <summary>Closes one period by hand (the operator). Refused before its end plus the grace window, and out of order.</summary>
    public async Task<PeriodClose> CloseAsync(string period, string closedBy, CancellationToken cancellationToken = default)
    {
        var billing = Parse(period);
        var from = ClosableFrom(billing);
        if (calendar.Now < from)
        {
            var local = TimeZoneInfo.ConvertTime(from, calendar.Zone);
            throw new DomainException(ErrorCodes.PeriodNotEnded,
                $"Billing period {billing.Id} can be closed from {local.ToString("yyyy-MM-dd HH:mm zzz", CultureInfo.InvariantCulture)} ({calendar.Zone.Id}): its end plus the {Options.GraceWindow.TotalMinutes:0}-minute grace window for late usage.");
        }
        return await CloseEndedAsync(billing, closedBy, cancellationToken);
    }

    /// <summary>The recurring job: closes, in order, every period whose end plus grace has passed since the last close.</summary>
    public async Task<IReadOnlyList<PeriodClose>> CloseDueAsync(CancellationToken cancellationToken = default)
    {
        var latestDue = Previous(BillingPeriod.Containing(calendar.Now - Options.GraceWindow, calendar.Zone));
        var closed = await grains.Get<IBillingPeriodsGrain>(IBillingPeriodsGrain.Key).List();
        var last = closed.Where(p => p.Status == PeriodStatus.Closed).Select(p => p.Period).DefaultIfEmpty().Max(StringComparer.Ordinal);
        var unfinished = closed.Where(p => p.Status == PeriodStatus.Closing).Select(p => p.Period).DefaultIfEmpty().Min(StringComparer.Ordinal);
        // Begin after the last closed period (or at an unfinished close); with none, billing begins with the latest due.
        var next = unfinished is not null ? Parse(unfinished) : last is null ? latestDue : Parse(last).Next();
        var results = new List<PeriodClose>();
        while (string.CompareOrdinal(next.Id, latestDue.Id) <= 0)
        {
            results.Add(await CloseEndedAsync(next, "schedule", cancellationToken));
            next = next.Next();
        }
        return results;
    }

    private async Task<PeriodClose> CloseEndedAsync(BillingPeriod period, string closedBy, CancellationToken cancellationToken)
    {
        var periods = grains.Get<IBillingPeriodsGrain>(IBillingPeriodsGrain.Key);
        var begun = await periods.BeginClose(period.Id, Previous(period).Id, closedBy);
        if (begun.Status == PeriodStatus.Closed)
        {
            return begun;
        }
        using var timing = metrics.MeasureJob(Marketplace.Application.Telemetry.MarketplaceMetrics.PeriodCloseJob);
        LogClosing(logger, period.Id);
        var issued = new List<Invoice>();
        var contracts = 0;
        IndexPosition? after = null;
        do
        {
            var page = await holdings.ListContractsAsync(new ContractQuery(), after, IndexLimits.MaxPageSize, cancellationToken);
            contracts += page.Items.Count;
            var results = new Invoice?[page.Items.Count];
            await Parallel.ForEachAsync(Enumerable.Range(0, page.Items.Count),
                new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Options.CloseParallelism), CancellationToken = cancellationToken },
                async (i, _) => results[i] = await IssueAsync(page.Items[i], period));
            issued.AddRange(results.OfType<Invoice>());
            after = page.Next;
        }
        while (after is not null);

        var currencies = issued.Select(i => i.Currency.Code).Distinct().ToList();
        long total = 0;
        foreach (var invoice in issued)
        {
            total = checked(total + invoice.TotalMinor);
        }
        var summary = new PeriodClose(period.Id, PeriodStatus.Closed, begun.StartedAt, null, begun.ClosedBy, issued.Count,
            currencies.Count == 1 ? total : 0, currencies.Count == 1 ? currencies[0] : null, contracts);
        var closed = await periods.CompleteClose(summary);
        timing.Done();
        LogClosed(logger, period.Id, issued.Count, contracts);
        return closed;
    }

    /// <summary>The contract's invoice for the period: the one issued already, a new one, or null when there is nothing to bill.</summary>
    private async Task<Invoice?> IssueAsync(ContractEntry entry, BillingPeriod period)
    {
        if (entry.Status is nameof(ContractStatus.Requested) or nameof(ContractStatus.Rejected))
        {
            return null;
        }
        var invoiceGrain = grains.Get<IInvoiceGrain>(InvoiceIds.For(period.Id, entry.ContractId));
        if (await invoiceGrain.Get() is { } existing)
        {
            // Issued by an earlier attempt: issuing it again only completes its index entry, payment work and people's parts.
            var again = await invoiceGrain.Issue(existing);
            await subjectShares.RecordAsync(again);
            return again;
        }
        var contract = await grains.Get<IContractGrain>(entry.ContractId).Get();
        if (contract?.ActivatedAt is null)
        {
            return null;
        }
        // The ledger, not a meter's memory, is the source of truth for what was used.
        var units = (await ledger.GetTotalsAsync(contract.Id, period.Id)).Units;
        var late = await LateUsageAsync(contract.Id, period);
        var buyer = await ProfileAsync(contract.BuyerId);
        var provider = await ProfileAsync(contract.Terms.ProviderId);
        // On personal data the people whose records were served share in the invoice; with nobody on record the
        // invoice carries no people's share, and the provider (the bank) keeps what it would have been.
        var served = contract.Terms.DatasetClass == DatasetClass.Personal ? await subjectShares.ServedAsync(contract.Id, period.Id) : [];
        var subjectShare = DataSubjectShare.AnyoneServed(served) ? Options.DataSubjectShareBasisPoints : 0;
        var basis = new InvoiceBasis(
            contract.Terms.Pricing,
            period.Id,
            units,
            ContractActivity.ActiveDuring(contract.History.Select(h => (h.At, h.To)), period.Start, period.End),
            late,
            buyer?.Billing?.ServiceApp == true,
            new BillingRates(Options.TaxRateBasisPoints, Options.PlatformFeeFor(contract.Terms.DatasetClass), Options.ConnectionFeeMinor, subjectShare),
            contract.Terms.ProviderId,
            MarketplaceShare);
        var computed = InvoiceCalculation.Compute(basis);
        if (computed.IsEmpty)
        {
            return null;
        }
        var offering = await grains.Get<IOfferingGrain>(contract.Terms.OfferingId).Get();
        var issuerRegistration = Options.NormalisedIssuerRegistration();
        var providerRegistration = provider?.Billing?.InvoiceRegistration;
        var invoice = new Invoice(
            InvoiceIds.For(period.Id, contract.Id),
            InvoiceKind.Invoice,
            period.Id,
            contract.Id,
            contract.Terms.OfferingId,
            offering?.Definition.Title ?? contract.Terms.OfferingId,
            contract.Terms.Pricing.Currency,
            calendar.Now,
            new InvoiceParty(contract.BuyerId, buyer?.Name ?? contract.BuyerId, buyer?.Billing?.InvoiceRegistration),
            new InvoiceParty(contract.Terms.ProviderId, provider?.Name ?? contract.Terms.ProviderId, providerRegistration),
            new InvoiceParty(MarketplaceShare, Options.IssuerName, issuerRegistration),
            issuerRegistration is not null && providerRegistration is not null,
            computed.Lines,
            computed.Taxes,
            computed.NetMinor,
            computed.TaxMinor,
            computed.TotalMinor,
            computed.Shares,
            basis.Rates.PlatformFeeBasisPoints,
            DataSubjectShareBasisPoints: subjectShare);
        var issued = await invoiceGrain.Issue(invoice);
        // After the invoice is stored: its share is what is divided, whichever attempt issued it.
        await subjectShares.RecordAsync(issued, served);
        return issued;
    }

    /// <summary>
    /// Usage of the periods before <paramref name="period"/> that can still grow, with what their invoices (and the
    /// adjustments on later ones) billed so far. Reads the invoices themselves, so it holds after any crash.
    /// </summary>
    private async Task<IReadOnlyList<LateUsage>> LateUsageAsync(string contractId, BillingPeriod period)
    {
        var earlier = new List<BillingPeriod>();
        for (var p = Previous(period); earlier.Count < LateUsagePeriods; p = Previous(p))
        {
            earlier.Add(p);
        }
        var units = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var q in earlier)
        {
            units[q.Id] = (await ledger.GetTotalsAsync(contractId, q.Id)).Units;
        }
        if (units.Values.All(u => u == 0))
        {
            return [];
        }
        // Everything the contract's invoices, adjustments and credit notes of those periods billed for each of them
        // (a credit note carries the period of the invoice it corrects and the units it takes back).
        var oldest = earlier[^1].Id;
        var documents = new List<Invoice>();
        IndexPosition? after = null;
        do
        {
            var page = await invoices.ListAsync(new InvoiceQuery(ContractId: contractId), after, IndexLimits.MaxPageSize);
            foreach (var entry in page.Items.Where(e => string.CompareOrdinal(e.Period, oldest) >= 0 && string.CompareOrdinal(e.Period, period.Id) < 0))
            {
                if (await grains.Get<IInvoiceGrain>(entry.InvoiceId).Get() is { } document)
                {
                    documents.Add(document);
                }
            }
            after = page.Next;
        }
        while (after is not null);

        var late = new List<LateUsage>();
        foreach (var q in earlier.Where(q => units[q.Id] > 0))
        {
            long billed = 0;
            foreach (var document in documents)
            {
                billed = checked(billed + document.UnitsBilledFor(q.Id));
            }
            late.Add(new LateUsage(q.Id, billed, units[q.Id]));
        }
        return late;
    }

    private async Task<PartyProfile?> ProfileAsync(string partyId) => await grains.Get<IPartyGrain>(partyId).GetProfile();

    /// <summary>The party id the marketplace's own shares (platform and connection fees) are booked to.</summary>
    public const string MarketplaceShare = "marketplace";

    public BillingPeriod Previous(BillingPeriod period)
    {
        ArgumentNullException.ThrowIfNull(period);
        return BillingPeriod.Containing(period.Start.AddTicks(-1), calendar.Zone);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Closing billing period {Period}")]
    private static partial void LogClosing(ILogger logger, string period);

    [LoggerMessage(Level = LogLevel.Information, Message = "Closed billing period {Period}: {Invoices} invoices for {Contracts} contracts")]
    private static partial void LogClosed(ILogger logger, string period, int invoices, int contracts);
}
