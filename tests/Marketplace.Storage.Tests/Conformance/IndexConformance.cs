namespace Marketplace.Storage.Tests.Conformance;

/// <summary>The behaviour every adapter of <see cref="IHoldingsIndex"/> and <see cref="IPartyDirectory"/> shares.</summary>
public abstract class IndexConformance
{
    protected static readonly DateTimeOffset Start = new(2026, 11, 1, 9, 0, 0, TimeSpan.FromHours(9));

    /// <summary>Opens the holdings index over this test's own, initially empty storage.</summary>
    protected abstract Task<IHoldingsIndex> OpenHoldingsAsync();

    /// <summary>Opens the party directory over this test's own, initially empty storage.</summary>
    protected abstract Task<IPartyDirectory> OpenDirectoryAsync();

    [Fact]
    public async Task Adding_a_dataset_again_lists_it_once()
    {
        var index = await OpenHoldingsAsync();
        var dataset = new HoldingEntry("ds-1", "prov-a", Start);

        await index.AddDatasetAsync(dataset);
        await index.AddDatasetAsync(dataset);

        var page = await index.ListDatasetsAsync("prov-a", null, 10);
        Assert.Equal([dataset with { CreatedAt = Start.ToUniversalTime() }], page.Items);
        Assert.Null(page.Next);
    }

    [Fact]
    public async Task A_providers_datasets_come_a_page_at_a_time_in_creation_order_without_gaps_or_repeats()
    {
        var index = await OpenHoldingsAsync();
        // Added out of order, two at the same instant (ordered by id then), and another provider's in between.
        int[] order = [4, 0, 6, 2, 5, 1, 3];
        foreach (var i in order)
        {
            await index.AddDatasetAsync(new HoldingEntry($"ds-{i}", "prov-a", Start.AddMinutes(i == 6 ? 5 : i)));
            await index.AddDatasetAsync(new HoldingEntry($"other-{i}", "prov-b", Start.AddMinutes(i)));
        }

        var ids = await AllPages((after, size) => index.ListDatasetsAsync("prov-a", after, size), pageSize: 3, h => h.ItemId);

        Assert.Equal(["ds-0", "ds-1", "ds-2", "ds-3", "ds-4", "ds-5", "ds-6"], ids);
    }

    [Fact]
    public async Task Every_providers_datasets_are_listed_when_no_provider_is_named()
    {
        var index = await OpenHoldingsAsync();
        await index.AddDatasetAsync(new HoldingEntry("ds-b", "prov-b", Start.AddMinutes(1)));
        await index.AddDatasetAsync(new HoldingEntry("ds-a", "prov-a", Start));
        await index.AddOfferingAsync(new HoldingEntry("off-a", "prov-a", Start));

        var ids = await AllPages((after, size) => index.ListDatasetsAsync(null, after, size), pageSize: 1, h => h.ItemId);

        Assert.Equal(["ds-a", "ds-b"], ids);
    }

    [Fact]
    public async Task Offerings_are_listed_apart_from_datasets()
    {
        var index = await OpenHoldingsAsync();
        await index.AddDatasetAsync(new HoldingEntry("same-id", "prov-a", Start));
        await index.AddOfferingAsync(new HoldingEntry("off-1", "prov-a", Start.AddSeconds(1)));
        await index.AddOfferingAsync(new HoldingEntry("off-1", "prov-a", Start.AddSeconds(1)));

        var offerings = await index.ListOfferingsAsync("prov-a", null, 10);

        Assert.Equal(["off-1"], offerings.Items.Select(o => o.ItemId));
        Assert.Equal(["same-id"], (await index.ListDatasetsAsync("prov-a", null, 10)).Items.Select(d => d.ItemId));
    }

