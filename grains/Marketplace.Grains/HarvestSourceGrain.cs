using System.Globalization;
using Marketplace.Domain;

namespace Marketplace.Grains;

[GenerateSerializer, Alias("Marketplace.HarvestSourceState")]
public sealed class HarvestSourceState
{
    [Id(0)] public HarvestSourceDefinition? Definition { get; set; }
    [Id(1)] public DateTimeOffset CreatedAt { get; set; }
    [Id(2)] public HarvestRunView? LastRun { get; set; }

    /// <summary>The source datasets listed here (bounded by the harvest's per-source limit).</summary>
    [Id(3)] public HashSet<string> Listed { get; set; } = [];
    [Id(4)] public string? RunId { get; set; }
    [Id(5)] public DateTimeOffset RunLeaseUntil { get; set; }
    [Id(6)] public bool Deleting { get; set; }
}

[GrainType("harvestsource")]
public sealed class HarvestSourceGrain(
    [PersistentState("harvestsource", GrainStorage.Name)] IPersistentState<HarvestSourceState> state,
    BillingCalendar calendar) : Grain, IHarvestSourceGrain
{
    private HarvestSourceState S => state.State;

    private string Id => this.GetPrimaryKeyString();

    public async Task<HarvestSourceView> Register(HarvestSourceDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (S.Definition is not null)
        {
            if (S.Definition != definition || S.Deleting)
            {
                throw new DomainException(ErrorCodes.HarvestSourceInvalid, $"A harvest source with id '{Id}' already exists.");
            }
            return View();
        }
        S.Definition = definition;
        S.CreatedAt = calendar.Now;
        await state.WriteStateAsync();
        return View();
    }

    public Task<HarvestSourceView?> Get() => Task.FromResult(S.Definition is null ? null : View());

    public async Task<IReadOnlyList<string>> BeginRun(string runId, TimeSpan lease)
    {
        EnsureActive();
        var now = calendar.Now;
        if (S.RunId is not null && S.RunId != runId && S.RunLeaseUntil > now)
        {
            throw new DomainException(ErrorCodes.HarvestRunning, string.Create(CultureInfo.InvariantCulture,
                $"Source '{Id}' is being harvested by run '{S.RunId}' (until {S.RunLeaseUntil:u} at the latest); wait for it to finish."));
        }
        S.RunId = runId;
        S.RunLeaseUntil = now + lease;
        await state.WriteStateAsync();
        return [.. S.Listed];
    }

    public async Task RecordSeen(string runId, IReadOnlyList<string> sourceDatasetIds)
    {
        ArgumentNullException.ThrowIfNull(sourceDatasetIds);
        EnsureRun(runId);
        var before = S.Listed.Count;
        S.Listed.UnionWith(sourceDatasetIds);
        if (S.Listed.Count != before)
        {
            await state.WriteStateAsync();
        }
    }

    public async Task<HarvestSourceView> CompleteRun(HarvestRunView run, IReadOnlyList<string> listed)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(listed);
        EnsureRun(run.RunId);
        S.LastRun = run;
        if (run.Completed)
        {
            S.Listed = [.. listed];
        }
        else
        {
            // A run that did not finish knows less than the source does: it forgets nothing.
            S.Listed.UnionWith(listed);
        }
        S.RunId = null;
        await state.WriteStateAsync();
        return View();
    }

    public async Task<IReadOnlyList<string>> BeginDelete()
    {
        if (S.Definition is null)
        {
            throw new DomainException(ErrorCodes.HarvestSourceNotFound, $"There is no harvest source '{Id}'.");
        }
        if (!S.Deleting)
        {
            S.Deleting = true;
            S.RunId = null;
            await state.WriteStateAsync();
        }
        return [.. S.Listed];
    }

    public async Task CompleteDelete()
    {
        if (S.Definition is not null)
        {
            await state.ClearStateAsync();
        }
    }

    private void EnsureActive()
    {
        if (S.Definition is null || S.Deleting)
        {
            throw new DomainException(ErrorCodes.HarvestSourceNotFound, $"There is no harvest source '{Id}'.");
        }
    }

    private void EnsureRun(string runId)
    {
        EnsureActive();
        if (S.RunId != runId)
        {
            // The lease ran out and another run took over: this one's results would overwrite newer ones.
            throw new DomainException(ErrorCodes.HarvestRunning, $"Run '{runId}' of source '{Id}' lost its lease to another run; its work is redone by that one.");
        }
    }

    private HarvestSourceView View() => new(Id, S.Definition!, S.CreatedAt, S.LastRun, S.Listed.Count, S.Deleting);
}

[GenerateSerializer, Alias("Marketplace.HarvestSourceListState")]
public sealed class HarvestSourceListState
{
    [Id(0)] public List<string> Ids { get; set; } = [];
}

[GrainType("harvestsources")]
public sealed class HarvestSourceListGrain(
    [PersistentState("harvestsources", GrainStorage.Name)] IPersistentState<HarvestSourceListState> state) : Grain, IHarvestSourceListGrain
{
    public async Task Add(string sourceId)
    {
        if (state.State.Ids.Contains(sourceId, StringComparer.Ordinal))
        {
            return;
        }
        if (state.State.Ids.Count >= IHarvestSourceListGrain.MaxSources)
        {
            throw new DomainException(ErrorCodes.HarvestSourceLimit, string.Create(CultureInfo.InvariantCulture,
                $"At most {IHarvestSourceListGrain.MaxSources} harvest sources can be registered; delete one you no longer harvest."));
        }
        state.State.Ids.Add(sourceId);
        await state.WriteStateAsync();
    }

    public async Task Remove(string sourceId)
    {
        if (state.State.Ids.Remove(sourceId))
        {
            await state.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<string>> List() => Task.FromResult<IReadOnlyList<string>>([.. state.State.Ids]);
}
