using System.Globalization;
using Marketplace.Storage.Catalog;

namespace Marketplace.Storage.Tests.Catalog;

public sealed class CatalogMemoryTests
{
    [Fact]
    public void Words_no_listing_holds_any_more_are_forgotten_so_a_changing_catalog_does_not_grow_the_index()
    {
        var memory = new CatalogMemory();
        memory.Upsert(Listing("kept", "Bus stops"), 0);
        var before = memory.WordCount;

        for (var i = 0; i < 1_000; i++)
        {
            var id = "changing-" + i.ToString(CultureInfo.InvariantCulture);
            memory.Upsert(Listing(id, "Census " + i.ToString(CultureInfo.InvariantCulture)), i);
            memory.Upsert(Listing(id, "Census x" + i.ToString(CultureInfo.InvariantCulture)), i);
            memory.Remove(id);
        }

        Assert.Equal(before, memory.WordCount);
        Assert.Equal(1, memory.Count);
    }

    [Fact]
    public void A_search_returns_the_listing_as_stored_even_if_the_caller_changes_its_lists_afterwards()
    {
        var memory = new CatalogMemory();
        var keywords = new List<string> { "bus" };
        memory.Upsert(Listing("o-1", "Bus stops") with { Keywords = keywords }, 0);

        keywords.Add("changed");

        Assert.Equal(["bus"], Assert.Single(memory.Search(new CatalogQuery(Text: "bus")).Items).Keywords);
    }

    private static CatalogListing Listing(string id, string title) =>
        new(id, "d-" + id, "p-1", "City", title, "", [], ["TRAN"], "public", "free", true, "Free", true, [], "CC0-1.0",
            new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
}
