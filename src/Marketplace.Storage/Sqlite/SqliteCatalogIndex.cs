using System.Globalization;
using System.Text.Json;
using Marketplace.Storage.Catalog;
using Microsoft.Data.Sqlite;

namespace Marketplace.Storage.Sqlite;

/// <summary>
/// Catalog listings in <c>catalog_listings</c>, searched in memory (<see cref="CatalogMemory"/>, the index the Cosmos
/// adapter searches too). The copy is loaded from the table once (<see cref="LoadAsync"/>, at host start) and then
/// kept by this process's own writes, each applied on the writer thread once it commits, so in commit order. That
/// is complete because one process owns the data directory (the host's <c>DataDirectoryLock</c>) and every write of
/// a listing goes through this class. The tables stay the truth. They keep an FTS5 table (<c>catalog_fts</c>, same
/// rowid) and per-facet counts (<c>catalog_facet_counts</c>) for <see cref="SearchTablesAsync"/>, the search as SQL
/// answered it, which tests hold the in-memory search to (same items, order, totals and facets).
/// At 100,000 generated listings a text or facet search took 60–85 ms in SQLite (ranking 12,500 hits, counting
/// facets over 22,500 rows) and takes a few ms in memory; the copy costs about 1.6 KB a listing (bench P3).
/// </summary>
public sealed class SqliteCatalogIndex(SqliteDatabase database) : ICatalogIndex, IDisposable
{
    private const int MaxPageSize = 100;

    private readonly SemaphoreSlim loadGate = new(1, 1);

    // Both set on the writer thread only (searches read `memory`): changes committed while the copy loads go to `pending`.
    private volatile CatalogMemory? memory;
    private List<CatalogChange>? pending;

    private const string ListingColumns = """
        l.offering_id, l.dataset_id, l.provider_id, l.provider_name, l.title, l.description, l.keywords, l.themes,
        l.dataset_class, l.price_model, l.is_free, l.price_summary, l.is_public, l.visible_to, l.licence, l.updated_at,
        l.price_minor, l.origin
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
          AND ($theme IS NULL OR (instr(l.themes, json_quote($theme)) > 0 AND EXISTS (SELECT 1 FROM json_each(l.themes) WHERE value = $theme)))
          AND ($provider IS NULL OR l.provider_id = $provider)
          AND ($price IS NULL OR l.price_model = $price)
          AND ($free_only = 0 OR l.is_free = 1)
          AND ($licence IS NULL OR l.licence = $licence)
          AND ($sees_all = 1 OR l.is_public = 1 OR ($buyer IS NOT NULL AND EXISTS (SELECT 1 FROM json_each(l.visible_to) WHERE value = $buyer)))
        """;

    // Every order ends with the title and the id, so pages are stable. Instants are compared as instants
    // (julianday, to the millisecond), not as text: stored offsets may differ. Unknown prices (NULL) sort last.
    private const string PageEnd = ", l.title COLLATE NOCASE, l.offering_id LIMIT $take OFFSET $skip";

    private const string ByRelevance = " ORDER BY score" + PageEnd;

    // Without search text every score is 0: the title order alone, which catalog_listings_by_title serves.
    private const string ByTitle = " ORDER BY l.title COLLATE NOCASE, l.offering_id LIMIT $take OFFSET $skip";

    private const string ByNewest = " ORDER BY julianday(l.updated_at) DESC" + PageEnd;

    private const string ByPrice = " ORDER BY l.price_minor IS NULL, l.price_minor" + PageEnd;

    private const string TextPage = "SELECT " + ListingColumns + ", " + TextScore + " AS score " + TextSource + Filters;

    private const string AllPage = "SELECT " + ListingColumns + ", 0 AS score" + AllSource + Filters;

