using System.Text.Json;
using Marketplace.Storage;

namespace Marketplace.Grains;

/// <summary>
/// What the sweep brings back in step with the store: one grain, whose index entries (holdings, directory,
/// catalog) follow from its stored state, or one key of a party (<see cref="KeyPrefix"/>), whose two halves (the
/// party's list and the key grain) must agree.
/// </summary>
public sealed record Reconciliation(string Grain, string Key, string? KeyPrefix = null, string? Person = null)
{
    public const string Party = "party";
    public const string PartyKey = "party-key";
    public const string PartyPerson = "party-person";
    public const string Dataset = "dataset";
    public const string Offering = "offering";
    public const string Contract = "contract";

    public string ToPayload() => JsonSerializer.Serialize(this, PayloadOptions);

    public static Reconciliation Parse(string payload) =>
        JsonSerializer.Deserialize<Reconciliation>(payload, PayloadOptions)
        ?? throw new FormatException("An empty reconciliation payload.");

    private static readonly JsonSerializerOptions PayloadOptions = new(JsonSerializerDefaults.Web);
}

/// <summary>
/// The intents of operations that write more than one thing (grain state, then an index, the catalog or another
/// grain). Before its first write an operation records what to reconcile should it stop half-way (a crash, a
/// store that fails between two writes), and after its last write it discards the record. A record still there
/// after <see cref="Grace"/> marks an operation that stopped: the <see cref="ReconciliationSweep"/> takes it and
/// makes the rest agree with what the grain stored. The records live in the outbox (<see cref="IOutbox"/>), of
/// their own <see cref="Kind"/>, so nothing here depends on one store.
/// </summary>
public sealed class OperationJournal(IOutbox outbox, BillingCalendar calendar)
{
    /// <summary>The outbox kind of the records; the sweep claims only these.</summary>
    public const string Kind = "grain.reconcile";

    /// <summary>
    /// How long an operation has to finish before the sweep looks at it. Only a bound on how soon an orphan is
    /// repaired: a sweep that meets an operation still running waits for it, since a grain takes one call at a time.
    /// </summary>
    public static readonly TimeSpan Grace = TimeSpan.FromMinutes(1);

    /// <summary>Records the intent; its id goes to <see cref="EndAsync"/>.</summary>
    public async Task<string> BeginAsync(Reconciliation what)
    {
        ArgumentNullException.ThrowIfNull(what);
        var now = calendar.Now;
        var id = $"{Kind}/{what.Grain}/{Guid.CreateVersion7():N}";
        await outbox.EnqueueAsync(new OutboxMessage(id, Kind, what.ToPayload(), id, now, now + Grace));
        return id;
    }

    /// <summary>
    /// Discards the intent once every write of the operation is stored. If even this fails the operation still
    /// succeeded: the sweep later finds everything in step and merely confirms it.
    /// </summary>
    public async Task EndAsync(string intent)
    {
        try
        {
            await outbox.DiscardAsync(intent);
        }
        catch (StoreUnavailableException)
        {
        }
    }
}
