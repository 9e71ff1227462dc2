namespace Marketplace.Domain;

/// <summary>
/// Japanese consumption tax on an invoice (適格請求書): lines are summed per rate, and the tax of each rate is
/// computed on that sum and rounded once, down to the currency's minor unit (切り捨て), never per line. A
/// negative sum (a credit note) rounds toward zero, so a credit never refunds more tax than was charged.
/// </summary>
public static class ConsumptionTax
{
    /// <summary>The standard rate, which applies to data services: 10 %.</summary>
    public const int StandardRateBasisPoints = 1000;

    /// <summary>The reduced rate (food, newspapers): 8 %. Data services never use it.</summary>
    public const int ReducedRateBasisPoints = 800;

    public const int MaxRateBasisPoints = 10_000;

    /// <summary>The tax of each rate the lines use, ordered by rate (highest first).</summary>
    public static IReadOnlyList<TaxTotal> Totals(IEnumerable<InvoiceLine> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var nets = new SortedDictionary<int, long>(Comparer<int>.Create((a, b) => b.CompareTo(a)));
        foreach (var line in lines)
        {
            CheckRate(line.TaxRateBasisPoints);
            nets[line.TaxRateBasisPoints] = checked(nets.GetValueOrDefault(line.TaxRateBasisPoints) + line.AmountMinor);
        }
        return [.. nets.Select(n => new TaxTotal(n.Key, n.Value, TaxOn(n.Value, n.Key)))];
    }

    /// <summary>The tax on one rate's sum, rounded toward zero.</summary>
    public static long TaxOn(long netMinor, int rateBasisPoints)
    {
        CheckRate(rateBasisPoints);
        return checked((long)((Int128)netMinor * rateBasisPoints / MaxRateBasisPoints));
    }

    public static void CheckRate(int rateBasisPoints)
    {
        if (rateBasisPoints is < 0 or > MaxRateBasisPoints)
        {
            throw new DomainException(ErrorCodes.BillingRateInvalid,
                $"A tax rate of {rateBasisPoints} basis points is not a rate; use 0 to {MaxRateBasisPoints} (1000 is 10 %).");
        }
    }
}
