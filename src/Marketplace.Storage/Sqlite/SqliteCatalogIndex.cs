using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Marketplace.Storage.Sqlite;

/// <summary>
/// Catalog listings in <c>catalog_listings</c> with an FTS5 table (<c>catalog_fts</c>, same rowid) for text
/// search. Filters, visibility, facets and paging are plain SQL over the filtered set.
/// </summary>
public sealed class SqliteCatalogIndex(SqliteDatabase database) : ICatalogIndex
{
    private const int MaxPageSize = 100;

    private const string ListingColumns = """
        l.offering_id, l.dataset_id, l.provider_id, l.provider_name, l.title, l.description, l.keywords, l.themes,
        l.dataset_class, l.price_model, l.is_free, l.price_summary, l.is_public, l.visible_to, l.licence, l.updated_at,
        l.price_minor
        """;

    // Title matches weigh most, then keywords, themes, provider and description (bm25: lower is better).
    private const string TextSource = """
        FROM catalog_fts JOIN catalog_listings l ON l.listing_key = catalog_fts.rowid
        WHERE catalog_fts MATCH $match
        """;

    private const string AllSource = " FROM catalog_listings l WHERE 1 = 1";

    private const string TextScore = "bm25(catalog_fts, 10.0, 1.0, 4.0, 3.0, 2.0)";

    private const string Filters = """

          AND ($class IS NULL OR l.dataset_class = $class)
          AND ($theme IS NULL OR EXISTS (SELECT 1 FROM json_each(l.themes) WHERE value = $theme))
          AND ($provider IS NULL OR l.provider_id = $provider)
          AND ($price IS NULL OR l.price_model = $price)
          AND ($free_only = 0 OR l.is_free = 1)
          AND ($licence IS NULL OR l.licence = $licence)
          AND ($sees_all = 1 OR l.is_public = 1 OR EXISTS (SELECT 1 FROM json_each(l.visible_to) WHERE value = $buyer))
        """;

    // Every order ends with the title and the id, so pages are stable. Instants are compared as instants
    // (julianday, to the millisecond), not as text: stored offsets may differ. Unknown prices (NULL) sort last.
    private const string PageEnd = ", l.title COLLATE NOCASE, l.offering_id LIMIT $take OFFSET $skip";

    private const string ByRelevance = " ORDER BY score" + PageEnd;

    private const string ByNewest = " ORDER BY julianday(l.updated_at) DESC" + PageEnd;

    private const string ByPrice = " ORDER BY l.price_minor IS NULL, l.price_minor" + PageEnd;

    private const string TextPage = "SELECT " + ListingColumns + ", " + TextScore + " AS score " + TextSource + Filters;

    private const string AllPage = "SELECT " + ListingColumns + ", 0 AS score" + AllSource + Filters;

    // Kind 0 is the total; 1-5 are the facets. One statement over one materialised filtered set.
    private const string FacetSelect = """

        SELECT 0, NULL, COUNT(*) FROM hits
        UNION ALL SELECT 1, dataset_class, COUNT(*) FROM hits GROUP BY dataset_class
        UNION ALL SELECT 2, t.value, COUNT(DISTINCT hits.listing_key) FROM hits, json_each(hits.themes) t GROUP BY t.value
        UNION ALL SELECT 3, provider_id, COUNT(*) FROM hits GROUP BY provider_id
        UNION ALL SELECT 4, price_model, COUNT(*) FROM hits GROUP BY price_model
        UNION ALL SELECT 5, licence, COUNT(*) FROM hits GROUP BY licence
        """;

    private const string FacetHitColumns = "SELECT l.listing_key, l.dataset_class, l.themes, l.provider_id, l.price_model, l.licence ";

    private const string TextFacetSql = "WITH hits AS MATERIALIZED (" + FacetHitColumns + TextSource + Filters + ")" + FacetSelect;

    private const string AllFacetSql = "WITH hits AS MATERIALIZED (" + FacetHitColumns + AllSource + Filters + ")" + FacetSelect;

