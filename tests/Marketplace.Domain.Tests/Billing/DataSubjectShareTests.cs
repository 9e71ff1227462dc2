using Marketplace.Domain;

namespace Marketplace.Domain.Tests.Billing;

public sealed class DataSubjectShareTests
{
    [Fact]
    public void The_parts_add_up_to_the_pool_and_each_is_within_one_yen_of_its_exact_part_for_many_random_pools()
    {
        for (var seed = 0; seed < 2_000; seed++)
        {
            var random = new Random(seed);
            var served = Enumerable.Range(0, random.Next(1, 40))
                .Select(i => new SubjectServed($"s-{random.Next(30)}", random.Next(3) == 0 ? 0 : random.NextInt64(0, 100_000), random.Next(2) == 0 ? 0 : random.NextInt64(0, 1_000)))
                .ToList();
            var pool = random.NextInt64(-50_000_000, 50_000_000);
            if (!DataSubjectShare.AnyoneServed(served))
            {
                continue;
            }

            var parts = DataSubjectShare.Divide(pool, served);

            Assert.Equal(pool, parts.Sum(p => p.AmountMinor));
            var weights = served.GroupBy(s => s.SubjectId).ToDictionary(g => g.Key, g => (Int128)g.Sum(s => s.Weight));
            var sum = weights.Values.Aggregate(Int128.Zero, (a, w) => a + w);
            Assert.Equal(weights.Count(w => w.Value > 0), parts.Count);
            foreach (var part in parts)
            {
                var floor = (Int128)Math.Abs(pool) * weights[part.SubjectId] / sum;
                Assert.InRange((Int128)Math.Abs(part.AmountMinor), floor, floor + 1);
                Assert.True(part.AmountMinor == 0 || Math.Sign(part.AmountMinor) == Math.Sign(pool));
            }
        }
    }

    [Fact]
    public void The_division_does_not_depend_on_the_order_the_people_are_listed_in()
    {
        var random = new Random(7);
        var served = Enumerable.Range(0, 25).Select(i => new SubjectServed($"s-{i:00}", random.Next(1, 50), random.Next(0, 5))).ToList();

        var parts = DataSubjectShare.Divide(1_001, served);
        var shuffled = DataSubjectShare.Divide(1_001, [.. served.OrderBy(_ => random.Next())]);

        Assert.Equal(parts, shuffled);
    }

    [Fact]
    public void Records_served_and_times_counted_weigh_alike_and_the_leftover_yen_goes_to_the_largest_fraction()
    {
        // ¥550 over 500 records, 333 records and 167 times counted: 275, 183.15 and 91.85, so the one yen left goes to the third.
        var parts = DataSubjectShare.Divide(550, [new("r-1", 500, 0), new("r-2", 333, 0), new("r-3", 0, 167)]);

        Assert.Equal([new SubjectPart("r-1", 275, 500, 0), new SubjectPart("r-2", 183, 333, 0), new SubjectPart("r-3", 92, 0, 167)], parts);
    }

    [Fact]
    public void A_credit_takes_back_from_each_person_in_the_same_proportion()
    {
        var parts = DataSubjectShare.Divide(-55, [new("r-1", 500, 0), new("r-2", 333, 0), new("r-3", 0, 167)]);

        Assert.Equal([-28, -18, -9], parts.Select(p => p.AmountMinor));
    }

    [Fact]
    public void With_nobody_served_there_is_no_one_to_divide_among()
    {
        Assert.Empty(DataSubjectShare.Divide(550, []));
        Assert.Empty(DataSubjectShare.Divide(550, [new("r-1", 0, 0)]));
    }

    [Fact]
    public void A_person_listed_twice_is_weighed_once_with_both_counts()
    {
        var parts = DataSubjectShare.Divide(100, [new("r-1", 10, 0), new("r-2", 20, 0), new("r-1", 0, 10)]);

        Assert.Equal([new SubjectPart("r-1", 50, 10, 10), new SubjectPart("r-2", 50, 20, 0)], parts);
    }

    [Theory]
    [InlineData(-1, 0)]
    [InlineData(10_001, 0)]
    [InlineData(1_000, 9_001)]
    public void A_share_outside_what_the_provider_can_give_is_refused(int share, int platformFee)
    {
        var error = Assert.Throws<DomainException>(() => DataSubjectShare.CheckRate(share, platformFee));

        Assert.Equal(ErrorCodes.BillingRateInvalid.Value, error.Code);
    }

    private static InvoiceLine Usage(long amount) => new(1, InvoiceLineKind.Usage, "2026-11", 1_000, 1_000, UsageUnit.Record, amount, 1_000);

    [Fact]
    public void The_peoples_share_is_a_split_line_taken_from_the_provider_while_the_total_tax_and_platform_fee_stay()
    {
        var without = InvoiceCalculation.Summarise([Usage(5_000)], 2_000, "bank", "op");
        var with = InvoiceCalculation.Summarise([Usage(5_000)], 2_000, "bank", "op", dataSubjectShareBasisPoints: 1_000);

        Assert.Equal((without.NetMinor, without.TaxMinor, without.TotalMinor), (with.NetMinor, with.TaxMinor, with.TotalMinor));
        Assert.Equal([new RevenueShare(ShareKind.Provider, "bank", 4_400), new RevenueShare(ShareKind.PlatformFee, "op", 1_100)], without.Shares);
        Assert.Equal([new RevenueShare(ShareKind.Provider, "bank", 3_850), new RevenueShare(ShareKind.PlatformFee, "op", 1_100),
            new RevenueShare(ShareKind.DataSubjects, "bank", 550)], with.Shares);
    }

    [Fact]
    public void Every_yen_of_random_invoices_with_a_peoples_share_goes_to_exactly_one_share_and_the_platform_fee_moves_at_most_a_yen()
    {
        for (var seed = 0; seed < 1_000; seed++)
        {
            var random = new Random(seed);
            var fee = random.Next(0, 5_001);
            var share = random.Next(1, 10_001 - fee);
            InvoiceLine[] lines = [.. Enumerable.Range(1, random.Next(1, 4)).Select(n => Usage(random.NextInt64(-1_000_000, 10_000_000)) with { Number = n })];

            var without = InvoiceCalculation.Summarise(lines, fee, "bank", "op");
            var with = InvoiceCalculation.Summarise(lines, fee, "bank", "op", share);

            Assert.Equal(with.TotalMinor, with.Shares.Sum(s => s.AmountMinor));
            long Fee(InvoiceComputation c) => c.Shares.Where(s => s.Kind == ShareKind.PlatformFee).Sum(s => s.AmountMinor);
            Assert.InRange(Fee(with) - Fee(without), -1, 1);
        }
    }

    [Fact]
    public void Rates_with_a_peoples_share_beyond_the_providers_part_are_refused()
    {
        var rates = new BillingRates(1_000, 2_000, 0, 8_001);

        Assert.Throws<DomainException>(rates.Validate);
    }
}
