namespace Marketplace.Storage.Sqlite;

/// <summary>Where the embedded store keeps its single database file, and how it waits for the write lock.</summary>
public sealed class SqliteStoreOptions
{
    public string DataDirectory { get; set; } = "./data";

    public string FileName { get; set; } = "marketplace.db";

    /// <summary>
    /// How long a statement waits for another process's write lock before failing with SQLITE_BUSY.
    /// Writers in this process queue for <see cref="SqliteDatabase"/>'s writer thread instead, and only that thread waits.
    /// </summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Most rows one page read examines; see <see cref="RecordScan"/>.</summary>
    public int MaxRowsScannedPerRead { get; set; } = RecordScan.DefaultMaxRows;

    /// <summary>Most usage records the ledger's writer commits in one transaction.</summary>
    public int LedgerMaxBatchRecords { get; set; } = 5_000;
}
