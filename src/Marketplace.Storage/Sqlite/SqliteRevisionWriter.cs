using Microsoft.Data.Sqlite;

namespace Marketplace.Storage.Sqlite;

/// <summary>Writes one staging revision; not safe for concurrent use (one uploader owns a revision).</summary>
internal sealed class SqliteRevisionWriter(SqliteDatabase database, string revisionId, Action onFinished) : IRevisionWriter
{
    private enum State { Open, Committed, Aborted }

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
            using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO records (revision_id, seq, subject_id, json) VALUES ($revision, $seq, $subject, $json)";
            insert.Parameters.AddWithValue("$revision", revisionId);
            var seq = insert.Parameters.Add("$seq", SqliteType.Integer);
            var subject = insert.Parameters.Add("$subject", SqliteType.Text);
            var json = insert.Parameters.Add("$json", SqliteType.Text);
            insert.Prepare();
            foreach (var record in batch)
            {
                seq.Value = record.Sequence;
                subject.Value = (object?)record.SubjectId ?? DBNull.Value;
                json.Value = record.Json;
                insert.ExecuteNonQuery();
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
