using Marketplace.Domain;

namespace Marketplace.Domain.Tests.Billing;

public sealed class ConsumptionTaxTests
{
    private static InvoiceLine Line(long amount, int rate = ConsumptionTax.StandardRateBasisPoints) =>
        new(1, InvoiceLineKind.Usage, "2026-11", 0, 0, UsageUnit.Record, amount, rate);

    [Fact]
    public void Tax_is_rounded_once_per_rate_on_the_sum_not_per_line()
    {
        // Per line, 10 % of ¥15 three times would be ¥1 + ¥1 + ¥1 (floor) = ¥3; once on ¥45 it is ¥4.
        var totals = ConsumptionTax.Totals([Line(15), Line(15), Line(15)]);

        Assert.Equal([new TaxTotal(1000, 45, 4)], totals);
    }

    [Fact]
    public void Fractions_of_a_yen_are_dropped()
    {
        Assert.Equal(99, ConsumptionTax.TaxOn(999, 1000));
    }

    [Fact]
    public void Each_rate_has_its_own_total_highest_rate_first()
    {
        var totals = ConsumptionTax.Totals([Line(100, 800), Line(1000), Line(55, 800)]);

        Assert.Equal([new TaxTotal(1000, 1000, 100), new TaxTotal(800, 155, 12)], totals);
    }

    [Fact]
    public void A_credit_rounds_toward_zero_so_it_never_refunds_more_tax_than_was_charged()
    {
        Assert.Equal(-99, ConsumptionTax.TaxOn(-999, 1000));
    }

    [Fact]
    public void A_rate_above_one_hundred_percent_is_refused()
    {
        var error = Assert.Throws<DomainException>(() => ConsumptionTax.Totals([Line(100, 10_001)]));

        Assert.Equal(ErrorCodes.BillingRateInvalid.Value, error.Code);
    }

    [Fact]
    public void Huge_sums_do_not_overflow_silently()
    {
        Assert.Throws<OverflowException>(() => ConsumptionTax.Totals([Line(long.MaxValue), Line(1)]));
    }
}