    // Kind 0 is the total; 1-5 are the facets. One statement over one materialised filtered set. Themes are counted
    // per distinct theme list (few), each list's themes added up by the reader: cheaper than a json_each per hit.
    private const string FacetSelect = """

        SELECT 0, NULL, COUNT(*) FROM hits
        UNION ALL SELECT 1, dataset_class, COUNT(*) FROM hits GROUP BY dataset_class
        UNION ALL SELECT 2, themes, COUNT(*) FROM hits GROUP BY themes
        UNION ALL SELECT 3, provider_id, COUNT(*) FROM hits GROUP BY provider_id
        UNION ALL SELECT 4, price_model, COUNT(*) FROM hits GROUP BY price_model
        UNION ALL SELECT 5, licence, COUNT(*) FROM hits GROUP BY licence
        """;

    private const string FacetHitColumns = "SELECT l.listing_key, l.dataset_class, l.themes, l.provider_id, l.price_model, l.licence ";

    private const string TextFacetSql = "WITH hits AS MATERIALIZED (" + FacetHitColumns + TextSource + Filters + ")" + FacetSelect;

    private const string AllFacetSql = "WITH hits AS MATERIALIZED (" + FacetHitColumns + AllSource + Filters + ")" + FacetSelect;

    // The unfiltered catalog: the kept counts of what the viewer sees in full (public listings; all for operators) ...
    private const string KeptFacetSql = """
        SELECT kind, value, SUM(listings) FROM catalog_facet_counts
        WHERE $sees_all = 1 OR is_public = 1
        GROUP BY kind, value
        """;

    // ... and, for a buyer, the restricted listings offered to them, counted one by one.
    private const string RestrictedFacetSql = "WITH hits AS MATERIALIZED (" + FacetHitColumns + """
         FROM catalog_listings l
        WHERE l.is_public = 0 AND $sees_all = 0 AND EXISTS (SELECT 1 FROM json_each(l.visible_to) WHERE value = $buyer))
        """ + FacetSelect;

    // What each listing adds to catalog_facet_counts: one row per facet value (themes once each), with its key.
    private static string ContributionsWhere(string where) => $"""
        SELECT l.listing_key, 0 AS kind, '' AS value, l.is_public FROM catalog_listings l WHERE {where}
        UNION ALL SELECT l.listing_key, 1, l.dataset_class, l.is_public FROM catalog_listings l WHERE {where}
        UNION ALL SELECT DISTINCT l.listing_key, 2, t.value, l.is_public FROM catalog_listings l, json_each(l.themes) t
            WHERE {where} AND t.value IS NOT NULL
        UNION ALL SELECT l.listing_key, 3, l.provider_id, l.is_public FROM catalog_listings l WHERE {where}
        UNION ALL SELECT l.listing_key, 4, l.price_model, l.is_public FROM catalog_listings l WHERE {where}
        UNION ALL SELECT l.listing_key, 5, l.licence, l.is_public FROM catalog_listings l WHERE {where}
        """;

    private static readonly string ListingContributions = ContributionsWhere("l.offering_id = $offering");

    // Before a listing changes or goes: its counts come off (a value that reaches 0 is dropped after the change).
    private static readonly string Uncount =
        "UPDATE catalog_facet_counts SET listings = listings - 1 WHERE (kind, value, is_public) IN (SELECT kind, value, is_public FROM ("
        + ListingContributions + "));";

    // After it is stored: its counts go on. ("WHERE true" tells SQLite's parser the ON CONFLICT is the upsert's.)
    private static readonly string Count =
        "INSERT INTO catalog_facet_counts (kind, value, is_public, listings) SELECT kind, value, is_public, 1 FROM ("
        + ListingContributions + ") WHERE true ON CONFLICT (kind, value, is_public) DO UPDATE SET listings = listings + 1;";

    private const string DropEmptyCounts = "DELETE FROM catalog_facet_counts WHERE listings <= 0;";

    /// <summary>Counts every listing, when the counts table is empty (a database from before it existed).</summary>
    internal static readonly string FillFacetCounts =
        "INSERT INTO catalog_facet_counts (kind, value, is_public, listings) SELECT kind, value, is_public, COUNT(*) FROM ("
        + ContributionsWhere("NOT EXISTS (SELECT 1 FROM catalog_facet_counts)") + ") GROUP BY kind, value, is_public;";

