namespace Marketplace.Grains;

/// <summary>
/// One use of a contract to be metered. Units are in the plan's base quantity. <see cref="Source"/>
/// <see cref="UsageSources.BrokerAssigned"/> marks an event id the marketplace generated itself (a fresh
/// UUIDv7 per request): it cannot repeat, so the meter records it without keeping it for duplicate checks.
/// </summary>
[GenerateSerializer, Immutable, Alias("Marketplace.UsageEvent")]
public sealed record UsageEvent(
    [property: Id(0)] string EventId,
    [property: Id(1)] long Units,
    [property: Id(2)] DateTimeOffset OccurredAt,
    [property: Id(3)] string Source,
    [property: Id(4)] string? Fingerprint);

public static class UsageSources
{
    /// <summary>A brokered request without an Idempotency-Key: the id was generated here and is unique.</summary>
    public const string BrokerAssigned = "broker";

    /// <summary>A brokered request with the buyer's Idempotency-Key: a retry must find it.</summary>
    public const string BrokerIdempotent = "broker-idempotent";

    public static string Provider(string providerId) => $"provider:{providerId}";
}

/// <summary>What the meter holds for an event; <see cref="Duplicate"/> when it had been recorded before.</summary>
[GenerateSerializer, Immutable, Alias("Marketplace.UsageReceipt")]
public sealed record UsageReceipt(
    [property: Id(0)] string EventId,
    [property: Id(1)] bool Duplicate,
    [property: Id(2)] long Units,
    [property: Id(3)] string? Fingerprint);

[GenerateSerializer, Immutable, Alias("Marketplace.MeterTotals")]
public sealed record MeterTotals(
    [property: Id(0)] string ContractId,
    [property: Id(1)] string Period,
    [property: Id(2)] long Units,
    [property: Id(3)] long Events);

/// <summary>
/// Usage of one contract in one billing period (key: "{contractId}/{period}"). Idempotent by event id;
/// a call returns only once the usage is durable in the ledger.
/// </summary>
[Alias("Marketplace.IUsageMeterGrain")]
public interface IUsageMeterGrain : IGrainWithStringKey
{
    [Alias("Record")]
    Task<UsageReceipt> Record(UsageEvent usage);

    [Alias("RecordBatch")]
    Task<IReadOnlyList<UsageReceipt>> RecordBatch(IReadOnlyList<UsageEvent> usage);

    [Alias("Find"), Orleans.Concurrency.ReadOnly]
    Task<UsageReceipt?> Find(string eventId);

    [Alias("GetTotals"), Orleans.Concurrency.ReadOnly]
    Task<MeterTotals> GetTotals();
}

public static class UsageMeterKey
{
    public static string For(string contractId, string period) => $"{contractId}/{period}";
}
