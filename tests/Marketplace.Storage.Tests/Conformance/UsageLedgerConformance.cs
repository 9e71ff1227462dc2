namespace Marketplace.Storage.Tests.Conformance;

/// <summary>The behaviour every <see cref="IUsageLedger"/> adapter shares.</summary>
public abstract class UsageLedgerConformance
{
    private static readonly DateTimeOffset Noon = new(2025, 4, 1, 12, 0, 0, TimeSpan.FromHours(9));

    /// <summary>Opens a ledger over this test's own, initially empty storage.</summary>
    protected abstract Task<IUsageLedger> OpenLedgerAsync();

    /// <summary>Shuts <paramref name="current"/> down and opens a new ledger over the same storage (a restart).</summary>
    protected abstract Task<IUsageLedger> ReopenLedgerAsync(IUsageLedger current);

    [Fact]
    public async Task Appended_records_add_up_in_the_totals()
    {
        var ledger = await OpenLedgerAsync();

        await ledger.AppendAsync([Usage("c-1", "2025-04", "e-1", 5), Usage("c-1", "2025-04", "e-2", 7)]);
        await ledger.AppendAsync([Usage("c-1", "2025-04", "e-3", 11)]);

        Assert.Equal(new UsageTotals("c-1", "2025-04", 23, 3), await ledger.GetTotalsAsync("c-1", "2025-04"));
    }

    [Fact]
    public async Task Totals_are_zero_for_a_contract_without_usage()
    {
        var ledger = await OpenLedgerAsync();

        Assert.Equal(new UsageTotals("c-none", "2025-04", 0, 0), await ledger.GetTotalsAsync("c-none", "2025-04"));
    }

    [Fact]
    public async Task Totals_are_kept_per_contract_and_period()
    {
        var ledger = await OpenLedgerAsync();

        await ledger.AppendAsync([
            Usage("c-1", "2025-04", "e-1", 1),
            Usage("c-1", "2025-05", "e-2", 10),
            Usage("c-2", "2025-04", "e-1", 100),
        ]);

        Assert.Equal(1, (await ledger.GetTotalsAsync("c-1", "2025-04")).Units);
        Assert.Equal(10, (await ledger.GetTotalsAsync("c-1", "2025-05")).Units);
        Assert.Equal(100, (await ledger.GetTotalsAsync("c-2", "2025-04")).Units);
    }

