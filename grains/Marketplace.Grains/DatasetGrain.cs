using Marketplace.Domain;
using Marketplace.Domain.Harvest;
using Marketplace.Storage;
using Marketplace.Domain.NgsiLd;

namespace Marketplace.Grains;

[GenerateSerializer, Alias("Marketplace.DatasetState")]
public sealed class DatasetState
{
    [Id(0)] public string ProviderId { get; set; } = "";
    [Id(1)] public DatasetDefinition? Definition { get; set; }
    [Id(2)] public List<DatasetRevision> Revisions { get; set; } = [];
    [Id(3)] public DateTimeOffset CreatedAt { get; set; }
    // h3 (issue 12): the City OS feed (NGSI-LD), null when none is attached.
    [Id(4)] public NgsiLdFeed? Feed { get; set; }

    /// <summary>Set for a harvested dataset: only the harvest changes it.</summary>
    [Id(5)] public ListingOrigin? Origin { get; set; }

    /// <summary>The silos given access leases since the last change revoked them (<see cref="AccessLeaseRegistry"/>).</summary>
    [Id(6)] public List<IAccessLeaseObserver>? LeasedTo { get; set; }
}

[GrainType("dataset")]
public sealed class DatasetGrain(
    [PersistentState("dataset", GrainStorage.Name)] IPersistentState<DatasetState> state,
    IHoldingsIndex holdings,
    OperationJournal journal,
    BillingCalendar calendar) : Grain, IDatasetGrain
{
    private readonly AccessLeaseRegistry _leases = new(calendar.Time);

    private DatasetState S => state.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _leases.Activated(S.LeasedTo);
        return base.OnActivateAsync(cancellationToken);
    }

    public async Task<DatasetView> Create(string providerId, DatasetDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (S.Definition is not null)
        {
            if (S.ProviderId != providerId || !SameDefinition.Of(S.Definition, definition))
            {
                throw new DomainException(ErrorCodes.DatasetExists, $"A dataset with id '{this.GetPrimaryKeyString()}' already exists; choose another id.");
            }
            // The same create again (a retry): it completes whatever its first attempt left undone.
            await holdings.AddDatasetAsync(HoldingEntry());
            return View();
        }
        DatasetRules.Validate(definition);
        if (definition.Class == DatasetClass.Personal
            && (await GrainFactory.GetGrain<IPartyGrain>(providerId).GetProfile())?.Role != PartyRole.InformationBank)
        {
            throw new DomainException(ErrorCodes.DatasetPersonalNeedsInformationBank,
                "Only a party the operator registered as an information bank may list personal data; list it as private, or ask the operator.");
        }
        var intent = await journal.BeginAsync(new Reconciliation(Reconciliation.Dataset, this.GetPrimaryKeyString()));
        S.ProviderId = providerId;
        S.Definition = definition;
        S.CreatedAt = calendar.Now;
        await state.WriteStateAsync();
        await holdings.AddDatasetAsync(HoldingEntry());
        await journal.EndAsync(intent);
        return View();
    }

    public async Task Reconcile()
    {
        if (S.Definition is not null)
        {
            await holdings.AddDatasetAsync(HoldingEntry());
        }
    }

    public Task<DatasetView?> Get() => Task.FromResult(S.Definition is null ? null : View());

    public async Task<DatasetView?> Lease(IAccessLeaseObserver observer, TimeSpan validFor)
    {
        ArgumentNullException.ThrowIfNull(observer);
        if (S.Definition is null || validFor > AccessLeaseTerms.Lifetime)
        {
            return null;
        }
        return await _leases.TryRegisterAsync(observer, validFor, StoreLeasedAsync) ? View() : null;
    }

    private Task StoreLeasedAsync(IReadOnlyList<IAccessLeaseObserver> leasedTo)
    {
        S.LeasedTo = [.. leasedTo];
        return state.WriteStateAsync();
    }

    /// <summary>Before a change that fetches see is written: no silo reads this dataset from a lease once it is acknowledged.</summary>
    private async Task RevokeLeasesAsync()
    {
        await _leases.RevokeAsync(observer => observer.RevokeDataset(this.GetPrimaryKeyString()));
        S.LeasedTo = null; // written with the change
    }

    public async Task<bool> Harvest(string providerId, DatasetMetadata metadata, ListingOrigin origin)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(origin);
        if (S.Definition is not null && (S.Origin is null || S.ProviderId != providerId))
        {
            throw new DomainException(ErrorCodes.DatasetExists, $"A dataset with id '{this.GetPrimaryKeyString()}' already exists and is not this source's.");
        }
        // A harvested dataset has no records here (its data stays at the source), so no schema either.
        var definition = new DatasetDefinition(DatasetClass.Public, metadata, HarvestedSchema);
        var created = S.Definition is null;
        var changed = created || !SameDefinition.Of(S.Definition!, definition) || !origin.SameContentAs(S.Origin);
        if (!changed)
        {
            // The offering keeps the harvest time; the dataset is written only when what it says changes.
            return false;
        }
        if (!created)
        {
            await RevokeLeasesAsync();
        }
        var intent = created ? await journal.BeginAsync(new Reconciliation(Reconciliation.Dataset, this.GetPrimaryKeyString())) : null;
        S.ProviderId = providerId;
        S.Definition = definition;
        S.Origin = origin;
        if (created)
        {
            S.CreatedAt = calendar.Now;
        }
        await state.WriteStateAsync();
        if (intent is not null)
        {
            await holdings.AddDatasetAsync(HoldingEntry());
            await journal.EndAsync(intent);
        }
        return changed;
    }

    private static readonly DatasetSchema HarvestedSchema = new([], null);

    public async Task<DatasetView> PublishRevision(string providerId, DatasetRevision revision)
    {
        ArgumentNullException.ThrowIfNull(revision);
        EnsureOwnedBy(providerId);
        EnsureNotHarvested();
        if (S.Revisions.Any(r => r.RevisionId == revision.RevisionId))
        {
            return View();
        }
        await RevokeLeasesAsync();
        S.Revisions.Add(revision with { Status = RevisionStatus.Published });
        await state.WriteStateAsync();
        return View();
    }

    public async Task<DatasetView> RetireRevision(string providerId, string revisionId)
    {
        EnsureOwnedBy(providerId);
        EnsureNotHarvested();
        var index = S.Revisions.FindIndex(r => r.RevisionId == revisionId);
        if (index < 0)
        {
            throw new DomainException(ErrorCodes.RevisionNotFound, $"Dataset '{this.GetPrimaryKeyString()}' has no revision '{revisionId}'.");
        }
        await RevokeLeasesAsync();
        S.Revisions[index] = S.Revisions[index] with { Status = RevisionStatus.Retired };
        await state.WriteStateAsync();
        return View();
    }

    public async Task<DatasetView> AttachFeed(string providerId, NgsiLdFeed feed)
    {
        ArgumentNullException.ThrowIfNull(feed);
        EnsureOwnedBy(providerId);
        feed.Validate(S.Definition!.Schema);
        if (feed.Equals(S.Feed))
        {
            return View();
        }
        await RevokeLeasesAsync();
        S.Feed = feed;
        await state.WriteStateAsync();
        return View();
    }

    public async Task<DatasetView> DetachFeed(string providerId)
    {
        EnsureOwnedBy(providerId);
        if (S.Feed is null)
        {
            return View();
        }
        await RevokeLeasesAsync();
        S.Feed = null;
        await state.WriteStateAsync();
        return View();
    }

    private void EnsureOwnedBy(string providerId)
    {
        // Another provider's dataset answers as missing: its existence is not theirs to learn.
        if (S.Definition is null || S.ProviderId != providerId)
        {
            throw new DomainException(ErrorCodes.DatasetNotFound, $"There is no dataset '{this.GetPrimaryKeyString()}'.");
        }
    }

    private void EnsureNotHarvested()
    {
        if (S.Origin is { } origin)
        {
            throw new DomainException(ErrorCodes.OfferingHarvested,
                $"Dataset '{this.GetPrimaryKeyString()}' is harvested from '{origin.SourceName}' and only changes when that source does; it holds no data here.");
        }
    }

    private HoldingEntry HoldingEntry() => new(this.GetPrimaryKeyString(), S.ProviderId, S.CreatedAt);

    private DatasetView View() => new(this.GetPrimaryKeyString(), S.ProviderId, S.Definition!, [.. S.Revisions], S.CreatedAt, S.Feed, S.Origin);
}