    public Task UpsertAsync(CatalogListing listing, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(listing);
        ArgumentException.ThrowIfNullOrEmpty(listing.OfferingId, nameof(listing));
        return database.WriteAsync((connection, transaction) =>
        {
            using var upsert = connection.CreateCommand();
            upsert.Transaction = transaction;
            upsert.CommandText = """
                INSERT INTO catalog_listings (offering_id, dataset_id, provider_id, provider_name, title, description,
                    keywords, themes, dataset_class, price_model, is_free, price_summary, is_public, visible_to, licence, updated_at,
                    price_minor)
                VALUES ($offering, $dataset, $provider, $provider_name, $title, $description,
                    $keywords, $themes, $class, $price, $free, $price_summary, $public, $visible_to, $licence, $updated,
                    $price_minor)
                ON CONFLICT (offering_id) DO UPDATE SET
                    dataset_id = excluded.dataset_id, provider_id = excluded.provider_id,
                    provider_name = excluded.provider_name, title = excluded.title, description = excluded.description,
                    keywords = excluded.keywords, themes = excluded.themes, dataset_class = excluded.dataset_class,
                    price_model = excluded.price_model, is_free = excluded.is_free, price_summary = excluded.price_summary,
                    is_public = excluded.is_public, visible_to = excluded.visible_to, licence = excluded.licence,
                    updated_at = excluded.updated_at, price_minor = excluded.price_minor
                RETURNING listing_key
                """;
            var p = upsert.Parameters;
            p.AddWithValue("$offering", listing.OfferingId);
            p.AddWithValue("$dataset", listing.DatasetId);
            p.AddWithValue("$provider", listing.ProviderId);
            p.AddWithValue("$provider_name", listing.ProviderName);
            p.AddWithValue("$title", listing.Title);
            p.AddWithValue("$description", listing.Description);
            p.AddWithValue("$keywords", JsonSerializer.Serialize(listing.Keywords));
            p.AddWithValue("$themes", JsonSerializer.Serialize(listing.Themes));
            p.AddWithValue("$class", listing.DatasetClass);
            p.AddWithValue("$price", listing.PriceModel);
            p.AddWithValue("$free", listing.IsFree);
            p.AddWithValue("$price_summary", listing.PriceSummary);
            p.AddWithValue("$public", listing.IsPublic);
            p.AddWithValue("$visible_to", JsonSerializer.Serialize(listing.VisibleToBuyers));
            p.AddWithValue("$licence", listing.Licence);
            p.AddWithValue("$updated", listing.UpdatedAt.ToString("O", CultureInfo.InvariantCulture));
            p.AddWithValue("$price_minor", (object?)listing.PriceMinor ?? DBNull.Value);
            var key = (long)upsert.ExecuteScalar()!;

            using var text = connection.CreateCommand();
            text.Transaction = transaction;
            text.CommandText = """
                DELETE FROM catalog_fts WHERE rowid = $key;
                INSERT INTO catalog_fts (rowid, title, description, keywords, themes, provider_name)
                VALUES ($key, $title, $description, $keywords, $themes, $provider_name);
                """;
            text.Parameters.AddWithValue("$key", key);
            text.Parameters.AddWithValue("$title", CatalogSearchText.ForIndex(listing.Title));
            text.Parameters.AddWithValue("$description", CatalogSearchText.ForIndex(listing.Description));
            text.Parameters.AddWithValue("$keywords", CatalogSearchText.ForIndex(string.Join(" ; ", listing.Keywords)));
            text.Parameters.AddWithValue("$themes", CatalogSearchText.ForIndex(string.Join(" ; ", listing.Themes)));
            text.Parameters.AddWithValue("$provider_name", CatalogSearchText.ForIndex(listing.ProviderName));
            return text.ExecuteNonQuery();
        }, cancellationToken);
    }

