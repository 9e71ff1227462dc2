namespace Marketplace.Billing.Payments;

/// <summary>
/// What Stripe's tax will be for lines sent with one exclusive tax rate. Stripe taxes each line item on its own
/// and rounds each to the nearest minor unit, half away from zero; our invoice rule rounds once per invoice per
/// rate. The difference is sent as an untaxed "tax rounding adjustment" line so Stripe's total equals ours.
/// </summary>
public static class PaymentTaxRounding
{
    private const long BasisPointsPerWhole = 10_000;

    /// Σ over lines of round_half_away_from_zero(amount × rate).
    public static long StripeTaxFor(IReadOnlyList<long> lineAmounts, int rateBasisPoints)
    {
        ArgumentNullException.ThrowIfNull(lineAmounts);
        ArgumentOutOfRangeException.ThrowIfNegative(rateBasisPoints);
        long total = 0;
        foreach (var amount in lineAmounts)
        {
            total = checked(total + LineTax(amount, rateBasisPoints));
        }

        return total;
    }

    /// The untaxed line that makes Stripe's invoice total equal ours: our tax minus Stripe's per-line tax (may be
    /// negative or zero; a zero needs no line).
    public static long AdjustmentFor(IReadOnlyList<long> lineAmounts, int rateBasisPoints, long ourTaxMinor) =>
        checked(ourTaxMinor - StripeTaxFor(lineAmounts, rateBasisPoints));

    private static long LineTax(long amount, int rateBasisPoints)
    {
        var scaled = checked(amount * rateBasisPoints);
        var quotient = Math.DivRem(scaled, BasisPointsPerWhole, out var remainder);
        // Half away from zero: a remainder of at least half a unit moves the result one step away from zero.
        if (Math.Abs(remainder) * 2 >= BasisPointsPerWhole)
        {
            quotient += Math.Sign(remainder);
        }

        return quotient;
    }
}
