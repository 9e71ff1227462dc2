using Marketplace.Domain;
using Marketplace.Grains;

namespace Marketplace.Billing.Reconciliation;

/// <summary>What an invoice should bill: its lines re-priced with the contract's plan, the period's usage capped at what the ledger holds.</summary>
public sealed record RepricedInvoice(long ExpectedNetMinor, long ActualNetMinor, long QuantityOver, InvoiceLineKind UsageKind, int TaxRateBasisPoints)
{
    public long OverBilledMinor => ActualNetMinor - ExpectedNetMinor;
}

/// <summary>
/// Re-prices an invoice with the domain pricing rules, exactly as the period close priced it: the period's usage
/// (or a flat fee), late usage at the margin over what earlier invoices billed, fees as they were charged.
/// </summary>
public static class InvoiceRepricing
{
    /// <param name="creditNotes">Credit notes already issued against the invoice: they count toward what it bills.</param>
    /// <param name="billedBefore">For an adjustment line's usage period: the units invoices before this one billed for it.</param>
    public static RepricedInvoice Reprice(Invoice invoice, PricingPlan plan, long ledgerUnits, IReadOnlyList<Invoice> creditNotes, IReadOnlyDictionary<string, long> billedBefore)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(creditNotes);
        ArgumentNullException.ThrowIfNull(billedBefore);
        long expected = 0, over = 0, credited = 0;
        var usageKind = plan.Kind == PlanKind.Flat ? InvoiceLineKind.FlatFee : InvoiceLineKind.Usage;
        foreach (var line in invoice.Lines)
        {
            long amount;
            switch (line.Kind)
            {
                case InvoiceLineKind.Usage when line.UsagePeriod == invoice.Period:
                    var quantity = Math.Min(line.Quantity, ledgerUnits);
                    over = checked(over + (line.Quantity - quantity));
                    amount = plan.PriceFor(quantity).MinorUnits;
                    break;
                case InvoiceLineKind.FlatFee:
                    over = checked(over + Math.Max(0, line.Quantity - ledgerUnits));
                    amount = plan.FlatFeeMinor;
                    break;
                case InvoiceLineKind.Adjustment when plan.Kind != PlanKind.Flat:
                    var before = billedBefore.GetValueOrDefault(line.UsagePeriod);
                    amount = checked(plan.PriceFor(checked(before + line.Quantity)).MinorUnits - plan.PriceFor(before).MinorUnits);
                    break;
                case InvoiceLineKind.Adjustment:
                    amount = 0;
                    break;
                default:
                    amount = line.AmountMinor;
                    break;
            }
            expected = checked(expected + amount);
        }
        foreach (var note in creditNotes)
        {
            credited = checked(credited + note.NetMinor);
            over = checked(over + note.Lines.Where(l => l.UsagePeriod == invoice.Period).Sum(l => l.Quantity));
        }
        var rate = invoice.Lines.Count > 0 ? invoice.Lines[0].TaxRateBasisPoints : ConsumptionTax.StandardRateBasisPoints;
        return new RepricedInvoice(expected, checked(invoice.NetMinor + credited), Math.Max(0, over), usageKind, rate);
    }

    /// <summary>
    /// The credit note (the <paramref name="sequence"/>th against the invoice) for what it billed too much:
    /// one line, negative, with its tax and split by the same rules and rates as the invoice (the people's share included).
    /// </summary>
    public static Invoice CreditNote(Invoice invoice, RepricedInvoice repriced, PricingPlan plan, int sequence, DateTimeOffset now, string operatorId)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        ArgumentNullException.ThrowIfNull(repriced);
        ArgumentNullException.ThrowIfNull(plan);
        var quantity = repriced.QuantityOver;
        var line = new InvoiceLine(1, repriced.UsageKind, invoice.Period, -quantity, -plan.BillableUnits(quantity), plan.Unit,
            -repriced.OverBilledMinor, repriced.TaxRateBasisPoints);
        // With the invoice's own rates: a people's share on it is taken back in the same proportion.
        var computed = InvoiceCalculation.Summarise([line], invoice.PlatformFeeBasisPoints, invoice.Provider.Id, operatorId, invoice.DataSubjectShareBasisPoints);
        return invoice with
        {
            Id = InvoiceIds.CreditNote(invoice.Id, sequence),
            Kind = InvoiceKind.CreditNote,
            IssuedAt = now,
            Lines = computed.Lines,
            Taxes = computed.Taxes,
            NetMinor = computed.NetMinor,
            TaxMinor = computed.TaxMinor,
            TotalMinor = computed.TotalMinor,
            Shares = computed.Shares,
            Status = InvoiceStatus.Issued,
            StatusAt = now,
            PaymentInvoiceId = null,
            PaymentChargeId = null,
            CreditsInvoiceId = invoice.Id,
        };
    }
}
