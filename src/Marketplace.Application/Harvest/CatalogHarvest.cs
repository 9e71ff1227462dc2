using System.Collections.Concurrent;
using System.Globalization;
using Marketplace.Domain;
using Marketplace.Domain.Harvest;
using Marketplace.Grains;

namespace Marketplace.Application.Harvest;

/// <summary>
/// Harvesting other catalogs, for the API, the operator console and the scheduled job alike: registering a source
/// (and the provider party that stands for it), listing and removing sources, and a run, which reads the source,
/// maps each of its datasets to a local public listing (<see cref="HarvestMapping"/>), creates or updates those
/// listings, and withdraws the ones whose datasets the source no longer lists. A run is idempotent: run again
/// after a crash, it converges on the same listings, never duplicates. A source that cannot be read withdraws
/// nothing.
/// </summary>
public sealed class CatalogHarvest(GrainReferences grains, SourceReader reader, HarvestLimits limits, BillingCalendar calendar, IHarvestScheduler scheduler)
{
    public async Task<HarvestSourceView> RegisterAsync(HarvestSourceRegistration registration)
    {
        ArgumentNullException.ThrowIfNull(registration);
        var definition = registration.Definition();
        var sourceId = Identifiers.NewId("hs");
        var sources = grains.Get<IHarvestSourceListGrain>(IHarvestSourceListGrain.Key);
        if ((await sources.List()).Count >= IHarvestSourceListGrain.MaxSources)
        {
            throw new DomainException(ErrorCodes.HarvestSourceLimit, string.Create(CultureInfo.InvariantCulture,
                $"At most {IHarvestSourceListGrain.MaxSources} harvest sources can be registered; delete one you no longer harvest."));
        }
        // The party first: a source's listings are always owned by a party that exists.
        await grains.Get<IPartyGrain>(sourceId).Register(PartyRole.Provider, definition.Publisher);
        var view = await grains.Get<IHarvestSourceGrain>(sourceId).Register(definition);
        await sources.Add(sourceId);
        scheduler.Schedule(sourceId, definition.Schedule);
        return view;
    }

    public async Task<IReadOnlyList<HarvestSourceView>> ListAsync()
    {
        var ids = await grains.Get<IHarvestSourceListGrain>(IHarvestSourceListGrain.Key).List();
        var views = await Task.WhenAll(ids.Select(id => grains.Get<IHarvestSourceGrain>(id).Get()));
        return [.. views.OfType<HarvestSourceView>().Where(v => !v.Deleting).OrderBy(v => v.Definition.Name, StringComparer.Ordinal).ThenBy(v => v.Id, StringComparer.Ordinal)];
    }

    public async Task<HarvestSourceView> GetAsync(string sourceId) =>
        Identifiers.IsValidSlug(sourceId) && await grains.Get<IHarvestSourceGrain>(sourceId).Get() is { Deleting: false } view
            ? view
            : throw NotFound(sourceId);

