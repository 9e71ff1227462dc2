namespace Marketplace.Storage.Sqlite;

/// <summary>Where the embedded store keeps its database files, and how it waits for the write lock.</summary>
public sealed class SqliteStoreOptions
{
    /// <summary>The most files <see cref="LedgerFiles"/> may name.</summary>
    public const int MaxLedgerFiles = 64;

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

    /// <summary>
    /// How many files a new store spreads its usage ledger over (<c>marketplace.usage-0.db</c> …, next to the main file),
    /// each with its own writer and group commit, so their commits and fsyncs overlap. Read only when the store is
    /// created: the count is recorded in the store and kept for good (which file holds an event follows from it), and
    /// a store made before ledger files keeps its usage in the main file. 1 to <see cref="MaxLedgerFiles"/>.
    /// </summary>
    /// <remarks>
    /// 2 measured best on the 2-core machine the benchmarks run on (P2, one contract's reports of 1,000 events: about
    /// 180,000 events/s with 2 files against 50,000–60,000 with 4 and 70,000 with 1 in the same session): more writers
    /// than cores wait on one another, and every report waits for its slowest part. Measure before raising it.
    /// </remarks>
    public int LedgerFiles { get; set; } = 2;
}