    [Fact]
    public async Task A_contract_is_listed_once_for_its_buyer_provider_and_offering_with_its_latest_status()
    {
        var index = await OpenHoldingsAsync();
        var contract = Contract("ctr-1", "off-1", "buyer-a", "prov-a", "requested", Start);

        await index.PutContractAsync(contract);
        await index.PutContractAsync(contract with { Status = "active" });
        await index.PutContractAsync(contract with { Status = "active" });

        var expected = contract with { Status = "active", CreatedAt = Start.ToUniversalTime() };
        Assert.Equal([expected], (await index.ListContractsAsync(new ContractQuery(BuyerId: "buyer-a"), null, 10)).Items);
        Assert.Equal([expected], (await index.ListContractsAsync(new ContractQuery(ProviderId: "prov-a"), null, 10)).Items);
        Assert.Equal([expected], (await index.ListContractsAsync(new ContractQuery(OfferingId: "off-1"), null, 10)).Items);
        Assert.Equal([expected], (await index.ListContractsAsync(new ContractQuery(), null, 10)).Items);
    }

    [Fact]
    public async Task Contracts_are_listed_only_to_their_own_parties()
    {
        var index = await OpenHoldingsAsync();
        await index.PutContractAsync(Contract("ctr-1", "off-1", "buyer-a", "prov-a", "active", Start));
        await index.PutContractAsync(Contract("ctr-2", "off-2", "buyer-b", "prov-b", "active", Start.AddMinutes(1)));
        await index.PutContractAsync(Contract("ctr-3", "off-1", "buyer-b", "prov-a", "active", Start.AddMinutes(2)));

        Assert.Equal(["ctr-1"], await ContractIds(index, new ContractQuery(BuyerId: "buyer-a")));
        Assert.Equal(["ctr-2", "ctr-3"], await ContractIds(index, new ContractQuery(BuyerId: "buyer-b")));
        Assert.Equal(["ctr-1", "ctr-3"], await ContractIds(index, new ContractQuery(ProviderId: "prov-a")));
        Assert.Equal(["ctr-3"], await ContractIds(index, new ContractQuery(OfferingId: "off-1", BuyerId: "buyer-b")));
        Assert.Equal(["ctr-3"], await ContractIds(index, new ContractQuery(BuyerId: "buyer-b", ProviderId: "prov-a")));
        Assert.Empty(await ContractIds(index, new ContractQuery(ProviderId: "prov-b", OfferingId: "off-1")));
        Assert.Equal(["ctr-1", "ctr-2", "ctr-3"], await ContractIds(index, new ContractQuery()));
    }

    [Fact]
    public async Task Contracts_filter_by_status_and_purpose()
    {
        var index = await OpenHoldingsAsync();
        await index.PutContractAsync(Contract("ctr-1", "off-1", "buyer-a", "prov-a", "terminated", Start));
        await index.PutContractAsync(Contract("ctr-2", "off-1", "buyer-a", "prov-a", "active", Start.AddMinutes(1)) with { Purpose = "billing" });
        await index.PutContractAsync(Contract("ctr-3", "off-1", "buyer-a", "prov-a", "requested", Start.AddMinutes(2)));

        var open = new ContractQuery(OfferingId: "off-1", BuyerId: "buyer-a", Statuses: ["requested", "active", "suspended"]);

        Assert.Equal(["ctr-2", "ctr-3"], await ContractIds(index, open));
        Assert.Equal(["ctr-3"], await ContractIds(index, open with { Purpose = "research" }));
        Assert.Equal(["ctr-1"], await ContractIds(index, new ContractQuery(ProviderId: "prov-a", Statuses: ["terminated"])));
    }

    [Fact]
    public async Task A_filter_that_matches_nothing_answers_after_a_bounded_scan_with_a_cursor_to_continue()
    {
        var index = await OpenHoldingsAsync();
        var count = IndexLimits.ScanWindow + 2;
        await Task.WhenAll(Enumerable.Range(0, count).Select(i =>
            index.PutContractAsync(Contract($"ctr-{i:0000}", "off-1", "buyer-a", "prov-a", i == count - 1 ? "active" : "terminated", Start.AddSeconds(i)))));
        var query = new ContractQuery(BuyerId: "buyer-a", Statuses: ["active"]);

        var first = await index.ListContractsAsync(query, null, 10);
        var second = await index.ListContractsAsync(query, first.Next, 10);

        Assert.Empty(first.Items);
        Assert.NotNull(first.Next);
        Assert.Equal([$"ctr-{count - 1:0000}"], second.Items.Select(c => c.ContractId));
        Assert.Null(second.Next);
    }

