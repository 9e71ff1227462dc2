using Marketplace.Domain;
using Microsoft.Extensions.Localization;

namespace Marketplace.Host.Web;

/// <summary>A pricing plan in plain words of the current language: "月額 ¥30,000", "¥1 per 10 records".</summary>
public static class PriceWords
{
    public static string Of(PricingPlan plan, IStringLocalizer<Text> text)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(text);
        string Price(long minor) => Formats.Money(minor, plan.Currency);
        string PerOne(long minor) => text["Price.Per", Price(minor), One(plan.Unit, text)];
        return plan.Kind switch
        {
            PlanKind.Free => text["Price.Free"],
            PlanKind.Flat => text["Price.Flat", Price(plan.FlatFeeMinor)],
            PlanKind.PerUnit when plan.UnitBlock == 1 => PerOne(plan.UnitPriceMinor),
            PlanKind.PerUnit => text["Price.Per", Price(plan.UnitPriceMinor), Count(plan.UnitBlock, plan.Unit, text)],
            PlanKind.Tiered => Tiered(plan, text, PerOne),
            _ => plan.Summary,
        };
    }

    /// <summary>"1,000 records" / "1,000件".</summary>
    public static string Count(long count, UsageUnit unit, IStringLocalizer<Text> text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return count == 1 && unit != UsageUnit.MiB ? One(unit, text) : text[$"Unit.{unit}.Many", count];
    }

    private static string One(UsageUnit unit, IStringLocalizer<Text> text) => text[$"Unit.{unit}.One"];

    private static string Tiered(PricingPlan plan, IStringLocalizer<Text> text, Func<long, string> perOne)
    {
        var parts = new List<string>();
        if (plan.IncludedUnits > 0)
        {
            parts.Add(text["Price.Included", Count(plan.IncludedUnits, plan.Unit, text)]);
        }
        foreach (var tier in plan.Tiers)
        {
            var step = perOne(tier.UnitPriceMinor);
            parts.Add(tier.UpTo is { } upTo ? text["Price.UpTo", step, Count(upTo, plan.Unit, text)] : step);
        }
        var words = string.Join(text["Price.Then"], parts);
        return words.Length > 0 ? char.ToUpperInvariant(words[0]) + words[1..] : words;
    }
}
