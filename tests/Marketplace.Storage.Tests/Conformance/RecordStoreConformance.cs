using System.Globalization;

namespace Marketplace.Storage.Tests.Conformance;

/// <summary>The behaviour every <see cref="IRecordStore"/> adapter shares.</summary>
public abstract class RecordStoreConformance
{
    private static readonly FieldFilter[] NoFilters = [];

    /// <summary>Opens a store over this test's own, initially empty storage.</summary>
    protected abstract Task<IRecordStore> OpenStoreAsync();

    /// <summary>Shuts <paramref name="current"/> down and opens a new store over the same storage (a restart).</summary>
    protected abstract Task<IRecordStore> ReopenStoreAsync(IRecordStore current);

    /// <summary>Opens a store like <see cref="OpenStoreAsync"/> whose page reads examine at most <paramref name="maxRowsScanned"/> rows.</summary>
    protected abstract Task<IRecordStore> OpenStoreScanningAsync(int maxRowsScanned);

    [Fact]
    public async Task Appended_batches_read_back_in_order_across_many_pages()
    {
        var store = await OpenStoreAsync();
        await using (var writer = await store.BeginRevisionAsync("dataset-1", "rev-1"))
        {
            for (var batch = 0; batch < 25; batch++)
            {
                await writer.AppendAsync(Records(from: (batch * 1_000) + 1, count: 1_000));
            }

            Assert.Equal(25_000, await writer.CommitAsync());
        }

        var sequences = new List<long>();
        var pages = 0;
        long? after = 0;
        while (after is { } cursor)
        {
            var page = await store.ReadPageAsync("rev-1", cursor, 1_000, NoFilters);
            sequences.AddRange(page.Records.Select(r => r.Sequence));
            after = page.NextAfterSequence;
            pages++;
        }

        Assert.Equal(25, pages);
        Assert.Equal(Enumerable.Range(1, 25_000).Select(i => (long)i), sequences);
    }

    [Fact]
    public async Task A_page_carries_the_subject_and_json_of_each_record()
    {
        var store = await OpenStoreAsync();
        await CommitAsync(store, "rev-1", Records(from: 1, count: 4));

        var page = await store.ReadPageAsync("rev-1", 0, 10, NoFilters);

        Assert.Equal(Records(from: 1, count: 4), page.Records);
        Assert.Null(page.NextAfterSequence);
    }

    [Fact]
    public async Task A_page_starts_after_the_given_sequence()
    {
        var store = await OpenStoreAsync();
        await CommitAsync(store, "rev-1", Records(from: 1, count: 30));

        var page = await store.ReadPageAsync("rev-1", 10, 5, NoFilters);

        Assert.Equal([11L, 12, 13, 14, 15], page.Records.Select(r => r.Sequence));
        Assert.Equal(15, page.NextAfterSequence);
    }

    [Fact]
    public async Task Filters_keep_scanning_past_non_matching_records_until_the_page_is_full()
    {
        var store = await OpenStoreAsync();
        await CommitAsync(store, "rev-1", Records(from: 1, count: 2_000));

        var page = await store.ReadPageAsync("rev-1", 0, 20, [new FieldFilter("district", "Chuo")]);

        Assert.Equal(20, page.Records.Count);
        Assert.All(page.Records, r => Assert.Equal("Chuo", District(r.Sequence)));
        Assert.Equal(page.Records[^1].Sequence, page.NextAfterSequence);
    }

    [Fact]
    public async Task Filtered_pages_followed_to_the_end_return_every_match_once()
    {
        var store = await OpenStoreAsync();
        await CommitAsync(store, "rev-1", Records(from: 1, count: 2_000));
        FieldFilter[] filters = [new("district", "Chuo"), new("line", "L1")];

        var matches = new List<long>();
        long? after = 0;
        while (after is { } cursor)
        {
            var page = await store.ReadPageAsync("rev-1", cursor, 7, filters);
            matches.AddRange(page.Records.Select(r => r.Sequence));
            after = page.NextAfterSequence;
        }

        var expected = Enumerable.Range(1, 2_000).Select(i => (long)i).Where(i => District(i) == "Chuo" && Line(i) == "L1");
        Assert.Equal(expected, matches);
    }

    [Fact]
    public async Task A_filter_that_matches_nothing_answers_a_continuation_after_the_scanned_rows()
    {
        var store = await OpenStoreScanningAsync(maxRowsScanned: 100);
        await CommitAsync(store, "rev-1", Records(from: 1, count: 250));

        var page = await store.ReadPageAsync("rev-1", 0, 10, [new FieldFilter("district", "Minato")]);

        Assert.Empty(page.Records);
        Assert.Equal(100, page.NextAfterSequence);
    }

