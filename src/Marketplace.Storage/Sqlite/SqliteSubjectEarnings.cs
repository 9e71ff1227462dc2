namespace Marketplace.Storage.Sqlite;

/// <summary>
/// People's earnings in <c>subject_earnings</c>, keyed by (bank, person, period, invoice): one person's list is one
/// range of the key, and a repeated write of an (invoice, person) replaces its row.
/// </summary>
public sealed class SqliteSubjectEarnings(SqliteDatabase database) : ISubjectEarnings
{
    private const string Columns = "bank_id, subject_id, invoice_id, period, contract_id, buyer_id, amount_minor, currency, records, counted";

    public Task PutAsync(IReadOnlyList<SubjectEarning> earnings, CancellationToken cancellationToken = default)
    {
        SubjectEarningLimits.Check(earnings);
        if (earnings.Count == 0)
        {
            return Task.CompletedTask;
        }
        return database.WriteAsync((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = $"""
                INSERT INTO subject_earnings ({Columns})
                VALUES ($bank, $subject, $invoice, $period, $contract, $buyer, $amount, $currency, $records, $counted)
                ON CONFLICT (bank_id, subject_id, period, invoice_id) DO UPDATE SET
                    contract_id = excluded.contract_id, buyer_id = excluded.buyer_id, amount_minor = excluded.amount_minor,
                    currency = excluded.currency, records = excluded.records, counted = excluded.counted
                """;
            var p = command.Parameters;
            var bank = p.Add("$bank", Microsoft.Data.Sqlite.SqliteType.Text);
            var subject = p.Add("$subject", Microsoft.Data.Sqlite.SqliteType.Text);
            var invoice = p.Add("$invoice", Microsoft.Data.Sqlite.SqliteType.Text);
            var period = p.Add("$period", Microsoft.Data.Sqlite.SqliteType.Text);
            var contract = p.Add("$contract", Microsoft.Data.Sqlite.SqliteType.Text);
            var buyer = p.Add("$buyer", Microsoft.Data.Sqlite.SqliteType.Text);
            var amount = p.Add("$amount", Microsoft.Data.Sqlite.SqliteType.Integer);
            var currency = p.Add("$currency", Microsoft.Data.Sqlite.SqliteType.Text);
            var records = p.Add("$records", Microsoft.Data.Sqlite.SqliteType.Integer);
            var counted = p.Add("$counted", Microsoft.Data.Sqlite.SqliteType.Integer);
            var written = 0;
            foreach (var e in earnings)
            {
                bank.Value = e.BankId;
                subject.Value = e.SubjectId;
                invoice.Value = e.InvoiceId;
                period.Value = e.Period;
                contract.Value = e.ContractId;
                buyer.Value = e.BuyerId;
                amount.Value = e.AmountMinor;
                currency.Value = e.Currency;
                records.Value = e.Records;
                counted.Value = e.Counted;
                written += command.ExecuteNonQuery();
            }
            return written;
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<SubjectEarning>> ListBySubjectAsync(
        string bankId, string subjectId, SubjectEarningPosition? after, int pageSize, CancellationToken cancellationToken = default)
    {
        SubjectEarningLimits.CheckList(bankId, subjectId, after, pageSize);
        await SqliteDatabase.LeaveGrainScheduler();
        using var connection = database.OpenConnection();
        using var command = connection.CreateCommand();
        var from = after is null ? "" : "AND (period < $period OR (period = $period AND invoice_id > $invoice)) ";
        command.CommandText = $"""
            SELECT {Columns} FROM subject_earnings
            WHERE bank_id = $bank AND subject_id = $subject {from}
            ORDER BY period DESC, invoice_id ASC LIMIT $limit
            """;
        command.Parameters.AddWithValue("$bank", bankId);
        command.Parameters.AddWithValue("$subject", subjectId);
        command.Parameters.AddWithValue("$limit", pageSize);
        if (after is not null)
        {
            command.Parameters.AddWithValue("$period", after.Period);
            command.Parameters.AddWithValue("$invoice", after.InvoiceId);
        }
        var earnings = new List<SubjectEarning>(Math.Min(pageSize, 256));
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            earnings.Add(new SubjectEarning(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetString(5), reader.GetInt64(6), reader.GetString(7), reader.GetInt64(8), reader.GetInt64(9)));
        }
        return earnings;
    }
}
