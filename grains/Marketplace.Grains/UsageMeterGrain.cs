using Marketplace.Domain;
using Marketplace.Storage;
using Orleans.Concurrency;

namespace Marketplace.Grains;

/// <summary>
/// Reentrant so that concurrent requests on one contract share a ledger group commit instead of queueing
/// one commit each. Safe because every state change happens in a synchronous section (a single turn):
/// an event id is claimed in <see cref="_pending"/> before the first await, quota holds are taken and
/// settled without an await in between, and totals change only after the ledger confirmed the write.
/// Its state is the ledger itself: totals per period are read on first use. Duplicates are the ledger's to decide:
/// where it holds an id once per contract whatever the period (<see cref="IUsageLedger.UniqueAcrossPeriods"/>, the
/// embedded store), the meter keeps only the last <see cref="RecentUsageEvents.CachedIds"/> ids in memory, so its
/// memory is bounded however many events it records, and an id it has forgotten is still refused by the ledger (and
/// found by <see cref="Find"/> there), after any length of time. Where the ledger holds an id only per period, the
/// meter keeps every id recorded within <see cref="UsageWindow.Retention"/> (read back on activation), as only it
/// stops a retry that names another month.
/// </summary>
[Reentrant]
[GrainType("usagemeter")]
public sealed class UsageMeterGrain(IUsageLedger ledger, BillingCalendar calendar) : Grain, IUsageMeterGrain
{
    private const int MaxEventIdLength = 200;

