using Marketplace.Billing.Invoices;
using Marketplace.Domain;
using Marketplace.Grains;
using Marketplace.Storage;

namespace Marketplace.Host.Features.Billing;

public sealed record PeriodCloseResponse(
    string Period,
    string Status,
    DateTimeOffset? StartedAt,
    DateTimeOffset? ClosedAt,
    string? ClosedBy,
    int Contracts,
    int Invoices,
    long TotalMinor,
    string? Currency);

/// <summary>The billing periods: the current one, when the last ended one can close, and every one that began closing.</summary>
public sealed record PeriodListResponse(string Current, string LatestClosable, DateTimeOffset LatestClosableFrom, IReadOnlyList<PeriodCloseResponse> Items);

public sealed record InvoiceEntryResponse(
    string Id, string Kind, string Period, string ContractId, string BuyerId, string ProviderId, string Status, long TotalMinor, string Currency, DateTimeOffset IssuedAt);

public sealed record InvoiceListResponse(string? Period, IReadOnlyList<InvoiceEntryResponse> Items, string? Next);

public sealed record InvoicePartyResponse(string Id, string Name, string? Registration);

public sealed record InvoiceLineResponse(
    int Number, string Kind, string UsagePeriod, long Quantity, long BillableQuantity, string Unit, long AmountMinor, int TaxRateBasisPoints);

public sealed record TaxTotalResponse(int RateBasisPoints, string Rate, long NetMinor, long TaxMinor);

public sealed record RevenueShareResponse(string Kind, string PartyId, long AmountMinor);

/// <param name="Qualified">
/// True when this is a qualified invoice (適格請求書) issued by the marketplace under the intermediary rule; false
/// when the provider is not a registered issuer, which <paramref name="QualifiedNote"/> then says.
/// </param>
public sealed record InvoiceResponse(
    string Id,
    string Kind,
    string Period,
    string ContractId,
    string OfferingId,
    string OfferingTitle,
    string Currency,
    DateTimeOffset IssuedAt,
    InvoicePartyResponse Buyer,
    InvoicePartyResponse Provider,
    InvoicePartyResponse Issuer,
    bool Qualified,
    string QualifiedNote,
    IReadOnlyList<InvoiceLineResponse> Lines,
    IReadOnlyList<TaxTotalResponse> Taxes,
    long NetMinor,
    long TaxMinor,
    long TotalMinor,
    IReadOnlyList<RevenueShareResponse> Shares,
    int PlatformFeeBasisPoints,
    string Status,
    DateTimeOffset? StatusAt,
    string? PaymentInvoiceId,
    string? CreditsInvoiceId,
    int DataSubjectShareBasisPoints);

public sealed record StatementListResponse(string Period, IReadOnlyList<ProviderStatement> Items);

/// <summary>A change to a party's billing profile; a field left out stays as it is, an empty string clears it.</summary>
public sealed record PartyBillingRequest(string? InvoiceRegistration, bool? ServiceApp, string? PayoutAccount);

public sealed record PartyBillingResponse(string PartyId, string? InvoiceRegistration, bool ServiceApp, string? PayoutAccount);

public static class BillingWire
{
    public static PeriodCloseResponse ToResponse(this PeriodClose p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return new(p.Period, Wire.Name(p.Status), p.StartedAt, p.ClosedAt, p.ClosedBy, p.Contracts, p.Invoices, p.TotalMinor, p.Currency);
    }

    public static InvoiceEntryResponse ToResponse(this InvoiceEntry e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new(e.InvoiceId, Wire.Name(Enum.Parse<InvoiceKind>(e.Kind)), e.Period, e.ContractId, e.BuyerId, e.ProviderId,
            Wire.Name(Enum.Parse<InvoiceStatus>(e.Status)), e.TotalMinor, e.Currency, e.IssuedAt);
    }

    public static string QualifiedNote(Invoice invoice)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        return invoice.Standing switch
        {
            QualifiedInvoiceStanding.Qualified =>
                $"Qualified invoice issued by {invoice.Issuer.Name} ({invoice.Issuer.Registration}) on behalf of {invoice.Provider.Name} ({invoice.Provider.Registration}) under the intermediary rule.",
            QualifiedInvoiceStanding.IssuerNotRegistered => "Not a qualified invoice: the marketplace operator is not a registered issuer.",
            _ => $"Not a qualified invoice: {invoice.Provider.Name} is not a registered issuer, so no input tax credit can be claimed on it.",
        };
    }

    public static InvoiceResponse ToResponse(this Invoice i)
    {
        ArgumentNullException.ThrowIfNull(i);
        static InvoicePartyResponse Party(InvoiceParty p) => new(p.Id, p.Name, p.Registration);
        return new InvoiceResponse(i.Id, Wire.Name(i.Kind), i.Period, i.ContractId, i.OfferingId, i.OfferingTitle, i.Currency.Code, i.IssuedAt,
            Party(i.Buyer), Party(i.Provider), Party(i.Issuer), i.Qualified, QualifiedNote(i),
            [.. i.Lines.Select(l => new InvoiceLineResponse(l.Number, Wire.Name(l.Kind), l.UsagePeriod, l.Quantity, l.BillableQuantity,
                WireNames.Of(l.Unit), l.AmountMinor, l.TaxRateBasisPoints))],
            [.. i.Taxes.Select(t => new TaxTotalResponse(t.RateBasisPoints, RatePercent(t.RateBasisPoints), t.NetMinor, t.TaxMinor))],
            i.NetMinor, i.TaxMinor, i.TotalMinor,
            [.. i.Shares.Select(s => new RevenueShareResponse(Wire.Name(s.Kind), s.PartyId, s.AmountMinor))],
            i.PlatformFeeBasisPoints, Wire.Name(i.Status), i.StatusAt, i.PaymentInvoiceId, i.CreditsInvoiceId, i.DataSubjectShareBasisPoints);
    }

    public static string RatePercent(int basisPoints) =>
        basisPoints % 100 == 0
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{basisPoints / 100}%")
            : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{basisPoints / 100m:0.##}%");

    public static PartyBillingResponse ToBillingResponse(this PartyProfile p)
    {
        ArgumentNullException.ThrowIfNull(p);
        var b = p.Billing ?? PartyBilling.None;
        return new(p.Id, b.InvoiceRegistration, b.ServiceApp, b.PayoutAccount);
    }
}
