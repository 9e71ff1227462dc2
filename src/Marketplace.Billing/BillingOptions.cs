using Marketplace.Domain;

namespace Marketplace.Billing;

/// <summary>The "Marketplace:Billing" configuration section: who issues invoices, the rates, and when periods close.</summary>
public sealed class BillingOptions
{
    public const string Section = "Marketplace:Billing";

    /// <summary>The marketplace operator's name as invoices print it (the issuer under the intermediary rule).</summary>
    public string IssuerName { get; set; } = "Marketplace operator";

    /// <summary>
    /// The operator's qualified-invoice registration number (T + 13 digits). Without it no invoice claims to be
    /// a qualified invoice.
    /// </summary>
    public string? IssuerRegistration { get; set; }

    /// <summary>Consumption tax on data services, in basis points (1000 = 10 %).</summary>
    public int TaxRateBasisPoints { get; set; } = ConsumptionTax.StandardRateBasisPoints;

    /// <summary>The platform's fee on each line, in basis points, by dataset class (public, private, personal).</summary>
    public Dictionary<string, int> PlatformFeeBasisPoints { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Public"] = 0,
        ["Private"] = 1500,
        ["Personal"] = 2000,
    };

    /// <summary>
    /// The people's share of each invoice on personal data, in basis points of each data line (1000 = 10 %), divided
    /// among the people whose records were served pro rata. It comes out of the provider's part (the information bank
    /// receives it with its payout and pays its people); the platform fee and the tax are unchanged. With nobody on
    /// record for a contract's period the invoice carries no people's share and the provider keeps it. 0 to 10,000,
    /// and with the personal platform fee at most 10,000.
    /// </summary>
    public int DataSubjectShareBasisPoints { get; set; } = DataSubjectShare.DefaultBasisPoints;

    /// <summary>The monthly fee per active contract for buyers registered as service apps, in minor units of the contract's currency.</summary>
    public long ConnectionFeeMinor { get; set; } = 3000;

    /// <summary>How long after a period ends its usage may still arrive before it closes (as the payment processor waits).</summary>
    public TimeSpan GraceWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>When the close job looks for periods to close (cron, in the billing time zone). Closing is idempotent.</summary>
    public string CloseSchedule { get; set; } = "5 * * * *";

    /// <summary>When the outbox is swept for payment-processor work (cron). Work is also started right after it is queued.</summary>
    public string SweepSchedule { get; set; } = "* * * * *";

    /// <summary>Days a buyer has to pay a finalised invoice.</summary>
    public int DaysUntilDue { get; set; } = 30;

    /// <summary>Contracts whose invoices are computed at once while a period closes.</summary>
    public int CloseParallelism { get; set; } = 8;

    public int PlatformFeeFor(DatasetClass datasetClass) =>
        PlatformFeeBasisPoints.TryGetValue(datasetClass.ToString(), out var fee) ? fee : 0;

    /// <summary>The issuer's registration number normalised, or null; a malformed one stops the host at start-up.</summary>
    public string? NormalisedIssuerRegistration() =>
        string.IsNullOrWhiteSpace(IssuerRegistration) ? null : InvoiceRegistrationNumber.Parse(IssuerRegistration);
}
