namespace Marketplace.Storage.Tests.Conformance;

/// <summary>The behaviour every adapter of <see cref="IInvoiceIndex"/> shares.</summary>
public abstract class InvoiceIndexConformance
{
    protected static readonly DateTimeOffset Start = new(2026, 12, 1, 9, 0, 0, TimeSpan.FromHours(9));

    /// <summary>Opens the invoice index over this test's own, initially empty storage.</summary>
    protected abstract Task<IInvoiceIndex> OpenAsync();

    [Theory]
    [InlineData("period")]
    [InlineData("buyer")]
    [InlineData("provider")]
    [InlineData("contract")]
    [InlineData("none")]
    public async Task A_stored_invoice_is_listed_by_each_of_its_views(string view)
    {
        var index = await OpenAsync();
        var invoice = Invoice("inv-1", "2026-11", "ctr-1", "buyer-a", "prov-a", Start);
        await index.PutAsync(invoice);
        await index.PutAsync(Invoice("inv-2", "2026-10", "ctr-2", "buyer-b", "prov-b", Start.AddMinutes(1)));

        var query = view switch
        {
            "period" => new InvoiceQuery(Period: "2026-11"),
            "buyer" => new InvoiceQuery(BuyerId: "buyer-a"),
            "provider" => new InvoiceQuery(ProviderId: "prov-a"),
            "contract" => new InvoiceQuery(ContractId: "ctr-1"),
            _ => new InvoiceQuery(),
        };
        var entries = await AllEntries(index, query, pageSize: 10);

        string[] expected = view == "none" ? ["inv-1", "inv-2"] : ["inv-1"];
        Assert.Equal(expected, entries.Select(i => i.InvoiceId));
        Assert.Equal(invoice with { IssuedAt = Start.ToUniversalTime() }, entries[0]);
    }

    [Fact]
    public async Task Invoices_are_listed_by_issue_instant_then_by_id()
    {
        var index = await OpenAsync();
        // Put out of order; b and a at the same instant (ordered by id), and c an instant given in another offset.
        await index.PutAsync(Invoice("inv-d", "2026-11", "ctr-1", "buyer-a", "prov-a", Start.AddMinutes(2)));
        await index.PutAsync(Invoice("inv-b", "2026-11", "ctr-2", "buyer-a", "prov-a", Start));
        await index.PutAsync(Invoice("inv-c", "2026-11", "ctr-3", "buyer-a", "prov-a", Start.ToUniversalTime().AddMinutes(1)));
        await index.PutAsync(Invoice("inv-a", "2026-11", "ctr-4", "buyer-a", "prov-a", Start));
        await index.PutAsync(Invoice("inv-z", "2026-11", "ctr-5", "buyer-a", "prov-a", Start.AddSeconds(-1)));

        var ids = (await AllEntries(index, new InvoiceQuery(Period: "2026-11"), pageSize: 10)).Select(i => i.InvoiceId);

        Assert.Equal(["inv-z", "inv-a", "inv-b", "inv-c", "inv-d"], ids);
    }

