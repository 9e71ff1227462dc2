using Marketplace.Domain;
using Marketplace.Storage;
using Orleans.Concurrency;

namespace Marketplace.Grains;

/// <summary>
/// Reentrant so that concurrent requests on one contract share a ledger group commit instead of queueing
/// one commit each. Safe because every state change happens in a synchronous section (a single turn):
/// an event id is claimed in <see cref="_pending"/> before the first await, and totals change only after
/// the ledger confirmed the write. Its state is the ledger itself, rebuilt on activation.
/// </summary>
[Reentrant]
public sealed class UsageMeterGrain(IUsageLedger ledger, BillingCalendar calendar) : Grain, IUsageMeterGrain
{
    private const int MaxEventIdLength = 200;
    private readonly Dictionary<string, UsageReceipt> _recorded = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Task> _pending = new(StringComparer.Ordinal);
    private string _contractId = "";
    private string _period = "";
    private long _units;
    private long _events;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var key = this.GetPrimaryKeyString();
        var slash = key.LastIndexOf('/');
        _contractId = key[..slash];
        _period = key[(slash + 1)..];
        // Totals from the ledger's running totals; in memory only the events a retry could repeat.
        var totals = await ledger.GetTotalsAsync(_contractId, _period, cancellationToken);
        foreach (var r in await ledger.ReadAsync(_contractId, _period, UsageSources.BrokerAssigned, cancellationToken))
        {
            Remember(r);
        }
        _units = totals.Units;
        _events = totals.Events;
    }

    public async Task<UsageReceipt> Record(UsageEvent usage) => (await RecordBatch([usage]))[0];

    public async Task<IReadOnlyList<UsageReceipt>> RecordBatch(IReadOnlyList<UsageEvent> usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        foreach (var e in usage)
        {
            Validate(e);
        }

        // Synchronous section: claim every new event id before awaiting anything.
        var now = calendar.Now;
        var fresh = new List<UsageRecord>();
        var waits = new List<Task>();
        var claimed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in usage)
        {
            if (_recorded.ContainsKey(e.EventId) || !claimed.Add(e.EventId))
            {
                continue;
            }
            if (_pending.TryGetValue(e.EventId, out var inFlight))
            {
                waits.Add(inFlight);
                continue;
            }
            fresh.Add(new UsageRecord(e.EventId, _contractId, _period, e.Units, e.OccurredAt, now, e.Source, e.Fingerprint));
        }
        if (fresh.Count > 0)
        {
            await CommitAsync(fresh);
        }
        await Task.WhenAll(waits);

        var freshById = fresh.ToDictionary(r => r.EventId, StringComparer.Ordinal);
        return [.. usage.Select(e => freshById.Remove(e.EventId, out var r)
            ? new UsageReceipt(r.EventId, Duplicate: false, r.Units, r.Fingerprint)
            : _recorded[e.EventId])];
    }

    private async Task CommitAsync(List<UsageRecord> fresh)
    {
        // Concurrent senders of the same ids wait on this; it completes only once the receipts are in place.
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        foreach (var r in fresh)
        {
            _pending[r.EventId] = done.Task;
        }
        try
        {
            await ledger.AppendAsync(fresh);
            foreach (var r in fresh)
            {
                Remember(r);
                _units += r.Units;
                _events++;
            }
            done.SetResult();
        }
        catch (Exception ex)
        {
            done.SetException(ex);
            _ = done.Task.Exception; // observed here; waiters rethrow it themselves
            throw;
        }
        finally
        {
            foreach (var r in fresh)
            {
                _pending.Remove(r.EventId);
            }
        }
    }

    /// <summary>Keeps what a retry must find; ids the marketplace generated itself cannot repeat and are not kept.</summary>
    private void Remember(UsageRecord r)
    {
        if (r.Source != UsageSources.BrokerAssigned)
        {
            _recorded[r.EventId] = new UsageReceipt(r.EventId, Duplicate: true, r.Units, r.Fingerprint);
        }
    }

    public Task<UsageReceipt?> Find(string eventId) =>
        Task.FromResult(_recorded.TryGetValue(eventId, out var receipt) ? receipt : null);

    public Task<MeterTotals> GetTotals() => Task.FromResult(new MeterTotals(_contractId, _period, _units, _events));

    private static void Validate(UsageEvent e)
    {
        if (string.IsNullOrWhiteSpace(e.EventId) || e.EventId.Length > MaxEventIdLength)
        {
            throw new DomainException(ErrorCodes.UsageInvalidEventId, $"Every usage event needs an eventId of 1 to {MaxEventIdLength} characters.");
        }
        if (e.Units < 0)
        {
            throw new DomainException(ErrorCodes.UsageNegativeUnits, $"Event '{e.EventId}' has negative units; usage is never negative.");
        }
    }
}
