using System.Globalization;

namespace Marketplace.Storage.Tests.Conformance;

/// <summary>How every <see cref="IRecordStore"/> adapter removes a data subject's records (a deletion request).</summary>
public abstract class RecordRedactionConformance
{
    private static readonly FieldFilter[] NoFilters = [];

    /// <summary>Opens a store over this test's own, initially empty storage (spread over several partitions where the store has them).</summary>
    protected abstract Task<IRecordStore> OpenStoreAsync();

    [Fact]
    public async Task Redaction_removes_exactly_that_persons_records_from_that_revision()
    {
        var store = await OpenStoreAsync();
        await CommitAsync(store, "rev-1", Records(60));
        await CommitAsync(store, "rev-2", Records(60));

        var removed = await store.RedactSubjectAsync("rev-1", "subject-1");

        var expected = Records(60).Where(r => r.SubjectId != "subject-1").ToArray();
        Assert.Equal(Records(60).Length - expected.Length, removed);
        Assert.Equal(expected, await ReadAllAsync(store, "rev-1", pageSize: 1_000));
        Assert.Equal(Records(60), await ReadAllAsync(store, "rev-2", pageSize: 1_000));
    }

    [Fact]
    public async Task Redacting_again_removes_nothing_more()
    {
        var store = await OpenStoreAsync();
        await CommitAsync(store, "rev-1", Records(60));
        await store.RedactSubjectAsync("rev-1", "subject-1");

        var removed = await store.RedactSubjectAsync("rev-1", "subject-1");

        Assert.Equal(0, removed);
        Assert.Equal(Records(60).Where(r => r.SubjectId != "subject-1"), await ReadAllAsync(store, "rev-1", pageSize: 1_000));
    }

    [Fact]
    public async Task Pages_after_a_redaction_stay_full_and_step_over_the_removed_records()
    {
        var store = await OpenStoreAsync();
        await CommitAsync(store, "rev-1", Records(60));
        await store.RedactSubjectAsync("rev-1", "subject-2");

        var read = await ReadAllAsync(store, "rev-1", pageSize: 7);

        Assert.Equal(Records(60).Where(r => r.SubjectId != "subject-2"), read);
    }

    [Fact]
    public async Task A_cursor_taken_before_a_redaction_continues_past_the_removed_records()
    {
        var store = await OpenStoreAsync();
        await CommitAsync(store, "rev-1", Records(60));
        var first = await store.ReadPageAsync("rev-1", 0, 10, NoFilters);

        await store.RedactSubjectAsync("rev-1", "subject-0");
        var rest = await ReadAllAsync(store, "rev-1", pageSize: 10, after: first.NextAfterSequence!.Value);

        Assert.Equal(Records(60).Skip(10).Where(r => r.SubjectId != "subject-0"), rest);
    }

    [Fact]
    public async Task A_filtered_page_never_returns_a_removed_record()
    {
        var store = await OpenStoreAsync();
        await CommitAsync(store, "rev-1", Records(60));
        await store.RedactSubjectAsync("rev-1", "subject-1");

        var page = await store.ReadPageAsync("rev-1", 0, 100, [new FieldFilter("kind", "trip")]);

        Assert.Equal(Records(60).Where(r => r.SubjectId is not null && r.SubjectId != "subject-1"), page.Records);
    }

    [Fact]
    public async Task Redacting_a_revision_that_does_not_exist_removes_nothing()
    {
        var store = await OpenStoreAsync();

        Assert.Equal(0, await store.RedactSubjectAsync("rev-missing", "subject-1"));
    }

    private static async Task CommitAsync(IRecordStore store, string revisionId, IReadOnlyList<StoredRecord> records)
    {
        await using var writer = await store.BeginRevisionAsync("dataset-1", revisionId);
        await writer.AppendAsync(records);
        await writer.CommitAsync();
    }

    private static async Task<List<StoredRecord>> ReadAllAsync(IRecordStore store, string revisionId, int pageSize, long after = 0)
    {
        var records = new List<StoredRecord>();
        long? cursor = after;
        for (var pages = 0; cursor is { } c && pages < 100; pages++)
        {
            var page = await store.ReadPageAsync(revisionId, c, pageSize, NoFilters);
            records.AddRange(page.Records);
            cursor = page.NextAfterSequence;
        }
        return records;
    }

    /// <summary>Personal trips (three people, in turn) on even sequences, open records on odd ones.</summary>
    private static StoredRecord[] Records(int count) =>
        [.. Enumerable.Range(1, count).Select(seq => seq % 2 == 0
            ? new StoredRecord(seq, $"subject-{seq / 2 % 3}", string.Create(CultureInfo.InvariantCulture, $$"""{"seq":{{seq}},"kind":"trip"}"""))
            : new StoredRecord(seq, null, string.Create(CultureInfo.InvariantCulture, $$"""{"seq":{{seq}},"kind":"stop"}""")))];
}