internal static class DatasetRules
{
    public static void Validate(DatasetDefinition definition)
    {
        var m = definition.Metadata;
        if (string.IsNullOrWhiteSpace(m.Title))
        {
            throw new DomainException(ErrorCodes.DatasetInvalidTitle, "A dataset needs a title.");
        }
        if (string.IsNullOrWhiteSpace(m.Licence))
        {
            throw new DomainException(ErrorCodes.DatasetInvalidLicence, "A dataset needs a licence, e.g. \"CC-BY-4.0\" for open data or \"proprietary\".");
        }
        TextBounds.Check(m.Title, TextBounds.Title, "title");
        TextBounds.Check(m.Description, TextBounds.Description, "description");
        TextBounds.Check(m.Keywords, TextBounds.Keywords, TextBounds.Keyword, "keywords");
        TextBounds.Check(m.Themes, TextBounds.Keywords, TextBounds.Keyword, "themes");
        TextBounds.Check(m.Publisher, TextBounds.Name, "publisher");
        TextBounds.Check(m.Licence, TextBounds.Code, "licence");
        TextBounds.Check(m.Spatial, TextBounds.Name, "spatial");
        TextBounds.Check(m.UpdateFrequency, TextBounds.Code, "updateFrequency");
        TextBounds.Check(m.Language, TextBounds.Code, "language");
        if (m.TemporalStart is { } start && m.TemporalEnd is { } end && end < start)
        {
            throw new DomainException(ErrorCodes.DatasetInvalidTemporal,
                $"The temporal coverage ends ({end:O}) before it starts ({start:O}); swap temporalStart and temporalEnd, or leave the end out while data still arrives.");
        }
        // The wire already sends them in their canonical spelling; checked again here, whoever the caller.
        DatasetCoverage.PlaceIri(m.SpatialIri);
        DatasetCoverage.BoundingBox(m.BoundingBox);
        if (definition.Class == DatasetClass.Public && m.Licence.Equals("proprietary", StringComparison.OrdinalIgnoreCase))
        {
            throw new DomainException(ErrorCodes.DatasetInvalidLicence, "Public (open) data needs an open licence such as CC-BY-4.0, not 'proprietary'.");
        }
        definition.Schema.Validate(definition.Class);
        if (definition.Personal is { } personal)
        {
            if (definition.Class != DatasetClass.Personal)
            {
                throw new DomainException(ErrorCodes.PersonalItemsInvalid, "Only a personal dataset declares personal data items; remove 'personal' or make the class personal.");
            }
            personal.Validate(definition.Schema);
        }
    }
}
