using Marketplace.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Marketplace.Grains;

/// <summary>
/// Repairs operations that stopped half-way: claims the journal's records older than
/// <see cref="OperationJournal.Grace"/> and asks the grain each one names to bring what derives from its stored
/// state back in step (index entries, catalog, a party's keys). Every such call is idempotent, so a record
/// swept twice, or swept while its operation was in fact finishing, changes nothing. The sweep completes what
/// the store holds and never starts what it does not: an operation whose first write never landed left
/// nothing to repair, and its caller saw it fail.
/// </summary>
public sealed partial class ReconciliationSweep(IOutbox outbox, IGrainFactory grains, BillingCalendar calendar, ILogger<ReconciliationSweep> logger)
{
    /// <summary>Records taken per claim; a sweep claims again while claims come back full.</summary>
    public const int Batch = 50;

    /// <summary>At most this many claims per sweep, so one sweep is bounded however much piled up.</summary>
    public const int MaxBatches = 20;

    /// <summary>A record that keeps failing is retried with growing pauses, then left for an operator (status failed).</summary>
    public const int MaxAttempts = 20;

    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan LongestPause = TimeSpan.FromHours(1);

    /// <summary>Sweeps once: how many records were reconciled.</summary>
    public async Task<int> SweepOnceAsync(CancellationToken cancellationToken = default)
    {
        var reconciled = 0;
        for (var batch = 0; batch < MaxBatches; batch++)
        {
            var claims = await outbox.ClaimDueAsync(calendar.Now, Batch, Lease, OperationJournal.Kind, cancellationToken);
            foreach (var claim in claims)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (await ReconcileAsync(claim, cancellationToken))
                {
                    reconciled++;
                }
            }
            if (claims.Count < Batch)
            {
                break;
            }
        }
        return reconciled;
    }

    private async Task<bool> ReconcileAsync(OutboxClaim claim, CancellationToken cancellationToken)
    {
        try
        {
            await ReconcileAsync(Reconciliation.Parse(claim.Message.Payload));
            await outbox.CompleteAsync(claim, calendar.Now, cancellationToken);
            return true;
        }
#pragma warning disable CA1031 // One record's failure must not stop the sweep; it is retried later and logged.
        catch (Exception e) when (e is not OperationCanceledException)
#pragma warning restore CA1031
        {
            var attempts = claim.Message.Attempts + 1;
            var pause = TimeSpan.FromSeconds(Math.Min(LongestPause.TotalSeconds, OperationJournal.Grace.TotalSeconds * Math.Pow(2, Math.Min(attempts, 12))));
            LogFailed(logger, claim.Message.Id, attempts, e);
            await outbox.RetryLaterAsync(claim, calendar.Now + pause, e.Message, giveUp: attempts >= MaxAttempts, cancellationToken);
            return false;
        }
    }

    private Task ReconcileAsync(Reconciliation what) => what.Grain switch
    {
        Reconciliation.Party => grains.GetGrain<IPartyGrain>(what.Key).Reconcile(),
        Reconciliation.PartyKey => grains.GetGrain<IPartyGrain>(what.Key).SettleKey(what.KeyPrefix ?? throw new FormatException("A key reconciliation names no key.")),
        Reconciliation.PartyPerson => grains.GetGrain<IPartyGrain>(what.Key).SettlePerson(what.Person ?? throw new FormatException("A person reconciliation names no person.")),
        Reconciliation.Dataset => grains.GetGrain<IDatasetGrain>(what.Key).Reconcile(),
        Reconciliation.Offering => grains.GetGrain<IOfferingGrain>(what.Key).Reconcile(),
        Reconciliation.Contract => grains.GetGrain<IContractGrain>(what.Key).Reconcile(),
        _ => throw new FormatException($"Nothing reconciles a '{what.Grain}'."),
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconciling {Intent} failed (attempt {Attempts}); it is retried later.")]
    private static partial void LogFailed(ILogger logger, string intent, int attempts, Exception exception);
}

/// <summary>
/// Runs the <see cref="ReconciliationSweep"/> once the host has started (repairing what a crash left) and then
/// every <see cref="Period"/> of the marketplace's clock, so tests move it with a fake clock and never sleep.
/// </summary>
public sealed partial class ReconciliationSweeper(ReconciliationSweep sweep, BillingCalendar calendar, IHostApplicationLifetime lifetime, ILogger<ReconciliationSweeper> logger)
    : BackgroundService
{
    public static readonly TimeSpan Period = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Grains answer only once the silo runs, which the host's start includes.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
        {
            try
            {
                await started.Task;
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await sweep.SweepOnceAsync(stoppingToken);
                await Task.Delay(Period, calendar.Time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The sweeper outlives a failing store: it logs and tries again next period.
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogSweepFailed(logger, e);
                try
                {
                    await Task.Delay(Period, calendar.Time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The reconciliation sweep failed; it runs again next period.")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
