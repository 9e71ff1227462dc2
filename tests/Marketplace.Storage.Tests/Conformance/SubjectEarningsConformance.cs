namespace Marketplace.Storage.Tests.Conformance;

/// <summary>The behaviour every adapter of <see cref="ISubjectEarnings"/> shares.</summary>
public abstract class SubjectEarningsConformance
{
    /// <summary>Opens the earnings store over this test's own, initially empty storage.</summary>
    protected abstract Task<ISubjectEarnings> OpenAsync();

    protected static SubjectEarning Earning(string subject, string invoice, string period, long amount = 100, string bank = "bank-a") =>
        new(bank, subject, invoice, period, "ctr-1", "buyer-a", amount, "JPY", 10, 2);

    [Fact]
    public async Task A_persons_earnings_are_listed_newest_period_first_then_by_invoice_and_no_one_elses()
    {
        var store = await OpenAsync();
        await store.PutAsync([Earning("r-1", "inv-2026-10-b", "2026-10"), Earning("r-2", "inv-2026-10-b", "2026-10"), Earning("r-1", "inv-2026-11-a", "2026-11")]);
        await store.PutAsync([Earning("r-1", "inv-2026-10-a", "2026-10"), Earning("r-1", "inv-2026-11-x", "2026-11", bank: "bank-b")]);

        var listed = await AllAsync(store, "bank-a", "r-1", pageSize: 10);

        Assert.Equal(["inv-2026-11-a", "inv-2026-10-a", "inv-2026-10-b"], listed.Select(e => e.InvoiceId));
        Assert.Equal(Earning("r-1", "inv-2026-11-a", "2026-11"), listed[0]);
    }

    [Fact]
    public async Task Writing_a_persons_part_of_an_invoice_again_replaces_it_without_a_duplicate()
    {
        var store = await OpenAsync();
        await store.PutAsync([Earning("r-1", "inv-1", "2026-11", amount: 100)]);
        await store.PutAsync([Earning("r-1", "inv-1", "2026-11", amount: 100)]);
        await store.PutAsync([Earning("r-1", "inv-1", "2026-11", amount: 120)]);

        Assert.Equal([120L], (await AllAsync(store, "bank-a", "r-1", pageSize: 10)).Select(e => e.AmountMinor));
    }

    [Fact]
    public async Task Pages_continue_after_the_last_one_seen_without_repeats_or_gaps()
    {
        var store = await OpenAsync();
        var periods = new[] { "2026-09", "2026-10", "2026-11" };
        await store.PutAsync([.. Enumerable.Range(0, 8).Select(i => Earning("r-1", $"inv-{i}", periods[i % 3]))]);

        var listed = await AllAsync(store, "bank-a", "r-1", pageSize: 3);

        Assert.Equal(["inv-2", "inv-5", "inv-1", "inv-4", "inv-7", "inv-0", "inv-3", "inv-6"], listed.Select(e => e.InvoiceId));
    }

    [Theory]
    [InlineData(long.MaxValue)]
    [InlineData(9_007_199_254_740_993)]
    [InlineData(-1_234_567)]
    [InlineData(long.MinValue)]
    public async Task Amounts_round_trip_exactly_including_huge_and_negative_ones(long amount)
    {
        var store = await OpenAsync();

        await store.PutAsync([Earning("r-1", "inv-1-cn1", "2026-11", amount)]);

        Assert.Equal([amount], (await AllAsync(store, "bank-a", "r-1", pageSize: 5)).Select(e => e.AmountMinor));
    }

    [Fact]
    public async Task Ids_with_characters_a_store_treats_specially_round_trip()
    {
        var store = await OpenAsync();
        var earning = new SubjectEarning("銀行/1%", "住民 #1?~", "inv-2026.11/ctr?#%~ x", "2026-11", "ctr.1-東京/%", "買い手.株式会社-1", 42, "JPY", 3, 0);

        await store.PutAsync([earning]);

        Assert.Equal([earning], await AllAsync(store, "銀行/1%", "住民 #1?~", pageSize: 5));
        Assert.Empty(await AllAsync(store, "銀行", "住民 #1?~", pageSize: 5));
    }

    [Theory]
    [InlineData("")]
    [InlineData("2026-1")]
    [InlineData("2026/11")]
    [InlineData("november")]
    public async Task An_entry_without_a_billing_period_is_refused(string period)
    {
        var store = await OpenAsync();

        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.PutAsync([Earning("r-1", "inv-1", period)]));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(SubjectEarningLimits.MaxPageSize + 1)]
    public async Task A_page_size_outside_one_to_the_maximum_is_refused(int pageSize)
    {
        var store = await OpenAsync();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.ListBySubjectAsync("bank-a", "r-1", null, pageSize));
    }

    [Fact]
    public async Task A_batch_beyond_the_maximum_is_refused()
    {
        var store = await OpenAsync();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.PutAsync(
            [.. Enumerable.Range(0, SubjectEarningLimits.MaxBatch + 1).Select(i => Earning($"r-{i}", "inv-1", "2026-11"))]));
    }

    private static async Task<List<SubjectEarning>> AllAsync(ISubjectEarnings store, string bank, string subject, int pageSize)
    {
        var all = new List<SubjectEarning>();
        SubjectEarningPosition? after = null;
        for (var pages = 0; pages < 100; pages++)
        {
            var page = await store.ListBySubjectAsync(bank, subject, after, pageSize);
            Assert.InRange(page.Count, 0, pageSize);
            all.AddRange(page);
            if (page.Count < pageSize)
            {
                Assert.Equal(all.Count, all.Select(e => e.InvoiceId).Distinct().Count());
                return all;
            }
            after = new SubjectEarningPosition(page[^1].Period, page[^1].InvoiceId);
        }
        throw new InvalidOperationException("The pages never ended.");
    }
}