    [Fact]
    public async Task A_bounded_scan_returns_the_matches_it_found_with_a_continuation()
    {
        var store = await OpenStoreScanningAsync(maxRowsScanned: 100);
        await CommitAsync(store, "rev-1", Records(from: 1, count: 250));

        var page = await store.ReadPageAsync("rev-1", 50, 10, [new FieldFilter("stop", "120")]);

        Assert.Equal(120, Assert.Single(page.Records).Sequence);
        Assert.Equal(150, page.NextAfterSequence);
    }

    [Fact]
    public async Task Bounded_scans_followed_to_the_end_return_every_match_once_and_end_with_no_continuation()
    {
        var store = await OpenStoreScanningAsync(maxRowsScanned: 100);
        await CommitAsync(store, "rev-1", Records(from: 1, count: 250));
        FieldFilter[] filters = [new("district", "Chuo")];

        var matches = new List<long>();
        var pages = new List<RecordPage>();
        long? after = 0;
        while (after is { } cursor)
        {
            var page = await store.ReadPageAsync("rev-1", cursor, 30, filters);
            pages.Add(page);
            matches.AddRange(page.Records.Select(r => r.Sequence));
            after = page.NextAfterSequence;
        }

        Assert.Equal(Enumerable.Range(1, 250).Select(i => (long)i).Where(i => District(i) == "Chuo"), matches);
        Assert.Equal([100L, 200, null], pages.Select(p => p.NextAfterSequence));
    }

    [Fact]
    public async Task An_unfiltered_page_larger_than_the_scan_bound_is_cut_to_it()
    {
        var store = await OpenStoreScanningAsync(maxRowsScanned: 100);
        await CommitAsync(store, "rev-1", Records(from: 1, count: 250));

        var page = await store.ReadPageAsync("rev-1", 0, 1_000, NoFilters);

        Assert.Equal(100, page.Records.Count);
        Assert.Equal(100, page.NextAfterSequence);
    }

    [Fact]
    public async Task A_bounded_scan_of_an_uncommitted_revision_has_no_continuation()
    {
        var store = await OpenStoreScanningAsync(maxRowsScanned: 100);
        await using var writer = await store.BeginRevisionAsync("dataset-1", "rev-1");
        await writer.AppendAsync(Records(from: 1, count: 250));

        var page = await store.ReadPageAsync("rev-1", 0, 10, [new FieldFilter("district", "Chuo")]);

        Assert.Empty(page.Records);
        Assert.Null(page.NextAfterSequence);
    }

    [Fact]
    public async Task A_numeric_field_filters_by_its_text_form()
    {
        var store = await OpenStoreAsync();
        await CommitAsync(store, "rev-1", Records(from: 1, count: 100));

        var page = await store.ReadPageAsync("rev-1", 0, 10, [new FieldFilter("stop", "42")]);

        Assert.Equal(42, Assert.Single(page.Records).Sequence);
        Assert.Null(page.NextAfterSequence);
    }

    [Fact]
    public async Task A_filter_on_a_missing_field_matches_nothing()
    {
        var store = await OpenStoreAsync();
        await CommitAsync(store, "rev-1", Records(from: 1, count: 100));

        var page = await store.ReadPageAsync("rev-1", 0, 10, [new FieldFilter("nope", "Chuo")]);

        Assert.Empty(page.Records);
        Assert.Null(page.NextAfterSequence);
    }

    [Fact]
    public async Task An_uncommitted_revision_is_invisible_until_committed()
    {
        var store = await OpenStoreAsync();
        await using var writer = await store.BeginRevisionAsync("dataset-1", "rev-1");
        await writer.AppendAsync(Records(from: 1, count: 10));

        var before = await store.ReadPageAsync("rev-1", 0, 100, NoFilters);
        await writer.CommitAsync();
        var after = await store.ReadPageAsync("rev-1", 0, 100, NoFilters);

        Assert.Empty(before.Records);
        Assert.Null(before.NextAfterSequence);
        Assert.Equal(10, after.Records.Count);
    }

    [Fact]
    public async Task An_unknown_revision_reads_as_an_empty_last_page()
    {
        var store = await OpenStoreAsync();

        var page = await store.ReadPageAsync("no-such-revision", 0, 100, NoFilters);

        Assert.Empty(page.Records);
        Assert.Null(page.NextAfterSequence);
    }

