using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Marketplace.Application;

namespace Marketplace.Billing.Reconciliation;

/// <summary>The kinds of drift a reconciliation reports.</summary>
public static class FindingKinds
{
    /// <summary>The processor's meter holds less for a buyer, unit and day than was reported (it lost usage).</summary>
    public const string MissingAtStripe = "missing-at-stripe";

    /// <summary>The processor's meter holds more than was reported (it counted usage twice).</summary>
    public const string ExtraAtStripe = "extra-at-stripe";

    /// <summary>The ledger holds usage of a closed day that was not reported to the meter.</summary>
    public const string ReportedBelowLedger = "reported-below-ledger";

    /// <summary>More was reported for a day than the ledger holds.</summary>
    public const string ReportedAboveLedger = "reported-above-ledger";

    /// <summary>A usage meter's total for the period differs from the ledger's events.</summary>
    public const string MeterDiffers = "meter-differs";

    /// <summary>The ledger's hourly totals differ from its events for a day.</summary>
    public const string HoursDiffer = "hours-differ";

    /// <summary>The invoices bill another quantity for the period than the ledger holds.</summary>
    public const string InvoiceQuantity = "invoice-quantity";

    /// <summary>An invoice's net amount differs from its lines re-priced with the contract's terms.</summary>
    public const string InvoiceAmount = "invoice-amount";

    public static readonly IReadOnlyList<string> All =
        [MissingAtStripe, ExtraAtStripe, ReportedBelowLedger, ReportedAboveLedger, MeterDiffers, HoursDiffer, InvoiceQuantity, InvoiceAmount];
}

/// <summary>The repairs a reconciliation offers; each is idempotent.</summary>
public static class RepairKinds
{
    /// <summary>Report a day's unreported usage to the meter (a new report of the difference).</summary>
    public const string ReportUsage = "report-usage";

    /// <summary>Send units the processor lost again, under a new identifier.</summary>
    public const string Resend = "resend";

    /// <summary>Issue a credit note for what an invoice billed too much.</summary>
    public const string CreditNote = "credit-note";
}

/// <summary>
/// One drift, down to contract, day and (for unreported usage) event ids. <see cref="Expected"/> is what the
/// marketplace's ledger (or the contract's terms) says, <see cref="Actual"/> what the other side holds.
/// </summary>
public sealed record ReconciliationFinding(
    string Kind,
    string? ContractId,
    string? BuyerId,
    string? Unit,
    DateOnly? Day,
    string? InvoiceId,
    long Expected,
    long Actual,
    string Detail,
    IReadOnlyList<string> EventIds,
    int EventIdsOmitted = 0)
{
    public long Difference => Actual - Expected;
}

/// <summary>A repair the report offers. <see cref="Basis"/> makes it idempotent: the same finding never repairs twice.</summary>
public sealed record RepairOffer(
    string Kind,
    string? ContractId,
    DateOnly? Day,
    string? InvoiceId,
    long Units,
    long AmountMinor,
    string Basis,
    string Detail);

public sealed record ReconciliationTotals(
    int Contracts,
    int ContractDays,
    long LedgerEvents,
    long LedgerUnits,
    long MeterUnits,
    long ReportedUnits,
    long? StripeUnits,
    long InvoicedUnits,
    int Invoices,
    int MatchedContractDays,
    int MatchedStripeDays,
    int MatchedInvoices);

/// <summary>
/// A period's reconciliation: the ledger against the meters, the reports to the payment processor, the
/// processor's meter totals and the invoices. Lists are bounded (<see cref="MaxFindings"/>,
/// <see cref="MaxEventIds"/> per finding) and say how much they left out, so a report stays far below 2 MB.
/// </summary>
public sealed record ReconciliationReport(
    string RunId,
    string Period,
    DateTimeOffset GeneratedAt,
    bool StripeCompared,
    ReconciliationTotals Totals,
    IReadOnlyDictionary<string, int> FindingCounts,
    IReadOnlyList<ReconciliationFinding> Findings,
    int FindingsOmitted,
    IReadOnlyList<RepairOffer> Repairs,
    int RepairsOmitted,
    IReadOnlyList<string> Notes,
    long ElapsedMilliseconds,
    string Summary)
{
    public const int MaxFindings = 2_000;
    public const int MaxFindingsPerKind = 500;
    public const int MaxEventIds = 10;
    public const int MaxRepairs = 2_000;

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    public int FindingsTotal => FindingCounts.Values.Sum();

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static ReconciliationReport FromJson(string json) =>
        JsonSerializer.Deserialize<ReconciliationReport>(json, Json) ?? throw new InvalidOperationException("The stored reconciliation report is empty.");

    /// <summary>The findings as CSV (one row each, the same values as the JSON), then a summary row; text cells are formula-safe.</summary>
    public string ToCsv()
    {
        var csv = new StringBuilder();
        CsvRows.Append(csv, "kind", "contract", "buyer", "unit", "day", "invoice", "expected", "actual", "difference", "event_ids", "detail");
        foreach (var f in Findings)
        {
            CsvRows.Append(csv, CsvRows.Text(f.Kind), CsvRows.Text(f.ContractId ?? ""), CsvRows.Text(f.BuyerId ?? ""), CsvRows.Text(f.Unit ?? ""),
                f.Day?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "", CsvRows.Text(f.InvoiceId ?? ""),
                Number(f.Expected), Number(f.Actual), Number(f.Difference),
                CsvRows.Text(string.Join(' ', f.EventIds) + (f.EventIdsOmitted > 0 ? $" (+{f.EventIdsOmitted})" : "")), CsvRows.Text(f.Detail));
        }
        CsvRows.Append(csv, "summary", "", "", "", "", "", "", "", "", "", CsvRows.Text(Summary));
        return csv.ToString();
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>One line an operator can paste into a ticket.</summary>
    public static string SummaryLine(string runId, string period, bool stripeCompared, ReconciliationTotals totals, IReadOnlyDictionary<string, int> counts, int repairs)
    {
        ArgumentNullException.ThrowIfNull(totals);
        ArgumentNullException.ThrowIfNull(counts);
        int Count(string kind) => counts.GetValueOrDefault(kind);
        var drift = counts.Values.Sum();
        var line = string.Create(CultureInfo.InvariantCulture,
            $"Reconciliation {period} ({runId}): {(drift == 0 ? "no drift" : $"{drift} findings")}; {totals.LedgerEvents:N0} events, {totals.LedgerUnits:N0} units over {totals.ContractDays:N0} contract-days of {totals.Contracts:N0} contracts; ");
        line += stripeCompared
            ? string.Create(CultureInfo.InvariantCulture, $"Stripe: {totals.MatchedStripeDays} days matched, {Count(FindingKinds.MissingAtStripe)} missing, {Count(FindingKinds.ExtraAtStripe)} extra; ")
            : "Stripe not compared (ledger-only); ";
        line += string.Create(CultureInfo.InvariantCulture,
            $"reported below/above ledger {Count(FindingKinds.ReportedBelowLedger)}/{Count(FindingKinds.ReportedAboveLedger)}; meter or hours vs ledger {Count(FindingKinds.MeterDiffers) + Count(FindingKinds.HoursDiffer)}; invoices: {totals.MatchedInvoices} matched, {Count(FindingKinds.InvoiceQuantity)} quantity and {Count(FindingKinds.InvoiceAmount)} amount mismatches; {repairs} repairs offered.");
        return line;
    }
}
