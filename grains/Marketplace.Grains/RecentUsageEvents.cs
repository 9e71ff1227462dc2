namespace Marketplace.Grains;

/// <summary>
/// The event ids a usage meter keeps in memory, oldest first: at most <see cref="Capacity"/> of them, none recorded
/// longer ago than the retention (whole days). Where the ledger decides duplicates for good (an id unique per contract
/// whatever its period), this is only a cache that spares a retry of something recent a trip to the store, so it is
/// small; where it is not, the meter keeps every id of the retention, as only memory can stop a retry that names
/// another month.
/// </summary>
public sealed class RecentUsageEvents(int capacity)
{
    /// <summary>The ids a meter keeps when the ledger decides duplicates itself: ≈ 150 bytes each, ≈ 0.6 MiB a meter.</summary>
    public const int CachedIds = 4_096;

    private readonly Dictionary<string, UsageReceipt> _receipts = new(StringComparer.Ordinal);
    private readonly Queue<(DateOnly Day, string EventId)> _order = new();

    public int Capacity { get; } = capacity > 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "At least one id.");

    /// <summary>How many ids are held now.</summary>
    public int Count => _receipts.Count;

    public bool TryGet(string eventId, out UsageReceipt receipt) => _receipts.TryGetValue(eventId, out receipt!);

    /// <summary>Holds an id recorded on <paramref name="recordedOn"/>; the oldest one goes when the capacity is reached.</summary>
    public void Add(UsageReceipt receipt, DateOnly recordedOn)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        if (_receipts.TryAdd(receipt.EventId, receipt))
        {
            _order.Enqueue((recordedOn, receipt.EventId));
            while (_order.Count > Capacity)
            {
                _receipts.Remove(_order.Dequeue().EventId);
            }
        }
        else
        {
            _receipts[receipt.EventId] = receipt;
        }
    }

    /// <summary>Lets go of ids recorded before <paramref name="oldestKept"/>.</summary>
    public void ForgetBefore(DateOnly oldestKept)
    {
        while (_order.Count > 0 && _order.Peek().Day < oldestKept)
        {
            _receipts.Remove(_order.Dequeue().EventId);
        }
    }
}