    [Fact]
    public async Task An_aborted_revision_leaves_nothing_behind()
    {
        var store = await OpenStoreAsync();
        await using (var writer = await store.BeginRevisionAsync("dataset-1", "rev-1"))
        {
            await writer.AppendAsync(Records(from: 1, count: 500));
            await writer.AbortAsync();
        }

        // The same revision id starts afresh: nothing of the aborted upload survives.
        await CommitAsync(store, "rev-1", Records(from: 1_000, count: 3));
        var page = await store.ReadPageAsync("rev-1", 0, 1_000, NoFilters);

        Assert.Equal([1_000L, 1_001, 1_002], page.Records.Select(r => r.Sequence));
    }

    [Fact]
    public async Task Disposing_an_uncommitted_writer_aborts_it()
    {
        var store = await OpenStoreAsync();
        await using (var writer = await store.BeginRevisionAsync("dataset-1", "rev-1"))
        {
            await writer.AppendAsync(Records(from: 1, count: 500));
        }

        await CommitAsync(store, "rev-1", Records(from: 1_000, count: 3));
        var page = await store.ReadPageAsync("rev-1", 0, 1_000, NoFilters);

        Assert.Equal(3, page.Records.Count);
    }

    [Fact]
    public async Task Abandoned_staging_revisions_are_discarded_after_a_restart()
    {
        var store = await OpenStoreAsync();
        await CommitAsync(store, "kept", Records(from: 1, count: 5));
        // A crash mid-upload: the writer is never committed, aborted or disposed.
        var crashed = await store.BeginRevisionAsync("dataset-1", "crashed");
        await crashed.AppendAsync(Records(from: 1, count: 500));
        GC.KeepAlive(crashed);

        store = await ReopenStoreAsync(store);
        var discarded = await store.DiscardAbandonedRevisionsAsync();
        await CommitAsync(store, "crashed", Records(from: 900, count: 2));

        Assert.Equal(1, discarded);
        Assert.Equal([900L, 901], (await store.ReadPageAsync("crashed", 0, 1_000, NoFilters)).Records.Select(r => r.Sequence));
        Assert.Equal(5, (await store.ReadPageAsync("kept", 0, 1_000, NoFilters)).Records.Count);
    }

    [Fact]
    public async Task Committed_records_survive_a_restart()
    {
        var store = await OpenStoreAsync();
        await CommitAsync(store, "rev-1", Records(from: 1, count: 1_500));

        store = await ReopenStoreAsync(store);
        var page = await store.ReadPageAsync("rev-1", 1_000, 1_000, NoFilters);

        Assert.Equal(500, page.Records.Count);
        Assert.Equal(Records(from: 1_001, count: 500), page.Records);
    }

    [Fact]
    public async Task Sequences_that_do_not_increase_are_rejected()
    {
        var store = await OpenStoreAsync();
        await using var writer = await store.BeginRevisionAsync("dataset-1", "rev-1");
        await writer.AppendAsync(Records(from: 10, count: 5));

        await Assert.ThrowsAsync<ArgumentException>(() => writer.AppendAsync(Records(from: 12, count: 5)));
    }

    [Fact]
    public async Task A_committed_revision_cannot_be_begun_again()
    {
        var store = await OpenStoreAsync();
        await CommitAsync(store, "rev-1", Records(from: 1, count: 5));

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.BeginRevisionAsync("dataset-1", "rev-1"));
    }

    [Fact]
    public async Task Revisions_do_not_see_each_others_records()
    {
        var store = await OpenStoreAsync();
        await CommitAsync(store, "rev-a", Records(from: 1, count: 10));
        await CommitAsync(store, "rev-b", Records(from: 5, count: 10));

        var page = await store.ReadPageAsync("rev-a", 0, 100, NoFilters);

        Assert.Equal(Records(from: 1, count: 10), page.Records);
    }

    private static async Task CommitAsync(IRecordStore store, string revisionId, IReadOnlyList<StoredRecord> records)
    {
        await using var writer = await store.BeginRevisionAsync("dataset-1", revisionId);
        await writer.AppendAsync(records);
        await writer.CommitAsync();
    }

    /// <summary>Records with a personal subject on even sequences and fields to filter on.</summary>
    protected static StoredRecord[] Records(long from, int count) =>
        [.. Enumerable.Range(0, count).Select(i => from + i).Select(seq => new StoredRecord(
            seq,
            seq % 2 == 0 ? $"subject-{seq % 7}" : null,
            string.Create(CultureInfo.InvariantCulture, $$"""{"stop":{{seq}},"district":"{{District(seq)}}","line":"{{Line(seq)}}","name":"停留所 {{seq}}"}"""))) ];

    private static string District(long seq) => seq % 10 == 3 ? "Chuo" : "Kita";

    private static string Line(long seq) => $"L{seq % 3}";
}
