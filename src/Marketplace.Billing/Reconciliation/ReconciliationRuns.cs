using Hangfire;
using Hangfire.Storage;
using Marketplace.Application;
using Marketplace.Billing.Periods;
using Marketplace.Domain;
using Marketplace.Grains;
using Microsoft.Extensions.Logging;

namespace Marketplace.Billing.Reconciliation;

/// <summary>A run with its report once it is done.</summary>
public sealed record ReconciliationRunView(ReconciliationRun Run, ReconciliationReport? Report);

/// <summary>
/// Reconciliation runs: started by an operator as a Hangfire job, their state and report kept in
/// <see cref="IReconciliationRunGrain"/>. A run is idempotent (it computes its report from the stores, from the
/// start); a run left queued or running without a live job (Hangfire's storage was lost with the process) is
/// enqueued again when it is read and at start-up.
/// </summary>
public sealed partial class ReconciliationRuns(
    GrainReferences grains,
    IBackgroundJobClient jobs,
    JobStorage storage,
    PeriodReconciliation reconciliation,
    ReconciliationRepairs repairs,
    PeriodClosing closing,
    Marketplace.Application.Telemetry.MarketplaceMetrics metrics,
    ILogger<ReconciliationRuns> logger)
{
    private static readonly string[] LiveStates = ["Enqueued", "Processing", "Scheduled", "Awaiting"];

    public async Task<ReconciliationRun> StartAsync(string period, string startedBy)
    {
        var billing = closing.Parse(period);
        var id = $"rec-{billing.Id}-{Guid.CreateVersion7():N}";
        var run = await grains.Get<IReconciliationRunGrain>(id).Create(billing.Id, startedBy);
        await grains.Get<IReconciliationRunsGrain>(IReconciliationRunsGrain.Key).Add(id, billing.Id);
        return await EnqueueAsync(run);
    }

    public async Task<ReconciliationRunView> GetAsync(string id)
    {
        var grain = grains.Get<IReconciliationRunGrain>(id);
        var run = await grain.Get() ?? throw NotFound(id);
        run = await ResumeIfLostAsync(run);
        var json = run.Status == ReconciliationStatus.Done ? await grain.GetReport() : null;
        return new ReconciliationRunView(run, json is null ? null : ReconciliationReport.FromJson(json));
    }

    /// <summary>The longest a reader may wait for a run to finish in one request.</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The run once it is done or failed, or as it stands after <paramref name="wait"/> (at most <see cref="MaxWait"/>,
    /// in wall-clock time): a long poll, so that a script needs one request instead of a polling loop.
    /// </summary>
    public async Task<ReconciliationRunView> WaitAsync(string id, TimeSpan wait, CancellationToken cancellationToken = default)
    {
        var until = TimeProvider.System.GetTimestamp();
        var view = await GetAsync(id);
        while (view.Run.Status is ReconciliationStatus.Queued or ReconciliationStatus.Running
            && TimeProvider.System.GetElapsedTime(until) < (wait > MaxWait ? MaxWait : wait))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250), TimeProvider.System, cancellationToken);
            view = await GetAsync(id);
        }
        return view;
    }

    /// <summary>Runs of a period (or every recent run), newest first.</summary>
    public async Task<IReadOnlyList<ReconciliationRun>> ListAsync(string? period)
    {
        var billing = period is null ? null : closing.Parse(period).Id;
        var ids = await grains.Get<IReconciliationRunsGrain>(IReconciliationRunsGrain.Key).List(billing);
        var runs = new List<ReconciliationRun>();
        foreach (var id in ids)
        {
            if (await grains.Get<IReconciliationRunGrain>(id).Get() is { } run)
            {
                runs.Add(run);
            }
        }
        return runs;
    }

    /// <summary>At start-up: every run that was queued or running when Hangfire's storage went away is enqueued again.</summary>
    public async Task<int> ResumeLostAsync()
    {
        var resumed = 0;
        foreach (var run in await ListAsync(null))
        {
            if (run.Status is ReconciliationStatus.Queued or ReconciliationStatus.Running && !IsLive(run.JobId))
            {
                await EnqueueAsync(run);
                resumed++;
            }
        }
        return resumed;
    }

    /// <summary>The job: computes the run's report from the beginning and stores it. A finished run is left as it is.</summary>
    public async Task RunAsync(string id, CancellationToken cancellationToken = default)
    {
        var grain = grains.Get<IReconciliationRunGrain>(id);
        var run = await grain.Get() ?? throw NotFound(id);
        if (run.Status == ReconciliationStatus.Done)
        {
            return;
        }
        await grain.Begin();
        using var timing = metrics.MeasureJob(Marketplace.Application.Telemetry.MarketplaceMetrics.ReconciliationJob);
        try
        {
            var report = await reconciliation.RunAsync(id, run.Period, (percent, stage) => grain.Advance(percent, stage), cancellationToken);
            await grain.Complete(report.Summary, report.ToJson());
            timing.Done();
            LogDone(logger, id, report.Summary);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await grain.Fail($"{e.GetType().Name}: {e.Message}");
            throw;
        }
    }

    /// <summary>Applies the repairs of a finished run's report; idempotent.</summary>
    public async Task<IReadOnlyList<RepairOutcome>> RepairAsync(string id, CancellationToken cancellationToken = default)
    {
        var view = await GetAsync(id);
        if (view.Report is null)
        {
            throw new DomainException(ErrorCodes.ReconciliationNotDone,
                $"Reconciliation run {id} is {view.Run.Status.ToString().ToLowerInvariant()}: its repairs are known once it is done.");
        }
        var outcomes = await repairs.ApplyAsync(view.Report, cancellationToken);
        await grains.Get<IReconciliationRunGrain>(id).Repaired(
            $"{outcomes.Count(o => o.Applied)} repairs applied, {outcomes.Count(o => !o.Applied)} already done.");
        return outcomes;
    }

    private async Task<ReconciliationRun> ResumeIfLostAsync(ReconciliationRun run) =>
        run.Status is ReconciliationStatus.Queued or ReconciliationStatus.Running && !IsLive(run.JobId) ? await EnqueueAsync(run) : run;

    private async Task<ReconciliationRun> EnqueueAsync(ReconciliationRun run)
    {
        var jobId = jobs.Enqueue<ReconciliationJobs>(j => j.RunAsync(run.Id, CancellationToken.None));
        return await grains.Get<IReconciliationRunGrain>(run.Id).Assign(jobId);
    }

    private bool IsLive(string? jobId)
    {
        if (jobId is null)
        {
            return false;
        }
        using var connection = storage.GetConnection();
        return connection.GetJobData(jobId) is JobData data && LiveStates.Contains(data.State, StringComparer.OrdinalIgnoreCase);
    }

    private static DomainException NotFound(string id) =>
        new(ErrorCodes.ReconciliationNotFound, $"There is no reconciliation run '{id}'.");

    [LoggerMessage(Level = LogLevel.Information, Message = "Reconciliation {RunId} done: {Summary}")]
    private static partial void LogDone(ILogger logger, string runId, string summary);
}

/// <summary>The Hangfire job of a reconciliation run (idempotent: a repeat recomputes the same report, a finished run is left alone).</summary>
public sealed class ReconciliationJobs(ReconciliationRuns runs)
{
    [AutomaticRetry(Attempts = 2)]
    [DisableConcurrentExecution(timeoutInSeconds: 600)]
    public async Task RunAsync(string runId, CancellationToken cancellationToken) => await runs.RunAsync(runId, cancellationToken);
}
