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
internal sealed class CatalogMemory
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

    private sealed record Entry(
        CatalogListing Listing, int[] Tokens, int[] ColumnEnds, double UpdatedOrder,
        int ClassId, int[] ThemeIds, int ProviderId, int PriceModelId, int LicenceId);

    /// <summary>A listing's searchable fields as tokens, in FTS5 column order, and where each column ends.</summary>
    private sealed record Tokenised(List<string> Tokens, int[] ColumnEnds)
    {
        public static Tokenised Of(CatalogListing listing)
        {
            var tokens = new List<string>();
            var ends = new int[5];
            string[] columns =
            [
                listing.Title, listing.Description, string.Join(" ; ", listing.Keywords), string.Join(" ; ", listing.Themes),
                listing.ProviderName,
            ];
            for (var c = 0; c < columns.Length; c++)
            {
                tokens.AddRange(SearchTokens.Of(CatalogText.Fold(columns[c])));
                ends[c] = tokens.Count;
            }

            return new Tokenised(tokens, ends);
        }
    }

    /// <summary>Strings numbered in order of first use (a released number is given to the next new string).</summary>
    private sealed class Vocabulary
    {
        private readonly Dictionary<string, int> ids = new(StringComparer.Ordinal);
        private readonly List<string?> texts = [];
        private readonly Stack<int> released = new();

        public int Count => texts.Count;

        public int LiveCount => ids.Count;

        public string this[int id] => texts[id]!;

        public int IdOf(string text)
        {
            if (!ids.TryGetValue(text, out var id))
            {
                if (released.TryPop(out id))
                {
                    texts[id] = text;
                }
                else
                {
                    id = texts.Count;
                    texts.Add(text);
                }

                ids.Add(text, id);
            }

            return id;
        }

        public void Release(int id)
        {
            ids.Remove(texts[id]!);
            texts[id] = null;
            released.Push(id);
        }

        /// <summary>The id, or -1 for a string never seen.</summary>
        public int Find(string? text) => text is not null && ids.TryGetValue(text, out var id) ? id : -1;

        /// <summary>The ids of every string that begins with <paramref name="prefix"/>, and a lookup of them by id.</summary>
        public (List<int> Ids, Bits Lookup) WithPrefix(string prefix)
        {
            var ids = new List<int>();
            var lookup = new Bits(texts.Count);
            for (var id = 0; id < texts.Count; id++)
            {
                if (texts[id]?.StartsWith(prefix, StringComparison.Ordinal) == true)
                {
                    ids.Add(id);
                    lookup.Set(id);
                }
            }

            return (ids, lookup);
        }
    }

    /// <summary>The tokens one position of a phrase accepts: one word, or (the last, typed so far) every word it begins.</summary>
    private readonly record struct TokenSet(int Id, List<int>? Ids, Bits? Lookup)
    {
        public static TokenSet Exact(int id) => new(id, null, null);

        public static TokenSet Prefix((List<int> Ids, Bits Lookup) found) => new(-1, found.Ids, found.Lookup);

        public bool IsEmpty => Ids is null ? Id < 0 : Ids.Count == 0;

        public bool Accepts(int token) => Lookup is null ? token == Id : Lookup.Has(token);
    }

    private sealed record Phrase(TokenSet[] Positions)
    {
        /// <summary>bm25's phrase frequency: each occurrence inside one column adds that column's weight.</summary>
        public double Frequency(Entry entry)
        {
            double frequency = 0;
            var start = 0;
            for (var c = 0; c < entry.ColumnEnds.Length; c++)
            {
                var end = entry.ColumnEnds[c];
                for (var at = start; at + Positions.Length <= end; at++)
                {
                    if (OccursAt(entry.Tokens, at))
                    {
                        frequency += ColumnWeights[c];
                    }
                }

                start = end;
            }

            return frequency;
        }

        public bool OccursIn(Entry entry)
        {
            var start = 0;
            foreach (var end in entry.ColumnEnds)
            {
                for (var at = start; at + Positions.Length <= end; at++)
                {
                    if (OccursAt(entry.Tokens, at))
                    {
                        return true;
                    }
                }

                start = end;
            }

            return false;
        }

        private bool OccursAt(int[] tokens, int at)
        {
            for (var j = 0; j < Positions.Length; j++)
            {
                if (!Positions[j].Accepts(tokens[at + j]))
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>Which listings hold each phrase, and the phrases' bm25 inverse document frequencies.</summary>
    private sealed class TermMatches(List<Phrase> phrases, int slots)
    {
        private readonly Bits[] holders = [.. phrases.Select(_ => new Bits(slots))];
        private readonly List<int>[] holderLists = [.. phrases.Select(_ => new List<int>())];
        private readonly int[] documentCounts = new int[phrases.Count];
        private List<int>? hits;

        public static TermMatches None(List<Phrase> phrases, int slots) => new(phrases, slots) { hits = [] };

        /// <summary>The listings holding every phrase: those of the rarest phrase that hold the others too.</summary>
        public IEnumerable<int> Hits => hits ??= [.. holderLists.MinBy(list => list.Count)!.Where(Contains)];

        /// <summary>At least as many as <see cref="Hits"/>.</summary>
        public int HitCount => hits?.Count ?? holderLists.Min(list => list.Count);

        public bool Contains(int slot)
        {
            foreach (var held in holders)
            {
                if (!held.Has(slot))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>Marks the holders of phrase <paramref name="p"/>; false when none holds it.</summary>
        public bool Collect(int p, CatalogMemory memory)
        {
            var phrase = phrases[p];
            if (phrase.Positions.Any(position => position.IsEmpty))
            {
                return false;
            }

            // Candidates hold the phrase's rarest exact word (or, for a lone prefix, any word it begins); a phrase of
            // one word needs no further check.
            var exact = phrase.Positions.Where(position => position.Ids is null).Select(position => memory.postings[position.Id]).ToList();
            IEnumerable<int> candidates = exact.Count > 0
                ? exact.MinBy(list => list.Count)!
                : phrase.Positions[0].Ids!.SelectMany(id => memory.postings[id]);
            var list = holderLists[p];
            var confirm = phrase.Positions.Length > 1;
            var held = holders[p];
            var count = 0;
            foreach (var slot in candidates)
            {
                if (!held.Has(slot) && (!confirm || phrase.OccursIn(memory.entries[slot]!)))
                {
                    held.Set(slot);
                    list.Add(slot);
                    count++;
                }
            }

            documentCounts[p] = count;
            return count > 0;
        }

        /// <summary>FTS5's bm25() for this listing: lower is better (the negated score), computed as FTS5 computes it.</summary>
        public double Rank(Entry entry, long catalogTokens, int catalogRows)
        {
            var averageLength = (double)catalogTokens / catalogRows;
            double documentLength = entry.Tokens.Length;
            double score = 0;
            for (var p = 0; p < phrases.Count; p++)
            {
                var idf = Math.Log((catalogRows - documentCounts[p] + 0.5) / (documentCounts[p] + 0.5));
                if (idf <= 0.0)
                {
                    idf = 1e-6;
                }

                var frequency = phrases[p].Frequency(entry);
                score += idf * (frequency * (K1 + 1.0) / (frequency + K1 * (1 - B + B * documentLength / averageLength)));
            }

            return -1.0 * score;
        }
    }

    /// <summary>A query's filters and visibility, as facet ids (a value never seen matches nothing).</summary>
    private sealed record Filter(int? ClassId, int? ThemeId, int? ProviderId, int? PriceModelId, int? LicenceId, bool FreeOnly, string? Buyer, bool SeesAll)
    {
        public static Filter Of(CatalogQuery query, Vocabulary[] values) => new(
            Id(values[0], query.DatasetClass), Id(values[1], query.Theme), Id(values[2], query.ProviderId),
            Id(values[3], query.PriceModel), Id(values[4], query.Licence), query.FreeOnly, query.ViewerBuyerId, query.ViewerSeesAll);

        private static int? Id(Vocabulary values, string? value) => value is null ? null : values.Find(value);

        public bool IsUnfiltered => ClassId is null && ThemeId is null && ProviderId is null && PriceModelId is null && LicenceId is null && !FreeOnly;

        public bool Admits(Entry entry) =>
            (ClassId is null || entry.ClassId == ClassId)
            && (ThemeId is null || Array.IndexOf(entry.ThemeIds, ThemeId.Value) >= 0)
            && (ProviderId is null || entry.ProviderId == ProviderId)
            && (PriceModelId is null || entry.PriceModelId == PriceModelId)
            && (LicenceId is null || entry.LicenceId == LicenceId)
            && (!FreeOnly || entry.Listing.IsFree)
            && (SeesAll || entry.Listing.IsPublic || (Buyer is not null && entry.Listing.VisibleToBuyers.Contains(Buyer, StringComparer.Ordinal)));
    }

    /// <summary>The total and the facet counts of every hit.</summary>
    private sealed class FacetTally(Vocabulary[] values)
    {
        private readonly long[][] counts = [.. values.Select(v => new long[v.Count])];

        public long Total { get; private set; }

        public void Add(Entry entry)
        {
            Total++;
            counts[0][entry.ClassId]++;
            foreach (var theme in entry.ThemeIds)
            {
                counts[1][theme]++;
            }

            counts[2][entry.ProviderId]++;
            counts[3][entry.PriceModelId]++;
            counts[4][entry.LicenceId]++;
        }

        public CatalogFacets Facets() => new(Of(0), Of(1), Of(2), Of(3), Of(4));

        public void AddCounts(long total, List<long>[] kept)
        {
            Total += total;
            for (var kind = 0; kind < counts.Length; kind++)
            {
                for (var id = 0; id < kept[kind].Count; id++)
                {
                    counts[kind][id] += kept[kind][id];
                }
            }
        }

        private FacetCount[] Of(int kind) =>
            [.. counts[kind].Select((count, id) => (count, id)).Where(c => c.count > 0)
                .Select(c => new FacetCount(values[kind][c.id], c.count))
                .OrderByDescending(c => c.Count)
                .ThenBy(c => c.Value, StringComparer.Ordinal)];
    }

    /// <summary>How many listings carry each facet value (by id), kept by every change.</summary>
    private sealed class KeptCounts
    {
        private readonly List<long>[] counts = [[], [], [], [], []];
        private long total;

        public void Add(Entry entry, int change)
        {
            total += change;
            Add(0, entry.ClassId, change);
            foreach (var theme in entry.ThemeIds)
            {
                Add(1, theme, change);
            }

            Add(2, entry.ProviderId, change);
            Add(3, entry.PriceModelId, change);
            Add(4, entry.LicenceId, change);
        }

        public void CopyTo(FacetTally tally) => tally.AddCounts(total, counts);

        private void Add(int kind, int id, int change)
        {
            var list = counts[kind];
            while (list.Count <= id)
            {
                list.Add(0);
            }

            list[id] += change;
        }
    }

    /// <summary>Every listing's slot in each browse order, for one version of the catalog.</summary>
    private sealed record Orders(long Version, int[] Title, int[] TitleRank, int[] Newest, int[] Price)
    {
        public static Orders Of(List<Entry?> entries, long version)
        {
            var live = Enumerable.Range(0, entries.Count).Where(slot => entries[slot] is not null).ToArray();
            var title = live.ToArray();
            Array.Sort(title, (x, y) => SqliteOrder.Compare(entries[x]!.Listing, entries[y]!.Listing));
            var rank = new int[entries.Count];
            for (var i = 0; i < title.Length; i++)
            {
                rank[title[i]] = i;
            }

            var newest = title.ToArray();
            Array.Sort(newest, NewestFirst(entries, rank));
            var price = title.ToArray();
            Array.Sort(price, CheapestFirst(entries, rank));
            return new Orders(version, title, rank, newest, price);
        }

        /// <summary>The orders of <paramref name="previous"/> without the <paramref name="changed"/> slots, and with those of them now live.</summary>
        public static Orders Update(Orders previous, List<Entry?> entries, HashSet<int> changed, long version)
        {
            var added = changed.Where(slot => entries[slot] is not null).ToArray();
            var title = Merge(previous.Title, changed, added, ByTitle(entries));
            var rank = new int[entries.Count];
            for (var i = 0; i < title.Length; i++)
            {
                rank[title[i]] = i;
            }

            return new Orders(version, title, rank,
                Merge(previous.Newest, changed, added, NewestFirst(entries, rank)),
                Merge(previous.Price, changed, added, CheapestFirst(entries, rank)));
        }

        private static Comparison<int> ByTitle(List<Entry?> entries) =>
            (x, y) => SqliteOrder.Compare(entries[x]!.Listing, entries[y]!.Listing);

        // Ties in title order (the rank), as every SQL order ended.
        private static Comparison<int> NewestFirst(List<Entry?> entries, int[] rank) => (x, y) =>
        {
            var byTime = entries[y]!.UpdatedOrder.CompareTo(entries[x]!.UpdatedOrder);
            return byTime != 0 ? byTime : rank[x].CompareTo(rank[y]);
        };

        private static Comparison<int> CheapestFirst(List<Entry?> entries, int[] rank) => (x, y) =>
        {
            var (px, py) = (entries[x]!.Listing.PriceMinor, entries[y]!.Listing.PriceMinor);
            var byPrice = px is null || py is null ? (px is null).CompareTo(py is null) : px.Value.CompareTo(py.Value);
            return byPrice != 0 ? byPrice : rank[x].CompareTo(rank[y]);
        };

        // The kept slots in their order, merged with the added ones sorted by the same order.
        private static int[] Merge(int[] order, HashSet<int> changed, int[] added, Comparison<int> compare)
        {
            var sorted = added.ToArray();
            Array.Sort(sorted, compare);
            var merged = new int[order.Length - order.Count(changed.Contains) + sorted.Length];
            var (k, a, m) = (0, 0, 0);
            while (k < order.Length || a < sorted.Length)
            {
                if (k < order.Length && changed.Contains(order[k]))
                {
                    k++;
                }
                else if (a == sorted.Length || (k < order.Length && compare(order[k], sorted[a]) <= 0))
                {
                    merged[m++] = order[k++];
                }
                else
                {
                    merged[m++] = sorted[a++];
                }
            }

            return merged;
        }
    }
}

/// <summary>A set of small numbers, a bit each (100,000 listings: 12.5 KB, below the large-object heap).</summary>
internal sealed class Bits(int size)
{
    private readonly ulong[] words = new ulong[(size + 63) / 64];

    public bool Has(int i) => (words[i >> 6] & (1UL << (i & 63))) != 0;

    public void Set(int i) => words[i >> 6] |= 1UL << (i & 63);
}

/// <summary>A text search's hit: its bm25 rank (lower is better), then its place in the title order.</summary>
internal readonly record struct RankedHit(double Rank, int TitleRank, int Slot)
{
    public static readonly IComparer<RankedHit> Order = Comparer<RankedHit>.Create((x, y) =>
        x.Rank != y.Rank ? x.Rank.CompareTo(y.Rank) : x.TitleRank.CompareTo(y.TitleRank));
}

/// <summary>A listing stored (with its "newest" order key) or removed (null).</summary>
internal sealed record CatalogChange(string OfferingId, CatalogListing? Listing, double UpdatedOrder);

/// <summary>
/// The SQLite adapter's final order: the title as <c>COLLATE NOCASE</c> (ASCII letters without case, everything
/// else by code point, as UTF-8 bytes compare), then the offering id by code point.
/// </summary>
internal static class SqliteOrder
{
    public static int Compare(CatalogListing x, CatalogListing y)
    {
        var byTitle = Compare(x.Title, y.Title, foldAscii: true);
        return byTitle != 0 ? byTitle : Compare(x.OfferingId, y.OfferingId, foldAscii: false);
    }

    private static int Compare(string x, string y, bool foldAscii)
    {
        var length = Math.Min(x.Length, y.Length);
        for (var i = 0; i < length; i++)
        {
            var difference = Weight(x[i], foldAscii) - Weight(y[i], foldAscii);
            if (difference != 0)
            {
                return difference;
            }
        }

        return x.Length - y.Length;
    }

    // UTF-16 code units put surrogates (U+10000 and above) before U+E000..U+FFFF; code points put them after.
    private static int Weight(char c, bool foldAscii) => c switch
    {
        >= 'A' and <= 'Z' when foldAscii => c + 32,
        >= '\uE000' => c - 0x800,
        >= '\uD800' => c + 0x2000,
        _ => c,
    };
}
