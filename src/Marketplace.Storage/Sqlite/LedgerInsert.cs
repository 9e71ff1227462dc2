using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Marketplace.Storage.Sqlite;

/// <summary>
/// The ledger's one hot statement, prepared once per writer connection and bound by position. Microsoft.Data.Sqlite
/// looks every parameter up by name on every execution (<c>sqlite3_bind_parameter_index</c> and a UTF-8 copy of the
/// name), which was a quarter of the group commit's time; this binds the nine values straight to their slots.
/// Text is bound from one reused UTF-8 buffer (SQLite copies it at bind), not from a fresh UTF-8 array per value, and
/// timestamps, which repeat within a batch (the recording time always, the occurrence often), are formatted once per
/// distinct value.
/// </summary>
internal sealed class LedgerInsert : IDisposable
{
    private const string Sql = """
        INSERT OR IGNORE INTO usage_ledger (event_id, contract_id, period, units, occurred_at, recorded_at, source, fingerprint, seq)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
        """;

    private readonly SqliteConnection connection;
    private readonly sqlite3_stmt statement;
    private readonly RoundTripText occurred = new();
    private readonly RoundTripText recorded = new();
    private byte[] utf8 = new byte[256];

    public LedgerInsert(SqliteConnection connection)
    {
        this.connection = connection;
        Check(raw.sqlite3_prepare_v2(connection.Handle, Sql, out statement));
    }

    /// <summary>
    /// True when the record was stored under <paramref name="seq"/>; false when the unique (contract, event id) index
    /// already held its id. The caller stamps seq past the file's last row, so only that index can refuse a row.
    /// </summary>
    public bool Execute(UsageRecord record, long seq)
    {
        try
        {
            BindText(1, record.EventId);
            BindText(2, record.ContractId);
            BindText(3, record.Period);
            Check(raw.sqlite3_bind_int64(statement, 4, record.Units));
            BindText(5, occurred.Of(record.OccurredAt));
            BindText(6, recorded.Of(record.RecordedAt));
            BindText(7, record.Source);
            if (record.Fingerprint is null)
            {
                Check(raw.sqlite3_bind_null(statement, 8));
            }
            else
            {
                BindText(8, record.Fingerprint);
            }
            Check(raw.sqlite3_bind_int64(statement, 9, seq));
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

    private void BindText(int index, string value)
    {
        if (value.Length == 0)
        {
            // An empty span would reach SQLite as a null pointer, which binds NULL, not ''.
            Check(raw.sqlite3_bind_text(statement, index, value));
            return;
        }
        var length = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (length > utf8.Length)
        {
            utf8 = new byte[Math.Max(length, utf8.Length * 2)];
        }
        var written = Encoding.UTF8.GetBytes(value, utf8);
        Check(raw.sqlite3_bind_text(statement, index, utf8.AsSpan(0, written)));
    }

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
