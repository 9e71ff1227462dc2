using System.Globalization;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Marketplace.Storage.Sqlite;

/// <summary>
/// The ledger's one hot statement, prepared once per writer connection and bound by position. Microsoft.Data.Sqlite
/// looks every parameter up by name on every execution (<c>sqlite3_bind_parameter_index</c> and a UTF-8 copy of the
/// name), which was a quarter of the group commit's time; this binds the eight values straight to their slots.
/// Timestamps repeat within a batch (the recording time always, the occurrence often), so their text is formatted
/// once per distinct value.
/// </summary>
internal sealed class LedgerInsert : IDisposable
{
    private const string Sql = """
        INSERT OR IGNORE INTO usage_ledger (event_id, contract_id, period, units, occurred_at, recorded_at, source, fingerprint)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
        """;

    private readonly SqliteConnection connection;
    private readonly sqlite3_stmt statement;
    private readonly RoundTripText occurred = new();
    private readonly RoundTripText recorded = new();

    public LedgerInsert(SqliteConnection connection)
    {
        this.connection = connection;
        Check(raw.sqlite3_prepare_v2(connection.Handle, Sql, out statement));
    }

    /// <summary>True when the record was stored; false when the unique (contract, event id) index already held its id.</summary>
    public bool Execute(UsageRecord record)
    {
        try
        {
            Check(raw.sqlite3_bind_text(statement, 1, record.EventId));
            Check(raw.sqlite3_bind_text(statement, 2, record.ContractId));
            Check(raw.sqlite3_bind_text(statement, 3, record.Period));
            Check(raw.sqlite3_bind_int64(statement, 4, record.Units));
            Check(raw.sqlite3_bind_text(statement, 5, occurred.Of(record.OccurredAt)));
            Check(raw.sqlite3_bind_text(statement, 6, recorded.Of(record.RecordedAt)));
            Check(raw.sqlite3_bind_text(statement, 7, record.Source));
            Check(record.Fingerprint is null ? raw.sqlite3_bind_null(statement, 8) : raw.sqlite3_bind_text(statement, 8, record.Fingerprint));
            var step = raw.sqlite3_step(statement);
            if (step != raw.SQLITE_DONE)
            {
                Check(step);
            }
            return raw.sqlite3_changes(connection.Handle) == 1;
        }
        finally
        {
            raw.sqlite3_reset(statement);
        }
    }

    public void Dispose() => statement.Dispose();

    private void Check(int result)
    {
        if (result is not (raw.SQLITE_OK or raw.SQLITE_ROW or raw.SQLITE_DONE))
        {
            throw new SqliteException($"SQLite Error {result}: '{raw.sqlite3_errmsg(connection.Handle).utf8_to_string()}'.", result, raw.sqlite3_extended_errcode(connection.Handle));
        }
    }

    /// <summary>The round-trip ("O") text of the last instant asked for, formatted again only when it changes.</summary>
    private sealed class RoundTripText
    {
        private DateTimeOffset last;
        private string? text;

        public string Of(DateTimeOffset at)
        {
            // Equal instants with different offsets format differently: compare the offset too.
            if (text is null || at != last || at.Offset != last.Offset)
            {
                text = at.ToString("O", CultureInfo.InvariantCulture);
                last = at;
            }
            return text;
        }
    }
}
