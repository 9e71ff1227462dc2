namespace Marketplace.Storage.Sqlite;

/// <summary>
/// The arrival stamps of a ledger's events, stored as usage_ledger.seq, so that reading the files merged by seq gives
/// one arrival order: the records of one append in the order sent, and an append made after another was acknowledged
/// after it, whichever files either went to.
/// </summary>
/// <remarks>
/// Within this process a stamp only grows, across every file, and starts past every row the files held when the
/// ledger opened. Stamps also keep up with the clock in microseconds, so that another process writing the same files
/// stamps in about the order the two wrote. A file's writer stores a row under its stamp, or just past the file's last
/// row where another process's row got there first, so each file's seq only grows and never collides.
/// </remarks>
internal sealed class LedgerArrivals(TimeProvider clock, long lastStored)
{
    private readonly Lock gate = new();
    private long last = lastStored;

    /// <summary>
    /// Reserves <paramref name="count"/> consecutive stamps and hands the first to <paramref name="enqueue"/>, under
    /// one lock, so that the files' queues receive stamps in increasing order.
    /// </summary>
    public T Stamp<T>(int count, Func<long, T> enqueue)
    {
        var now = (clock.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond;
        lock (gate)
        {
            var first = Math.Max(last + 1, now);
            last = first + count - 1;
            return enqueue(first);
        }
    }
}
