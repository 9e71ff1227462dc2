namespace Marketplace.Grains;

[GenerateSerializer, Alias("Marketplace.ReconciliationStatus")]
public enum ReconciliationStatus
{
    /// <summary>Started; its job has not begun (or must begin again after Hangfire lost it).</summary>
    Queued,

    Running,

    Done,

    /// <summary>The run stopped with an error; starting it again (its job) runs it from the beginning.</summary>
    Failed,
}

/// <summary>A reconciliation run of one billing period: where it stands, and once done its summary line.</summary>
[GenerateSerializer, Immutable, Alias("Marketplace.ReconciliationRun")]
public sealed record ReconciliationRun(
    [property: Id(0)] string Id,
    [property: Id(1)] string Period,
    [property: Id(2)] ReconciliationStatus Status,
    [property: Id(3)] string StartedBy,
    [property: Id(4)] DateTimeOffset CreatedAt,
    [property: Id(5)] DateTimeOffset UpdatedAt,
    [property: Id(6)] int Percent,
    [property: Id(7)] string Stage,
    [property: Id(8)] string? JobId,
    [property: Id(9)] string? Summary,
    [property: Id(10)] string? Error,
    [property: Id(11)] int Attempts,
    [property: Id(12)] DateTimeOffset? RepairedAt = null,
    [property: Id(13)] string? RepairSummary = null);

/// <summary>
/// One reconciliation run (key: its id): its state, progress and report (a JSON document, bounded well under
/// 2 MB by the report's own limits). The marketplace's store, not Hangfire's, says whether the run is done: a run
/// left queued or running when Hangfire's storage was lost is enqueued again and runs from the start.
/// </summary>
[Alias("Marketplace.IReconciliationRunGrain")]
public interface IReconciliationRunGrain : IGrainWithStringKey
{
    /// <summary>Creates the run once; a repeat answers the stored run.</summary>
    [Alias("Create")]
    Task<ReconciliationRun> Create(string period, string startedBy);

    [Alias("Get"), Orleans.Concurrency.ReadOnly]
    Task<ReconciliationRun?> Get();

    /// <summary>Records the Hangfire job that carries the run now.</summary>
    [Alias("Assign")]
    Task<ReconciliationRun> Assign(string jobId);

    /// <summary>Marks the run running (from the start: a new attempt).</summary>
    [Alias("Begin")]
    Task<ReconciliationRun> Begin();

    [Alias("Advance")]
    Task Advance(int percent, string stage);

    [Alias("Complete")]
    Task<ReconciliationRun> Complete(string summary, string reportJson);

    [Alias("Fail")]
    Task<ReconciliationRun> Fail(string error);

    [Alias("GetReport"), Orleans.Concurrency.ReadOnly]
    Task<string?> GetReport();

    /// <summary>Records what the run's repairs did (the repairs themselves are idempotent).</summary>
    [Alias("Repaired")]
    Task<ReconciliationRun> Repaired(string summary);
}

/// <summary>The most recent reconciliation runs (key: <see cref="Key"/>), newest first, at most <see cref="Capacity"/>.</summary>
[Alias("Marketplace.IReconciliationRunsGrain")]
public interface IReconciliationRunsGrain : IGrainWithStringKey
{
    public const string Key = "marketplace";

    /// <summary>Operators start runs by hand: the list keeps the latest ones and forgets older ones.</summary>
    public const int Capacity = 500;

    [Alias("Add")]
    Task Add(string runId, string period);

    /// <summary>Run ids, newest first; of one period when given.</summary>
    [Alias("List"), Orleans.Concurrency.ReadOnly]
    Task<IReadOnlyList<string>> List(string? period);
}
