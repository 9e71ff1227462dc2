using System.Collections.Concurrent;
using Marketplace.Storage;

namespace Marketplace.Application.Access;

/// <summary>
/// Unfiltered pages of committed revisions of datasets that hold no personal data, kept in memory: such a page never
/// changes (a committed revision is immutable, and only personal datasets have records redacted from them), so the
/// brokered hot path reads it from the store once rather than on every fetch. Personal pages are never kept: a
/// person's deletion request removes their records from stored revisions. Bounded by the JSON characters held;
/// when full it is emptied and fills again with the pages in use. Each page keeps its records as the UTF-8 JSON array
/// an answer writes, made once when the page is kept rather than on every fetch.
/// </summary>
public sealed class RevisionPageCache
{
    /// <summary>About 64 MB of record JSON (UTF-16).</summary>
    public const long MaxCharacters = 32L * 1024 * 1024;

    private readonly ConcurrentDictionary<PageKey, KeptPage> _pages = new();
    private long _characters;

    public bool TryGet(string revisionId, long afterSequence, int limit, out KeptPage page) =>
        _pages.TryGetValue(new PageKey(revisionId, afterSequence, limit), out page!);

    /// <summary>Keeps the page and answers it as kept, with its records' JSON array.</summary>
    public KeptPage Add(string revisionId, long afterSequence, int limit, RecordPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        var kept = new KeptPage(page, RecordsJson(page));
        long size = revisionId.Length + kept.RecordsJson.Length / 2;
        foreach (var record in page.Records)
        {
            size += record.Json.Length + 32;
        }
        if (Interlocked.Add(ref _characters, size) > MaxCharacters)
        {
            _pages.Clear();
            Interlocked.Exchange(ref _characters, size);
        }
        _pages.TryAdd(new PageKey(revisionId, afterSequence, limit), kept);
        return kept;
    }

    /// <summary>The records as a JSON array, each record's stored JSON as it is (it was checked when it was stored).</summary>
    private static byte[] RecordsJson(RecordPage page)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var json = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var record in page.Records)
            {
                json.WriteRawValue(record.Json, skipInputValidation: true);
            }
            json.WriteEndArray();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private readonly record struct PageKey(string RevisionId, long AfterSequence, int Limit);
}

/// <summary>A kept page and its records as the UTF-8 JSON array an answer writes.</summary>
public sealed record KeptPage(RecordPage Page, byte[] RecordsJson);
