using Marketplace.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Marketplace.Storage.Tests.Conformance;

namespace Marketplace.Storage.Tests.Sqlite;

public sealed class SqliteCatalogIndexTests : CatalogIndexConformance, IAsyncLifetime
{
    private readonly SqliteTestFiles files = new();

    protected override Task<ICatalogIndex> OpenIndexAsync() =>
        Task.FromResult<ICatalogIndex>(files.Open(database => new SqliteCatalogIndex(database)));

    [Fact]
    public async Task A_database_from_before_catalog_prices_gains_the_column_and_its_listings_sort_last_by_price()
    {
        string? path = null;
        var before = files.Open(database => { path = database.FilePath; return new SqliteCatalogIndex(database); });
        await before.UpsertAsync(Listing("o-old", title: "A old", priceMinor: null));
        await files.CloseAsync(before);
        using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString()))
        {
            connection.Open();
            using var drop = connection.CreateCommand();
            // As such a database was: neither the column nor the index on it.
            drop.CommandText = "DROP INDEX catalog_listings_by_price; ALTER TABLE catalog_listings DROP COLUMN price_minor";
            drop.ExecuteNonQuery();
        }

        var after = files.Open(database => new SqliteCatalogIndex(database));
        await after.UpsertAsync(Listing("o-new", title: "B new", priceMinor: 500));
        var result = await after.SearchAsync(new CatalogQuery(Sort: CatalogSort.Price));

        Assert.Equal(["o-new", "o-old"], result.Items.Select(i => i.OfferingId));
        Assert.Null(result.Items[1].PriceMinor);
    }

    [Fact]
    public async Task A_database_from_before_kept_facet_counts_counts_its_listings_when_opened()
    {
        string? path = null;
        var before = files.Open(database => { path = database.FilePath; return new SqliteCatalogIndex(database); });
        await before.UpsertAsync(Listing("o-1", themes: ["TRAN"], providerId: "p-1"));
        await before.UpsertAsync(Listing("o-2", themes: ["TRAN", "ENVI"], providerId: "p-2"));
        await before.UpsertAsync(Listing("o-3", providerId: "p-2", isPublic: false, visibleTo: ["buyer-1"]));
        await files.CloseAsync(before);
        using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString()))
        {
            connection.Open();
            using var drop = connection.CreateCommand();
            drop.CommandText = "DROP TABLE catalog_facet_counts";
            drop.ExecuteNonQuery();
        }

        var after = files.Open(database => new SqliteCatalogIndex(database));
        await after.RemoveAsync("o-1");
        var result = await after.SearchAsync(new CatalogQuery(ViewerSeesAll: true));

        Assert.Equal(2, result.Total);
        Assert.Equal([new FacetCount("p-2", 2)], result.Facets.Providers);
        Assert.Equal([new FacetCount("ENVI", 1), new FacetCount("TRAN", 1)], result.Facets.Themes);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => files.DisposeAsync().AsTask();
}
