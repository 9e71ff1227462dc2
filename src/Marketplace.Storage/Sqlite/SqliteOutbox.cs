using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Marketplace.Storage.Sqlite;

/// <summary>
/// The outbox in the <c>outbox</c> table. A claim is one write transaction that leases the oldest due rows
/// whose lease is free to a fresh token; settling a message is an update conditional on that token, so a
/// sweeper whose lease ran out and was taken over changes nothing. Instants are stored as UTC round-trip text,
/// which sorts as time (a message comes back with the same instants, at offset zero).
/// </summary>
public sealed class SqliteOutbox(SqliteDatabase database) : IOutbox
{
    private const string Columns =
        "id, kind, payload, idempotency_key, created_at, due_at, attempts, last_error, status, completed_at";

    public Task<bool> EnqueueAsync(OutboxMessage message, CancellationToken cancellationToken = default)
    {
        PortArguments.CheckOutboxMessage(message);
        return database.WriteAsync((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = $"""
                INSERT INTO outbox ({Columns})
                VALUES ($id, $kind, $payload, $key, $created, $due, $attempts, $error, $status, $completed)
                ON CONFLICT (id) DO NOTHING
                """;
            var p = command.Parameters;
            p.AddWithValue("$id", message.Id);
            p.AddWithValue("$kind", message.Kind);
            p.AddWithValue("$payload", message.Payload);
            p.AddWithValue("$key", message.IdempotencyKey);
            p.AddWithValue("$created", Stamp(message.CreatedAt));
            p.AddWithValue("$due", Stamp(message.DueAt));
            p.AddWithValue("$attempts", message.Attempts);
            p.AddWithValue("$error", (object?)message.LastError ?? DBNull.Value);
            p.AddWithValue("$status", StatusText(message.Status));
            p.AddWithValue("$completed", message.CompletedAt is { } completed ? Stamp(completed) : DBNull.Value);
            return command.ExecuteNonQuery() == 1;
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<OutboxClaim>> ClaimDueAsync(DateTimeOffset now, int max, TimeSpan leaseFor, string? kind = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(leaseFor, TimeSpan.Zero);
        var token = Guid.NewGuid().ToString("N");
        var leaseUntil = now + leaseFor;
        var claimed = await database.WriteAsync((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            // The inner select walks outbox_due from the oldest due row; the write transaction makes
            // select-and-lease atomic, so two claimers never lease the same row.
            command.CommandText = $"""
                UPDATE outbox SET lease_token = $token, lease_until = $until
                WHERE id IN (
                    SELECT id FROM outbox
                    WHERE status = 'pending' AND due_at <= $now AND (lease_until IS NULL OR lease_until <= $now)
                        AND ($kind IS NULL OR kind = $kind)
                    ORDER BY due_at
                    LIMIT $max)
                RETURNING {Columns}
                """;
            command.Parameters.AddWithValue("$token", token);
            command.Parameters.AddWithValue("$until", Stamp(leaseUntil));
            command.Parameters.AddWithValue("$now", Stamp(now));
            command.Parameters.AddWithValue("$max", max);
            command.Parameters.AddWithValue("$kind", (object?)kind ?? DBNull.Value);
            var messages = new List<OutboxMessage>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                messages.Add(ReadMessage(reader));
            }

            return messages;
        }, cancellationToken).ConfigureAwait(false);

        // RETURNING yields rows in no promised order.
        return [.. claimed.OrderBy(m => m.DueAt).Select(m => new OutboxClaim(m, token, leaseUntil))];
    }

    public Task<bool> CompleteAsync(OutboxClaim claim, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(claim);
        return SettleAsync(claim, """
            UPDATE outbox SET status = 'done', completed_at = $completed, lease_token = NULL, lease_until = NULL
            WHERE id = $id AND status = 'pending' AND lease_token = $token
            """, p => p.AddWithValue("$completed", Stamp(now)), cancellationToken);
    }

    public Task<bool> RetryLaterAsync(OutboxClaim claim, DateTimeOffset dueAt, string error, bool giveUp = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(claim);
        ArgumentNullException.ThrowIfNull(error);
        // The lease ends here too: a retry due before the old lease would have run out is claimable when due.
        return SettleAsync(claim, """
            UPDATE outbox SET status = $status, attempts = attempts + 1, last_error = $error, due_at = $due,
                lease_token = NULL, lease_until = NULL
            WHERE id = $id AND status = 'pending' AND lease_token = $token
            """, p =>
            {
                p.AddWithValue("$status", StatusText(giveUp ? OutboxStatus.Failed : OutboxStatus.Pending));
                p.AddWithValue("$error", error);
                p.AddWithValue("$due", Stamp(dueAt));
            }, cancellationToken);
    }

    public Task<bool> DiscardAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        return database.WriteAsync((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "DELETE FROM outbox WHERE id = $id";
            command.Parameters.AddWithValue("$id", id);
            return command.ExecuteNonQuery() == 1;
        }, cancellationToken);
    }

    public async Task<OutboxMessage?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        await SqliteDatabase.LeaveGrainScheduler();
        using var connection = database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM outbox WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadMessage(reader) : null;
    }

    public async Task<IReadOnlyList<OutboxMessage>> ListAsync(OutboxStatus status, int max, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        await SqliteDatabase.LeaveGrainScheduler();
        using var connection = database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM outbox WHERE status = $status ORDER BY created_at, id LIMIT $max";
        command.Parameters.AddWithValue("$status", StatusText(status));
        command.Parameters.AddWithValue("$max", max);
        var messages = new List<OutboxMessage>();
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            messages.Add(ReadMessage(reader));
        }

        return messages;
    }


    private Task<bool> SettleAsync(OutboxClaim claim, string sql, Action<SqliteParameterCollection> parameters, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql;
            command.Parameters.AddWithValue("$id", claim.Message.Id);
            command.Parameters.AddWithValue("$token", claim.LeaseToken);
            parameters(command.Parameters);
            return command.ExecuteNonQuery() == 1;
        }, cancellationToken);

    private static OutboxMessage ReadMessage(SqliteDataReader reader) => new(
        Id: reader.GetString(0),
        Kind: reader.GetString(1),
        Payload: reader.GetString(2),
        IdempotencyKey: reader.GetString(3),
        CreatedAt: Parse(reader.GetString(4)),
        DueAt: Parse(reader.GetString(5)),
        Attempts: reader.GetInt32(6),
        LastError: reader.IsDBNull(7) ? null : reader.GetString(7),
        Status: reader.GetString(8) switch
        {
            "pending" => OutboxStatus.Pending,
            "done" => OutboxStatus.Done,
            "failed" => OutboxStatus.Failed,
            var other => throw new InvalidOperationException($"Unknown outbox status '{other}'."),
        },
        CompletedAt: reader.IsDBNull(9) ? null : Parse(reader.GetString(9)));

    private static string StatusText(OutboxStatus status) => status switch
    {
        OutboxStatus.Pending => "pending",
        OutboxStatus.Done => "done",
        OutboxStatus.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown outbox status."),
    };

    private static string Stamp(DateTimeOffset at) => at.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    private static DateTimeOffset Parse(string stamp) => DateTimeOffset.Parse(stamp, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
}
