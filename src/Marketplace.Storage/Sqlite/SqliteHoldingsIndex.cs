using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Marketplace.Storage.Sqlite;

/// <summary>
/// Holdings in <c>holdings</c> and <c>contract_index</c>, keyed by (creation time, id) so that inserts append
/// and a page is a range scan after the cursor. An entry's key is derived from its own content (the owner's
/// stored creation time), so writing it again lands on the same row: adding is insert-or-ignore, a contract's
/// status change an upsert.
/// </summary>
public sealed class SqliteHoldingsIndex(SqliteDatabase database) : IHoldingsIndex
{
    private const string ContractColumns = "contract_id, offering_id, buyer_id, provider_id, purpose, status, created_at";

    public Task AddDatasetAsync(HoldingEntry dataset, CancellationToken cancellationToken = default) => AddAsync("dataset", dataset, cancellationToken);

    public Task AddOfferingAsync(HoldingEntry offering, CancellationToken cancellationToken = default) => AddAsync("offering", offering, cancellationToken);

    public Task<IndexPage<HoldingEntry>> ListDatasetsAsync(string? providerId, IndexPosition? after, int pageSize, CancellationToken cancellationToken = default) =>
        ListAsync("dataset", providerId, after, pageSize, cancellationToken);

    public Task<IndexPage<HoldingEntry>> ListOfferingsAsync(string? providerId, IndexPosition? after, int pageSize, CancellationToken cancellationToken = default) =>
        ListAsync("offering", providerId, after, pageSize, cancellationToken);

    public Task PutContractAsync(ContractEntry contract, CancellationToken cancellationToken = default)
    {
        IndexLimits.CheckContract(contract);
        return database.WriteAsync((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = $"""
                INSERT INTO contract_index (sort_key, {ContractColumns})
                VALUES ($key, $contract, $offering, $buyer, $provider, $purpose, $status, $created)
                ON CONFLICT (sort_key) DO UPDATE SET status = excluded.status
                """;
            var p = command.Parameters;
            p.AddWithValue("$key", contract.Position.SortKey);
            p.AddWithValue("$contract", contract.ContractId);
            p.AddWithValue("$offering", contract.OfferingId);
            p.AddWithValue("$buyer", contract.BuyerId);
            p.AddWithValue("$provider", contract.ProviderId);
            p.AddWithValue("$purpose", contract.Purpose);
            p.AddWithValue("$status", contract.Status);
            p.AddWithValue("$created", SqliteIndexText.Stamp(contract.CreatedAt));
            return command.ExecuteNonQuery();
        }, cancellationToken);
    }

    public async Task<IndexPage<ContractEntry>> ListContractsAsync(ContractQuery query, IndexPosition? after, int pageSize, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        IndexLimits.CheckPage(after, pageSize);
        var window = query.WindowFor(pageSize);
        // The narrowest range an index serves; whatever else the query asks is filtered within the window.
        var (range, parameters) = query switch
        {
            { OfferingId: { } o, BuyerId: { } b } => ("offering_id = $a AND buyer_id = $b AND ", new object[] { o, b }),
            { OfferingId: { } o } => ("offering_id = $a AND ", [o]),
            { BuyerId: { } b } => ("buyer_id = $a AND ", [b]),
            { ProviderId: { } v } => ("provider_id = $a AND ", [v]),
            _ => ("", Array.Empty<object>()),
        };
        await SqliteDatabase.LeaveGrainScheduler();
        using var connection = database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {ContractColumns} FROM contract_index WHERE {range}sort_key > $after ORDER BY sort_key LIMIT $window";
        for (var i = 0; i < parameters.Length; i++)
        {
            command.Parameters.AddWithValue(i == 0 ? "$a" : "$b", parameters[i]);
        }

        command.Parameters.AddWithValue("$after", after?.SortKey ?? "");
        command.Parameters.AddWithValue("$window", window);
        var scanned = new List<ContractEntry>(Math.Min(window, 256));
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            scanned.Add(new ContractEntry(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.GetString(4), reader.GetString(5), SqliteIndexText.Parse(reader.GetString(6))));
        }

