namespace Marketplace.Domain.Tests;

public sealed class PricingPlanSummaryTests
{
    public static TheoryData<PricingPlan, string> Summaries => new()
    {
        { PricingPlan.Free(Currency.JPY), "Free" },
        { PricingPlan.Flat(Money.Of(30000, "JPY")), "JPY 30000 per month" },
        { PricingPlan.PerUnit(Money.Of(1, "JPY"), UsageUnit.Record, 10), "JPY 1 per 10 records" },
        { PricingPlan.PerUnit(Money.Of(2, "JPY"), UsageUnit.Request), "JPY 2 per request" },
        { PricingPlan.PerUnit(Money.Of(5, "USD"), UsageUnit.MiB), "USD 0.05 per MiB" },
        {
            PricingPlan.Tiered(Currency.JPY, UsageUnit.Record, 1000, [new PriceTier(10000, 2), new PriceTier(null, 1)]),
            "first 1000 records free, then JPY 2 per record up to 10000, then JPY 1 per record"
        },
        {
            PricingPlan.Tiered(Currency.JPY, UsageUnit.Request, 0, [new PriceTier(500, 3), new PriceTier(null, 1)]),
            "JPY 3 per request up to 500, then JPY 1 per request"
        },
    };

    [Theory]
    [MemberData(nameof(Summaries))]
    public void Summary_describes_the_plan_in_words(PricingPlan plan, string expected)
    {
        Assert.Equal(expected, plan.Summary);
    }
}
