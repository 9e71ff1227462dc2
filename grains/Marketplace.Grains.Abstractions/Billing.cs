using Marketplace.Domain;

namespace Marketplace.Grains;

/// <summary>Where an invoice stands with the buyer. Moves only forward: a late or repeated notice never undoes a later one.</summary>
[GenerateSerializer, Alias("Marketplace.InvoiceStatus")]
public enum InvoiceStatus
{
    /// <summary>Computed and stored by the marketplace; not yet confirmed by the payment processor.</summary>
    Issued,

    /// <summary>Finalised at the payment processor and sent to the buyer.</summary>
    Finalized,

    /// <summary>A payment attempt failed; the buyer is asked to pay again.</summary>
    PaymentFailed,

    /// <summary>Paid. Final.</summary>
    Paid,
}

[GenerateSerializer, Alias("Marketplace.InvoiceKind")]
public enum InvoiceKind
{
    Invoice,

    /// <summary>A credit against an earlier invoice (over-billing found by reconciliation); amounts are negative.</summary>
    CreditNote,
}

/// <summary>A party as an invoice names it, with its qualified-invoice registration number when it has one.</summary>
[GenerateSerializer, Immutable, Alias("Marketplace.InvoiceParty")]
public sealed record InvoiceParty(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string? Registration);

/// <summary>
/// An invoice (or credit note) of one contract for one billing period, issued by the marketplace on the provider's
/// behalf. <see cref="Qualified"/> when it is a qualified invoice (適格請求書) under the intermediary rule: both the
/// marketplace and the provider are registered issuers. Amounts in minor units of <see cref="Currency"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("Marketplace.Invoice")]
public sealed record Invoice(
    [property: Id(0)] string Id,
    [property: Id(1)] InvoiceKind Kind,
    [property: Id(2)] string Period,
    [property: Id(3)] string ContractId,
    [property: Id(4)] string OfferingId,
    [property: Id(5)] string OfferingTitle,
    [property: Id(6)] Currency Currency,
    [property: Id(7)] DateTimeOffset IssuedAt,
    [property: Id(8)] InvoiceParty Buyer,
    [property: Id(9)] InvoiceParty Provider,
    [property: Id(10)] InvoiceParty Issuer,
    [property: Id(11)] bool Qualified,
    [property: Id(12)] IReadOnlyList<InvoiceLine> Lines,
    [property: Id(13)] IReadOnlyList<TaxTotal> Taxes,
    [property: Id(14)] long NetMinor,
    [property: Id(15)] long TaxMinor,
    [property: Id(16)] long TotalMinor,
    [property: Id(17)] IReadOnlyList<RevenueShare> Shares,
    [property: Id(18)] int PlatformFeeBasisPoints,
    [property: Id(19)] InvoiceStatus Status = InvoiceStatus.Issued,
    [property: Id(20)] DateTimeOffset? StatusAt = null,
    [property: Id(21)] string? PaymentInvoiceId = null,
    [property: Id(22)] string? CreditsInvoiceId = null,
    [property: Id(23)] string? PaymentChargeId = null,
    [property: Id(24)] string? PayoutTransferId = null,
    [property: Id(25)] int DataSubjectShareBasisPoints = 0)
{
    /// <summary>Why the invoice is or is not a qualified invoice: the one rule the API's note and the pages' words follow.</summary>
    public QualifiedInvoiceStanding Standing =>
        Qualified ? QualifiedInvoiceStanding.Qualified
        : Issuer.Registration is null ? QualifiedInvoiceStanding.IssuerNotRegistered
        : QualifiedInvoiceStanding.ProviderNotRegistered;

    /// <summary>The provider's share of the total (what its payout transfers).</summary>
    public long ProviderShareMinor => Shares.Where(s => s.Kind == ShareKind.Provider && s.PartyId == Provider.Id).Sum(s => s.AmountMinor);

    /// <summary>The share of the people whose records were served (personal data), booked to the provider, the information bank that pays them.</summary>
    public long DataSubjectsShareMinor => Shares.Where(s => s.Kind == ShareKind.DataSubjects && s.PartyId == Provider.Id).Sum(s => s.AmountMinor);

    /// <summary>What the provider's payout transfers: its own share and, for an information bank, its people's share, which it pays them.</summary>
    public long PayoutMinor => checked(ProviderShareMinor + DataSubjectsShareMinor);

    /// <summary>The contract's units this document bills for <paramref name="period"/> (its own period's usage or an adjustment).</summary>
    public long UnitsBilledFor(string period) =>
        Lines.Where(l => l.UsagePeriod == period && l.Kind is InvoiceLineKind.Usage or InvoiceLineKind.FlatFee or InvoiceLineKind.Adjustment)
            .Sum(l => l.Quantity);
}

/// <summary>Whether an invoice is a qualified invoice (適格請求書) and, if not, whose registration is missing.</summary>
[GenerateSerializer, Alias("Marketplace.QualifiedInvoiceStanding")]
public enum QualifiedInvoiceStanding
{
    /// <summary>Issued by the registered marketplace on behalf of a registered provider (the intermediary rule).</summary>
    Qualified,

    /// <summary>The marketplace operator is not a registered issuer, so no invoice it issues is qualified.</summary>
    IssuerNotRegistered,

    /// <summary>The provider is not a registered issuer: no input tax credit can be claimed on its invoices.</summary>
    ProviderNotRegistered,
}

