using System.Globalization;
using Microsoft.Data.Sqlite;
using Orleans;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;

namespace Marketplace.Storage.Sqlite;

/// <summary>
/// Orleans grain state in the <c>grain_state</c> table, serialized with the Orleans serializer. The ETag is
/// an integer version kept as text: a write must name the version it read, or none for a first write.
/// </summary>
public sealed class SqliteGrainStorage(SqliteDatabase database, Serializer serializer) : IGrainStorage
{
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        await SqliteDatabase.LeaveGrainScheduler();
        using var connection = database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT etag, payload FROM grain_state WHERE state_name = $state AND grain_id = $grain";
        command.Parameters.AddWithValue("$state", stateName);
        command.Parameters.AddWithValue("$grain", grainId.ToString());
        using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        if (!await reader.ReadAsync().ConfigureAwait(false))
        {
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }

        grainState.State = serializer.Deserialize<T>((byte[])reader.GetValue(1));
        grainState.ETag = reader.GetInt64(0).ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var payload = serializer.SerializeToArray(grainState.State);
        var expected = ParseETag(grainState.ETag);
        var grain = grainId.ToString();
        var written = await database.WriteAsync((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = expected is null
                ? """
                  INSERT INTO grain_state (state_name, grain_id, etag, payload) VALUES ($state, $grain, 1, $payload)
                  ON CONFLICT (state_name, grain_id) DO NOTHING
                  RETURNING etag
                  """
                : """
                  UPDATE grain_state SET etag = etag + 1, payload = $payload
                  WHERE state_name = $state AND grain_id = $grain AND etag = $expected
                  RETURNING etag
                  """;
            command.Parameters.AddWithValue("$state", stateName);
            command.Parameters.AddWithValue("$grain", grain);
            command.Parameters.AddWithValue("$payload", payload);
            command.Parameters.AddWithValue("$expected", (object?)expected ?? DBNull.Value);
            return command.ExecuteScalar() is long etag
                ? etag
                : throw Conflict("write", stateName, grain, StoredETag(transaction, stateName, grain), grainState.ETag);
        }, CancellationToken.None).ConfigureAwait(false);

        grainState.ETag = written.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var expected = ParseETag(grainState.ETag);
        var grain = grainId.ToString();
        await database.WriteAsync((connection, transaction) =>
        {
            var stored = StoredETag(transaction, stateName, grain);
            if (stored != expected)
            {
                throw Conflict("clear", stateName, grain, stored, grainState.ETag);
            }

            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "DELETE FROM grain_state WHERE state_name = $state AND grain_id = $grain";
            command.Parameters.AddWithValue("$state", stateName);
            command.Parameters.AddWithValue("$grain", grain);
            return command.ExecuteNonQuery();
        }, CancellationToken.None).ConfigureAwait(false);

        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    private static long? StoredETag(SqliteTransaction transaction, string stateName, string grain)
    {
        using var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT etag FROM grain_state WHERE state_name = $state AND grain_id = $grain";
        command.Parameters.AddWithValue("$state", stateName);
        command.Parameters.AddWithValue("$grain", grain);
        return command.ExecuteScalar() is long etag ? etag : null;
    }

    private static long? ParseETag(string? etag) =>
        etag is null ? null
        : long.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version
        : throw new InconsistentStateException($"ETag '{etag}' was not issued by this storage.", storedEtag: null, currentEtag: etag);

    private static InconsistentStateException Conflict(string operation, string stateName, string grain, long? stored, string? expected) =>
        new($"Cannot {operation} state '{stateName}' of grain '{grain}': stored ETag '{stored}', expected '{expected}'.",
            stored?.ToString(CultureInfo.InvariantCulture), expected);
}
