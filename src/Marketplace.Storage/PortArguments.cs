namespace Marketplace.Storage;

/// <summary>The argument checks every adapter of a port makes, in one place so the adapters cannot drift.</summary>
public static class PortArguments
{
    public static void CheckPageRead(string revisionId, int limit, IReadOnlyList<FieldFilter> filters)
    {
        ArgumentException.ThrowIfNullOrEmpty(revisionId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        ArgumentNullException.ThrowIfNull(filters);
    }

    /// <summary>
    /// Checks that a batch continues a revision's increasing sequences (and stays within
    /// ±<paramref name="maxMagnitude"/> where a store cannot hold larger numbers exactly); returns its last sequence.
    /// </summary>
    public static long CheckBatchSequences(IReadOnlyList<StoredRecord> batch, long lastSequence, long maxMagnitude = long.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var previous = lastSequence;
        foreach (var record in batch)
        {
            if (record.Sequence > maxMagnitude || record.Sequence < -maxMagnitude)
            {
                throw new ArgumentOutOfRangeException(nameof(batch), record.Sequence, $"Sequences must stay within ±{maxMagnitude} in this store.");
            }
            if (record.Sequence <= previous)
            {
                throw new ArgumentException($"Sequences must increase: {record.Sequence} follows {previous}.", nameof(batch));
            }
            previous = record.Sequence;
        }
        return previous;
    }

    public static void CheckUsage(IReadOnlyList<UsageRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        foreach (var record in records)
        {
            ArgumentNullException.ThrowIfNull(record, nameof(records));
            ArgumentException.ThrowIfNullOrEmpty(record.EventId, nameof(records));
            ArgumentException.ThrowIfNullOrEmpty(record.ContractId, nameof(records));
            ArgumentException.ThrowIfNullOrEmpty(record.Period, nameof(records));
            ArgumentNullException.ThrowIfNull(record.Source, nameof(records));
        }
    }

    public static void CheckOutboxMessage(OutboxMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentException.ThrowIfNullOrEmpty(message.Id, nameof(message));
        ArgumentException.ThrowIfNullOrEmpty(message.Kind, nameof(message));
        ArgumentNullException.ThrowIfNull(message.Payload, nameof(message));
        ArgumentException.ThrowIfNullOrEmpty(message.IdempotencyKey, nameof(message));
        ArgumentOutOfRangeException.ThrowIfNegative(message.Attempts, nameof(message));
    }
}
