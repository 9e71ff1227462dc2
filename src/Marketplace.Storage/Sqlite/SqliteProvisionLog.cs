using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Marketplace.Storage.Sqlite;

/// <summary>
/// The record of provision in <c>provision_events</c> (one row per usage event) and <c>provision_subjects</c> (one narrow
/// row per person in it, under the event as first recorded), inserted or ignored, every row of a call in one transaction.
/// A person's list reads their index range backwards (newest first) after a keyset cursor; a contract's period counts
/// sum the contract's index range per person.
/// </summary>
/// <remarks>
/// Group commit (issue 13): calls that arrive while a write is queued or running join the next one, so a busy personal
/// dataset's fetches share one transaction on the writer thread instead of queueing one each. Every caller completes
/// only after the transaction holding its rows committed.
/// </remarks>
public sealed class SqliteProvisionLog(SqliteDatabase database) : IProvisionLog
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<(IReadOnlyList<Provision> Provisions, TaskCompletionSource Done)> _queued = new();
    private int _flushQueued;

    public Task AppendAsync(IReadOnlyList<Provision> provisions, CancellationToken cancellationToken = default)
    {
        ConsentPortArguments.CheckProvisions(provisions);
        if (provisions.Count == 0)
        {
            return Task.CompletedTask;
        }
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }
        // A copy, so a caller reusing its list cannot change what gets written.
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _queued.Enqueue(([.. provisions], done));
        if (Interlocked.CompareExchange(ref _flushQueued, 1, 0) == 0)
        {
            _ = FlushAsync();
        }
        // Cancelling stops the wait, not the write (a provision recorded again is ignored).
        return cancellationToken.CanBeCanceled ? done.Task.WaitAsync(cancellationToken) : done.Task;
    }

    /// <summary>One transaction for everything queued when the writer thread reaches it.</summary>
    private async Task FlushAsync()
    {
        var batch = new List<(IReadOnlyList<Provision> Provisions, TaskCompletionSource Done)>();
        try
        {
            await database.WriteAsync((connection, transaction) =>
            {
                // From here, calls queue a flush of their own: what is dequeued below is written by this one.
                Interlocked.Exchange(ref _flushQueued, 0);
                while (_queued.TryDequeue(out var call))
                {
                    batch.Add(call);
                }
                return batch.Count == 0 ? 0 : Write(connection, transaction, batch.SelectMany(c => c.Provisions).ToList());
            }, CancellationToken.None).ConfigureAwait(false);
            batch.ForEach(c => c.Done.TrySetResult());
        }
#pragma warning disable CA1031 // The failure is each waiting caller's to report.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            if (batch.Count == 0)
            {
                // The write never ran (the store is shutting down): nothing queued now can be written.
                Interlocked.Exchange(ref _flushQueued, 0);
                while (_queued.TryDequeue(out var call))
                {
                    call.Done.TrySetException(ex);
                }
                return;
            }
            // The transaction failed: its callers hear why; calls queued since have a flush of their own.
            batch.ForEach(c => c.Done.TrySetException(ex));
        }
    }

    private static int Write(SqliteConnection connection, SqliteTransaction transaction, List<Provision> provisions)
    {
        {
            using var events = connection.CreateCommand();
            events.Transaction = transaction;
            events.CommandText = """
                INSERT OR IGNORE INTO provision_events (event_id, bank_id, contract_id, buyer_id, dataset_id, purpose, aggregate, at, period)
                VALUES ($event, $bank, $contract, $buyer, $dataset, $purpose, $aggregate, $at, $period)
                """;
            var e = events.Parameters;
            var eventId = e.Add("$event", SqliteType.Text);
            var bank = e.Add("$bank", SqliteType.Text);
            var contract = e.Add("$contract", SqliteType.Text);
            var buyer = e.Add("$buyer", SqliteType.Text);
            var dataset = e.Add("$dataset", SqliteType.Text);
            var purpose = e.Add("$purpose", SqliteType.Text);
            var aggregate = e.Add("$aggregate", SqliteType.Integer);
            var at = e.Add("$at", SqliteType.Text);
            var period = e.Add("$period", SqliteType.Text);
            events.Prepare();

            using var people = connection.CreateCommand();
            people.Transaction = transaction;
            people.CommandText = """
                INSERT OR IGNORE INTO provision_subjects (event_id, subject_id, bank_id, at, consent_record_id, items, records)
                SELECT event_id, $subject, bank_id, at, $consent, $items, $records FROM provision_events WHERE event_id = $event
                """;
            var p = people.Parameters;
            var personEvent = p.Add("$event", SqliteType.Text);
            var subject = p.Add("$subject", SqliteType.Text);
            var consent = p.Add("$consent", SqliteType.Text);
            var items = p.Add("$items", SqliteType.Text);
            var records = p.Add("$records", SqliteType.Integer);
            people.Prepare();

            var added = 0;
            foreach (var ofEvent in provisions.GroupBy(x => x.EventId, StringComparer.Ordinal))
            {
                var first = ofEvent.First();
                eventId.Value = first.EventId;
                bank.Value = first.BankId;
                contract.Value = first.ContractId;
                buyer.Value = first.BuyerId;
                dataset.Value = first.DatasetId;
                purpose.Value = first.Purpose;
                aggregate.Value = first.Aggregate ? 1 : 0;
                at.Value = SqliteIndexText.Stamp(first.At);
                period.Value = first.Period;
                events.ExecuteNonQuery();
                string? lastItems = null;
                string? lastItemsJson = null;
                foreach (var provision in ofEvent)
                {
                    personEvent.Value = provision.EventId;
                    subject.Value = provision.SubjectId;
                    consent.Value = provision.ConsentRecordId;
                    // The people of one page mostly share their covered items: serialise each distinct list once.
                    var itemsKey = string.Join('\n', provision.Items);
                    if (itemsKey != lastItems)
                    {
                        lastItems = itemsKey;
                        lastItemsJson = JsonSerializer.Serialize(provision.Items);
                    }
                    items.Value = lastItemsJson;
                    records.Value = provision.Records;
                    added += people.ExecuteNonQuery();
                }
            }
            return added;
        }
    }

    public async Task<IReadOnlyList<Provision>> ListBySubjectAsync(string bankId, string subjectId, (DateTimeOffset At, string EventId)? before, int pageSize, CancellationToken cancellationToken = default)
    {
        ConsentPortArguments.CheckSubjectPage(bankId, subjectId, before, pageSize);
        await SqliteDatabase.LeaveGrainScheduler();
        using var connection = database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT s.event_id, s.subject_id, s.bank_id, e.contract_id, e.buyer_id, e.dataset_id, e.purpose, s.consent_record_id,
                   s.items, s.records, e.aggregate, s.at, e.period
            FROM provision_subjects s JOIN provision_events e ON e.event_id = s.event_id
            WHERE s.bank_id = $bank AND s.subject_id = $subject {(before is null ? "" : "AND (s.at, s.event_id) < ($at, $event)")}
            ORDER BY s.at DESC, s.event_id DESC LIMIT $limit
            """;
        command.Parameters.AddWithValue("$bank", bankId);
        command.Parameters.AddWithValue("$subject", subjectId);
        if (before is { } b)
        {
            command.Parameters.AddWithValue("$at", SqliteIndexText.Stamp(b.At));
            command.Parameters.AddWithValue("$event", b.EventId);
        }
        command.Parameters.AddWithValue("$limit", pageSize);
        var page = new List<Provision>(Math.Min(pageSize, 256));
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            page.Add(new Provision(
                EventId: reader.GetString(0),
                BankId: reader.GetString(2),
                SubjectId: reader.GetString(1),
                ContractId: reader.GetString(3),
                BuyerId: reader.GetString(4),
                DatasetId: reader.GetString(5),
                Purpose: reader.GetString(6),
                ConsentRecordId: reader.GetString(7),
                Items: JsonSerializer.Deserialize<string[]>(reader.GetString(8)) ?? [],
                Records: reader.GetInt64(9),
                Aggregate: reader.GetInt64(10) != 0,
                At: SqliteIndexText.Parse(reader.GetString(11)),
                Period: reader.GetString(12)));
        }
        return page;
    }

    public async Task<IReadOnlyList<ProvisionCount>> CountByContractAsync(string contractId, string period, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(contractId);
        ArgumentException.ThrowIfNullOrEmpty(period);
        await SqliteDatabase.LeaveGrainScheduler();
        using var connection = database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT s.subject_id, SUM(s.records), SUM(e.aggregate)
            FROM provision_events e JOIN provision_subjects s ON s.event_id = e.event_id
            WHERE e.contract_id = $contract AND e.period = $period
            GROUP BY s.subject_id ORDER BY s.subject_id
            """;
        command.Parameters.AddWithValue("$contract", contractId);
        command.Parameters.AddWithValue("$period", period);
        var counts = new List<ProvisionCount>();
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            counts.Add(new ProvisionCount(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)));
        }
        return counts;
    }

    public Task<int> PruneAsync(DateTimeOffset before, int maxEvents, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEvents, 1);
        return database.WriteAsync((connection, transaction) =>
        {
            var stale = new List<string>();
            using (var find = connection.CreateCommand())
            {
                find.Transaction = transaction;
                find.CommandText = "SELECT event_id FROM provision_events WHERE at < $before ORDER BY at LIMIT $max";
                find.Parameters.AddWithValue("$before", SqliteIndexText.Stamp(before));
                find.Parameters.AddWithValue("$max", maxEvents);
                using var reader = find.ExecuteReader();
                while (reader.Read())
                {
                    stale.Add(reader.GetString(0));
                }
            }
            using var people = connection.CreateCommand();
            people.Transaction = transaction;
            people.CommandText = "DELETE FROM provision_subjects WHERE event_id = $event";
            var personEvent = people.Parameters.Add("$event", SqliteType.Text);
            using var events = connection.CreateCommand();
            events.Transaction = transaction;
            events.CommandText = "DELETE FROM provision_events WHERE event_id = $event";
            var eventId = events.Parameters.Add("$event", SqliteType.Text);
            foreach (var id in stale)
            {
                personEvent.Value = id;
                people.ExecuteNonQuery();
                eventId.Value = id;
                events.ExecuteNonQuery();
            }
            return stale.Count;
        }, cancellationToken);
    }
}
