using System.Buffers;

namespace Marketplace.Storage.Catalog;

/// <summary>
/// One process's copy of the catalog, searched in memory by both stores: SQLite (loaded from its tables, then kept
/// by the process's own writes, the one process that owns the data directory) and Cosmos (fed by the change feed).
/// The store stays the truth; this is its index. Search semantics are the SQLite adapter's FTS5 ones, so results
/// are the same whichever store answers: filters, visibility, whole-token phrases with the last term as a prefix,
/// FTS5's bm25 with its column weights (title 10, description 1, keywords 4, themes 3, provider 2), the orders
/// and their tie-breaks (title as SQLite's NOCASE, then the id), and facets over every hit.
/// <para>
/// Shape: a word index (token → listings holding it) finds the candidates of each term; each listing keeps its
/// tokens as ids, per field, to confirm a phrase and count its occurrences for bm25; facet values are small ids.
/// The three browse orders (title, newest, price) are kept as arrays, rebuilt on the first search after a change,
/// so a search without text walks one array and a text search sorts only its own hits. Memory grows with the
/// catalog: every listing is held once (measured: see <c>bench/results.md</c>, P3).
/// </para>
/// <para>Thread safety: any number of searches at once; a change waits for them, and they for it.</para>
/// </summary>
internal sealed partial class CatalogMemory
{
    private const int MaxPageSize = 100;
    private const double K1 = 1.2;
    private const double B = 0.75;
    private const int ParallelBatch = 1_024;

    // FTS5 column order and bm25 weights of the SQLite adapter: title, description, keywords, themes, provider.
    private static readonly double[] ColumnWeights = [10.0, 1.0, 4.0, 3.0, 2.0];

    private readonly ReaderWriterLockSlim gate = new(LockRecursionPolicy.NoRecursion);
    private readonly Lock orderGate = new();
    private readonly Dictionary<string, int> slotOf = new(StringComparer.Ordinal);
    private readonly List<Entry?> entries = [];
    private readonly Stack<int> freeSlots = new();
    private readonly Vocabulary words = new();
    private readonly List<List<int>> postings = [];
    private readonly Vocabulary[] facetValues = [new(), new(), new(), new(), new()];
    private readonly KeptCounts publicCounts = new();
    private readonly KeptCounts allCounts = new();
    private readonly HashSet<int> restrictedSlots = [];
    // Slots linked or unlinked since the browse orders were last made (cleared by the search that makes them).
    private readonly HashSet<int> changedSlots = [];
    // A listing's distinct words while it is linked or unlinked (under the write lock).
    private readonly HashSet<int> distinct = [];
    private long totalTokens;
    private long version;
    private Orders? orders;

    public int Count
    {
        get
        {
            gate.EnterReadLock();
            try
            {
                return slotOf.Count;
            }
            finally
            {
                gate.ExitReadLock();
            }
        }
    }

    /// <summary>Words some listing holds (tests: a changing catalog does not grow the index).</summary>
    internal int WordCount
    {
        get
        {
            gate.EnterReadLock();
            try
            {
                return words.LiveCount;
            }
            finally
            {
                gate.ExitReadLock();
            }
        }
    }

    /// <summary>Adds or replaces a listing. <paramref name="updatedOrder"/> orders "newest" (larger is newer).</summary>
    public void Upsert(CatalogListing listing, double updatedOrder) => Apply([new CatalogChange(listing.OfferingId, listing, updatedOrder)]);

    public void Remove(string offeringId) => Apply([new CatalogChange(offeringId, null, 0)]);

    /// <summary>Applies the changes in order (a later change to the same listing wins; removing an unknown one does nothing).</summary>
    public void Apply(IEnumerable<CatalogChange> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        // Tokenising is the costly part: done before taking the lock, so searches wait only for the bookkeeping, and
        // on every core for a large batch (a load).
        var list = changes as IReadOnlyList<CatalogChange> ?? [.. changes];
        var prepared = (list.Count >= ParallelBatch ? list.AsParallel().AsOrdered().Select(Prepare) : list.Select(Prepare)).ToList();
        gate.EnterWriteLock();
        try
        {
            foreach (var (offeringId, fields, listing, updatedOrder) in prepared)
            {
                if (slotOf.TryGetValue(offeringId, out var slot))
                {
                    Unlink(slot);
                    slotOf.Remove(offeringId);
                    freeSlots.Push(slot);
                }

                if (listing is not null)
                {
                    Link(listing, fields!, updatedOrder);
                }
            }

            version++;
        }
        finally
        {
            gate.ExitWriteLock();
        }
    }

