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
