using System.Globalization;

namespace Marketplace.Domain;

/// <summary>
/// A price for one declared purpose, overriding the offering's plan for contracts made for that purpose (say city
/// planning free, commercial marketing at the full price). The contract's terms snapshot the plan of its purpose; the
/// pricing math stays in <see cref="PricingPlan"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("Marketplace.PurposePrice")]
public sealed record PurposePrice([property: Id(0)] string Purpose, [property: Id(1)] PricingPlan Pricing)
{
    /// <summary>The plan a contract for <paramref name="purpose"/> is made under: its purpose's price, or the offering's plan.</summary>
    public static PricingPlan PlanFor(IReadOnlyList<PurposePrice>? prices, string purpose, PricingPlan offeringPlan)
    {
        ArgumentNullException.ThrowIfNull(offeringPlan);
        var normalized = UsagePolicy.NormalizePurpose(purpose);
        return prices?.FirstOrDefault(p => string.Equals(p.Purpose, normalized, StringComparison.Ordinal))?.Pricing ?? offeringPlan;
    }

    /// <summary>
    /// Normalises each purpose (trimmed, lower case) and throws a <see cref="DomainException"/> (code
    /// <c>offering.purpose-price-invalid</c>) unless each is a purpose code the policy permits, named once, priced with a
    /// valid plan in the offering plan's currency.
    /// </summary>
    public static IReadOnlyList<PurposePrice> Normalize(IReadOnlyList<PurposePrice>? prices, PricingPlan offeringPlan, UsagePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(offeringPlan);
        ArgumentNullException.ThrowIfNull(policy);
        if (prices is null || prices.Count == 0)
        {
            return [];
        }
        if (prices.Count > UsagePolicy.MaxPurposes)
        {
            throw Invalid(string.Create(CultureInfo.InvariantCulture, $"An offering prices at most {UsagePolicy.MaxPurposes} purposes apart (got {prices.Count})."));
        }
        var normalized = new List<PurposePrice>(prices.Count);
        foreach (var price in prices)
        {
            if (price?.Pricing is null)
            {
                throw Invalid("A purpose price needs a purpose and a pricing plan, e.g. { \"purpose\": \"city-planning\", \"pricing\": { \"model\": \"free\" } }.");
            }
            var purpose = UsagePolicy.NormalizePurpose(price.Purpose);
            if (!UsagePolicy.IsValidPurpose(purpose))
            {
                throw Invalid($"'{TextBounds.Shorten(price.Purpose)}' is not a purpose code; use 2 to 64 lower-case letters, digits or hyphens starting with a letter, e.g. 'city-planning'.");
            }
            if (!policy.CheckPurpose(purpose).Allowed)
            {
                throw Invalid($"The policy does not permit the purpose '{purpose}', so its price would never apply; permit it or remove the price.");
            }
            if (normalized.Any(p => p.Purpose == purpose))
            {
                throw Invalid($"The purpose '{purpose}' is priced twice; give each purpose one price.");
            }
            price.Pricing.Validate();
            if (price.Pricing.Currency != offeringPlan.Currency)
            {
                throw Invalid($"The price for '{purpose}' is in {price.Pricing.Currency.Code}, the offering's in {offeringPlan.Currency.Code}; price every purpose in one currency.");
            }
            normalized.Add(new PurposePrice(purpose, price.Pricing));
        }
        return normalized;
    }

    private static DomainException Invalid(string message) => new(ErrorCodes.PurposePriceInvalid, message);
}