    private static (string OfferingId, Tokenised? Fields, CatalogListing? Listing, double UpdatedOrder) Prepare(CatalogChange change) =>
        (change.OfferingId, change.Listing is { } listing ? Tokenised.Of(listing) : null, change.Listing, change.UpdatedOrder);

    public CatalogSearchResult Search(CatalogQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var page = Math.Max(1, query.Page);
        var pageSize = Math.Clamp(query.PageSize, 1, MaxPageSize);
        var terms = SearchTokens.Terms(query.Text, CatalogText.Fold);
        gate.EnterReadLock();
        try
        {
            var current = CurrentOrders();
            var filter = Filter.Of(query, facetValues);
            var matched = terms.Count == 0 ? null : Match(terms);
            var skip = (long)(page - 1) * pageSize;
            var items = new List<CatalogListing>(pageSize);
            var counts = new FacetTally(facetValues);
            if (matched is not null && (query.Sort ?? CatalogSort.Relevance) == CatalogSort.Relevance)
            {
                // Best bm25 first; ties in title order.
                // Rented: at 100,000 listings a search's hits would otherwise be a large-object allocation each time.
                var hits = ArrayPool<RankedHit>.Shared.Rent(Math.Max(1, matched.HitCount));
                try
                {
                    var count = 0;
                    foreach (var slot in matched.Hits)
                    {
                        var entry = entries[slot]!;
                        if (filter.Admits(entry))
                        {
                            counts.Add(entry);
                            hits[count++] = new RankedHit(matched.Rank(entry, totalTokens, slotOf.Count), current.TitleRank[slot], slot);
                        }
                    }

                    Array.Sort(hits, 0, count, RankedHit.Order);
                    for (var i = skip; i < count && items.Count < pageSize; i++)
                    {
                        items.Add(entries[hits[(int)i].Slot]!.Listing);
                    }
                }
                finally
                {
                    ArrayPool<RankedHit>.Shared.Return(hits);
                }
            }
            else if (matched is null && filter.IsUnfiltered)
            {
                // The whole catalog (its front page, and any page of it in any order): the kept counts, plus the
                // restricted listings offered to this buyer counted one by one; the page walks the order to itself.
                if (query.ViewerSeesAll)
                {
                    allCounts.CopyTo(counts);
                }
                else
                {
                    publicCounts.CopyTo(counts);
                    foreach (var slot in restrictedSlots)
                    {
                        if (filter.Admits(entries[slot]!))
                        {
                            counts.Add(entries[slot]!);
                        }
                    }
                }

                long seen = 0;
                foreach (var slot in OrderOf(current, query.Sort))
                {
                    var entry = entries[slot]!;
                    if (filter.Admits(entry) && seen++ >= skip)
                    {
                        items.Add(entry.Listing);
                        if (items.Count == pageSize)
                        {
                            break;
                        }
                    }
                }
            }
            else
            {
                var order = query.Sort switch
                {
                    CatalogSort.Newest => current.Newest,
                    CatalogSort.Price => current.Price,
                    _ => current.Title,
                };
                long seen = 0;
                foreach (var slot in order)
                {
                    var entry = entries[slot]!;
                    if ((matched is null || matched.Contains(slot)) && filter.Admits(entry))
                    {
                        counts.Add(entry);
                        if (seen++ >= skip && items.Count < pageSize)
                        {
                            items.Add(entry.Listing);
                        }
                    }
                }
            }

            return new CatalogSearchResult(items, counts.Total, page, pageSize, counts.Facets());
        }
        finally
        {
            gate.ExitReadLock();
        }
    }

    private static int[] OrderOf(Orders current, CatalogSort? sort) => sort switch
    {
        CatalogSort.Newest => current.Newest,
        CatalogSort.Price => current.Price,
        _ => current.Title,
    };

