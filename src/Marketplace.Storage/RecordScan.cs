namespace Marketplace.Storage;

/// <summary>
/// The bounded stretch of a revision one page read examines: the sequences after <see cref="After"/> up to and
/// including <see cref="Until"/>. Sequences are distinct integers, so such a window holds at most
/// <c>maxRows</c> records however sparse they are, and a filter that matches nothing costs a bounded read
/// rather than a scan of the whole revision. A read that ends its window before filling the page answers
/// with <see cref="Until"/> as the continuation, whether or not anything matched yet.
/// </summary>
public readonly record struct RecordScan(long After, long Until)
{
    /// <summary>The default bound: a filtered page read examines at most this many records.</summary>
    public const int DefaultMaxRows = 10_000;

    public static RecordScan From(long afterSequence, int maxRows)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxRows);
        return new(afterSequence, afterSequence > long.MaxValue - maxRows ? long.MaxValue : afterSequence + maxRows);
    }

    /// <summary>Whether the window runs to the last possible sequence, so nothing can lie beyond it.</summary>
    public bool ReachesEnd => Until == long.MaxValue;

    /// <summary>
    /// The page for up to <paramref name="limit"/> + 1 <paramref name="records"/> read in order from this window:
    /// the extra one proves another match follows; otherwise the read continues after the window if
    /// <paramref name="anyBeyond"/>.
    /// </summary>
    public RecordPage Page(List<StoredRecord> records, int limit, bool anyBeyond)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count > limit)
        {
            records.RemoveRange(limit, records.Count - limit);
            return new RecordPage(records, records[^1].Sequence);
        }
        return new RecordPage(records, anyBeyond && !ReachesEnd ? Until : null);
    }
}
