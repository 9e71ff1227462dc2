namespace Marketplace.Storage.Sqlite;

/// <summary>
/// The ledger's duplicate backstop: for each (contract, period) touched by this process, every event id the
/// ledger holds for it. A pair is loaded from the file the first time it is appended to, then kept in step
/// by the single writer after each commit. Least recently used pairs are dropped past a capacity and
/// reloaded when next needed, so memory stays bounded while the check itself costs a hash lookup.
/// Only the ledger's writer loop touches it, so it needs no locking.
/// </summary>
internal sealed class SeenUsageEvents(int capacity)
{
    private readonly Dictionary<(string ContractId, string Period), LinkedListNode<Entry>> entries = [];
    private readonly LinkedList<Entry> recency = new();
    private long count;

    /// <summary>The ids already in the ledger for the pair, loading them with <paramref name="load"/> on a miss.</summary>
    public HashSet<string> Get(string contractId, string period, Func<string, string, HashSet<string>> load)
    {
        var key = (contractId, period);
        if (entries.TryGetValue(key, out var node))
        {
            recency.Remove(node);
            recency.AddFirst(node);
            return node.Value.EventIds;
        }

        var ids = load(contractId, period);
        entries[key] = recency.AddFirst(new Entry(key, ids));
        count += ids.Count;
        return ids;
    }

    /// <summary>Records ids that have just been committed for a pair returned by <see cref="Get"/>.</summary>
    public void AddCommitted(string contractId, string period, IEnumerable<string> eventIds)
    {
        var set = entries[(contractId, period)].Value.EventIds;
        foreach (var id in eventIds)
        {
            if (set.Add(id))
            {
                count++;
            }
        }
    }

    /// <summary>Drops least recently used pairs until within capacity, keeping at least the newest one.</summary>
    public void Trim()
    {
        while (count > capacity && recency.Last is { } last && last != recency.First)
        {
            recency.RemoveLast();
            entries.Remove(last.Value.Key);
            count -= last.Value.EventIds.Count;
        }
    }

    private sealed record Entry((string ContractId, string Period) Key, HashSet<string> EventIds);
}