    // Under the write lock.
    private void Link(CatalogListing listing, Tokenised fields, double updatedOrder)
    {
        var slot = freeSlots.Count > 0 ? freeSlots.Pop() : entries.Count;
        var tokens = new int[fields.Tokens.Count];
        for (var i = 0; i < tokens.Length; i++)
        {
            var id = words.IdOf(fields.Tokens[i]);
            if (id == postings.Count)
            {
                postings.Add([]);
            }

            tokens[i] = id;
        }

        distinct.Clear();
        foreach (var id in tokens)
        {
            if (distinct.Add(id))
            {
                postings[id].Add(slot);
            }
        }

        var themes = listing.Themes.Where(t => t is not null).Distinct(StringComparer.Ordinal).Select(facetValues[1].IdOf).ToArray();
        var (classId, providerId, priceModelId, licenceId) = (facetValues[0].IdOf(listing.DatasetClass),
            facetValues[2].IdOf(listing.ProviderId), facetValues[3].IdOf(listing.PriceModel), facetValues[4].IdOf(listing.Licence));
        // A copy the caller cannot change (its lists may be mutable), holding one instance of each facet value.
        var stored = listing with
        {
            DatasetClass = facetValues[0][classId],
            ProviderId = facetValues[2][providerId],
            PriceModel = facetValues[3][priceModelId],
            Licence = facetValues[4][licenceId],
            Keywords = [.. listing.Keywords],
            Themes = [.. listing.Themes],
            VisibleToBuyers = listing.VisibleToBuyers.Count == 0 ? [] : [.. listing.VisibleToBuyers],
        };
        var entry = new Entry(stored, tokens, fields.ColumnEnds, updatedOrder, classId, themes, providerId, priceModelId, licenceId);
        if (slot == entries.Count)
        {
            entries.Add(entry);
        }
        else
        {
            entries[slot] = entry;
        }

        slotOf[listing.OfferingId] = slot;
        totalTokens += tokens.Length;
        Tally(entry, +1);
        changedSlots.Add(slot);
        if (!listing.IsPublic)
        {
            restrictedSlots.Add(slot);
        }
    }

    // Under the write lock.
    private void Unlink(int slot)
    {
        var entry = entries[slot]!;
        distinct.Clear();
        foreach (var id in entry.Tokens)
        {
            if (!distinct.Add(id))
            {
                continue;
            }

            postings[id].Remove(slot);
            if (postings[id].Count == 0)
            {
                // A word no listing holds any more is forgotten (its id is reused), so changes do not grow the index.
                words.Release(id);
            }
        }

        totalTokens -= entry.Tokens.Length;
        Tally(entry, -1);
        restrictedSlots.Remove(slot);
        changedSlots.Add(slot);
        entries[slot] = null;
    }

    private void Tally(Entry entry, int change)
    {
        allCounts.Add(entry, change);
        if (entry.Listing.IsPublic)
        {
            publicCounts.Add(entry, change);
        }
    }

    // Under the read lock: the browse orders of this version, made by the first search that needs them.
    private Orders CurrentOrders()
    {
        var current = orders;
        if (current is not null && current.Version == version)
        {
            return current;
        }

        lock (orderGate)
        {
            if (orders is { } made && made.Version == version)
            {
                return made;
            }

            // A few changes since the last orders: those listings are taken out and put back in place (a merge, no
            // full sort), so a catalog that changes now and then does not re-sort 100,000 titles each time.
            var live = slotOf.Count;
            orders = orders is { } previous && changedSlots.Count <= live / 4
                ? Orders.Update(previous, entries, changedSlots, version)
                : Orders.Of(entries, version);
            changedSlots.Clear();
            return orders;
        }
    }

    // Each term's listings over the whole catalog (bm25's document frequencies count them all, as FTS5 does).
    private TermMatches? Match(List<List<string>> terms)
    {
        var phrases = new List<Phrase>(terms.Count);
        for (var t = 0; t < terms.Count; t++)
        {
            var isLast = t == terms.Count - 1;
            var positions = new TokenSet[terms[t].Count];
            for (var j = 0; j < positions.Length; j++)
            {
                positions[j] = isLast && j == positions.Length - 1
                    ? TokenSet.Prefix(words.WithPrefix(terms[t][j]))
                    : TokenSet.Exact(words.Find(terms[t][j]));
            }

            phrases.Add(new Phrase(positions));
        }

        var matches = new TermMatches(phrases, entries.Count);
        for (var p = 0; p < phrases.Count; p++)
        {
            if (!matches.Collect(p, this))
            {
                return TermMatches.None(phrases, entries.Count);
            }
        }

        return matches;
    }
}

/// <summary>A listing stored (with its "newest" order key) or removed (null).</summary>
internal sealed record CatalogChange(string OfferingId, CatalogListing? Listing, double UpdatedOrder);
