using Marketplace.Domain;
using Marketplace.Domain.Harvest;
using Marketplace.Domain.NgsiLd;

namespace Marketplace.Grains;

/// <summary>DCAT-style description of a dataset.</summary>
[GenerateSerializer, Immutable, Alias("Marketplace.DatasetMetadata")]
public sealed record DatasetMetadata(
    [property: Id(0)] string Title,
    [property: Id(1)] string Description,
    [property: Id(2)] IReadOnlyList<string> Keywords,
    [property: Id(3)] IReadOnlyList<string> Themes,
    [property: Id(4)] string Publisher,
    [property: Id(5)] string Licence,
    [property: Id(6)] string? Spatial,
    [property: Id(7)] DateTimeOffset? TemporalStart,
    [property: Id(8)] DateTimeOffset? TemporalEnd,
    [property: Id(9)] string? UpdateFrequency,
    [property: Id(10)] string Language,
    [property: Id(11)] string? SpatialIri = null,
    [property: Id(12)] string? BoundingBox = null);

[GenerateSerializer, Immutable, Alias("Marketplace.DatasetDefinition")]
public sealed record DatasetDefinition(
    [property: Id(0)] DatasetClass Class,
    [property: Id(1)] DatasetMetadata Metadata,
    [property: Id(2)] DatasetSchema Schema,
    [property: Id(3)] PersonalDataProfile? Personal = null)
{
    /// <summary>The data items and category consent is checked against: as declared, or the default for a personal dataset that declared none; null for other classes.</summary>
    public PersonalDataProfile? PersonalProfile =>
        Class == DatasetClass.Personal ? Personal ?? PersonalDataProfile.DefaultFor(Schema) : null;
}

[GenerateSerializer, Alias("Marketplace.RevisionStatus")]
public enum RevisionStatus
{
    Published,
    Retired,
}

[GenerateSerializer, Immutable, Alias("Marketplace.DatasetRevision")]
public sealed record DatasetRevision(
    [property: Id(0)] string RevisionId,
    [property: Id(1)] long Records,
    [property: Id(2)] long Bytes,
    [property: Id(3)] DateTimeOffset CreatedAt,
    [property: Id(4)] RevisionStatus Status);

[GenerateSerializer, Immutable, Alias("Marketplace.DatasetView")]
public sealed record DatasetView(
    [property: Id(0)] string Id,
    [property: Id(1)] string ProviderId,
    [property: Id(2)] DatasetDefinition Definition,
    [property: Id(3)] IReadOnlyList<DatasetRevision> Revisions,
    [property: Id(4)] DateTimeOffset CreatedAt,
    [property: Id(5)] NgsiLdFeed? Feed = null,
    [property: Id(6)] ListingOrigin? Origin = null)
{
    /// <summary>The newest published revision: what contracts read.</summary>
    public DatasetRevision? CurrentRevision =>
        Revisions.LastOrDefault(r => r.Status == RevisionStatus.Published);
}

/// <summary>A dataset (key: dataset id). Records live in the record store, never here.</summary>
[Alias("Marketplace.IDatasetGrain")]
public interface IDatasetGrain : IGrainWithStringKey
{
    [Alias("Create")]
    Task<DatasetView> Create(string providerId, DatasetDefinition definition);

    [Alias("Get"), Orleans.Concurrency.ReadOnly]
    Task<DatasetView?> Get();

    /// <summary>
    /// The dataset as it is now, with <paramref name="observer"/> registered for <paramref name="validFor"/> (at
    /// most <see cref="AccessLeaseTerms.Lifetime"/>): publishing or retiring a revision, and attaching or detaching a
    /// feed, revoke it first. Null when the dataset does not exist or cannot register another silo. Called by a
    /// contract grain issuing a lease.
    /// </summary>
    [Alias("Lease")]
    Task<DatasetView?> Lease(IAccessLeaseObserver observer, TimeSpan validFor);

    /// <summary>Appends a revision whose records are already committed to the record store.</summary>
    [Alias("PublishRevision")]
    Task<DatasetView> PublishRevision(string providerId, DatasetRevision revision);

    [Alias("RetireRevision")]
    Task<DatasetView> RetireRevision(string providerId, string revisionId);

    /// <summary>Attaches (or changes) the dataset's City OS feed after checking it against the schema.</summary>
    [Alias("AttachFeed")]
    Task<DatasetView> AttachFeed(string providerId, NgsiLdFeed feed);

    /// <summary>Detaches the feed: later notifications are refused; records already accepted are still published.</summary>
    [Alias("DetachFeed")]
    Task<DatasetView> DetachFeed(string providerId);

    /// <summary>
    /// Creates or updates a harvested dataset (one whose <see cref="DatasetView.Origin"/> is set) for the party that
    /// stands for its source; true when anything but the harvest time changed. Only a harvest changes such a dataset.
    /// </summary>
    [Alias("Harvest")]
    Task<bool> Harvest(string providerId, DatasetMetadata metadata, ListingOrigin origin);

    /// <summary>Writes the dataset's holdings entry again from its stored state (the sweep repairing a create).</summary>
    [Alias("Reconcile")]
    Task Reconcile();
}