    [Fact]
    public async Task The_same_event_sent_from_20_concurrent_tasks_counts_once()
    {
        var ledger = await OpenLedgerAsync();
        var record = Usage("c-1", "2025-04", "e-dup", 3);

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => ledger.AppendAsync([record]))));

        Assert.Single(answers, a => a.Results[0].Inserted);
        Assert.All(answers, a => Assert.Equal(record, a.Results[0].Stored));
        Assert.Equal(new UsageTotals("c-1", "2025-04", 3, 1), await ledger.GetTotalsAsync("c-1", "2025-04"));
        Assert.Single(await ledger.ReadAsync("c-1", "2025-04"));
    }

    [Fact]
    public async Task Duplicates_within_one_batch_count_once()
    {
        var ledger = await OpenLedgerAsync();

        var answer = await ledger.AppendAsync([
            Usage("c-1", "2025-04", "e-1", 2),
            Usage("c-1", "2025-04", "e-1", 3),
            Usage("c-1", "2025-04", "e-2", 5),
            Usage("c-1", "2025-04", "e-1", 2),
        ]);

        Assert.Equal([true, false, true, false], answer.Results.Select(r => r.Inserted));
        Assert.All(answer.Results.Where(r => r.Stored.EventId == "e-1"), r => Assert.Equal(2, r.Stored.Units));
        Assert.Equal(new UsageTotals("c-1", "2025-04", 7, 2), await ledger.GetTotalsAsync("c-1", "2025-04"));
        Assert.Equal(["e-1", "e-2"], (await ledger.ReadAsync("c-1", "2025-04")).Select(r => r.EventId));
    }

    [Fact]
    public async Task A_resent_event_is_ignored()
    {
        var ledger = await OpenLedgerAsync();
        await ledger.AppendAsync([Usage("c-1", "2025-04", "e-1", 4)]);

        await ledger.AppendAsync([Usage("c-1", "2025-04", "e-1", 4), Usage("c-1", "2025-04", "e-2", 1)]);

        Assert.Equal(new UsageTotals("c-1", "2025-04", 5, 2), await ledger.GetTotalsAsync("c-1", "2025-04"));
    }

    [Fact]
    public async Task The_same_event_id_counts_separately_in_another_contract()
    {
        var ledger = await OpenLedgerAsync();

        var answer = await ledger.AppendAsync([Usage("c-1", "2025-04", "e-1", 1), Usage("c-2", "2025-04", "e-1", 1)]);

        Assert.All(answer.Results, r => Assert.True(r.Inserted));
        Assert.Equal(1, (await ledger.GetTotalsAsync("c-1", "2025-04")).Events);
        Assert.Equal(1, (await ledger.GetTotalsAsync("c-2", "2025-04")).Events);
    }

    [Fact]
    public async Task An_event_id_resent_in_another_period_is_stored_once_where_the_ledger_says_ids_are_unique_across_periods()
    {
        var ledger = await OpenLedgerAsync();
        var original = Usage("c-1", "2025-04", "e-1", 2);
        await ledger.AppendAsync([original]);

        var answer = await ledger.AppendAsync([Usage("c-1", "2025-05", "e-1", 5)]);

        if (ledger.UniqueAcrossPeriods)
        {
            Assert.False(answer.Results[0].Inserted);
            Assert.Equal(original, answer.Results[0].Stored);
            Assert.Equal(0, (await ledger.GetTotalsAsync("c-1", "2025-05")).Events);
        }
        else
        {
            Assert.True(answer.Results[0].Inserted);
            Assert.Equal(1, (await ledger.GetTotalsAsync("c-1", "2025-05")).Events);
        }
        Assert.Equal(new UsageTotals("c-1", "2025-04", 2, 1), await ledger.GetTotalsAsync("c-1", "2025-04"));
    }

    [Fact]
    public async Task Find_answers_the_stored_record_of_an_event_id_whatever_its_period()
    {
        var ledger = await OpenLedgerAsync();
        var stored = Usage("c-1", "2025-04", "e-1", 2) with { Fingerprint = "first request" };
        await ledger.AppendAsync([stored, Usage("c-1", "2025-05", "e-2", 3)]);

        Assert.Equal(stored, await ledger.FindAsync("c-1", "e-1"));
        Assert.Equal(3, (await ledger.FindAsync("c-1", "e-2"))?.Units);
    }

    [Fact]
    public async Task Find_answers_null_for_an_id_the_contract_never_sent_or_one_the_marketplace_generated()
    {
        var ledger = await OpenLedgerAsync();
        await ledger.AppendAsync([Usage("c-1", "2025-04", "e-1", 2), Usage("c-1", "2025-04", "g-1", 1) with { Source = UsageRecord.GeneratedSource }]);

        Assert.Null(await ledger.FindAsync("c-2", "e-1"));
        Assert.Null(await ledger.FindAsync("c-1", "e-never"));
        Assert.Null(await ledger.FindAsync("c-1", "g-1"));
    }

    [Fact]
    public async Task Each_result_says_whether_this_append_stored_it_and_carries_the_stored_record()
    {
        var ledger = await OpenLedgerAsync();
        var original = Usage("c-1", "2025-04", "e-1", 4) with { Fingerprint = "first request" };
        await ledger.AppendAsync([original]);
        var fresh = Usage("c-1", "2025-04", "e-2", 1);

        var answer = await ledger.AppendAsync([Usage("c-1", "2025-04", "e-1", 9) with { Fingerprint = "altered" }, fresh]);

        Assert.Equal([new UsageAppendResult(original, Inserted: false), new UsageAppendResult(fresh, Inserted: true)], answer.Results);
    }

    [Fact]
    public async Task An_append_reports_the_totals_as_stored_after_it_committed()
    {
        var ledger = await OpenLedgerAsync();
        await ledger.AppendAsync([Usage("c-1", "2025-04", "e-1", 4), Usage("c-1", "2025-05", "e-2", 6)]);

        var answer = await ledger.AppendAsync([Usage("c-1", "2025-04", "e-3", 5), Usage("c-1", "2025-05", "e-2", 6)]);

        Assert.Equal(
            [new UsageTotals("c-1", "2025-04", 9, 2), new UsageTotals("c-1", "2025-05", 6, 1)],
            answer.Totals.OrderBy(t => t.Period));
    }

    [Fact]
    public async Task Concurrent_appends_across_many_contracts_are_all_readable_once_acknowledged_and_after_a_restart()
    {
        var ledger = await OpenLedgerAsync();
        const int contracts = 40, callersPerContract = 10, recordsPerCall = 5;

        await Task.WhenAll(
            from contract in Enumerable.Range(0, contracts)
            from caller in Enumerable.Range(0, callersPerContract)
            select Task.Run(async () =>
            {
                var batch = Enumerable.Range(0, recordsPerCall)
                    .Select(i => Usage($"c-{contract}", "2025-04", $"e-{caller}-{i}", 1))
                    .ToArray();
                await ledger.AppendAsync(batch);
                // Acknowledged means committed: this caller's records are readable right away.
                var stored = (await ledger.ReadAsync($"c-{contract}", "2025-04")).Select(r => r.EventId).ToHashSet();
                Assert.All(batch, r => Assert.Contains(r.EventId, stored));
            }));

        ledger = await ReopenLedgerAsync(ledger);
        for (var contract = 0; contract < contracts; contract++)
        {
            Assert.Equal(
                new UsageTotals($"c-{contract}", "2025-04", callersPerContract * recordsPerCall, callersPerContract * recordsPerCall),
                await ledger.GetTotalsAsync($"c-{contract}", "2025-04"));
        }
    }

    [Fact]
    public async Task Read_returns_one_contracts_period_in_arrival_order_with_every_field()
    {
        var ledger = await OpenLedgerAsync();
        var first = Usage("c-1", "2025-04", "zz-first", 3) with { Fingerprint = "sha256:abc", Source = "api" };
        var second = Usage("c-1", "2025-04", "aa-second", 4) with { OccurredAt = Noon.AddTicks(1), RecordedAt = Noon.ToOffset(TimeSpan.Zero) };
        var third = Usage("c-1", "2025-04", "mm-third", 5);
        await ledger.AppendAsync([first]);
        await ledger.AppendAsync([Usage("c-2", "2025-04", "other", 1), second, Usage("c-1", "2025-05", "later", 1)]);
        await ledger.AppendAsync([third]);

        var records = await ledger.ReadAsync("c-1", "2025-04");

        Assert.Equal([first, second, third], records);
        Assert.Equal(TimeSpan.FromHours(9), records[0].OccurredAt.Offset);
    }

    [Fact]
    public async Task Read_can_leave_out_one_source()
    {
        var ledger = await OpenLedgerAsync();
        await ledger.AppendAsync([
            Usage("c-1", "2025-04", "kept-1", 1) with { Source = "keyed" },
            Usage("c-1", "2025-04", "skipped", 2) with { Source = "generated" },
            Usage("c-1", "2025-04", "kept-2", 3)]);

        var records = await ledger.ReadAsync("c-1", "2025-04", exceptSource: "generated");

        Assert.Equal(["kept-1", "kept-2"], records.Select(r => r.EventId));
        Assert.Equal(6, (await ledger.GetTotalsAsync("c-1", "2025-04")).Units);
    }

    [Fact]
    public async Task A_period_streams_every_contracts_records_in_arrival_order()
    {
        var ledger = await OpenLedgerAsync();
        var expected = new List<UsageRecord>();
        for (var i = 0; i < 300; i++)
        {
            var record = Usage($"c-{i % 7}", "2025-04", $"e-{i}", i);
            expected.Add(record);
            await ledger.AppendAsync([record, Usage($"c-{i % 7}", "2025-03", $"march-{i}", 1)]);
        }

        var streamed = new List<UsageRecord>();
        await foreach (var record in ledger.StreamPeriodAsync("2025-04"))
        {
            streamed.Add(record);
        }

        Assert.Equal(expected, streamed);
    }

    [Fact]
    public async Task Streaming_an_empty_period_yields_nothing()
    {
        var ledger = await OpenLedgerAsync();
        await ledger.AppendAsync([Usage("c-1", "2025-04", "e-1", 1)]);

        await foreach (var record in ledger.StreamPeriodAsync("1999-01"))
        {
            Assert.Fail($"Unexpected {record}");
        }
    }

    [Fact]
    public async Task A_restart_keeps_the_records_and_still_ignores_resent_events()
    {
        var ledger = await OpenLedgerAsync();
        await ledger.AppendAsync([Usage("c-1", "2025-04", "e-1", 4), Usage("c-1", "2025-04", "e-2", 6)]);

        ledger = await ReopenLedgerAsync(ledger);
        await ledger.AppendAsync([Usage("c-1", "2025-04", "e-2", 6), Usage("c-1", "2025-04", "e-3", 1)]);

        Assert.Equal(new UsageTotals("c-1", "2025-04", 11, 3), await ledger.GetTotalsAsync("c-1", "2025-04"));
        Assert.Equal(["e-1", "e-2", "e-3"], (await ledger.ReadAsync("c-1", "2025-04")).Select(r => r.EventId));
    }

    [Fact]
    public async Task Appending_nothing_completes()
    {
        var ledger = await OpenLedgerAsync();

        await ledger.AppendAsync([]);

        Assert.Equal(0, (await ledger.GetTotalsAsync("c-1", "2025-04")).Events);
    }

    [Fact]
    public async Task Hours_sum_each_contracts_usage_by_the_utc_hour_it_occurred_in()
    {
        var ledger = await OpenLedgerAsync();

        await ledger.AppendAsync([
            Usage("c-1", "2025-04", "e-1", 5),
            Usage("c-1", "2025-04", "e-2", 7) with { OccurredAt = Noon.AddMinutes(59) },
            Usage("c-1", "2025-04", "e-3", 11) with { OccurredAt = Noon.AddHours(1) },
            Usage("c-2", "2025-04", "e-1", 100),
        ]);
        await ledger.AppendAsync([Usage("c-1", "2025-04", "e-4", 1) with { OccurredAt = Noon.AddMinutes(30) }]);

        var hours = await ledger.ReadHoursAsync("2025-04");

        var threeUtc = new DateTimeOffset(2025, 4, 1, 3, 0, 0, TimeSpan.Zero); // noon in Tokyo
        Assert.Equal(
            [new UsageHour("c-1", threeUtc, 13, 3), new UsageHour("c-1", threeUtc.AddHours(1), 11, 1), new UsageHour("c-2", threeUtc, 100, 1)],
            hours.OrderBy(h => h.ContractId, StringComparer.Ordinal).ThenBy(h => h.Hour));
        Assert.All(hours, h => Assert.Equal(TimeSpan.Zero, h.Hour.Offset));
    }

    [Fact]
    public async Task Hours_count_a_resent_event_once_and_keep_to_their_period()
    {
        var ledger = await OpenLedgerAsync();

        await ledger.AppendAsync([Usage("c-1", "2025-04", "e-1", 5), Usage("c-1", "2025-04", "e-1", 5)]);
        await ledger.AppendAsync([Usage("c-1", "2025-04", "e-1", 5), Usage("c-1", "2025-05", "e-9", 3) with { OccurredAt = Noon.AddMonths(1) }]);

        Assert.Equal([new UsageHour("c-1", new DateTimeOffset(2025, 4, 1, 3, 0, 0, TimeSpan.Zero), 5, 1)], await ledger.ReadHoursAsync("2025-04"));
        Assert.Empty(await ledger.ReadHoursAsync("2025-06"));
    }

    [Fact]
    public async Task Hours_survive_a_restart()
    {
        var ledger = await OpenLedgerAsync();
        await ledger.AppendAsync([Usage("c-1", "2025-04", "e-1", 5)]);

        var reopened = await ReopenLedgerAsync(ledger);

        Assert.Equal(5, (await reopened.ReadHoursAsync("2025-04")).Single().Units);
    }

    protected static UsageRecord Usage(string contractId, string period, string eventId, long units) =>
        new(eventId, contractId, period, units, Noon, Noon.AddSeconds(1), "gateway", null);
}
