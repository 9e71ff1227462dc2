using System.Buffers;

namespace Marketplace.Storage.Catalog;

// The parts of the in-memory catalog: its words, phrases and their matches, filters, facet counts and orders.
internal sealed partial class CatalogMemory
{
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