    /// <summary>Stops harvesting the source and withdraws every listing it made; repeatable until it completes.</summary>
    public async Task DeleteAsync(string sourceId)
    {
        if (!Identifiers.IsValidSlug(sourceId))
        {
            throw NotFound(sourceId);
        }
        var source = grains.Get<IHarvestSourceGrain>(sourceId);
        var listed = await source.BeginDelete();
        scheduler.Unschedule(sourceId);
        await Parallel.ForEachAsync(listed, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, limits.Parallelism) },
            async (id, token) => await grains.Get<IOfferingGrain>(HarvestMapping.OfferingId(sourceId, id)).Withdraw(sourceId));
        await grains.Get<IHarvestSourceListGrain>(IHarvestSourceListGrain.Key).Remove(sourceId);
        await source.CompleteDelete();
    }

    /// <summary>Harvests the source now and answers what the run did; a run already under way answers 409.</summary>
    public async Task<HarvestRunView> RunAsync(string sourceId, CancellationToken cancellationToken = default)
    {
        var view = await GetAsync(sourceId);
        var source = grains.Get<IHarvestSourceGrain>(sourceId);
        var runId = Identifiers.NewId("hr");
        var startedAt = calendar.Now;
        var known = (await source.BeginRun(runId, limits.RunLease)).ToHashSet(StringComparer.Ordinal);
        try
        {
            return await HarvestAsync(view, source, runId, startedAt, known, cancellationToken);
        }
        catch (Exception e) when (!(e is DomainException refusal && refusal.Code == ErrorCodes.HarvestRunning.Value))
        {
            // The run stopped (a store or grain call failed): it says so and lets the next run start at once. The
            // source datasets it saw are known to the source already (RecordSeen), so no listing is lost track of.
            var stopped = new HarvestRunView(runId, startedAt, calendar.Now, 0, 0, 0, 0, 0, 1, [$"The run stopped: {e.Message}"], Completed: false);
            try
            {
                await source.CompleteRun(stopped, [.. known]);
            }
#pragma warning disable CA1031 // Best effort: the original failure is what the caller must see.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
            throw;
        }
    }

    private async Task<HarvestRunView> HarvestAsync(HarvestSourceView view, IHarvestSourceGrain source, string runId, DateTimeOffset startedAt,
        HashSet<string> known, CancellationToken cancellationToken)
    {
        var sourceId = view.Id;
        var errors = new ConcurrentQueue<string>();
        IReadOnlyList<SourceRecord> records;
        bool truncated;
        try
        {
            (records, truncated) = await reader.ReadAsync(view.Definition, cancellationToken);
            // Only open data is harvested: what the source offers under contract or consent is as if absent (and withdrawn here).
            records = [.. records.Where(r => r.OpenData)];
        }
        catch (SourceUnreadableException e)
        {
            // Nothing is known of the source's datasets now, so nothing is withdrawn: the listings stay as they were.
            var failed = new HarvestRunView(runId, startedAt, calendar.Now, 0, 0, 0, 0, 0, 1, [e.Message], Completed: false);
            await source.CompleteRun(failed, [.. known]);
            return failed;
        }
        if (truncated)
        {
            errors.Enqueue(string.Create(CultureInfo.InvariantCulture,
                $"The source lists more than {limits.MaxDatasetsPerSource:N0} datasets; the first {limits.MaxDatasetsPerSource:N0} were harvested and none was withdrawn."));
        }
        var reference = new HarvestSourceRef(sourceId, view.Definition.Name, view.Definition.Publisher, view.Definition.Url);
        var harvestedAt = calendar.Now;
        var mapped = new Dictionary<string, HarvestedContent>(StringComparer.Ordinal);
        // Every id the source still names, readable or not: a dataset that fails the checks is kept, not withdrawn.
        var named = new HashSet<string>(StringComparer.Ordinal);
        foreach (var record in records)
        {
            if (record.Id is { } rawId && rawId.Trim() is { Length: > 0 and <= HarvestMapping.MaxSourceIdLength } id)
            {
                named.Add(id);
            }
            try
            {
                var content = HarvestMapping.Map(reference, record, harvestedAt);
                if (!mapped.TryAdd(content.SourceDatasetId, content))
                {
                    errors.Enqueue($"Dataset '{TextBounds.Shorten(content.SourceDatasetId)}' appears more than once at the source; its first description was harvested.");
                }
            }
            catch (DomainException e)
            {
                errors.Enqueue(e.Message);
            }
        }
        // Remembered before any listing is written: a run that stops midway leaves no listing its source forgot.
        await source.RecordSeen(runId, [.. mapped.Keys]);
        int created = 0, updated = 0, unchanged = 0;
        await Parallel.ForEachAsync(mapped.Values, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, limits.Parallelism), CancellationToken = cancellationToken },
            async (content, token) =>
            {
                var listing = new HarvestedListing(sourceId, HarvestMapping.DatasetId(sourceId, content.SourceDatasetId), content.Title, content.Description,
                    content.Keywords, content.Themes, content.Licence, content.Origin);
                try
                {
                    var outcome = await grains.Get<IOfferingGrain>(HarvestMapping.OfferingId(sourceId, content.SourceDatasetId)).Harvest(listing);
                    _ = outcome switch
                    {
                        HarvestOutcome.Created => Interlocked.Increment(ref created),
                        HarvestOutcome.Updated => Interlocked.Increment(ref updated),
                        _ => Interlocked.Increment(ref unchanged),
                    };
                }
                catch (DomainException e)
                {
                    errors.Enqueue($"Dataset '{TextBounds.Shorten(content.SourceDatasetId)}' was not harvested: {e.Message}");
                }
            });
        var withdrawn = 0;
        if (!truncated)
        {
            var gone = known.Where(id => !named.Contains(id)).ToList();
            await Parallel.ForEachAsync(gone, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, limits.Parallelism), CancellationToken = cancellationToken },
                async (id, token) =>
                {
                    if (await grains.Get<IOfferingGrain>(HarvestMapping.OfferingId(sourceId, id)).Withdraw(sourceId))
                    {
                        Interlocked.Increment(ref withdrawn);
                    }
                });
            known.ExceptWith(gone);
        }
        // Listed from now on: what was harvested, and what the source still names (or was not read, when truncated).
        known.UnionWith(mapped.Keys);
        var all = errors.ToList();
        var run = new HarvestRunView(runId, startedAt, calendar.Now, records.Count, created, updated, unchanged, withdrawn,
            all.Count, [.. all.Take(HarvestRunView.MaxErrors)], Completed: true);
        await source.CompleteRun(run, [.. known]);
        return run;
    }

    /// <summary>Every registered source's recurring job, registered again (at start-up: the schedule is not state to lose).</summary>
    public async Task ScheduleAllAsync()
    {
        foreach (var source in await ListAsync())
        {
            scheduler.Schedule(source.Id, source.Definition.Schedule);
        }
    }

    private static DomainException NotFound(string sourceId) =>
        new(ErrorCodes.HarvestSourceNotFound, $"There is no harvest source '{TextBounds.Shorten(sourceId)}'.");
}
