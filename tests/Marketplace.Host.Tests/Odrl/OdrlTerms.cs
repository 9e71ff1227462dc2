using Marketplace.Domain;
using Marketplace.Grains;

namespace Marketplace.Host.Tests.Odrl;

/// <summary>Offerings and contracts to map, built directly (no host): the four kinds of policy the tests walk through.</summary>
public static class OdrlTerms
{
    public static readonly Uri Base = new("https://market.example/");
    public const string Root = "https://market.example";
    public static readonly DateTimeOffset EndsAt = new(2027, 3, 31, 15, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset SignedAt = new(2026, 11, 30, 1, 2, 3, TimeSpan.Zero);

    public static UsagePolicy Full { get; } = new(["research", "public-service"], EndsAt, 90, 5_000, RedistributionProhibited: true);

    public static UsagePolicy AggregateOnly { get; } = new(["research"], null, null, null, false, new AggregatePolicy(["district"], [], K: 12));

    public static OfferingView Offering(
        UsagePolicy policy, PricingPlan? pricing = null, DatasetClass cls = DatasetClass.Private, IReadOnlyList<PurposePrice>? purposePrices = null) =>
        new("off-odrl", "prov-odrl", new OfferingDefinition("ds-odrl", "Bus stops", "Stops of the city",
                pricing ?? PricingPlan.PerUnit(new Money(2, Currency.JPY), UsageUnit.Record), policy, OfferingVisibility.Public, [],
                cls == DatasetClass.Personal ? ApprovalMode.Provider : ApprovalMode.Automatic, PurposePrices: purposePrices),
            OfferingStatus.Listed, cls, SignedAt.AddDays(-10), SignedAt.AddDays(-5), Version: 4);

    public static ContractView Contract(UsagePolicy policy, PricingPlan? pricing = null, DateTimeOffset? activatedAt = null, bool activated = true) =>
        new("ctr-odrl", "buyer-odrl", "research",
            new ContractTerms("off-odrl", "ds-odrl", "prov-odrl", DatasetClass.Private,
                pricing ?? PricingPlan.Flat(new Money(30_000, Currency.JPY)), policy, ApprovalMode.Automatic),
            activated ? ContractStatus.Active : ContractStatus.Requested, SignedAt,
            activated ? activatedAt ?? SignedAt.AddMinutes(5) : null, null, []);
}
