namespace Marketplace.Storage.Sqlite;

/// <summary>
/// Invoices in <c>invoice_index</c>, keyed by (issue time, id) like the other indexes; a list reads the narrowest
/// index range (contract, buyer, provider or period, each with the sort key) and filters the rest in a scan window.
/// </summary>
public sealed class SqliteInvoiceIndex(SqliteDatabase database) : IInvoiceIndex
{
    private const string Columns = "invoice_id, kind, period, contract_id, buyer_id, provider_id, status, total_minor, currency, issued_at";

    public Task PutAsync(InvoiceEntry invoice, CancellationToken cancellationToken = default)
    {
        InvoiceEntries.Check(invoice);
        return database.WriteAsync((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = $"""
                INSERT INTO invoice_index (sort_key, {Columns})
                VALUES ($key, $id, $kind, $period, $contract, $buyer, $provider, $status, $total, $currency, $issued)
                ON CONFLICT (sort_key) DO UPDATE SET status = excluded.status
                """;
            var p = command.Parameters;
            p.AddWithValue("$key", invoice.Position.SortKey);
            p.AddWithValue("$id", invoice.InvoiceId);
            p.AddWithValue("$kind", invoice.Kind);
            p.AddWithValue("$period", invoice.Period);
            p.AddWithValue("$contract", invoice.ContractId);
            p.AddWithValue("$buyer", invoice.BuyerId);
            p.AddWithValue("$provider", invoice.ProviderId);
            p.AddWithValue("$status", invoice.Status);
            p.AddWithValue("$total", invoice.TotalMinor);
            p.AddWithValue("$currency", invoice.Currency);
            p.AddWithValue("$issued", SqliteIndexText.Stamp(invoice.IssuedAt));
            return command.ExecuteNonQuery();
        }, cancellationToken);
    }

    public async Task<IndexPage<InvoiceEntry>> ListAsync(InvoiceQuery query, IndexPosition? after, int pageSize, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        IndexLimits.CheckPage(after, pageSize);
        var (range, value) = query switch
        {
            { ContractId: { } c } => ("contract_id = $a AND ", c),
            { BuyerId: { } b } => ("buyer_id = $a AND ", b),
            { ProviderId: { } v } => ("provider_id = $a AND ", v),
            { Period: { } p } => ("period = $a AND ", p),
            _ => ("", (string?)null),
        };
        var filters = (query.ContractId is null ? 0 : 1) + (query.BuyerId is null ? 0 : 1) + (query.ProviderId is null ? 0 : 1) + (query.Period is null ? 0 : 1);
        var window = filters > 1 ? Math.Max(IndexLimits.ScanWindow, pageSize + 1) : pageSize + 1;
        await SqliteDatabase.LeaveGrainScheduler();
        using var connection = database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM invoice_index WHERE {range}sort_key > $after ORDER BY sort_key LIMIT $window";
        if (value is not null)
        {
            command.Parameters.AddWithValue("$a", value);
        }
        command.Parameters.AddWithValue("$after", after?.SortKey ?? "");
        command.Parameters.AddWithValue("$window", window);
        var scanned = new List<InvoiceEntry>(Math.Min(window, 256));
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            scanned.Add(new InvoiceEntry(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetString(5), reader.GetString(6), reader.GetInt64(7), reader.GetString(8), SqliteIndexText.Parse(reader.GetString(9))));
        }
        return IndexLimits.PageOf(scanned, window, pageSize, query.Matches, i => i.Position);
    }
}
