using Marketplace.Billing.Payments;

namespace Marketplace.Billing.Tests.Payments;

public sealed class PaymentTaxRoundingTests
{
    private const int TenPercent = 1000;

    [Fact]
    public void A_line_with_exactly_half_a_yen_of_tax_rounds_up()
    {
        Assert.Equal(11, PaymentTaxRounding.StripeTaxFor([105], TenPercent));
    }

    [Fact]
    public void A_line_with_less_than_half_a_yen_of_tax_rounds_down()
    {
        Assert.Equal(10, PaymentTaxRounding.StripeTaxFor([104], TenPercent));
    }

    [Fact]
    public void A_negative_line_rounds_away_from_zero()
    {
        Assert.Equal(-11, PaymentTaxRounding.StripeTaxFor([-105], TenPercent));
    }

    [Fact]
    public void Each_line_is_rounded_before_the_sum()
    {
        // 10.5 + 10.5: rounded once it would be 21; Stripe rounds each line and gets 22.
        Assert.Equal(22, PaymentTaxRounding.StripeTaxFor([105, 105], TenPercent));
    }

    [Fact]
    public void No_lines_have_no_tax()
    {
        Assert.Equal(0, PaymentTaxRounding.StripeTaxFor([], TenPercent));
    }

    [Fact]
    public void The_adjustment_is_our_once_rounded_tax_minus_stripes_per_line_tax()
    {
        // Ours: floor(210 × 10 %) = 21; Stripe's: 11 + 11 = 22; the untaxed adjustment line is −1.
        Assert.Equal(-1, PaymentTaxRounding.AdjustmentFor([105, 105], TenPercent, ourTaxMinor: 21));
    }

    [Fact]
    public void A_line_too_large_to_tax_overflows_instead_of_wrapping()
    {
        Assert.Throws<OverflowException>(() => PaymentTaxRounding.StripeTaxFor([long.MaxValue / 100], TenPercent));
    }

    [Fact]
    public void Per_line_tax_equals_decimal_rounding_half_away_from_zero_for_many_random_lines()
    {
        var random = new Random(20261130);
        for (var round = 0; round < 2_000; round++)
        {
            var rate = random.Next(0, 2_500);
            var lines = Enumerable.Range(0, random.Next(1, 8)).Select(_ => (long)random.Next(-5_000_000, 5_000_000)).ToList();
            var expected = lines.Sum(a => (long)Math.Round(a * (decimal)rate / 10_000m, MidpointRounding.AwayFromZero));
            Assert.Equal(expected, PaymentTaxRounding.StripeTaxFor(lines, rate));
        }
    }
}
