using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Marketplace.Storage.Sqlite;

/// <summary>
/// The record of provision in <c>provisions</c>: one row per (usage event, person), inserted or ignored, every row of a
/// call in one transaction. A person's list reads their index range backwards (newest first) after a keyset cursor;
/// a contract's period counts sum the contract's index range per person.
/// </summary>
public sealed class SqliteProvisionLog(SqliteDatabase database) : IProvisionLog
{
    private const string Columns = "event_id, subject_id, bank_id, contract_id, buyer_id, dataset_id, purpose, consent_record_id, items, records, aggregate, at, period";

    public Task AppendAsync(IReadOnlyList<Provision> provisions, CancellationToken cancellationToken = default)
    {
        ConsentPortArguments.CheckProvisions(provisions);
        if (provisions.Count == 0)
        {
            return Task.CompletedTask;
        }
        return database.WriteAsync((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = $"""
                INSERT OR IGNORE INTO provisions ({Columns})
                VALUES ($event, $subject, $bank, $contract, $buyer, $dataset, $purpose, $consent, $items, $records, $aggregate, $at, $period)
                """;
            var p = command.Parameters;
            var eventId = p.Add("$event", SqliteType.Text);
            var subject = p.Add("$subject", SqliteType.Text);
            var bank = p.Add("$bank", SqliteType.Text);
            var contract = p.Add("$contract", SqliteType.Text);
            var buyer = p.Add("$buyer", SqliteType.Text);
            var dataset = p.Add("$dataset", SqliteType.Text);
            var purpose = p.Add("$purpose", SqliteType.Text);
            var consent = p.Add("$consent", SqliteType.Text);
            var items = p.Add("$items", SqliteType.Text);
            var records = p.Add("$records", SqliteType.Integer);
            var aggregate = p.Add("$aggregate", SqliteType.Integer);
            var at = p.Add("$at", SqliteType.Text);
            var period = p.Add("$period", SqliteType.Text);
            command.Prepare();
            var added = 0;
            foreach (var provision in provisions)
            {
                eventId.Value = provision.EventId;
                subject.Value = provision.SubjectId;
                bank.Value = provision.BankId;
                contract.Value = provision.ContractId;
                buyer.Value = provision.BuyerId;
                dataset.Value = provision.DatasetId;
                purpose.Value = provision.Purpose;
                consent.Value = provision.ConsentRecordId;
                items.Value = JsonSerializer.Serialize(provision.Items);
                records.Value = provision.Records;
                aggregate.Value = provision.Aggregate ? 1 : 0;
                at.Value = SqliteIndexText.Stamp(provision.At);
                period.Value = provision.Period;
                added += command.ExecuteNonQuery();
            }
            return added;
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<Provision>> ListBySubjectAsync(string bankId, string subjectId, (DateTimeOffset At, string EventId)? before, int pageSize, CancellationToken cancellationToken = default)
    {
        ConsentPortArguments.CheckSubjectPage(bankId, subjectId, before, pageSize);
        await SqliteDatabase.LeaveGrainScheduler();
        using var connection = database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT {Columns} FROM provisions
            WHERE bank_id = $bank AND subject_id = $subject {(before is null ? "" : "AND (at, event_id) < ($at, $event)")}
            ORDER BY at DESC, event_id DESC LIMIT $limit
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
            SELECT subject_id, SUM(records), SUM(aggregate) FROM provisions
            WHERE contract_id = $contract AND period = $period
            GROUP BY subject_id ORDER BY subject_id
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
}
