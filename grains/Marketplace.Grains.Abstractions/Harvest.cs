using Marketplace.Domain.Harvest;

namespace Marketplace.Grains;

[GenerateSerializer, Alias("Marketplace.HarvestOutcome")]
public enum HarvestOutcome
{
    Created,
    Updated,
    Unchanged,
}

/// <summary>A harvested dataset as its local listing will say it (checked by <see cref="HarvestMapping"/>).</summary>
[GenerateSerializer, Immutable, Alias("Marketplace.HarvestedListing")]
public sealed record HarvestedListing(
    [property: Id(0)] string ProviderId,
    [property: Id(1)] string DatasetId,
    [property: Id(2)] string Title,
    [property: Id(3)] string Description,
    [property: Id(4)] IReadOnlyList<string> Keywords,
    [property: Id(5)] IReadOnlyList<string> Themes,
    [property: Id(6)] string Licence,
    [property: Id(7)] ListingOrigin Origin);

[GenerateSerializer, Alias("Marketplace.HarvestSourceKind")]
public enum HarvestSourceKind
{
    /// <summary>A CKAN action API (its base URL, e.g. https://city.example/api/3/action).</summary>
    Ckan,

    /// <summary>A DCAT-AP catalog in Turtle (e.g. https://city.example/catalog.ttl).</summary>
    Dcat,
}

[GenerateSerializer, Alias("Marketplace.HarvestSchedule")]
public enum HarvestSchedule
{
    Hourly,
    Daily,
    Weekly,
    /// <summary>Only when an operator runs it.</summary>
    Manual,
}

[GenerateSerializer, Immutable, Alias("Marketplace.HarvestSourceDefinition")]
public sealed record HarvestSourceDefinition(
    [property: Id(0)] string Name,
    [property: Id(1)] HarvestSourceKind Kind,
    [property: Id(2)] string Url,
    [property: Id(3)] HarvestSchedule Schedule,
    [property: Id(4)] string Publisher);

/// <summary>What one harvest run did; <see cref="Errors"/> holds at most <see cref="MaxErrors"/> messages (<see cref="ErrorCount"/> counts them all).</summary>
[GenerateSerializer, Immutable, Alias("Marketplace.HarvestRunView")]
public sealed record HarvestRunView(
    [property: Id(0)] string RunId,
    [property: Id(1)] DateTimeOffset StartedAt,
    [property: Id(2)] DateTimeOffset? FinishedAt,
    [property: Id(3)] int Found,
    [property: Id(4)] int Created,
    [property: Id(5)] int Updated,
    [property: Id(6)] int Unchanged,
    [property: Id(7)] int Withdrawn,
    [property: Id(8)] int ErrorCount,
    [property: Id(9)] IReadOnlyList<string> Errors,
    [property: Id(10)] bool Completed)
{
    public const int MaxErrors = 50;
}

[GenerateSerializer, Immutable, Alias("Marketplace.HarvestSourceView")]
public sealed record HarvestSourceView(
    [property: Id(0)] string Id,
    [property: Id(1)] HarvestSourceDefinition Definition,
    [property: Id(2)] DateTimeOffset CreatedAt,
    [property: Id(3)] HarvestRunView? LastRun,
    [property: Id(4)] int Listings,
    [property: Id(5)] bool Deleting);

/// <summary>
/// A harvest source (key: source id): where to harvest from, the ids of the source datasets it lists here, and its
/// last run. A run is begun, told what it saw before it changes any listing, and completed; a run that dies midway
/// leaves a lease that expires, and the next run does its work again (every step is idempotent).
/// </summary>
[Alias("Marketplace.IHarvestSourceGrain")]
public interface IHarvestSourceGrain : IGrainWithStringKey
{
    [Alias("Register")]
    Task<HarvestSourceView> Register(HarvestSourceDefinition definition);

    [Alias("Get"), Orleans.Concurrency.ReadOnly]
    Task<HarvestSourceView?> Get();

    /// <summary>Starts a run unless another holds the lease; answers the source datasets listed so far.</summary>
    [Alias("BeginRun")]
    Task<IReadOnlyList<string>> BeginRun(string runId, TimeSpan lease);

    /// <summary>Adds source dataset ids to those the source lists here, before their listings are written.</summary>
    [Alias("RecordSeen")]
    Task RecordSeen(string runId, IReadOnlyList<string> sourceDatasetIds);

    /// <summary>Ends the run: <paramref name="listed"/> are the source datasets listed here from now on (added to those known, for a run that did not complete).</summary>
    [Alias("CompleteRun")]
    Task<HarvestSourceView> CompleteRun(HarvestRunView run, IReadOnlyList<string> listed);

    /// <summary>Stops the source (no more runs) and answers the source datasets whose listings must be withdrawn.</summary>
    [Alias("BeginDelete")]
    Task<IReadOnlyList<string>> BeginDelete();

    /// <summary>Forgets the source once its listings are withdrawn.</summary>
    [Alias("CompleteDelete")]
    Task CompleteDelete();
}

/// <summary>The registered harvest sources (one grain, key "all"): at most <see cref="MaxSources"/> ids.</summary>
[Alias("Marketplace.IHarvestSourceListGrain")]
public interface IHarvestSourceListGrain : IGrainWithStringKey
{
    public const int MaxSources = 100;
    public const string Key = "all";

    [Alias("Add")]
    Task Add(string sourceId);

    [Alias("Remove")]
    Task Remove(string sourceId);

    [Alias("List"), Orleans.Concurrency.ReadOnly]
    Task<IReadOnlyList<string>> List();
}
