using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace Marketplace.Storage.Sqlite;

/// <summary>
/// Open connections with the unfiltered page query already prepared, reused across requests. Brokered
/// access reads a page per request; opening a pooled connection, applying its pragmas and preparing the
/// statement each time cost several times the read itself (measured with the benchmark's ablation runs).
/// </summary>
internal sealed class PageReaderPool(SqliteDatabase database, string pageSql) : IDisposable
{
    private readonly ConcurrentBag<PageReader> idle = [];
    private readonly int capacity = Math.Max(4, Environment.ProcessorCount * 4);
    private bool disposed;

    public RecordPage Read(string revisionId, long afterSequence, int limit)
    {
        var reader = idle.TryTake(out var pooled) ? pooled : new PageReader(database.OpenConnection(), pageSql);
        try
        {
            var page = reader.Read(revisionId, afterSequence, limit);
            if (!disposed && idle.Count < capacity)
            {
                idle.Add(reader);
                reader = null;
            }
            return page;
        }
        finally
        {
            reader?.Dispose();
        }
    }

    public void Dispose()
    {
        disposed = true;
        while (idle.TryTake(out var reader))
        {
            reader.Dispose();
        }
    }

    private sealed class PageReader : IDisposable
    {
        private readonly SqliteConnection connection;
        private readonly SqliteCommand command;
        private readonly SqliteParameter revision;
        private readonly SqliteParameter after;
        private readonly SqliteParameter take;

        public PageReader(SqliteConnection connection, string sql)
        {
            this.connection = connection;
            command = connection.CreateCommand();
            command.CommandText = sql;
            revision = command.Parameters.Add("$revision", SqliteType.Text);
            after = command.Parameters.Add("$after", SqliteType.Integer);
            take = command.Parameters.Add("$take", SqliteType.Integer);
            revision.Value = "";
            after.Value = 0L;
            take.Value = 1L;
            command.Prepare();
        }

        public RecordPage Read(string revisionId, long afterSequence, int limit)
        {
            revision.Value = revisionId;
            after.Value = afterSequence;
            // One row past the limit tells whether another page exists without a second query.
            take.Value = (long)limit + 1;
            var records = new List<StoredRecord>(Math.Min(limit, 1_024));
            var hasMore = false;
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                if (records.Count == limit)
                {
                    hasMore = true;
                    break;
                }
                records.Add(new StoredRecord(reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetString(2)));
            }
            return new RecordPage(records, hasMore ? records[^1].Sequence : null);
        }

        public void Dispose()
        {
            command.Dispose();
            connection.Dispose();
        }
    }
}
