namespace Marketplace.Domain.Tests;

public sealed class PricingPlanCatalogPriceTests
{
    public static TheoryData<PricingPlan, long> Prices => new()
    {
        { PricingPlan.Free(Currency.JPY), 0 },
        { PricingPlan.Flat(Money.Of(30000, "JPY")), 30000 },
        { PricingPlan.Flat(Money.Of(0, "JPY")), 0 },
        { PricingPlan.PerUnit(Money.Of(1, "JPY"), UsageUnit.Record, 10), 1 },
        { PricingPlan.PerUnit(Money.Of(5, "USD"), UsageUnit.MiB), 5 },
        { PricingPlan.Tiered(Currency.JPY, UsageUnit.Record, 1000, [new PriceTier(10000, 2), new PriceTier(null, 1)]), 2 },
        { PricingPlan.Tiered(Currency.JPY, UsageUnit.Request, 0, [new PriceTier(500, 3), new PriceTier(null, 1)]), 3 },
    };

    [Theory]
    [MemberData(nameof(Prices))]
    public void Catalog_price_is_what_the_first_billable_thing_costs_in_minor_units(PricingPlan plan, long expected)
    {
        Assert.Equal(expected, plan.CatalogPriceMinor());
    }
}
