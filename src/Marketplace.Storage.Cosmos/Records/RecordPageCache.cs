using System.Collections.Concurrent;

namespace Marketplace.Storage.Cosmos.Records;

/// <summary>
/// Pages of committed revisions this process has read, so a hot page (the first page of a popular revision)
/// costs no request at all after its first read. A committed revision's records never change except by a
/// redaction, which drops the revision's pages here at once; in another process a cached page may still hold a
/// redacted person's records for up to <see cref="CosmosStoreOptions.RecordPageCacheLifetime"/>, which the
/// consent filter above the store already withholds (a deletion is recorded in the person's standing before the
/// records are removed). Bounded by <see cref="CosmosStoreOptions.RecordPageCacheBytes"/> (the JSON text held,
/// counted as UTF-16), oldest entry out first; entries older than the lifetime are not served.
/// </summary>
internal sealed class RecordPageCache(CosmosStoreOptions options, TimeProvider time)
{
    private const int EntryOverhead = 128;
    private const int RecordOverhead = 64;

    private readonly ConcurrentDictionary<PageKey, Entry> entries = new();
    private readonly ConcurrentQueue<PageKey> order = new();
    private long bytes;

    public bool Enabled => options.RecordPageCacheBytes > 0 && options.RecordPageCacheLifetime > TimeSpan.Zero;

    /// <summary>Bytes held (tests, diagnostics).</summary>
    public long Bytes => Interlocked.Read(ref bytes);

    public bool TryGet(PageKey key, out RecordPage page)
    {
        if (Enabled && entries.TryGetValue(key, out var entry))
        {
            if (entry.Expires > time.GetUtcNow())
            {
                page = entry.Page;
                return true;
            }

            Remove(key, entry);
        }

        page = null!;
        return false;
    }

    public void Add(PageKey key, RecordPage page)
    {
        if (!Enabled)
        {
            return;
        }

        var size = EntryOverhead + page.Records.Sum(r => RecordOverhead + (2L * (r.Json.Length + (r.SubjectId?.Length ?? 0))));
        if (size > options.RecordPageCacheBytes)
        {
            return;
        }

        var entry = new Entry(page, size, time.GetUtcNow() + options.RecordPageCacheLifetime);
        if (!entries.TryAdd(key, entry))
        {
            return;
        }

        order.Enqueue(key);
        Interlocked.Add(ref bytes, size);
        while (Interlocked.Read(ref bytes) > options.RecordPageCacheBytes && order.TryDequeue(out var oldest))
        {
            if (entries.TryGetValue(oldest, out var old))
            {
                Remove(oldest, old);
            }
        }
    }

    /// <summary>Drops every page of the revision (after a redaction).</summary>
    public void Forget(string revisionId)
    {
        foreach (var (key, entry) in entries)
        {
            if (key.RevisionId == revisionId)
            {
                Remove(key, entry);
            }
        }
    }

    private void Remove(PageKey key, Entry entry)
    {
        if (entries.TryRemove(new KeyValuePair<PageKey, Entry>(key, entry)))
        {
            Interlocked.Add(ref bytes, -entry.Bytes);
        }
    }

    /// <summary>A page read: the revision's attempt, where it starts, its size and its filters (as one text).</summary>
    internal readonly record struct PageKey(string RevisionId, string Attempt, long AfterSequence, int Limit, string Filters)
    {
        public static PageKey For(RevisionDocument revision, long afterSequence, int limit, IReadOnlyList<FieldFilter> filters) =>
            new(revision.RevisionId, revision.Attempt, afterSequence, limit,
                string.Concat(filters.Select(f => RecordFields.Token(f.Field, f.Value)).Select(t => $"{t.Length}:{t}")));
    }

    private sealed record Entry(RecordPage Page, long Bytes, DateTimeOffset Expires);
}
