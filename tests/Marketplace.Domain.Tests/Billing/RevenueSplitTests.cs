using Marketplace.Domain;

namespace Marketplace.Domain.Tests.Billing;

public sealed class RevenueSplitTests
{
    private static readonly ShareClaim Fallback = new(ShareKind.PlatformFee, "op", 0);

    [Fact]
    public void Every_yen_goes_to_exactly_one_share_for_many_random_invoices()
    {
        for (var seed = 0; seed < 2_000; seed++)
        {
            var random = new Random(seed);
            var claims = Enumerable.Range(0, random.Next(1, 6))
                .Select(i => new ShareClaim((ShareKind)(i % 3), $"p{random.Next(3)}", random.NextInt64(0, 10_000_000_000)))
                .ToList();
            var total = random.NextInt64(-5_000_000_000, 5_000_000_000);

            var shares = RevenueSplit.Allocate(total, claims, Fallback);

            Assert.Equal(total, shares.Sum(s => s.AmountMinor));
            Assert.All(shares, s => Assert.Equal(Math.Sign(total) < 0, s.AmountMinor < 0 && total != 0 || s.AmountMinor < 0));
            var weights = claims.GroupBy(c => (c.Kind, c.PartyId)).ToDictionary(g => g.Key, g => g.Aggregate(Int128.Zero, (a, c) => a + c.Weight));
            var sum = weights.Values.Aggregate(Int128.Zero, (a, w) => a + w);
            foreach (var share in shares)
            {
                if (sum == 0)
                {
                    continue;
                }
                // Each share is within one yen of its exact part.
                var exact = (Int128)Math.Abs(total) * weights[(share.Kind, share.PartyId)];
                var floor = exact / sum;
                Assert.InRange((Int128)Math.Abs(share.AmountMinor), floor, floor + 1);
            }
        }
    }

    [Fact]
    public void Leftover_units_go_to_the_largest_fractions()
    {
        // ¥10 in thirds: 3.33 each, one yen left, which goes to the first of the equal fractions.
        var shares = RevenueSplit.Allocate(10, [new(ShareKind.Provider, "a", 1), new(ShareKind.PlatformFee, "op", 1), new(ShareKind.ConnectionFee, "op", 1)], Fallback);

        Assert.Equal([4L, 3L, 3L], shares.Select(s => s.AmountMinor));
    }

    [Fact]
    public void Claims_of_one_recipient_are_merged_in_the_order_first_claimed()
    {
        var shares = RevenueSplit.Allocate(100, [new(ShareKind.Provider, "a", 1), new(ShareKind.PlatformFee, "op", 2), new(ShareKind.Provider, "a", 1)], Fallback);

        Assert.Equal([new RevenueShare(ShareKind.Provider, "a", 50), new RevenueShare(ShareKind.PlatformFee, "op", 50)], shares);
    }

    [Fact]
    public void A_total_no_claim_earned_goes_to_the_fallback()
    {
        var shares = RevenueSplit.Allocate(7, [new(ShareKind.Provider, "a", 0)], Fallback);

        Assert.Equal([new RevenueShare(ShareKind.PlatformFee, "op", 7)], shares);
    }
}