/// <summary>What the payment processor reported about an invoice (a webhook or the sweeper's own answer).</summary>
[GenerateSerializer, Immutable, Alias("Marketplace.PaymentNotice")]
public sealed record PaymentNotice(
    [property: Id(0)] InvoiceStatus Status,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string PaymentInvoiceId,
    [property: Id(3)] string? ChargeId = null);

/// <summary>An invoice or credit note (key: its id, <see cref="InvoiceIds"/>). Issued once; its payment status moves forward only.</summary>
[Alias("Marketplace.IInvoiceGrain")]
public interface IInvoiceGrain : IGrainWithStringKey
{
    /// <summary>
    /// Stores the invoice if none is stored yet and returns what is stored: the first issue wins, so closing a
    /// period again never changes an invoice. Every call writes its index entry and its payment outbox item again
    /// (both idempotent), which completes an issue that a crash interrupted.
    /// </summary>
    [Alias("Issue")]
    Task<Invoice> Issue(Invoice invoice);

    [Alias("Get"), Orleans.Concurrency.ReadOnly]
    Task<Invoice?> Get();

    /// <summary>Records a payment notice if it moves the invoice forward; a repeated or older one changes nothing.</summary>
    [Alias("RecordPayment")]
    Task<Invoice> RecordPayment(PaymentNotice notice);

    /// <summary>Records the transfer that paid the provider its share; the first recorded stays.</summary>
    [Alias("RecordPayout")]
    Task<Invoice> RecordPayout(string transferId);
}

public static class InvoiceIds
{
    /// <summary>The invoice of a contract for a period: one id per pair, so a repeated close finds the same invoice.</summary>
    public static string For(string period, string contractId) => $"inv-{period}-{contractId}";

    /// <summary>The <paramref name="sequence"/>th credit note against an invoice.</summary>
    public static string CreditNote(string invoiceId, int sequence) => $"{invoiceId}-cn{sequence}";
}

[GenerateSerializer, Alias("Marketplace.PeriodStatus")]
public enum PeriodStatus
{
    Open,

    /// <summary>Being closed: invoices are being issued. A close that stopped here is completed by closing again.</summary>
    Closing,

    Closed,
}

/// <summary>A billing period's close: who closed it and what it issued.</summary>
[GenerateSerializer, Immutable, Alias("Marketplace.PeriodClose")]
public sealed record PeriodClose(
    [property: Id(0)] string Period,
    [property: Id(1)] PeriodStatus Status,
    [property: Id(2)] DateTimeOffset? StartedAt,
    [property: Id(3)] DateTimeOffset? ClosedAt,
    [property: Id(4)] string? ClosedBy,
    [property: Id(5)] int Invoices,
    [property: Id(6)] long TotalMinor,
    [property: Id(7)] string? Currency,
    [property: Id(8)] int Contracts);

/// <summary>
/// The marketplace's billing periods (key: <see cref="Key"/>): which are closed, in order. Periods close one
/// after another, so late usage always has an invoiced period to adjust.
/// </summary>
[Alias("Marketplace.IBillingPeriodsGrain")]
public interface IBillingPeriodsGrain : IGrainWithStringKey
{
    public const string Key = "marketplace";

    /// <summary>
    /// Marks the period as closing, or answers its state when it is closing or closed already. Refused when an
    /// earlier period that ended after the first close is still open (it must close first).
    /// </summary>
    [Alias("BeginClose")]
    Task<PeriodClose> BeginClose(string period, string previousPeriod, string closedBy);

    [Alias("CompleteClose")]
    Task<PeriodClose> CompleteClose(PeriodClose summary);

    [Alias("Get"), Orleans.Concurrency.ReadOnly]
    Task<PeriodClose?> Get(string period);

    /// <summary>Every period that has begun closing, newest first.</summary>
    [Alias("List"), Orleans.Concurrency.ReadOnly]
    Task<IReadOnlyList<PeriodClose>> List();
}

/// <summary>
/// The payment processor's id for one of our things (key: <see cref="PaymentLinkKeys"/>, e.g. a buyer's customer):
/// stored once it exists so that it is found again after the processor forgets its idempotency keys (24 hours).
/// </summary>
[Alias("Marketplace.IPaymentLinkGrain")]
public interface IPaymentLinkGrain : IGrainWithStringKey
{
    [Alias("Get"), Orleans.Concurrency.ReadOnly]
    Task<string?> Get();

    /// <summary>Stores the id if none is stored; answers the stored one (the first wins).</summary>
    [Alias("Set")]
    Task<string> Set(string paymentId);
}

public static class PaymentLinkKeys
{
    public static string Customer(string buyerId) => $"customer-{buyerId}";

    public static string Product(string offeringId) => $"product-{offeringId}";

    public static string Meter(string unit) => $"meter-{unit}";
}

/// <summary>The outbox items that carry invoices and credit notes to the payment processor.</summary>
public static class PaymentOutbox
{
    public const string InvoiceMessage = "payment.invoice";

    public const string CreditNoteMessage = "payment.credit-note";

    public const string PayoutMessage = "payment.transfer";

    public static string PayoutIdFor(string invoiceId) => $"payout:{invoiceId}";

    public static string IdFor(Invoice invoice)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        return $"payment:{invoice.Id}";
    }

    public static string KindFor(Invoice invoice)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        return invoice.Kind == InvoiceKind.CreditNote ? CreditNoteMessage : InvoiceMessage;
    }
}