    /// <summary>How long a quota decision may rely on totals without reading the ledger again.</summary>
    private static readonly TimeSpan TotalsMaxAge = TimeSpan.FromSeconds(5);
    private readonly Dictionary<string, PeriodUsage> _periods = new(StringComparer.Ordinal);
    private readonly RecentUsageEvents _recorded = new(ledger.UniqueAcrossPeriods ? RecentUsageEvents.CachedIds : int.MaxValue);
    private readonly Dictionary<string, Task<IReadOnlyDictionary<string, UsageReceipt>>> _pending = new(StringComparer.Ordinal);
    private readonly Dictionary<string, QuotaHoldEntry> _holds = new(StringComparer.Ordinal);
    private string _contractId = "";

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _contractId = this.GetPrimaryKeyString();
        if (ledger.UniqueAcrossPeriods)
        {
            return; // the ledger refuses every id it holds: nothing to read back
        }
        // Totals come from the ledger's running totals on first use; in memory only the events a retry could
        // repeat, recorded within the retention. An event may be dated up to MaxAge before it was recorded, so the
        // periods read reach back twice that far.
        var recent = new List<UsageRecord>();
        foreach (var period in PeriodsSince(calendar.Now - UsageWindow.Retention - UsageWindow.MaxAge))
        {
            recent.AddRange(await ledger.ReadAsync(_contractId, period, UsageSources.BrokerAssigned, cancellationToken));
        }
        foreach (var r in recent.Where(r => r.RecordedAt >= calendar.Now - UsageWindow.Retention).OrderBy(r => r.RecordedAt))
        {
            Remember(r);
        }
    }

    public async Task<UsageReceipt> Record(UsageEvent usage) => (await RecordBatch([usage]))[0];

    public async Task<IReadOnlyList<UsageReceipt>> RecordBatch(IReadOnlyList<UsageEvent> usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        // The meter is one activation per contract, so every request on a busy contract passes through here one
        // turn at a time: this path avoids LINQ and recomputing periods.
        var periods = new string[usage.Count];
        for (var i = 0; i < usage.Count; i++)
        {
            Validate(usage[i]);
            periods[i] = calendar.PeriodOf(usage[i].OccurredAt).Id;
        }
        // Every period touched must have its totals loaded before the synchronous section checks them.
        for (var i = 0; i < periods.Length; i++)
        {
            if (!_periods.TryGetValue(periods[i], out var known) || !known.Loaded.IsCompletedSuccessfully)
            {
                await UsageOf(periods[i]);
            }
        }

        var receipts = new UsageReceipt?[usage.Count];
        // Each round records the events no other call is recording. An id another call is recording right now is
        // waited for and answered from its outcome; if that call failed, the next round records it here.
        while (!await RecordRoundAsync(usage, periods, receipts))
        {
        }
        if (_holds.Count > 0)
        {
            // A duplicate's hold ends too: its units were counted by the event it repeats.
            foreach (var e in usage)
            {
                if (e.HoldId is { } holdId)
                {
                    EndHold(holdId);
                }
            }
        }
        return receipts!;
    }

    /// <summary>One round of <see cref="RecordBatch"/>; true when every event has its receipt.</summary>
    private async Task<bool> RecordRoundAsync(IReadOnlyList<UsageEvent> usage, string[] periods, UsageReceipt?[] receipts)
    {
        // Synchronous section: claim every new event id before awaiting anything.
        var now = calendar.Now;
        ForgetOutsideRetention(now);
        List<UsageRecord>? fresh = null;
        List<(int Index, Task<IReadOnlyDictionary<string, UsageReceipt>> Recording)>? waits = null;
        Dictionary<string, int>? first = usage.Count > 1 ? new(StringComparer.Ordinal) : null;
        var holdsEnded = new List<string>();
        for (var i = 0; i < usage.Count; i++)
        {
            var e = usage[i];
            if (receipts[i] is not null)
            {
                continue;
            }
            if (_recorded.TryGet(e.EventId, out var earlier))
            {
                receipts[i] = earlier;
                continue;
            }
            if (first is not null && !first.TryAdd(e.EventId, i))
            {
                continue; // answered from its first occurrence in this batch
            }
            if (_pending.TryGetValue(e.EventId, out var inFlight))
            {
                (waits ??= []).Add((i, inFlight));
                continue;
            }
            (fresh ??= []).Add(new UsageRecord(e.EventId, _contractId, periods[i], e.Units, e.OccurredAt, now, e.Source, e.Fingerprint));
            if (e.HoldId is { } holdId)
            {
                holdsEnded.Add(holdId);
            }
        }
        if (fresh is not null)
        {
            var answered = await CommitAsync(fresh, holdsEnded);
            for (var i = 0; i < usage.Count; i++)
            {
                if (receipts[i] is null && (first is null || first[usage[i].EventId] == i) && answered.TryGetValue(usage[i].EventId, out var receipt))
                {
                    receipts[i] = receipt;
                }
            }
        }
        foreach (var (index, recording) in waits ?? [])
        {
            try
            {
                // Recorded by the other call: a duplicate here, with what the ledger holds.
                receipts[index] = (await recording)[usage[index].EventId] with { Duplicate = true };
            }
#pragma warning disable CA1031 // That call's failure is its own to report; this one records the event itself next round.
            catch
#pragma warning restore CA1031
            {
            }
        }
        var complete = true;
        for (var i = 0; i < usage.Count; i++)
        {
            if (receipts[i] is null && first is not null && first[usage[i].EventId] is var at && at != i && receipts[at] is { } original)
            {
                receipts[i] = original with { Duplicate = true };
            }
            complete &= receipts[i] is not null;
        }
        return complete;
    }

    public async Task<UsageReceipt?> Find(string eventId)
    {
        if (_recorded.TryGet(eventId, out var receipt))
        {
            return receipt;
        }
        // Forgotten here (or recorded by another activation): the ledger holds every id it refuses.
        return ledger.UniqueAcrossPeriods && await ledger.FindAsync(_contractId, eventId) is { } stored
            ? new UsageReceipt(stored.EventId, Duplicate: true, stored.Units, stored.Fingerprint)
            : null;
    }

    public async Task<MeterTotals> GetTotals(string period)
    {
        // Read from the ledger every time: what another activation or process recorded counts too.
        var usage = await UsageOf(BillingPeriod.Parse(period, calendar.Zone).Id, maxAge: TimeSpan.Zero);
        return new MeterTotals(_contractId, usage.Period, usage.Units, usage.Events);
    }

    public async Task<PolicyDecision> Hold(QuotaHold hold)
    {
        ArgumentNullException.ThrowIfNull(hold);
        var period = hold.Request.Period ?? calendar.CurrentPeriod();
        var usage = await UsageOf(period.Id, TotalsMaxAge);

        // Synchronous from here: the units used include every unit other requests hold right now.
        DropLapsedHolds();
        var used = hold.Pricing.BillableUnits(checked(usage.Units + usage.Held));
        var decision = hold.Policy.Evaluate(hold.Request with { UnitsUsedThisPeriod = used });
        if (decision.Allowed && decision.UnitsGranted > 0 && !_holds.ContainsKey(hold.HoldId))
        {
            var held = hold.Pricing.Unit == UsageUnit.Record ? decision.UnitsGranted : hold.Pricing.Unit == UsageUnit.Request ? 1 : 0;
            usage.Held += held;
            _holds[hold.HoldId] = new QuotaHoldEntry(usage, held, calendar.Now + UsageWindow.HoldLifetime);
        }
        return decision;
    }

    public Task Release(string holdId)
    {
        EndHold(holdId);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Appends the events to the ledger, which decides what is new; answers each id with its receipt (a duplicate
    /// when the ledger already held it, say written by another activation) and takes the totals the ledger reports.
    /// </summary>
    private async Task<IReadOnlyDictionary<string, UsageReceipt>> CommitAsync(List<UsageRecord> fresh, List<string> holdsEnded)
    {
        // Concurrent senders of the same ids wait on this; it completes only once the receipts are in place.
        var done = new TaskCompletionSource<IReadOnlyDictionary<string, UsageReceipt>>(TaskCreationOptions.RunContinuationsAsynchronously);
        foreach (var r in fresh)
        {
            _pending[r.EventId] = done.Task;
        }
        try
        {
            // Checked before the write: totals that would overflow refuse the batch instead of wrapping round.
            // (A sum over all of the batch's periods bounds each period's share, so one check per period suffices.)
            var batchUnits = 0L;
            foreach (var r in fresh)
            {
                batchUnits = checked(batchUnits + r.Units);
            }
            foreach (var r in fresh)
            {
                _ = checked(_periods[r.Period].Units + batchUnits);
            }
            var append = await ledger.AppendAsync(fresh);
            var receipts = new Dictionary<string, UsageReceipt>(fresh.Count, StringComparer.Ordinal);
            for (var i = 0; i < fresh.Count; i++)
            {
                var result = append.Results[i];
                var stored = result.Stored;
                Remember(stored);
                receipts[fresh[i].EventId] = new UsageReceipt(stored.EventId, Duplicate: !result.Inserted, stored.Units, stored.Fingerprint);
            }
            foreach (var totals in append.Totals)
            {
                if (_periods.TryGetValue(totals.Period, out var usage))
                {
                    usage.Refresh(totals, calendar.Now);
                }
            }
            // In the same synchronous section as the totals grew, so the units are never counted as both held and used.
            if (_holds.Count > 0)
            {
                holdsEnded.ForEach(EndHold);
            }
            done.SetResult(receipts);
            return receipts;
        }
        catch (OverflowException)
        {
            var overflow = new DomainException(ErrorCodes.UsageTotalOverflow,
                $"These events would take contract '{_contractId}' past the largest usage total the marketplace can bill; nothing was recorded.");
            done.SetException(overflow);
            _ = done.Task.Exception;
            throw overflow;
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

    /// <summary>
    /// The period's totals, read from the ledger when not yet known or older than <paramref name="maxAge"/> (null: as
    /// known). This activation's own writes keep them current; the age bounds how long usage recorded elsewhere
    /// (another activation, another process) can go unseen by the quota.
    /// </summary>
    private async ValueTask<PeriodUsage> UsageOf(string period, TimeSpan? maxAge = null)
    {
        if (_periods.TryGetValue(period, out var known))
        {
            var usage = await known.Loaded;
            if (maxAge is { } age && usage.RefreshedAt + age <= calendar.Now)
            {
                usage.Refresh(await ledger.GetTotalsAsync(_contractId, period), calendar.Now);
            }
            return usage;
        }
        var fresh = new PeriodUsage(period);
        _periods[period] = fresh;
        fresh.Loaded = LoadAsync(fresh);
        return await fresh.Loaded;
    }

    private async Task<PeriodUsage> LoadAsync(PeriodUsage usage)
    {
        try
        {
            // Nothing commits to a period before its totals are loaded: RecordBatch and Hold await them first.
            usage.Refresh(await ledger.GetTotalsAsync(_contractId, usage.Period), calendar.Now);
            return usage;
        }
        catch
        {
            _periods.Remove(usage.Period);
            throw;
        }
    }

    private void EndHold(string holdId)
    {
        if (_holds.Remove(holdId, out var hold))
        {
            hold.Usage.Held -= hold.Units;
        }
    }

    private void DropLapsedHolds()
    {
        if (_holds.Count == 0)
        {
            return;
        }
        var now = calendar.Now;
        foreach (var (id, hold) in _holds.Where(h => h.Value.LapsesAt <= now).ToList())
        {
            _holds.Remove(id);
            hold.Usage.Held -= hold.Units;
        }
    }

    /// <summary>Keeps what a retry must find; ids the marketplace generated itself cannot repeat and are not kept.</summary>
    private void Remember(UsageRecord r)
    {
        if (r.Source == UsageSources.BrokerAssigned)
        {
            return;
        }
        _recorded.Add(new UsageReceipt(r.EventId, Duplicate: true, r.Units, r.Fingerprint), DateOnly.FromDateTime(r.RecordedAt.UtcDateTime));
    }

    /// <summary>
    /// Forgets ids recorded longer ago than the retention (whole days, so an id is kept at least that long): a meter
    /// that stays active for months holds no more ids than one just activated.
    /// </summary>
    private void ForgetOutsideRetention(DateTimeOffset now)
    {
        _recorded.ForgetBefore(DateOnly.FromDateTime((now - UsageWindow.Retention).UtcDateTime).AddDays(-1));
    }

    private IEnumerable<string> PeriodsSince(DateTimeOffset since)
    {
        var period = calendar.PeriodOf(since);
        var current = calendar.PeriodOf(calendar.Now + UsageWindow.MaxAhead);
        while (true)
        {
            yield return period.Id;
            if (period.Id == current.Id)
            {
                yield break;
            }
            period = calendar.PeriodOf(period.End);
        }
    }

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
        if (e.Units > UsageWindow.MaxUnitsPerEvent)
        {
            throw new DomainException(ErrorCodes.UsageUnitsTooLarge,
                $"Event '{e.EventId}' has {e.Units} units; one event carries at most {UsageWindow.MaxUnitsPerEvent}.");
        }
    }

    /// <summary>One period's totals; <see cref="Held"/> counts units that requests in flight hold against the quota.</summary>
    private sealed class PeriodUsage(string period)
    {
        public string Period { get; } = period;

        public Task<PeriodUsage> Loaded { get; set; } = Task.FromResult<PeriodUsage>(null!);

        public long Units { get; set; }

        public long Events { get; set; }

        public long Held { get; set; }

        public DateTimeOffset RefreshedAt { get; private set; }

        /// <summary>Takes totals the ledger reported. They only grow, so an answer older than what is known is ignored.</summary>
        public void Refresh(UsageTotals totals, DateTimeOffset now)
        {
            if (totals.Events >= Events)
            {
                Units = totals.Units;
                Events = totals.Events;
            }
            RefreshedAt = now;
        }
    }

    private sealed record QuotaHoldEntry(PeriodUsage Usage, long Units, DateTimeOffset LapsesAt);
}
