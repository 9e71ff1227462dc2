using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Marketplace.Storage.Sqlite;

/// <summary>Dataset revision records in the <c>records</c> table, made visible by a status flip on <c>revisions</c>.</summary>
public sealed class SqliteRecordStore(SqliteDatabase database) : IRecordStore, IDisposable
{
    private const string SelectPage = """
        SELECT seq, subject_id, json FROM records
        WHERE revision_id = $revision AND seq > $after
          AND EXISTS (SELECT 1 FROM revisions WHERE revision_id = $revision AND status = 'committed')
        """;

    // Revisions with a live writer in this process: a discard running meanwhile must not pull them away.
    private readonly ConcurrentDictionary<string, byte> writing = new(StringComparer.Ordinal);

    // The hot path of brokered access: unfiltered pages through prepared statements on kept-open connections.
    private readonly PageReaderPool unfiltered = new(database, PageQuery(0));

    public async Task<IRevisionWriter> BeginRevisionAsync(string datasetId, string revisionId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(datasetId);
        ArgumentException.ThrowIfNullOrEmpty(revisionId);
        if (!writing.TryAdd(revisionId, 0))
        {
            throw new InvalidOperationException($"Revision '{revisionId}' is already being written.");
        }

        try
        {
            var inserted = await database.WriteAsync((connection, transaction) =>
            {
                using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = """
                    INSERT INTO revisions (revision_id, dataset_id, status, record_count, created)
                    VALUES ($revision, $dataset, 'staging', 0, $created)
                    ON CONFLICT (revision_id) DO NOTHING
                    """;
                command.Parameters.AddWithValue("$revision", revisionId);
                command.Parameters.AddWithValue("$dataset", datasetId);
                command.Parameters.AddWithValue("$created", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
                return command.ExecuteNonQuery();
            }, cancellationToken).ConfigureAwait(false);
            if (inserted == 0)
            {
                throw new InvalidOperationException($"Revision '{revisionId}' already exists.");
            }

            return new SqliteRevisionWriter(database, revisionId, () => writing.TryRemove(revisionId, out _));
        }
        catch
        {
            writing.TryRemove(revisionId, out _);
            throw;
        }
    }

    public async Task<RecordPage> ReadPageAsync(string revisionId, long afterSequence, int limit, IReadOnlyList<FieldFilter> filters, CancellationToken cancellationToken = default)
    {
        PortArguments.CheckPageRead(revisionId, limit, filters);
        await SqliteDatabase.LeaveGrainScheduler();
        var maxRows = database.Options.MaxRowsScannedPerRead;
        if (filters.Count == 0)
        {
            // Every row examined is returned (plus one to look ahead), so the page size alone bounds the scan.
            return unfiltered.Read(revisionId, afterSequence, Math.Min(limit, maxRows));
        }

        var scan = RecordScan.From(afterSequence, maxRows);
        using var connection = database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = PageQuery(filters.Count);
        command.Parameters.AddWithValue("$revision", revisionId);
        command.Parameters.AddWithValue("$after", scan.After);
        command.Parameters.AddWithValue("$until", scan.Until);
        // One row past the limit tells whether another match follows without a second query.
        command.Parameters.AddWithValue("$take", (long)limit + 1);
        for (var i = 0; i < filters.Count; i++)
        {
            // The field becomes a quoted JSON path label; its value is bound, never spliced into SQL.
            command.Parameters.AddWithValue($"$path{i}", "$.\"" + filters[i].Field + "\"");
            command.Parameters.AddWithValue($"$value{i}", filters[i].Value);
        }

        var records = new List<StoredRecord>(Math.Min(limit + 1, 1_024));
        using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                records.Add(new StoredRecord(reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetString(2)));
            }
        }

        var anyBeyond = records.Count <= limit && !scan.ReachesEnd && await AnyBeyondAsync(connection, revisionId, scan.Until, cancellationToken).ConfigureAwait(false);
        return scan.Page(records, limit, anyBeyond);
    }

    public Task<long> RedactSubjectAsync(string revisionId, string subjectId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(revisionId);
        ArgumentException.ThrowIfNullOrEmpty(subjectId);
        return database.WriteAsync((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            // Pages walk by sequence, so a removed row leaves a gap that cursors step over.
            command.CommandText = "DELETE FROM records WHERE revision_id = $revision AND subject_id = $subject";
            command.Parameters.AddWithValue("$revision", revisionId);
            command.Parameters.AddWithValue("$subject", subjectId);
            return (long)command.ExecuteNonQuery();
        }, cancellationToken);
    }

    public Task<int> DiscardAbandonedRevisionsAsync(CancellationToken cancellationToken = default) =>
        database.WriteAsync((connection, transaction) =>
        {
            var abandoned = new List<string>();
            using (var select = connection.CreateCommand())
            {
                select.Transaction = transaction;
                select.CommandText = "SELECT revision_id FROM revisions WHERE status = 'staging'";
                using var reader = select.ExecuteReader();
                while (reader.Read())
                {
                    var revisionId = reader.GetString(0);
                    if (!writing.ContainsKey(revisionId))
                    {
                        abandoned.Add(revisionId);
                    }
                }
            }

            foreach (var revisionId in abandoned)
            {
                SqliteRevisionWriter.DeleteStaging(connection, transaction, revisionId);
            }

            return abandoned.Count;
        }, cancellationToken);

    public void Dispose() => unfiltered.Dispose();

    private static async Task<bool> AnyBeyondAsync(SqliteConnection connection, string revisionId, long sequence, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT EXISTS (SELECT 1 FROM records WHERE revision_id = $revision AND seq > $after)
              AND EXISTS (SELECT 1 FROM revisions WHERE revision_id = $revision AND status = 'committed')
            """;
        command.Parameters.AddWithValue("$revision", revisionId);
        command.Parameters.AddWithValue("$after", sequence);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture) != 0;
    }

    // Only parameter placeholders are appended, so the text varies by filter count alone.
    private static string PageQuery(int filterCount)
    {
        if (filterCount == 0)
        {
            return SelectPage + " ORDER BY seq LIMIT $take";
        }

        var sql = new StringBuilder(SelectPage);
        for (var i = 0; i < filterCount; i++)
        {
            sql.Append(CultureInfo.InvariantCulture, $" AND CAST(json_extract(json, $path{i}) AS TEXT) = $value{i}");
        }

        if (filterCount > 0)
        {
            sql.Append(" AND seq <= $until");
        }

        return sql.Append(" ORDER BY seq LIMIT $take").ToString();
    }
}
