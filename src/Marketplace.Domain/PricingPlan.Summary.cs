using System.Globalization;

namespace Marketplace.Domain;

public sealed partial record PricingPlan
{
    /// <summary>A short description for people, e.g. "JPY 1 per 10 records".</summary>
    public string Summary => Kind switch
    {
        PlanKind.Free => "Free",
        PlanKind.Flat => $"{Price(FlatFeeMinor)} per month",
        PlanKind.PerUnit => UnitBlock == 1
            ? $"{Price(UnitPriceMinor)} per {UsageUnitText.Noun(Unit, plural: false)}"
            : $"{Price(UnitPriceMinor)} per {UsageUnitText.Count(UnitBlock, Unit)}",
        PlanKind.Tiered => TieredSummary(),
        _ => Kind.ToString(),
    };

    private string TieredSummary()
    {
        var parts = new List<string>();
        if (IncludedUnits > 0)
        {
            parts.Add($"first {UsageUnitText.Count(IncludedUnits, Unit)} free");
        }
        foreach (var tier in Tiers)
        {
            var step = $"{Price(tier.UnitPriceMinor)} per {UsageUnitText.Noun(Unit, plural: false)}";
            parts.Add(tier.UpTo is { } upTo ? string.Create(CultureInfo.InvariantCulture, $"{step} up to {upTo}") : step);
        }
        return string.Join(", then ", parts);
    }

    private Money Price(long minorUnits) => new(minorUnits, Currency);
}
