using Marketplace.Application;
using Marketplace.Domain;
using Marketplace.Grains;
using Marketplace.Storage;

namespace Marketplace.Billing.Invoices;

/// <summary>
/// A provider's earnings of one period: what its invoices billed and how each total was split. For an information
/// bank, <see cref="DataSubjectsMinor"/> is what it owes its people for the period (paid out to it with its share).
/// </summary>
public sealed record ProviderStatement(
    string ProviderId,
    string ProviderName,
    string Period,
    string Currency,
    int Invoices,
    long BilledMinor,
    long ProviderShareMinor,
    long PlatformFeeMinor,
    long ConnectionFeeMinor,
    long PaidMinor,
    long PaidOutMinor,
    IReadOnlyList<StatementInvoice> Lines,
    long DataSubjectsMinor);

/// <summary>One invoice on a provider's statement.</summary>
/// <param name="PayoutTransferId">The transfer that paid the provider its share, once paid out.</param>
/// <param name="DataSubjectsShareMinor">What an information bank owes its people of this invoice (personal data; 0 otherwise).</param>
public sealed record StatementInvoice(
    string InvoiceId, string ContractId, string BuyerId, string Status, long TotalMinor, long ProviderShareMinor, string? PayoutTransferId, long DataSubjectsShareMinor);

/// <summary>
/// Who may see which invoices: the operator every one; a buyer those addressed to it; a provider those of its
/// contracts. Anyone else is told there is no such invoice, whether or not it exists.
/// </summary>
public sealed class InvoiceQueries(GrainReferences grains, IInvoiceIndex index, BillingCalendar calendar)
{
    /// <summary>Invoices a statement reads at most; a provider with more in one period reads the list instead.</summary>
    public const int MaxStatementInvoices = 2_000;

    public static InvoiceQuery ScopeFor(ApiPrincipal caller, string? period)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return caller.Role switch
        {
            PartyRole.Operator => new InvoiceQuery(Period: period),
            PartyRole.Buyer => new InvoiceQuery(Period: period, BuyerId: caller.PartyId),
            _ => new InvoiceQuery(Period: period, ProviderId: caller.PartyId),
        };
    }

    public static bool MaySee(ApiPrincipal caller, Invoice invoice)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(invoice);
        return caller.Role == PartyRole.Operator || caller.PartyId == invoice.Buyer.Id || caller.PartyId == invoice.Provider.Id;
    }

    public BillingPeriod ParsePeriod(string period) => BillingPeriod.Parse(period, calendar.Zone);

    public async Task<IndexPage<InvoiceEntry>> ListAsync(ApiPrincipal caller, string? period, IndexPosition? after, int pageSize, CancellationToken cancellationToken = default)
    {
        var id = period is null ? null : ParsePeriod(period).Id;
        return await index.ListAsync(ScopeFor(caller, id), after, pageSize, cancellationToken);
    }

    public async Task<Invoice> GetAsync(ApiPrincipal caller, string invoiceId)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var invoice = Identifiers.IsValidSlug(invoiceId) ? await grains.Get<IInvoiceGrain>(invoiceId).Get() : null;
        if (invoice is null || !MaySee(caller, invoice))
        {
            throw new DomainException(ErrorCodes.InvoiceNotFound, $"There is no invoice '{invoiceId}' for you. Invoice ids look like inv-2026-11-<contract id>.");
        }
        return invoice;
    }

    /// <summary>
    /// The statements of a period: a provider its own; the operator every provider's. Built from the invoices
    /// themselves (at most <see cref="MaxStatementInvoices"/> per call), so they always agree with them.
    /// </summary>
    public async Task<IReadOnlyList<ProviderStatement>> StatementsAsync(ApiPrincipal caller, string period, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (caller.Role == PartyRole.Buyer)
        {
            throw new DomainException(ErrorCodes.StatementsNotForBuyers, "Statements are for providers and the operator; buyers see their invoices.");
        }
        var billing = ParsePeriod(period);
        var entries = new List<InvoiceEntry>();
        IndexPosition? after = null;
        do
        {
            var page = await index.ListAsync(ScopeFor(caller, billing.Id), after, IndexLimits.MaxPageSize, cancellationToken);
            entries.AddRange(page.Items);
            after = page.Next;
        }
        while (after is not null && entries.Count < MaxStatementInvoices);

        var invoices = await Task.WhenAll(entries.Take(MaxStatementInvoices).Select(e => grains.Get<IInvoiceGrain>(e.InvoiceId).Get()));
        return [.. invoices.OfType<Invoice>()
            .GroupBy(i => (i.Provider.Id, i.Currency.Code))
            .OrderBy(g => g.Key.Id, StringComparer.Ordinal)
            .Select(g => Statement(g.Key.Id, g.Key.Code, billing.Id, [.. g]))];
    }

    private static ProviderStatement Statement(string providerId, string currency, string period, IReadOnlyList<Invoice> invoices)
    {
        long Share(Invoice i, ShareKind kind) => i.Shares.Where(s => s.Kind == kind).Sum(s => s.AmountMinor);
        return new ProviderStatement(
            providerId,
            invoices[0].Provider.Name,
            period,
            currency,
            invoices.Count,
            invoices.Sum(i => i.TotalMinor),
            invoices.Sum(i => Share(i, ShareKind.Provider)),
            invoices.Sum(i => Share(i, ShareKind.PlatformFee)),
            invoices.Sum(i => Share(i, ShareKind.ConnectionFee)),
            invoices.Where(i => i.Status == InvoiceStatus.Paid).Sum(i => i.TotalMinor),
            // The payout carries the people's share too: the bank pays them.
            invoices.Where(i => i.PayoutTransferId is not null).Sum(i => i.PayoutMinor),
            [.. invoices.OrderBy(i => i.IssuedAt).ThenBy(i => i.Id, StringComparer.Ordinal)
                .Select(i => new StatementInvoice(i.Id, i.ContractId, i.Buyer.Id, i.Status.ToString(), i.TotalMinor, Share(i, ShareKind.Provider), i.PayoutTransferId,
                    Share(i, ShareKind.DataSubjects)))],
            invoices.Sum(i => Share(i, ShareKind.DataSubjects)));
    }
}
