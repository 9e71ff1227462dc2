using Marketplace.Domain;

namespace Marketplace.Application.Usage;

/// <summary>
/// One offering's usage and earnings in a period: its contracts' statements added up per unit and currency
/// (contracts keep the terms they were signed on, so one offering's contracts may count or charge differently).
/// </summary>
public sealed record OfferingEarnings(string OfferingId, string Unit, string Currency, int Contracts, long Units, long Events, long ChargeMinorUnits)
{
    /// <summary>The statements grouped by offering, unit and currency, in offering order; sums are overflow checked.</summary>
    public static IReadOnlyList<OfferingEarnings> Of(IEnumerable<ContractUsageResponse> statements)
    {
        ArgumentNullException.ThrowIfNull(statements);
        return
        [
            .. statements
                .GroupBy(s => (s.OfferingId, s.Unit, s.Charge.Currency))
                .Select(g => new OfferingEarnings(g.Key.OfferingId, g.Key.Unit, g.Key.Currency, g.Count(),
                    g.Aggregate(0L, (sum, s) => checked(sum + s.Units)),
                    g.Aggregate(0L, (sum, s) => checked(sum + s.Events)),
                    g.Aggregate(0L, (sum, s) => checked(sum + s.Charge.MinorUnits))))
                .OrderBy(e => e.OfferingId, StringComparer.Ordinal)
                .ThenBy(e => e.Unit, StringComparer.Ordinal),
        ];
    }
}
