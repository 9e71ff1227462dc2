using Marketplace.Domain;

namespace Marketplace.Grains;

[GenerateSerializer, Alias("Marketplace.ReconciliationRunState")]
public sealed class ReconciliationRunState
{
    [Id(0)] public ReconciliationRun? Run { get; set; }

    [Id(1)] public string? ReportJson { get; set; }
}

[GrainType("reconciliationrun")]
public sealed class ReconciliationRunGrain(
    [PersistentState("reconciliation-run", GrainStorage.Name)] IPersistentState<ReconciliationRunState> state,
    BillingCalendar calendar) : Grain, IReconciliationRunGrain
{
    /// <summary>Progress is written only when it moved this far, so a run of a million events writes a few times.</summary>
    private const int ProgressStep = 5;

    public async Task<ReconciliationRun> Create(string period, string startedBy)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(period);
        ArgumentException.ThrowIfNullOrWhiteSpace(startedBy);
        if (state.State.Run is { } known)
        {
            return known;
        }
        var now = calendar.Now;
        state.State.Run = new ReconciliationRun(this.GetPrimaryKeyString(), period, ReconciliationStatus.Queued, startedBy, now, now, 0, "queued", null, null, null, 0);
        await state.WriteStateAsync();
        return state.State.Run;
    }

    public Task<ReconciliationRun?> Get() => Task.FromResult(state.State.Run);

    public Task<ReconciliationRun> Assign(string jobId) => Change(r => r with { JobId = jobId });

    public Task<ReconciliationRun> Begin() =>
        Change(r => r with { Status = ReconciliationStatus.Running, Percent = 0, Stage = "started", Error = null, Attempts = r.Attempts + 1 });

    public async Task Advance(int percent, string stage)
    {
        var run = Known();
        var clamped = Math.Clamp(percent, 0, 99);
        if (run.Status == ReconciliationStatus.Running && (clamped >= run.Percent + ProgressStep || stage != run.Stage))
        {
            await Change(r => r with { Percent = Math.Max(r.Percent, clamped), Stage = stage });
        }
    }

    public async Task<ReconciliationRun> Complete(string summary, string reportJson)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reportJson);
        state.State.ReportJson = reportJson;
        return await Change(r => r with { Status = ReconciliationStatus.Done, Percent = 100, Stage = "done", Summary = summary, Error = null });
    }

    public Task<ReconciliationRun> Fail(string error) =>
        Change(r => r with { Status = ReconciliationStatus.Failed, Stage = "failed", Error = error.Length <= 1_000 ? error : error[..1_000] });

    public Task<string?> GetReport() => Task.FromResult(state.State.ReportJson);

    public Task<ReconciliationRun> Repaired(string summary) => Change(r => r with { RepairedAt = calendar.Now, RepairSummary = summary });

    private ReconciliationRun Known() => state.State.Run
        ?? throw new DomainException(ErrorCodes.ReconciliationNotFound, $"There is no reconciliation run '{this.GetPrimaryKeyString()}'.");

    private async Task<ReconciliationRun> Change(Func<ReconciliationRun, ReconciliationRun> change)
    {
        var changed = change(Known()) with { UpdatedAt = calendar.Now };
        state.State.Run = changed;
        await state.WriteStateAsync();
        return changed;
    }
}

[GenerateSerializer, Alias("Marketplace.ReconciliationRunsState")]
public sealed class ReconciliationRunsState
{
    /// <summary>Run id and period, newest first.</summary>
    [Id(0)] public List<KeyValuePair<string, string>> Runs { get; set; } = [];
}

[GrainType("reconciliationruns")]
public sealed class ReconciliationRunsGrain(
    [PersistentState("reconciliation-runs", GrainStorage.Name)] IPersistentState<ReconciliationRunsState> state) : Grain, IReconciliationRunsGrain
{
    public async Task Add(string runId, string period)
    {
        if (state.State.Runs.Exists(r => r.Key == runId))
        {
            return;
        }
        state.State.Runs.Insert(0, new(runId, period));
        if (state.State.Runs.Count > IReconciliationRunsGrain.Capacity)
        {
            state.State.Runs.RemoveRange(IReconciliationRunsGrain.Capacity, state.State.Runs.Count - IReconciliationRunsGrain.Capacity);
        }
        await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<string>> List(string? period) =>
        Task.FromResult<IReadOnlyList<string>>([.. state.State.Runs.Where(r => period is null || r.Value == period).Select(r => r.Key)]);
}
