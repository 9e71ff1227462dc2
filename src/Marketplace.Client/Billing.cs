namespace Marketplace.Client;

/// <summary>How a party is invoiced and paid; a field left null stays as it is, an empty string clears it.</summary>
public sealed record PartyBillingRequest(string? InvoiceRegistration = null, bool? ServiceApp = null, string? PayoutAccount = null);

public sealed record PartyBilling(string PartyId, string? InvoiceRegistration, bool ServiceApp, string? PayoutAccount);

public sealed record PeriodClose(
    string Period, string Status, DateTimeOffset? StartedAt, DateTimeOffset? ClosedAt, string? ClosedBy, int Contracts, int Invoices, long TotalMinor, string? Currency);

public sealed record PeriodList(string Current, string LatestClosable, DateTimeOffset LatestClosableFrom, IReadOnlyList<PeriodClose> Items);

public sealed record InvoiceEntry(
    string Id, string Kind, string Period, string ContractId, string BuyerId, string ProviderId, string Status, long TotalMinor, string Currency, DateTimeOffset IssuedAt);

public sealed record InvoiceList(string? Period, IReadOnlyList<InvoiceEntry> Items, string? Next);

public sealed record InvoiceParty(string Id, string Name, string? Registration);

public sealed record InvoiceLine(int Number, string Kind, string UsagePeriod, long Quantity, long BillableQuantity, string Unit, long AmountMinor, int TaxRateBasisPoints);

public sealed record TaxTotal(int RateBasisPoints, string Rate, long NetMinor, long TaxMinor);

public sealed record RevenueShare(string Kind, string PartyId, long AmountMinor);

/// <summary>An invoice or credit note; <see cref="Qualified"/> says whether it is a qualified invoice (適格請求書), and the note why.</summary>
public sealed record Invoice(
    string Id,
    string Kind,
    string Period,
    string ContractId,
    string OfferingId,
    string OfferingTitle,
    string Currency,
    DateTimeOffset IssuedAt,
    InvoiceParty Buyer,
    InvoiceParty Provider,
    InvoiceParty Issuer,
    bool Qualified,
    string QualifiedNote,
    IReadOnlyList<InvoiceLine> Lines,
    IReadOnlyList<TaxTotal> Taxes,
    long NetMinor,
    long TaxMinor,
    long TotalMinor,
    IReadOnlyList<RevenueShare> Shares,
    int PlatformFeeBasisPoints,
    string Status,
    DateTimeOffset? StatusAt,
    string? PaymentInvoiceId,
    string? CreditsInvoiceId,
    int DataSubjectShareBasisPoints = 0);

public sealed record StatementInvoice(
    string InvoiceId, string ContractId, string BuyerId, string Status, long TotalMinor, long ProviderShareMinor, string? PayoutTransferId, long DataSubjectsShareMinor = 0);

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
    long DataSubjectsMinor = 0);

public sealed record StatementList(string Period, IReadOnlyList<ProviderStatement> Items);