    [Fact]
    public async Task Contract_pages_hold_at_most_the_page_size_and_continue_where_they_stopped()
    {
        var index = await OpenHoldingsAsync();
        await Task.WhenAll(Enumerable.Range(0, 7).Select(i =>
            index.PutContractAsync(Contract($"ctr-{i}", "off-1", "buyer-a", "prov-a", "active", Start))));

        var pages = new List<int>();
        var ids = await AllPages(async (after, size) =>
        {
            var page = await index.ListContractsAsync(new ContractQuery(BuyerId: "buyer-a"), after, size);
            pages.Add(page.Items.Count);
            return page;
        }, pageSize: 3, c => c.ContractId);

        Assert.Equal([3, 3, 1], pages);
        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"ctr-{i}"), ids);
    }

    [Fact]
    public async Task A_page_size_outside_one_to_the_maximum_is_refused()
    {
        var index = await OpenHoldingsAsync();
        var directory = await OpenDirectoryAsync();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => index.ListDatasetsAsync("prov-a", null, 0));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => index.ListContractsAsync(new ContractQuery(), null, IndexLimits.MaxPageSize + 1));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => directory.ListAsync(null, -1));
    }

    [Fact]
    public async Task The_directory_lists_each_party_once_in_registration_order_with_its_latest_name()
    {
        var directory = await OpenDirectoryAsync();
        await directory.PutAsync(new PartyEntry("prov-b", "provider", "B", Start.AddMinutes(1)));
        await directory.PutAsync(new PartyEntry("op", "operator", "Op", Start));
        await directory.PutAsync(new PartyEntry("buyer-c", "buyer", "C", Start.AddMinutes(2)));
        await directory.PutAsync(new PartyEntry("prov-b", "provider", "B renamed", Start.AddMinutes(1)));

        var parties = new List<PartyEntry>();
        IndexPosition? after = null;
        do
        {
            var page = await directory.ListAsync(after, 2);
            Assert.InRange(page.Items.Count, 0, 2);
            parties.AddRange(page.Items);
            after = page.Next;
        }
        while (after is not null);

        Assert.Equal(["op", "prov-b", "buyer-c"], parties.Select(p => p.PartyId));
        Assert.Equal(new PartyEntry("prov-b", "provider", "B renamed", Start.AddMinutes(1).ToUniversalTime()), parties[1]);
    }

    [Fact]
    public async Task Ids_with_characters_a_store_treats_specially_round_trip()
    {
        var index = await OpenHoldingsAsync();
        var entry = new HoldingEntry("ds/1?#%~ x", "prov/a%", Start);

        await index.AddDatasetAsync(entry);

        Assert.Equal([entry.ItemId], (await index.ListDatasetsAsync("prov/a%", null, 5)).Items.Select(h => h.ItemId));
        Assert.Empty((await index.ListDatasetsAsync("prov", null, 5)).Items);
    }

    protected static ContractEntry Contract(string id, string offering, string buyer, string provider, string status, DateTimeOffset at) =>
        new(id, offering, buyer, provider, "research", status, at);

    private static Task<List<string>> ContractIds(IHoldingsIndex index, ContractQuery query) =>
        AllPages((after, size) => index.ListContractsAsync(query, after, size), pageSize: 2, c => c.ContractId);

    private static async Task<List<string>> AllPages<T>(Func<IndexPosition?, int, Task<IndexPage<T>>> read, int pageSize, Func<T, string> id)
    {
        var ids = new List<string>();
        IndexPosition? after = null;
        for (var pages = 0; pages < 100; pages++)
        {
            var page = await read(after, pageSize);
            Assert.InRange(page.Items.Count, 0, pageSize);
            ids.AddRange(page.Items.Select(id));
            if (page.Next is null)
            {
                return ids;
            }

            after = page.Next;
        }

        throw new InvalidOperationException("The pages never ended.");
    }
}