    public Task UpsertAsync(CatalogListing listing, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(listing);
        ArgumentException.ThrowIfNullOrEmpty(listing.OfferingId, nameof(listing));
        return UpsertBatchAsync([listing], cancellationToken);
    }

    /// <summary>
    /// Stores <paramref name="listings"/> (each as <see cref="UpsertAsync"/> would) in one transaction, for imports and
    /// the benchmark's generated catalog: one commit and one set of prepared statements for the lot.
    /// </summary>
    public Task UpsertBatchAsync(IReadOnlyList<CatalogListing> listings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(listings);
        foreach (var listing in listings)
        {
            ArgumentNullException.ThrowIfNull(listing, nameof(listings));
            ArgumentException.ThrowIfNullOrEmpty(listing.OfferingId, nameof(listings));
        }

        return WriteThenApplyAsync((connection, transaction) =>
        {
            using var write = new ListingWrite(connection, transaction);
            return listings.Select(write.Upsert).ToList();
        }, cancellationToken);
    }

    public Task RemoveAsync(string offeringId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(offeringId);
        return WriteThenApplyAsync((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = Uncount + """
                DELETE FROM catalog_fts WHERE rowid = (SELECT listing_key FROM catalog_listings WHERE offering_id = $offering);
                DELETE FROM catalog_listings WHERE offering_id = $offering;
                """ + DropEmptyCounts;
            command.Parameters.AddWithValue("$offering", offeringId);
            command.ExecuteNonQuery();
            return [new CatalogChange(offeringId, null, 0)];
        }, cancellationToken);
    }

    // The write commits, then (still on the writer thread, so in commit order) the in-memory copy takes the change;
    // while the copy is being loaded, changes wait in `pending` and are applied on top of what the load read.
    private Task WriteThenApplyAsync(Func<SqliteConnection, SqliteTransaction, List<CatalogChange>> work, CancellationToken cancellationToken) =>
        database.RunOnWriterAsync(() =>
        {
            List<CatalogChange> changes;
            using (var connection = database.OpenConnection())
            using (var transaction = connection.BeginTransaction(deferred: false))
            {
                changes = work(connection, transaction);
                transaction.Commit();
            }

            if (memory is { } current)
            {
                current.Apply(changes);
            }
            else
            {
                pending?.AddRange(changes);
            }

            return true;
        }, cancellationToken);

    /// <summary>Listings in the in-memory copy (tests, diagnostics); 0 before it is loaded.</summary>
    internal int LoadedCount => memory?.Count ?? 0;

