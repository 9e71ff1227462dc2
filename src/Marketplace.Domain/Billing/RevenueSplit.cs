namespace Marketplace.Domain;

/// <summary>A recipient's claim on an invoice: its weight is what it earns of the lines, before tax.</summary>
[GenerateSerializer, Immutable, Alias("Marketplace.ShareClaim")]
public sealed record ShareClaim([property: Id(0)] ShareKind Kind, [property: Id(1)] string PartyId, [property: Id(2)] Int128 Weight);

/// <summary>
/// Splits an invoice total among its recipients in proportion to their claims, by the largest-remainder method:
/// each gets the whole minor units of its exact part, and the units left over go one each to the largest
/// fractions (ties to the earlier claim; <see cref="LargestRemainder"/>). Every minor unit of the total goes to exactly one share.
/// </summary>
public static class RevenueSplit
{
    /// <summary>
    /// Shares of <paramref name="totalMinor"/>, one per distinct (kind, party) claim, in the order first claimed.
    /// A negative total (a credit note) is split as its absolute value and negated. Without any positive weight
    /// the whole total goes to <paramref name="fallback"/> (rounding that no line earned).
    /// </summary>
    public static IReadOnlyList<RevenueShare> Allocate(long totalMinor, IReadOnlyList<ShareClaim> claims, ShareClaim fallback)
    {
        ArgumentNullException.ThrowIfNull(claims);
        ArgumentNullException.ThrowIfNull(fallback);
        var merged = new List<ShareClaim>();
        foreach (var claim in claims)
        {
            if (claim.Weight < 0)
            {
                throw new ArgumentException("A share's weight cannot be negative.", nameof(claims));
            }
            var at = merged.FindIndex(m => m.Kind == claim.Kind && m.PartyId == claim.PartyId);
            if (at < 0)
            {
                merged.Add(claim);
            }
            else
            {
                merged[at] = merged[at] with { Weight = merged[at].Weight + claim.Weight };
            }
        }
        if (merged.All(c => c.Weight == 0))
        {
            return totalMinor == 0 && merged.Count > 0
                ? [.. merged.Select(c => new RevenueShare(c.Kind, c.PartyId, 0))]
                : [new RevenueShare(fallback.Kind, fallback.PartyId, totalMinor)];
        }

        var parts = LargestRemainder.Apportion(totalMinor, [.. merged.Select(c => c.Weight)]);
        return [.. merged.Select((c, i) => new RevenueShare(c.Kind, c.PartyId, parts[i]))];
    }
}
