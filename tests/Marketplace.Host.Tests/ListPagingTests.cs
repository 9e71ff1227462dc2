using System.Net;
using System.Text.Json;
using Marketplace.Host.Features.Contracts;
using Marketplace.Host.Features.Datasets;
using Marketplace.Host.Features.Parties;

namespace Marketplace.Host.Tests;

/// <summary>Every list answers a bounded page with a cursor to the next one, and refuses cursors and sizes it did not give out.</summary>
[Collection(MarketplaceCollection.Name)]
public sealed class ListPagingTests(MarketplaceFixture fixture)
{
    private static readonly string[] Lists = ["/api/v1/parties", "/api/v1/datasets", "/api/v1/offerings", "/api/v1/contracts", "/api/v1/usage"];

    [Fact]
    public async Task A_providers_datasets_come_in_pages_of_the_asked_size_that_together_hold_each_dataset_once()
    {
        var provider = await fixture.Driver.CreatePartyAsync("provider");
        var created = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            created.Add((await fixture.Driver.CreateDatasetAsync(provider, MarketplaceDriver.BusStopsDataset(MarketplaceDriver.UniqueId("ds")))).Id);
        }

        var listed = new List<string>();
        var sizes = new List<int>();
        var url = "/api/v1/datasets?pageSize=2";
        while (true)
        {
            var response = await provider.Client.GetAsync(url);
            var page = await MarketplaceDriver.Ok<DatasetListResponse>(response, HttpStatusCode.OK);
            sizes.Add(page.Items.Count);
            listed.AddRange(page.Items.Select(d => d.Id));
            if (page.Next is null)
            {
                Assert.False(response.Headers.Contains("Link"));
                break;
            }

            var link = Assert.Single(response.Headers.GetValues("Link"));
            Assert.Equal($"</api/v1/datasets?pageSize=2&cursor={page.Next}>; rel=\"next\"", link);
            url = link[1..link.IndexOf('>', StringComparison.Ordinal)];
        }

        // Oldest first, then by id: these were created at one instant of the test clock, so the set is what counts.
        Assert.Equal([2, 2, 1], sizes);
        Assert.Equal(created.Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_list_without_a_page_size_answers_at_most_the_default_page()
    {
        for (var i = 0; i < 3; i++)
        {
            await fixture.Driver.CreatePartyAsync("buyer");
        }

        var page = await MarketplaceDriver.Ok<PartyListResponse>(await fixture.Driver.Operator.GetAsync("/api/v1/parties?pageSize=2"), HttpStatusCode.OK);
        var all = await MarketplaceDriver.Ok<PartyListResponse>(await fixture.Driver.Operator.GetAsync("/api/v1/parties"), HttpStatusCode.OK);

        Assert.Equal(2, page.Items.Count);
        Assert.NotNull(page.Next);
        Assert.InRange(all.Items.Count, 4, ListPaging.DefaultPageSize);
    }

    [Fact]
    public async Task A_buyers_contracts_filtered_by_status_and_offering_come_a_page_at_a_time()
    {
        var listing = await fixture.Driver.ListedOfferingAsync(records: 3, policy: new { purposes = new[] { "research", "planning", "education" } });
        var buyer = await fixture.Driver.CreatePartyAsync("buyer");
        var ids = new List<string>();
        foreach (var purpose in new[] { "research", "planning", "education" })
        {
            ids.Add((await MarketplaceDriver.SubscribeAsync(buyer, listing.OfferingId, purpose)).Id);
        }
        await buyer.Client.PostAsync($"/api/v1/contracts/{ids[1]}/terminate", null);

        var first = await MarketplaceDriver.Ok<ContractListResponse>(
            await buyer.Client.GetAsync($"/api/v1/contracts?status=active&offeringId={listing.OfferingId}&pageSize=1"), HttpStatusCode.OK);
        var second = await MarketplaceDriver.Ok<ContractListResponse>(
            await buyer.Client.GetAsync($"/api/v1/contracts?status=active&offeringId={listing.OfferingId}&pageSize=1&cursor={first.Next}"), HttpStatusCode.OK);

        Assert.Single(first.Items);
        Assert.Single(second.Items);
        Assert.Equal(new[] { ids[0], ids[2] }.Order(StringComparer.Ordinal), first.Items.Concat(second.Items).Select(c => c.Id).Order(StringComparer.Ordinal));
        Assert.Null(second.Next);
    }

    [Theory]
    [InlineData("pageSize=0", "pageSize.invalid")]
    [InlineData("pageSize=201", "pageSize.invalid")]
    [InlineData("pageSize=ten", "pageSize.invalid")]
    [InlineData("pageSize=-1", "pageSize.invalid")]
    [InlineData("cursor=not-a-cursor", "cursor.invalid")]
    [InlineData("cursor=%00%00", "cursor.invalid")]
    [InlineData("cursor=MjAyNi0xMS0xMFQwMDowMDowMC4wMDAwMDAwKzAwOjAw", "cursor.invalid")] // a time without an id
    [InlineData("cursor=fGlk", "cursor.invalid")] // an id without a time
    [InlineData("cursor=__6AgcMooKE", "cursor.invalid")] // not UTF-8
    public async Task A_page_size_or_cursor_it_did_not_give_out_is_a_400_on_every_list(string query, string code)
    {
        foreach (var list in Lists)
        {
            var problem = await MarketplaceDriver.Problem(await fixture.Driver.Operator.GetAsync($"{list}?{query}"), HttpStatusCode.BadRequest);
            Assert.Equal(code, problem.GetProperty("code").GetString());
        }
    }

    [Fact]
    public async Task A_very_long_cursor_is_a_400()
    {
        var problem = await MarketplaceDriver.Problem(
            await fixture.Driver.Operator.GetAsync($"/api/v1/contracts?cursor={new string('A', 5_000)}"), HttpStatusCode.BadRequest);

        Assert.Equal("cursor.invalid", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task An_offering_filter_that_cannot_be_an_offering_id_is_a_400()
    {
        var problem = await MarketplaceDriver.Problem(
            await fixture.Driver.Operator.GetAsync($"/api/v1/contracts?offeringId={new string('x', 10_000)}"), HttpStatusCode.BadRequest);

        Assert.Equal("offeringId.invalid", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Every_list_answer_has_items_and_next()
    {
        foreach (var list in Lists)
        {
            var body = await (await fixture.Driver.Operator.GetAsync($"{list}?pageSize=1")).Content.ReadAsStringAsync();
            using var document = JsonDocument.Parse(body);

            Assert.True(document.RootElement.TryGetProperty("items", out var items), list);
            Assert.InRange(items.GetArrayLength(), 0, 1);
            Assert.True(document.RootElement.TryGetProperty("next", out _), list);
        }
    }
}