    public Task RemoveAsync(string offeringId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(offeringId);
        return database.WriteAsync((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                DELETE FROM catalog_fts WHERE rowid = (SELECT listing_key FROM catalog_listings WHERE offering_id = $offering);
                DELETE FROM catalog_listings WHERE offering_id = $offering;
                """;
            command.Parameters.AddWithValue("$offering", offeringId);
            return command.ExecuteNonQuery();
        }, cancellationToken);
    }

    public async Task<CatalogSearchResult> SearchAsync(CatalogQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var page = Math.Max(1, query.Page);
        var pageSize = Math.Clamp(query.PageSize, 1, MaxPageSize);
        var match = CatalogSearchText.ToMatchQuery(query.Text);

        await SqliteDatabase.LeaveGrainScheduler();
        using var connection = database.OpenConnection();
        // One read snapshot, so the page, the total and the facets agree.
        using var transaction = connection.BeginTransaction(deferred: true);

        using var pageCommand = connection.CreateCommand();
        pageCommand.Transaction = transaction;
        pageCommand.CommandText = PageSql(match is not null, query.Sort);
        Bind(pageCommand, query, match);
        pageCommand.Parameters.AddWithValue("$take", pageSize);
        pageCommand.Parameters.AddWithValue("$skip", (long)(page - 1) * pageSize);
        var items = new List<CatalogListing>(pageSize);
        using (var reader = await pageCommand.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                items.Add(ReadListing(reader));
            }
        }

        using var facetCommand = connection.CreateCommand();
        facetCommand.Transaction = transaction;
        facetCommand.CommandText = match is null ? AllFacetSql : TextFacetSql;
        Bind(facetCommand, query, match);
        long total = 0;
        var facets = new[] { new List<FacetCount>(), new List<FacetCount>(), new List<FacetCount>(), new List<FacetCount>(), new List<FacetCount>() };
        using (var reader = await facetCommand.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var kind = reader.GetInt32(0);
                if (kind == 0)
                {
                    total = reader.GetInt64(2);
                }
                else if (!reader.IsDBNull(1))
                {
                    facets[kind - 1].Add(new FacetCount(reader.GetString(1), reader.GetInt64(2)));
                }
            }
        }

        transaction.Commit();
        return new CatalogSearchResult(items, total, page, pageSize,
            new CatalogFacets(Ordered(facets[0]), Ordered(facets[1]), Ordered(facets[2]), Ordered(facets[3]), Ordered(facets[4])));
    }

    private static void Bind(SqliteCommand command, CatalogQuery query, string? match)
    {
        var p = command.Parameters;
        if (match is not null)
        {
            p.AddWithValue("$match", match);
        }

        p.AddWithValue("$class", (object?)query.DatasetClass ?? DBNull.Value);
        p.AddWithValue("$theme", (object?)query.Theme ?? DBNull.Value);
        p.AddWithValue("$provider", (object?)query.ProviderId ?? DBNull.Value);
        p.AddWithValue("$price", (object?)query.PriceModel ?? DBNull.Value);
        p.AddWithValue("$free_only", query.FreeOnly);
        p.AddWithValue("$licence", (object?)query.Licence ?? DBNull.Value);
        p.AddWithValue("$sees_all", query.ViewerSeesAll);
        p.AddWithValue("$buyer", (object?)query.ViewerBuyerId ?? DBNull.Value);
    }

    // Relevance without search text is the title order (every score is 0).
    private static string PageSql(bool hasText, CatalogSort? sort) => (hasText ? TextPage : AllPage) + sort switch
    {
        CatalogSort.Newest => ByNewest,
        CatalogSort.Price => ByPrice,
        _ => ByRelevance,
    };

    private static FacetCount[] Ordered(List<FacetCount> counts) =>
        [.. counts.OrderByDescending(c => c.Count).ThenBy(c => c.Value, StringComparer.Ordinal)];

    private static CatalogListing ReadListing(SqliteDataReader reader) => new(
        OfferingId: reader.GetString(0),
        DatasetId: reader.GetString(1),
        ProviderId: reader.GetString(2),
        ProviderName: reader.GetString(3),
        Title: reader.GetString(4),
        Description: reader.GetString(5),
        Keywords: ReadList(reader.GetString(6)),
        Themes: ReadList(reader.GetString(7)),
        DatasetClass: reader.GetString(8),
        PriceModel: reader.GetString(9),
        IsFree: reader.GetBoolean(10),
        PriceSummary: reader.GetString(11),
        IsPublic: reader.GetBoolean(12),
        VisibleToBuyers: ReadList(reader.GetString(13)),
        Licence: reader.GetString(14),
        UpdatedAt: DateTimeOffset.Parse(reader.GetString(15), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
        PriceMinor: reader.IsDBNull(16) ? null : reader.GetInt64(16));

    private static string[] ReadList(string json) => JsonSerializer.Deserialize<string[]>(json) ?? [];
}