    /// <summary>
    /// Loads the in-memory copy from the tables if it is not loaded yet (the host does it while starting; otherwise
    /// the first search does). Writes meanwhile are not held up: they are applied on top of what was read.
    /// </summary>
    public async Task LoadAsync(CancellationToken cancellationToken = default)
    {
        if (memory is not null)
        {
            return;
        }

        await loadGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (memory is not null)
            {
                return;
            }

            // From here every committed change is also kept aside, so none falls between the read and the publish.
            await database.RunOnWriterAsync(() => pending = []).ConfigureAwait(false);
            var loaded = new CatalogMemory();
            try
            {
                await SqliteDatabase.LeaveGrainScheduler();
                loaded.Apply(ReadAll());
            }
            catch
            {
                await database.RunOnWriterAsync(() => pending = null).ConfigureAwait(false);
                throw;
            }

            await database.RunOnWriterAsync(() =>
            {
                loaded.Apply(pending!);
                (pending, memory) = (null, loaded);
            }).ConfigureAwait(false);
        }
        finally
        {
            loadGate.Release();
        }
    }

    private IEnumerable<CatalogChange> ReadAll()
    {
        using var connection = database.OpenConnection();
        using var transaction = connection.BeginTransaction(deferred: true);
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT " + ListingColumns + ", julianday(l.updated_at) FROM catalog_listings l";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var listing = ReadListing(reader);
            yield return new CatalogChange(listing.OfferingId, listing, UpdatedOrder(reader, 18));
        }
    }

    // What "newest" orders by: SQLite's own julianday() of the stored instant (NULL, unreadable, sorts last).
    private static double UpdatedOrder(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? double.NegativeInfinity : reader.GetDouble(ordinal);

    /// <summary>Searches the in-memory copy (loading it first if need be).</summary>
    public async Task<CatalogSearchResult> SearchAsync(CatalogQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (memory is null)
        {
            await LoadAsync(cancellationToken).ConfigureAwait(false);
        }

        return memory!.Search(query);
    }

    /// <summary>Prepared statements that store listings in one transaction (and keep the FTS table and facet counts).</summary>
    private sealed class ListingWrite : IDisposable
    {
        private readonly SqliteCommand uncount;
        private readonly SqliteCommand upsert;
        private readonly SqliteCommand text;
        private readonly SqliteCommand count;

        public ListingWrite(SqliteConnection connection, SqliteTransaction transaction)
        {
            uncount = Command(connection, transaction, Uncount, "$offering");
            upsert = Command(connection, transaction, """
                INSERT INTO catalog_listings (offering_id, dataset_id, provider_id, provider_name, title, description,
                    keywords, themes, dataset_class, price_model, is_free, price_summary, is_public, visible_to, licence, updated_at,
                    price_minor, origin)
                VALUES ($offering, $dataset, $provider, $provider_name, $title, $description,
                    $keywords, $themes, $class, $price, $free, $price_summary, $public, $visible_to, $licence, $updated,
                    $price_minor, $origin)
                ON CONFLICT (offering_id) DO UPDATE SET
                    dataset_id = excluded.dataset_id, provider_id = excluded.provider_id,
                    provider_name = excluded.provider_name, title = excluded.title, description = excluded.description,
                    keywords = excluded.keywords, themes = excluded.themes, dataset_class = excluded.dataset_class,
                    price_model = excluded.price_model, is_free = excluded.is_free, price_summary = excluded.price_summary,
                    is_public = excluded.is_public, visible_to = excluded.visible_to, licence = excluded.licence,
                    updated_at = excluded.updated_at, price_minor = excluded.price_minor, origin = excluded.origin
                RETURNING listing_key, julianday(updated_at)
                """, "$offering", "$dataset", "$provider", "$provider_name", "$title", "$description", "$keywords", "$themes",
                "$class", "$price", "$free", "$price_summary", "$public", "$visible_to", "$licence", "$updated", "$price_minor", "$origin");
            text = Command(connection, transaction, """
                DELETE FROM catalog_fts WHERE rowid = $key;
                INSERT INTO catalog_fts (rowid, title, description, keywords, themes, provider_name)
                VALUES ($key, $title, $description, $keywords, $themes, $provider_name);
                """, "$key", "$title", "$description", "$keywords", "$themes", "$provider_name");
            count = Command(connection, transaction, Count + DropEmptyCounts, "$offering");
        }

        public CatalogChange Upsert(CatalogListing listing)
        {
            uncount.Parameters[0].Value = listing.OfferingId;
            uncount.ExecuteNonQuery();
            Bind(upsert, listing.OfferingId, listing.DatasetId, listing.ProviderId, listing.ProviderName, listing.Title,
                listing.Description, JsonSerializer.Serialize(listing.Keywords), JsonSerializer.Serialize(listing.Themes),
                listing.DatasetClass, listing.PriceModel, listing.IsFree, listing.PriceSummary, listing.IsPublic,
                JsonSerializer.Serialize(listing.VisibleToBuyers), listing.Licence,
                listing.UpdatedAt.ToString("O", CultureInfo.InvariantCulture), listing.PriceMinor,
                listing.Origin is { } origin ? JsonSerializer.Serialize(origin) : null);
            long key;
            double updatedOrder;
            using (var reader = upsert.ExecuteReader())
            {
                reader.Read();
                key = reader.GetInt64(0);
                updatedOrder = UpdatedOrder(reader, 1);
            }

            Bind(text, key, CatalogSearchText.ForIndex(listing.Title), CatalogSearchText.ForIndex(listing.Description),
                CatalogSearchText.ForIndex(string.Join(" ; ", listing.Keywords)),
                CatalogSearchText.ForIndex(string.Join(" ; ", listing.Themes)), CatalogSearchText.ForIndex(listing.ProviderName));
            text.ExecuteNonQuery();
            count.Parameters[0].Value = listing.OfferingId;
            count.ExecuteNonQuery();
            return new CatalogChange(listing.OfferingId, listing, updatedOrder);
        }

        public void Dispose()
        {
            uncount.Dispose();
            upsert.Dispose();
            text.Dispose();
            count.Dispose();
        }

        private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql, params string[] names)
        {
            var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql;
            foreach (var name in names)
            {
                command.Parameters.Add(new SqliteParameter { ParameterName = name });
            }

            return command;
        }

        private static void Bind(SqliteCommand command, params object?[] values)
        {
            for (var i = 0; i < values.Length; i++)
            {
                command.Parameters[i].Value = values[i] ?? DBNull.Value;
            }
        }
    }

    /// <summary>
    /// The search FTS5 and SQL answer from the tables, as the adapter searched before the in-memory copy: kept as the
    /// reference the in-memory search is compared with (tests), and to show what the copy must agree with.
    /// </summary>
    internal async Task<CatalogSearchResult> SearchTablesAsync(CatalogQuery query, CancellationToken cancellationToken = default)
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

        // Index 0 holds the total under the empty value; 1-5 the facets.
        var counts = new[] { new Dictionary<string, long>(), new(), new(), new(), new(), new() };
        var unfiltered = match is null && query is
            { DatasetClass: null, Theme: null, ProviderId: null, PriceModel: null, FreeOnly: false, Licence: null };
        string[] facetSql = !unfiltered ? [match is null ? AllFacetSql : TextFacetSql]
            : query.ViewerSeesAll || query.ViewerBuyerId is null ? [KeptFacetSql]
            : [KeptFacetSql, RestrictedFacetSql];
        foreach (var sql in facetSql)
        {
            using var facetCommand = connection.CreateCommand();
            facetCommand.Transaction = transaction;
            facetCommand.CommandText = sql;
            Bind(facetCommand, query, match);
            using var reader = await facetCommand.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var themeLists = sql != KeptFacetSql;
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var kind = reader.GetInt32(0);
                var value = kind == 0 ? "" : reader.IsDBNull(1) ? null : reader.GetString(1);
                if (value is null)
                {
                    continue;
                }
                var count = reader.GetInt64(2);
                foreach (var each in kind == 2 && themeLists ? ReadList(value).Where(t => t is not null).Distinct(StringComparer.Ordinal) : [value])
                {
                    counts[kind][each] = counts[kind].GetValueOrDefault(each) + count;
                }
            }
        }

        transaction.Commit();
        return new CatalogSearchResult(items, counts[0].GetValueOrDefault(""), page, pageSize,
            new CatalogFacets(Ordered(counts[1]), Ordered(counts[2]), Ordered(counts[3]), Ordered(counts[4]), Ordered(counts[5])));
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
        _ => hasText ? ByRelevance : ByTitle,
    };

    private static FacetCount[] Ordered(Dictionary<string, long> counts) =>
        [.. counts.Select(c => new FacetCount(c.Key, c.Value)).OrderByDescending(c => c.Count).ThenBy(c => c.Value, StringComparer.Ordinal)];

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
        PriceMinor: reader.IsDBNull(16) ? null : reader.GetInt64(16),
        Origin: reader.IsDBNull(17) ? null : JsonSerializer.Deserialize<Marketplace.Domain.Harvest.ListingOrigin>(reader.GetString(17)));

    // Most lists (buyers a listing is offered to, above all) are empty: no parser for those.
    private static string[] ReadList(string json) => json == "[]" ? [] : JsonSerializer.Deserialize<string[]>(json) ?? [];

    public void Dispose() => loadGate.Dispose();
}
