namespace Marketplace.Domain;

/// <summary>What an invoice line charges for.</summary>
[GenerateSerializer, Alias("Marketplace.InvoiceLineKind")]
public enum InvoiceLineKind
{
    /// <summary>Metered usage of the invoice's own period, priced by the contract's plan.</summary>
    Usage,

    /// <summary>A flat plan's fee for a period in which the contract was active; carries the period's metered units too.</summary>
    FlatFee,

    /// <summary>Usage of an earlier, already invoiced period that arrived after that period closed.</summary>
    Adjustment,

    /// <summary>The monthly fee a buyer registered as a service app pays per active contract.</summary>
    ConnectionFee,

    /// <summary>Fractions of a yen between the payment processor's per-line tax and the invoice's once-per-rate tax.</summary>
    TaxRounding,
}

/// <summary>
/// One line of an invoice. <see cref="Quantity"/> is the metered quantity the line covers in the plan's base unit
/// (records, requests or bytes; 0 for a fee); <see cref="UsagePeriod"/> the period that usage occurred in.
/// Amounts exclude consumption tax; <see cref="TaxRateBasisPoints"/> is the line's rate (1000 = 10 %).
/// </summary>
[GenerateSerializer, Immutable, Alias("Marketplace.InvoiceLine")]
public sealed record InvoiceLine(
    [property: Id(0)] int Number,
    [property: Id(1)] InvoiceLineKind Kind,
    [property: Id(2)] string UsagePeriod,
    [property: Id(3)] long Quantity,
    [property: Id(4)] long BillableQuantity,
    [property: Id(5)] UsageUnit Unit,
    [property: Id(6)] long AmountMinor,
    [property: Id(7)] int TaxRateBasisPoints);

/// <summary>The lines of one tax rate: their sum, the rate and the tax on it, rounded once.</summary>
[GenerateSerializer, Immutable, Alias("Marketplace.TaxTotal")]
public sealed record TaxTotal(
    [property: Id(0)] int RateBasisPoints,
    [property: Id(1)] long NetMinor,
    [property: Id(2)] long TaxMinor)
{
    public long GrossMinor => checked(NetMinor + TaxMinor);
}

/// <summary>Who receives a share of an invoice's total.</summary>
[GenerateSerializer, Alias("Marketplace.ShareKind")]
public enum ShareKind
{
    /// <summary>The provider of the data, net of the platform fee.</summary>
    Provider,

    /// <summary>The marketplace's fee on the data.</summary>
    PlatformFee,

    /// <summary>The marketplace's connection fee for a service app.</summary>
    ConnectionFee,

    /// <summary>
    /// The people whose personal records were served (a personal-data contract), booked to the information bank that
    /// holds them and pays each person their part; taken out of the provider's share.
    /// </summary>
    DataSubjects,
}

/// <summary>One recipient's part of an invoice total, tax included; an invoice's shares add up to its total exactly.</summary>
[GenerateSerializer, Immutable, Alias("Marketplace.RevenueShare")]
public sealed record RevenueShare(
    [property: Id(0)] ShareKind Kind,
    [property: Id(1)] string PartyId,
    [property: Id(2)] long AmountMinor);
