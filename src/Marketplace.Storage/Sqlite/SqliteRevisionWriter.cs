using Microsoft.Data.Sqlite;

namespace Marketplace.Storage.Sqlite;

/// <summary>Writes one staging revision; not safe for concurrent use (one uploader owns a revision).</summary>
internal sealed class SqliteRevisionWriter(SqliteDatabase database, string revisionId, Action onFinished) : IRevisionWriter
{
    private enum State { Open, Committed, Aborted }

    /// <summary>Rows per INSERT statement (4 parameters each, far below SQLite's limit of 32,766).</summary>
    private const int RowsPerInsert = 64;

    private State state;
    private long count;
    private long lastSequence = long.MinValue;

    public async Task AppendAsync(IReadOnlyList<StoredRecord> batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        EnsureOpen();
        if (batch.Count == 0)
        {
            return;
        }

        var previous = PortArguments.CheckBatchSequences(batch, lastSequence);

        await database.WriteAsync((connection, transaction) =>
        {
            // Rows go in RowsPerInsert at a time: one statement step per many rows instead of one per row.
            var whole = batch.Count - (batch.Count % RowsPerInsert);
            var at = 0;
            if (whole > 0)
            {
                using var many = Insert(connection, transaction, RowsPerInsert);
                for (; at < whole; at += RowsPerInsert)
                {
                    Bind(many, batch, at, RowsPerInsert);
                }
            }
            if (at < batch.Count)
            {
                using var rest = Insert(connection, transaction, batch.Count - at);
                Bind(rest, batch, at, batch.Count - at);
            }

            return 0;
        }, cancellationToken).ConfigureAwait(false);

        count += batch.Count;
        lastSequence = previous;
    }

    public async Task<long> CommitAsync(CancellationToken cancellationToken = default)
    {
        EnsureOpen();
        var updated = await database.WriteAsync((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                UPDATE revisions SET status = 'committed', record_count = $count
                WHERE revision_id = $revision AND status = 'staging'
                """;
            command.Parameters.AddWithValue("$count", count);
            command.Parameters.AddWithValue("$revision", revisionId);
            return command.ExecuteNonQuery();
        }, cancellationToken).ConfigureAwait(false);
        if (updated == 0)
        {
            throw new InvalidOperationException($"Revision '{revisionId}' is no longer staged; it was discarded.");
        }

        Finish(State.Committed);
        return count;
    }

    public async Task AbortAsync(CancellationToken cancellationToken = default)
    {
        if (state != State.Open)
        {
            return;
        }

        await database.WriteAsync((connection, transaction) => DeleteStaging(connection, transaction, revisionId), cancellationToken)
            .ConfigureAwait(false);
        Finish(State.Aborted);
    }

    public async ValueTask DisposeAsync()
    {
        if (state != State.Open)
        {
            return;
        }

        try
        {
            await AbortAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (SqliteException)
        {
            // Disposal must not mask the exception that got us here; the staging rows are removed by
            // DiscardAbandonedRevisionsAsync at the next start-up.
            Finish(State.Aborted);
        }
    }

    private SqliteCommand Insert(SqliteConnection connection, SqliteTransaction transaction, int rows)
    {
        var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        var sql = new System.Text.StringBuilder("INSERT INTO records (revision_id, seq, subject_id, json) VALUES ");
        for (var i = 0; i < rows; i++)
        {
            sql.Append(i == 0 ? "" : ", ").Append(System.Globalization.CultureInfo.InvariantCulture, $"($r{i}, $s{i}, $u{i}, $j{i})");
            insert.Parameters.AddWithValue($"$r{i}", revisionId);
            insert.Parameters.Add($"$s{i}", SqliteType.Integer);
            insert.Parameters.Add($"$u{i}", SqliteType.Text);
            insert.Parameters.Add($"$j{i}", SqliteType.Text);
        }
        insert.CommandText = sql.ToString();
        insert.Prepare();
        return insert;
    }

    private static void Bind(SqliteCommand insert, IReadOnlyList<StoredRecord> batch, int from, int rows)
    {
        for (var i = 0; i < rows; i++)
        {
            var record = batch[from + i];
            insert.Parameters[(i * 4) + 1].Value = record.Sequence;
            insert.Parameters[(i * 4) + 2].Value = (object?)record.SubjectId ?? DBNull.Value;
            insert.Parameters[(i * 4) + 3].Value = record.Json;
        }
        insert.ExecuteNonQuery();
    }

    internal static int DeleteStaging(SqliteConnection connection, SqliteTransaction transaction, string revisionId)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            DELETE FROM records WHERE revision_id = $revision
              AND EXISTS (SELECT 1 FROM revisions WHERE revision_id = $revision AND status = 'staging');
            DELETE FROM revisions WHERE revision_id = $revision AND status = 'staging';
            """;
        command.Parameters.AddWithValue("$revision", revisionId);
        return command.ExecuteNonQuery();
    }

    private void EnsureOpen()
    {
        if (state != State.Open)
        {
            throw new InvalidOperationException($"Revision '{revisionId}' is already {state.ToString().ToLowerInvariant()}.");
        }
    }

    private void Finish(State final)
    {
        state = final;
        onFinished();
    }
}