    [Fact]
    public async Task Pages_hold_at_most_the_page_size_and_continue_without_repeats_or_gaps_across_equal_issue_instants()
    {
        var index = await OpenAsync();
        // Seven invoices, two per instant, so page boundaries fall between invoices issued at the same instant.
        await Task.WhenAll(Enumerable.Range(0, 7).Select(i =>
            index.PutAsync(Invoice($"inv-{i}", "2026-11", $"ctr-{i}", "buyer-a", "prov-a", Start.AddMinutes(i / 2)))));

        var sizes = new List<int>();
        var ids = new List<string>();
        IndexPosition? after = null;
        do
        {
            var page = await index.ListAsync(new InvoiceQuery(BuyerId: "buyer-a"), after, 3);
            sizes.Add(page.Items.Count);
            ids.AddRange(page.Items.Select(i => i.InvoiceId));
            after = page.Next;
        }
        while (after is not null && sizes.Count < 10);

        Assert.Equal([3, 3, 1], sizes);
        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"inv-{i}"), ids);
    }

    [Fact]
    public async Task A_page_starts_strictly_after_the_cursor_even_at_the_same_issue_instant()
    {
        var index = await OpenAsync();
        var first = Invoice("inv-1", "2026-11", "ctr-1", "buyer-a", "prov-a", Start);
        await index.PutAsync(first);
        await index.PutAsync(Invoice("inv-2", "2026-11", "ctr-2", "buyer-a", "prov-a", Start));
        await index.PutAsync(Invoice("inv-3", "2026-11", "ctr-3", "buyer-a", "prov-a", Start.AddSeconds(1)));

        var page = await index.ListAsync(new InvoiceQuery(Period: "2026-11"), first.Position, 10);

        Assert.Equal(["inv-2", "inv-3"], page.Items.Select(i => i.InvoiceId));
        Assert.Null(page.Next);
    }

    [Fact]
    public async Task Putting_an_invoice_again_with_a_new_status_updates_every_view_without_a_duplicate()
    {
        var index = await OpenAsync();
        var invoice = Invoice("inv-1", "2026-11", "ctr-1", "buyer-a", "prov-a", Start) with { Status = "draft" };

        await index.PutAsync(invoice);
        await index.PutAsync(invoice with { Status = "finalized" });
        await index.PutAsync(invoice with { Status = "paid" });
        await index.PutAsync(invoice with { Status = "paid" });

        var expected = invoice with { Status = "paid", IssuedAt = Start.ToUniversalTime() };
        InvoiceQuery[] views = [new(Period: "2026-11"), new(BuyerId: "buyer-a"), new(ProviderId: "prov-a"), new(ContractId: "ctr-1"), new()];
        foreach (var view in views)
        {
            Assert.Equal([expected], await AllEntries(index, view, pageSize: 10));
        }
    }

    [Fact]
    public async Task A_period_and_a_buyer_together_list_only_that_buyers_invoices_of_that_period()
    {
        var index = await OpenAsync();
        await index.PutAsync(Invoice("inv-1", "2026-10", "ctr-1", "buyer-a", "prov-a", Start));
        await index.PutAsync(Invoice("inv-2", "2026-11", "ctr-1", "buyer-a", "prov-a", Start.AddMinutes(1)));
        await index.PutAsync(Invoice("inv-3", "2026-11", "ctr-2", "buyer-b", "prov-a", Start.AddMinutes(2)));
        await index.PutAsync(Invoice("inv-4", "2026-11", "ctr-3", "buyer-a", "prov-b", Start.AddMinutes(3)));
        await index.PutAsync(Invoice("inv-5", "2026-11", "ctr-1", "buyer-a", "prov-a", Start.AddMinutes(4)));

        var ids = await AllIds(index, new InvoiceQuery(Period: "2026-11", BuyerId: "buyer-a"), pageSize: 1);

        Assert.Equal(["inv-2", "inv-4", "inv-5"], ids);
    }

    [Fact]
    public async Task A_provider_and_a_period_together_list_only_that_providers_invoices_of_that_period()
    {
        var index = await OpenAsync();
        await index.PutAsync(Invoice("inv-1", "2026-11", "ctr-1", "buyer-a", "prov-a", Start));
        await index.PutAsync(Invoice("inv-2", "2026-10", "ctr-1", "buyer-a", "prov-a", Start.AddMinutes(1)));
        await index.PutAsync(Invoice("inv-3", "2026-11", "ctr-2", "buyer-b", "prov-b", Start.AddMinutes(2)));
        await index.PutAsync(Invoice("inv-4", "2026-11", "ctr-3", "buyer-b", "prov-a", Start.AddMinutes(3)));

        var ids = await AllIds(index, new InvoiceQuery(Period: "2026-11", ProviderId: "prov-a"), pageSize: 1);

        Assert.Equal(["inv-1", "inv-4"], ids);
    }

    [Theory]
    [InlineData("buyer")]
    [InlineData("provider")]
    public async Task Sparse_matches_of_a_period_and_a_party_are_all_found_page_by_page_beyond_a_full_scan_window(string party)
    {
        var index = await OpenAsync();
        // One buyer and one provider with more invoices of another period than a scan window holds, and the
        // period asked for at the start, just past one window and at the end.
        var count = IndexLimits.ScanWindow + 20;
        int[] matching = [0, IndexLimits.ScanWindow + 1, count - 1];
        await Task.WhenAll(Enumerable.Range(0, count).Select(i => index.PutAsync(
            Invoice($"inv-{i:0000}", matching.Contains(i) ? "2026-11" : "2026-10", $"ctr-{i % 7}", "buyer-a", "prov-a", Start.AddSeconds(i)))));
        var query = party == "buyer" ? new InvoiceQuery(Period: "2026-11", BuyerId: "buyer-a") : new InvoiceQuery(Period: "2026-11", ProviderId: "prov-a");

        var ids = await AllIds(index, query, pageSize: 2);

        Assert.Equal(matching.Select(i => $"inv-{i:0000}"), ids);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(IndexLimits.MaxPageSize + 1)]
    public async Task A_page_size_outside_one_to_the_maximum_is_refused(int pageSize)
    {
        var index = await OpenAsync();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => index.ListAsync(new InvoiceQuery(Period: "2026-11"), null, pageSize));
    }

    [Theory]
    [InlineData("invoice")]
    [InlineData("contract")]
    [InlineData("buyer")]
    [InlineData("provider")]
    [InlineData("period")]
    public async Task An_entry_with_an_empty_id_is_refused(string field)
    {
        var index = await OpenAsync();
        var valid = Invoice("inv-1", "2026-11", "ctr-1", "buyer-a", "prov-a", Start);
        var invalid = field switch
        {
            "invoice" => valid with { InvoiceId = "" },
            "contract" => valid with { ContractId = "" },
            "buyer" => valid with { BuyerId = "" },
            "provider" => valid with { ProviderId = "" },
            _ => valid with { Period = "" },
        };

        await Assert.ThrowsAsync<ArgumentException>(() => index.PutAsync(invalid));
        Assert.Empty(await AllEntries(index, new InvoiceQuery(), pageSize: 10));
    }

    [Fact]
    public async Task Ids_and_names_with_characters_a_store_treats_specially_round_trip()
    {
        var index = await OpenAsync();
        var invoice = new InvoiceEntry(
            "inv-2026.11-ctr.1/a?#%~ x", "適格請求書", "2026-11", "ctr.1-東京/%", "買い手.株式会社-1", "提供者 Ōsaka-π", "支払済み", 30_000, "JPY", Start);

        await index.PutAsync(invoice);

        var expected = invoice with { IssuedAt = Start.ToUniversalTime() };
        Assert.Equal([expected], await AllEntries(index, new InvoiceQuery(ContractId: "ctr.1-東京/%"), pageSize: 5));
        Assert.Equal([expected], await AllEntries(index, new InvoiceQuery(Period: "2026-11", BuyerId: "買い手.株式会社-1"), pageSize: 5));
        Assert.Equal([expected], await AllEntries(index, new InvoiceQuery(ProviderId: "提供者 Ōsaka-π"), pageSize: 5));
        Assert.Empty(await AllEntries(index, new InvoiceQuery(BuyerId: "買い手"), pageSize: 5));
    }

    [Theory]
    [InlineData(long.MaxValue)]
    [InlineData(9_007_199_254_740_993)]
    [InlineData(-1_234_567)]
    [InlineData(long.MinValue)]
    public async Task Totals_round_trip_exactly_including_huge_and_negative_ones(long total)
    {
        var index = await OpenAsync();
        var creditNote = Invoice("cn-1", "2026-11", "ctr-1", "buyer-a", "prov-a", Start) with { Kind = "credit_note", TotalMinor = total };

        await index.PutAsync(creditNote);

        Assert.Equal([total], (await AllEntries(index, new InvoiceQuery(BuyerId: "buyer-a"), pageSize: 5)).Select(i => i.TotalMinor));
    }

    protected static InvoiceEntry Invoice(string id, string period, string contract, string buyer, string provider, DateTimeOffset issuedAt) =>
        new(id, "invoice", period, contract, buyer, provider, "finalized", 33_000, "JPY", issuedAt);

    private static async Task<List<string>> AllIds(IInvoiceIndex index, InvoiceQuery query, int pageSize) =>
        [.. (await AllEntries(index, query, pageSize)).Select(i => i.InvoiceId)];

    /// <summary>Every page of the query in turn, checking that each holds at most the page size and nothing repeats.</summary>
    private static async Task<List<InvoiceEntry>> AllEntries(IInvoiceIndex index, InvoiceQuery query, int pageSize)
    {
        var entries = new List<InvoiceEntry>();
        IndexPosition? after = null;
        for (var pages = 0; pages < 100; pages++)
        {
            var page = await index.ListAsync(query, after, pageSize);
            Assert.InRange(page.Items.Count, 0, pageSize);
            entries.AddRange(page.Items);
            if (page.Next is null)
            {
                Assert.Equal(entries.Count, entries.Select(i => i.InvoiceId).Distinct().Count());
                return entries;
            }

            after = page.Next;
        }

        throw new InvalidOperationException("The pages never ended.");
    }
}
