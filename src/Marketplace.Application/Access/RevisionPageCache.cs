using System.Collections.Concurrent;
using Marketplace.Storage;

namespace Marketplace.Application.Access;

/// <summary>
/// Unfiltered pages of committed revisions of datasets that hold no personal data, kept in memory: such a page never
/// changes (a committed revision is immutable, and only personal datasets have records redacted from them), so the
/// brokered hot path reads it from the store once rather than on every fetch. Personal pages are never kept: a
/// person's deletion request removes their records from stored revisions. Bounded by the JSON characters held;
/// when full it is emptied and fills again with the pages in use.
/// </summary>
public sealed class RevisionPageCache
{
    /// <summary>About 64 MB of record JSON (UTF-16).</summary>
    public const long MaxCharacters = 32L * 1024 * 1024;

    private readonly ConcurrentDictionary<PageKey, RecordPage> _pages = new();
    private long _characters;

    public bool TryGet(string revisionId, long afterSequence, int limit, out RecordPage page) =>
        _pages.TryGetValue(new PageKey(revisionId, afterSequence, limit), out page!);

    public void Add(string revisionId, long afterSequence, int limit, RecordPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        long size = revisionId.Length;
        foreach (var record in page.Records)
        {
            size += record.Json.Length + 32;
        }
        if (Interlocked.Add(ref _characters, size) > MaxCharacters)
        {
            _pages.Clear();
            Interlocked.Exchange(ref _characters, size);
        }
        _pages.TryAdd(new PageKey(revisionId, afterSequence, limit), page);
    }

    private readonly record struct PageKey(string RevisionId, long AfterSequence, int Limit);
}