        return IndexLimits.PageOf(scanned, window, pageSize, query.Matches, c => c.Position);
    }

    private Task AddAsync(string kind, HoldingEntry entry, CancellationToken cancellationToken)
    {
        IndexLimits.CheckHolding(entry);
        return database.WriteAsync((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                INSERT INTO holdings (kind, provider_id, sort_key, item_id, created_at)
                VALUES ($kind, $provider, $key, $item, $created)
                ON CONFLICT DO NOTHING
                """;
            command.Parameters.AddWithValue("$kind", kind);
            command.Parameters.AddWithValue("$provider", entry.ProviderId);
            command.Parameters.AddWithValue("$key", entry.Position.SortKey);
            command.Parameters.AddWithValue("$item", entry.ItemId);
            command.Parameters.AddWithValue("$created", SqliteIndexText.Stamp(entry.CreatedAt));
            return command.ExecuteNonQuery();
        }, cancellationToken);
    }

    private async Task<IndexPage<HoldingEntry>> ListAsync(string kind, string? providerId, IndexPosition? after, int pageSize, CancellationToken cancellationToken)
    {
        IndexLimits.CheckPage(after, pageSize);
        await SqliteDatabase.LeaveGrainScheduler();
        using var connection = database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT item_id, provider_id, created_at FROM holdings
            WHERE kind = $kind {(providerId is null ? "" : "AND provider_id = $provider")} AND sort_key > $after
            ORDER BY sort_key LIMIT $window
            """;
        command.Parameters.AddWithValue("$kind", kind);
        if (providerId is not null)
        {
            command.Parameters.AddWithValue("$provider", providerId);
        }

        command.Parameters.AddWithValue("$after", after?.SortKey ?? "");
        command.Parameters.AddWithValue("$window", pageSize + 1);
        var scanned = new List<HoldingEntry>(pageSize + 1);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            scanned.Add(new HoldingEntry(reader.GetString(0), reader.GetString(1), SqliteIndexText.Parse(reader.GetString(2))));
        }

        return IndexLimits.PageOf(scanned, pageSize + 1, pageSize, _ => true, h => h.Position);
    }
}

/// <summary>Every registered party in <c>party_directory</c>, keyed by (registration time, id).</summary>
public sealed class SqlitePartyDirectory(SqliteDatabase database) : IPartyDirectory
{
    public Task PutAsync(PartyEntry party, CancellationToken cancellationToken = default)
    {
        IndexLimits.CheckParty(party);
        return database.WriteAsync((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                INSERT INTO party_directory (sort_key, party_id, role, name, created_at)
                VALUES ($key, $party, $role, $name, $created)
                ON CONFLICT (sort_key) DO UPDATE SET role = excluded.role, name = excluded.name
                """;
            command.Parameters.AddWithValue("$key", party.Position.SortKey);
            command.Parameters.AddWithValue("$party", party.PartyId);
            command.Parameters.AddWithValue("$role", party.Role);
            command.Parameters.AddWithValue("$name", party.Name);
            command.Parameters.AddWithValue("$created", SqliteIndexText.Stamp(party.CreatedAt));
            return command.ExecuteNonQuery();
        }, cancellationToken);
    }

    public async Task<IndexPage<PartyEntry>> ListAsync(IndexPosition? after, int pageSize, CancellationToken cancellationToken = default)
    {
        IndexLimits.CheckPage(after, pageSize);
        await SqliteDatabase.LeaveGrainScheduler();
        using var connection = database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT party_id, role, name, created_at FROM party_directory WHERE sort_key > $after ORDER BY sort_key LIMIT $window";
        command.Parameters.AddWithValue("$after", after?.SortKey ?? "");
        command.Parameters.AddWithValue("$window", pageSize + 1);
        var scanned = new List<PartyEntry>(pageSize + 1);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            scanned.Add(new PartyEntry(reader.GetString(0), reader.GetString(1), reader.GetString(2), SqliteIndexText.Parse(reader.GetString(3))));
        }

        return IndexLimits.PageOf(scanned, pageSize + 1, pageSize, _ => true, p => p.Position);
    }
}

internal static class SqliteIndexText
{
    public static string Stamp(DateTimeOffset at) => at.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    public static DateTimeOffset Parse(string stamp) => DateTimeOffset.Parse(stamp, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
}
