using Marketplace.Domain;

namespace Marketplace.Grains;

/// <summary>
/// One use of a contract to be metered. Units are in the plan's base quantity. <see cref="Source"/>
/// <see cref="UsageSources.BrokerAssigned"/> marks an event id the marketplace generated itself (a fresh
/// UUIDv7 per request): it cannot repeat, so the meter records it without keeping it for duplicate checks.
/// <see cref="HoldId"/> names the quota hold (<see cref="IUsageMeterGrain.Hold"/>) that recording this event ends.
/// </summary>
[GenerateSerializer, Immutable, Alias("Marketplace.UsageEvent")]
public sealed record UsageEvent(
    [property: Id(0)] string EventId,
    [property: Id(1)] long Units,
    [property: Id(2)] DateTimeOffset OccurredAt,
    [property: Id(3)] string Source,
    [property: Id(4)] string? Fingerprint,
    [property: Id(5)] string? HoldId = null);

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
/// A request to hold units of a capped contract's quota while a page is read, so concurrent requests can never
/// together take more than the quota. <see cref="Request"/> carries the purpose, end date and units wanted;
/// the meter fills in the units used (committed plus held) before the policy decides.
/// </summary>
[GenerateSerializer, Immutable, Alias("Marketplace.QuotaHold")]
public sealed record QuotaHold(
    [property: Id(0)] string HoldId,
    [property: Id(1)] UsagePolicy Policy,
    [property: Id(2)] PricingPlan Pricing,
    [property: Id(3)] AccessRequest Request);

/// <summary>
/// Usage of one contract (key: the contract id), over every billing period. Idempotent by event id whatever
/// period an event names: on the embedded store for as long as the ledger holds the event (the ledger decides, the
/// meter keeps only a bounded cache of recent ids); on a store that holds ids only per period, for at least
/// <see cref="UsageWindow.Retention"/> after it was recorded. A call returns only once the usage is durable in the ledger.
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

    [Alias("GetTotals")]
    Task<MeterTotals> GetTotals(string period);

    /// <summary>
    /// Decides a capped request against the period's usage including units other requests hold, and holds the
    /// units granted until <see cref="Record"/> of the event with id <see cref="QuotaHold.HoldId"/> (or
    /// <see cref="Release"/>, or <see cref="UsageWindow.HoldLifetime"/>) ends the hold.
    /// </summary>
    [Alias("Hold")]
    Task<PolicyDecision> Hold(QuotaHold hold);

    [Alias("Release")]
    Task Release(string holdId);
}

public static class UsageWindow
{
    /// <summary>Usage may be reported up to this long after it happened (a payment processor accepts no older usage).</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromDays(35);

    /// <summary>Usage may be dated at most this far ahead of the marketplace's clock.</summary>
    public static readonly TimeSpan MaxAhead = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long at least an event id (a provider's or a buyer's Idempotency-Key) is remembered after it was recorded,
    /// whatever period its event names: as long as a report of the same usage could still be accepted.
    /// </summary>
    public static readonly TimeSpan Retention = MaxAge;

    /// <summary>A quota hold whose request never recorded (the process serving it failed) lapses after this.</summary>
    public static readonly TimeSpan HoldLifetime = TimeSpan.FromSeconds(30);

    /// <summary>The most units one event may carry; larger amounts are a mistake or an attack, never usage.</summary>
    public const long MaxUnitsPerEvent = 1_000_000_000_000;
}

public static class UsageMeterKey
{
    public static string For(string contractId) => contractId;
}
