using System.Globalization;
using Marketplace.Domain;
using Marketplace.Domain.Harvest;
using Marketplace.Storage;

namespace Marketplace.Grains;

[GenerateSerializer, Alias("Marketplace.OfferingState")]
public sealed class OfferingState
{
    [Id(0)] public string ProviderId { get; set; } = "";
    [Id(1)] public OfferingDefinition? Definition { get; set; }
    [Id(2)] public OfferingStatus Status { get; set; }
    [Id(3)] public DatasetClass DatasetClass { get; set; }
    [Id(4)] public DateTimeOffset CreatedAt { get; set; }
    [Id(5)] public DateTimeOffset UpdatedAt { get; set; }
    // [Id(6)] held the offering's contracts; they live in IHoldingsIndex now. Never reuse the number.
    /// <summary>Counts every stored change; 0 for an offering stored before versions existed.</summary>
    [Id(7)] public long Version { get; set; }
    /// <summary>Set for a harvested listing: only the harvest changes it.</summary>
    [Id(8)] public ListingOrigin? Origin { get; set; }
}

[GrainType("offering")]
public sealed class OfferingGrain(
    [PersistentState("offering", GrainStorage.Name)] IPersistentState<OfferingState> state,
    ICatalogIndex catalog,
    IHoldingsIndex holdings,
    OperationJournal journal,
    BillingCalendar calendar) : Grain, IOfferingGrain
{
    private OfferingState S => state.State;

    private string Id => this.GetPrimaryKeyString();

    public async Task<OfferingView> Create(string providerId, OfferingDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (S.Definition is not null)
        {
            if (!await IsSameCreateAsync(providerId, definition))
            {
                throw new DomainException(ErrorCodes.OfferingExists, $"An offering with id '{Id}' already exists; choose another id.");
            }
            // The same create again (a retry): it completes whatever its first attempt left undone.
            await holdings.AddOfferingAsync(HoldingEntry());
            return View();
        }
        var dataset = await GrainFactory.GetGrain<IDatasetGrain>(definition.DatasetId).Get();
        if (dataset is null || dataset.ProviderId != providerId)
        {
            throw new DomainException(ErrorCodes.DatasetNotFound, $"You have no dataset '{definition.DatasetId}' to offer.");
        }
        var normalized = OfferingRules.Normalize(definition, dataset);
        var intent = await journal.BeginAsync(new Reconciliation(Reconciliation.Offering, Id));
        S.ProviderId = providerId;
        S.Definition = normalized;
        S.Status = OfferingStatus.Draft;
        S.DatasetClass = dataset.Definition.Class;
        S.CreatedAt = S.UpdatedAt = calendar.Now;
        S.Version = 1;
        await state.WriteStateAsync();
        await holdings.AddOfferingAsync(HoldingEntry());
        await journal.EndAsync(intent);
        return View();
    }

    /// <summary>Whether the provider asks again for what it created: the same definition once normalised against its dataset.</summary>
    private async Task<bool> IsSameCreateAsync(string providerId, OfferingDefinition definition)
    {
        if (S.ProviderId != providerId || S.Definition!.DatasetId != definition.DatasetId)
        {
            return false;
        }
        var dataset = await GrainFactory.GetGrain<IDatasetGrain>(definition.DatasetId).Get();
        if (dataset is null)
        {
            return false;
        }
        try
        {
            return SameDefinition.Of(S.Definition, OfferingRules.Normalize(definition, dataset));
        }
        catch (DomainException)
        {
            // What was created was valid; a request that is not cannot be the same one.
            return false;
        }
    }

    public async Task Reconcile()
    {
        if (S.Definition is null)
        {
            return;
        }
        await holdings.AddOfferingAsync(HoldingEntry());
        await FollowInCatalogAsync();
    }

    /// <summary>The catalog follows the stored status: a listed offering has its listing, any other none.</summary>
    private async Task FollowInCatalogAsync()
    {
        var dataset = S.Status == OfferingStatus.Listed ? await GrainFactory.GetGrain<IDatasetGrain>(S.Definition!.DatasetId).Get() : null;
        if (dataset is null)
        {
            await catalog.RemoveAsync(Id);
            return;
        }
        var provider = await GrainFactory.GetGrain<IPartyGrain>(S.ProviderId).GetProfile();
        await catalog.UpsertAsync(CatalogListingOf(dataset, provider?.Name ?? S.ProviderId));
    }

    public Task<OfferingView?> Get() => Task.FromResult(S.Definition is null ? null : View());

    public async Task<OfferingView> Publish(ApiPrincipal actor)
    {
        EnsureManageableBy(actor);
        var dataset = await GrainFactory.GetGrain<IDatasetGrain>(S.Definition!.DatasetId).Get();
        if (dataset?.CurrentRevision is null)
        {
            throw new DomainException(ErrorCodes.OfferingNoData,
                $"Dataset '{S.Definition.DatasetId}' has no published revision yet; upload one before listing the offering.");
        }
        // The state first, then the catalog that follows from it: a publish that stops in between is completed
        // by a retry or the sweep, never a listing for an offering that does not take subscriptions.
        var intent = await journal.BeginAsync(new Reconciliation(Reconciliation.Offering, Id));
        S.Status = OfferingStatus.Listed;
        S.UpdatedAt = calendar.Now;
        S.Version++;
        await state.WriteStateAsync();
        var provider = await GrainFactory.GetGrain<IPartyGrain>(S.ProviderId).GetProfile();
        await catalog.UpsertAsync(CatalogListingOf(dataset, provider?.Name ?? S.ProviderId));
        await journal.EndAsync(intent);
        return View();
    }

    public async Task<OfferingView> Delist(ApiPrincipal actor)
    {
        EnsureManageableBy(actor);
        // Contracts already signed keep their terms; delisting only stops new subscriptions.
        var intent = await journal.BeginAsync(new Reconciliation(Reconciliation.Offering, Id));
        S.Status = OfferingStatus.Delisted;
        S.UpdatedAt = calendar.Now;
        S.Version++;
        await state.WriteStateAsync();
        await catalog.RemoveAsync(Id);
        await journal.EndAsync(intent);
        return View();
    }

    public async Task<OfferingView> Revise(ApiPrincipal actor, long? expectedVersion, OfferingDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        EnsureManageableBy(actor);
        var datasetId = S.Definition!.DatasetId;
        if (!string.Equals(definition.DatasetId, datasetId, StringComparison.Ordinal))
        {
            throw new DomainException(ErrorCodes.OfferingDatasetFixed,
                $"Offering '{Id}' offers dataset '{datasetId}', and an offering's dataset cannot change; create a new offering for '{definition.DatasetId}'.");
        }
        var dataset = await GrainFactory.GetGrain<IDatasetGrain>(datasetId).Get()
            ?? throw new DomainException(ErrorCodes.DatasetNotFound, $"The dataset '{datasetId}' of offering '{Id}' no longer exists.");
        // The same checks as on create, in their one home.
        var revised = OfferingRules.Normalize(definition, dataset);
        if (SameDefinition.Of(S.Definition, revised))
        {
            // The same terms again: a retry whose answer was lost (its version is stale by its own change), or a form
            // saved without changes. Nothing is lost by answering what is stored, so nothing is written; the catalog is
            // brought in step in case the first attempt stopped before it.
            await FollowInCatalogAsync();
            return View();
        }
        if (expectedVersion is { } expected && expected != S.Version)
        {
            throw new DomainException(ErrorCodes.OfferingVersionStale, string.Create(CultureInfo.InvariantCulture,
                $"Offering '{Id}' changed since you read it (you sent version {expected}; it is at version {S.Version}). Nothing was changed: read it again, reapply your edit and send it with the new version."));
        }
        // Contracts already signed keep the terms they snapshot; only subscriptions from now on get these.
        var intent = await journal.BeginAsync(new Reconciliation(Reconciliation.Offering, Id));
        S.Definition = revised;
        S.UpdatedAt = calendar.Now;
        S.Version++;
        await state.WriteStateAsync();
        await FollowInCatalogAsync();
        await journal.EndAsync(intent);
        return View();
    }

    public async Task<ContractView> Subscribe(string buyerId, string purpose)
    {
        if (S.Definition is null || S.Status == OfferingStatus.Draft || !Tenancy.IsOfferedTo(View(), buyerId))
        {
            throw new DomainException(ErrorCodes.OfferingNotFound, $"There is no offering '{Id}'.");
        }
        if (S.Origin is { } origin)
        {
            throw new DomainException(ErrorCodes.OfferingHarvested,
                $"Offering '{Id}' is harvested from '{origin.SourceName}': its data stays at the source, so it is not subscribed to here; follow {origin.SourceLink}.");
        }
        if (S.Status != OfferingStatus.Listed)
        {
            throw new DomainException(ErrorCodes.OfferingNotListed, $"Offering '{Id}' is {S.Status.ToString().ToLowerInvariant()}, not listed; it takes no new subscriptions.");
        }
        var purposeCheck = S.Definition.Policy.CheckPurpose(purpose);
        if (!purposeCheck.Allowed)
        {
            throw new DomainException(ErrorCodes.OfferingPurposeNotPermitted, purposeCheck.Reason);
        }
        var normalizedPurpose = ContractIndexing.PurposeOf(purpose);
        var earlier = await EnsureNoOpenContract(buyerId, normalizedPurpose);

        var contractId = ContractIndexing.ContractIdFor(Id, buyerId, normalizedPurpose, earlier);
        // The plan of the declared purpose (its purpose price, or the offering's plan) is what the contract is priced by.
        var terms = new ContractTerms(Id, S.Definition.DatasetId, S.ProviderId, S.DatasetClass,
            S.Definition.PricingFor(normalizedPurpose), S.Definition.Policy, S.Definition.Approval);
        // The contract writes its own entry in the holdings index (by buyer, provider and offering).
        // A retry after an interruption computes the same id and finds the contract its first attempt stored.
        return await GrainFactory.GetGrain<IContractGrain>(contractId).Open(buyerId, normalizedPurpose, terms);
    }

    /// <summary>
    /// Looks only at this buyer's contracts on this offering for this purpose, through the index: never a
    /// fan-out over every contract of the offering. Refuses if one is open (a stored "active" contract may have
    /// passed its end date, so the contract itself says whether it is still open); otherwise answers how many
    /// there were, which numbers the next one.
    /// </summary>
    private async Task<int> EnsureNoOpenContract(string buyerId, string purpose)
    {
        var query = new ContractQuery(OfferingId: Id, BuyerId: buyerId, Purpose: purpose);
        var earlier = 0;
        IndexPosition? after = null;
        do
        {
            var page = await holdings.ListContractsAsync(query, after, IndexLimits.MaxPageSize);
            earlier += page.Items.Count;
            var stillOpen = page.Items.Where(c => ContractIndexing.OpenStatuses.Contains(c.Status, StringComparer.Ordinal));
            var contracts = await Task.WhenAll(stillOpen.Select(c => GrainFactory.GetGrain<IContractGrain>(c.ContractId).Get()));
            var open = contracts.FirstOrDefault(c => c is not null && c.Status is ContractStatus.Requested or ContractStatus.Active or ContractStatus.Suspended);
            if (open is not null)
            {
                throw new DomainException(ErrorCodes.ContractExists,
                    $"You already have contract '{open.Id}' ({open.Status}) for this offering and purpose; use it instead of subscribing again.");
            }
            after = page.Next;
        }
        while (after is not null);
        return earlier;
    }

    public async Task<HarvestOutcome> Harvest(HarvestedListing listing)
    {
        ArgumentNullException.ThrowIfNull(listing);
        if (S.Definition is not null && (S.Origin is null || S.ProviderId != listing.ProviderId))
        {
            throw new DomainException(ErrorCodes.OfferingExists, $"An offering with id '{Id}' already exists and is not this source's.");
        }
        var metadata = new DatasetMetadata(listing.Title, listing.Description, listing.Keywords, listing.Themes, listing.Origin.Publisher,
            listing.Licence, Spatial: null, TemporalStart: null, TemporalEnd: null, UpdateFrequency: null, Language: "");
        // The dataset first: the listing that follows from it is written from what it stores.
        var datasetChanged = await GrainFactory.GetGrain<IDatasetGrain>(listing.DatasetId).Harvest(listing.ProviderId, metadata, listing.Origin);
        var definition = new OfferingDefinition(listing.DatasetId, listing.Title, listing.Description, PricingPlan.Free(Currency.JPY),
            UsagePolicy.Open, OfferingVisibility.Public, [], ApprovalMode.Automatic, Preview: false);
        var created = S.Definition is null;
        var changed = created
            || datasetChanged
            || S.Status != OfferingStatus.Listed
            || !SameDefinition.Of(S.Definition!, definition)
            || !listing.Origin.SameContentAs(S.Origin);
        if (!changed)
        {
            // Only the time it was last harvested moves; the catalog listing stays as it is.
            S.Origin = listing.Origin;
            await state.WriteStateAsync();
            return HarvestOutcome.Unchanged;
        }
        var intent = await journal.BeginAsync(new Reconciliation(Reconciliation.Offering, Id));
        S.ProviderId = listing.ProviderId;
        S.Definition = definition;
        S.Status = OfferingStatus.Listed;
        S.DatasetClass = DatasetClass.Public;
        S.Origin = listing.Origin;
        if (created)
        {
            S.CreatedAt = calendar.Now;
        }
        S.UpdatedAt = calendar.Now;
        S.Version++;
        await state.WriteStateAsync();
        if (created)
        {
            await holdings.AddOfferingAsync(HoldingEntry());
        }
        await FollowInCatalogAsync();
        await journal.EndAsync(intent);
        return created ? HarvestOutcome.Created : HarvestOutcome.Updated;
    }

    public async Task<bool> Withdraw(string sourceId)
    {
        if (S.Definition is null || S.Origin?.SourceId != sourceId)
        {
            return false;
        }
        if (S.Status != OfferingStatus.Listed)
        {
            // Already withdrawn; the catalog is brought in step in case the first attempt stopped before it.
            await catalog.RemoveAsync(Id);
            return false;
        }
        var intent = await journal.BeginAsync(new Reconciliation(Reconciliation.Offering, Id));
        S.Status = OfferingStatus.Delisted;
        S.UpdatedAt = calendar.Now;
        S.Version++;
        await state.WriteStateAsync();
        await catalog.RemoveAsync(Id);
        await journal.EndAsync(intent);
        return true;
    }

    private void EnsureManageableBy(ApiPrincipal actor)
    {
        if (S.Origin is { } origin && S.Definition is not null && Tenancy.MayManage(actor, S.ProviderId))
        {
            throw new DomainException(ErrorCodes.OfferingHarvested,
                $"Offering '{Id}' is harvested from '{origin.SourceName}' and only the harvest changes it; change it at its source ({origin.SourceLink}).");
        }
        var allowed = S.Definition is not null
            && Tenancy.MayManage(actor, S.ProviderId);
        if (!allowed)
        {
            throw new DomainException(ErrorCodes.OfferingNotFound, $"You have no offering '{Id}'.");
        }
    }

    private CatalogListing CatalogListingOf(DatasetView dataset, string providerName)
    {
        var d = S.Definition!;
        var m = dataset.Definition.Metadata;
        return new CatalogListing(Id, dataset.Id, S.ProviderId, providerName, d.Title, d.Description,
            m.Keywords, m.Themes, dataset.Definition.Class.ToString().ToLowerInvariant(), d.Pricing.PriceModelName,
            d.Pricing.IsFree, d.Pricing.Summary, d.Visibility == OfferingVisibility.Public, d.Buyers, m.Licence,
            S.UpdatedAt, d.Pricing.CatalogPriceMinor(), S.Origin);
    }

    private HoldingEntry HoldingEntry() => new(Id, S.ProviderId, S.CreatedAt);

    private OfferingView View() =>
        new(Id, S.ProviderId, S.Definition!, S.Status, S.DatasetClass, S.CreatedAt, S.UpdatedAt, S.Version, S.Origin);
}

internal static class OfferingRules
{
    public static OfferingDefinition Normalize(OfferingDefinition definition, DatasetView dataset)
    {
        definition.Pricing.Validate();
        definition.Policy.Validate();
        TextBounds.Check(definition.Title, TextBounds.Title, "title");
        TextBounds.Check(definition.Description, TextBounds.Description, "description");
        TextBounds.Check(definition.Buyers, TextBounds.Buyers, TextBounds.Name, "buyers");
        if (dataset.Definition.Class == DatasetClass.Public && !definition.Pricing.IsFree)
        {
            throw new DomainException(ErrorCodes.OfferingPublicMustBeFree, "Public (open) data is offered free of charge; use the free pricing model.");
        }
        if (dataset.Definition.Class == DatasetClass.Personal && definition.Approval == ApprovalMode.Automatic)
        {
            throw new DomainException(ErrorCodes.OfferingPersonalNeedsApproval,
                "Personal data flows only under the information bank's approval of each contract: set approval to \"provider\".");
        }
        if (dataset.Definition.Class == DatasetClass.Personal)
        {
            // People consent to purposes from one vocabulary; an offering of their data names purposes from it, so a
            // buyer's declared purpose and a person's consent are compared code for code.
            if (definition.Policy.PermittedPurposes.Count == 0)
            {
                throw new DomainException(ErrorCodes.ConsentPurposeUnknown,
                    $"An offering of personal data names the purposes it permits; choose from: {string.Join(", ", ConsentPurposes.All)}.");
            }
            ConsentPurposes.RequireKnown(definition.Policy.PermittedPurposes, "an offering of personal data");
        }
        var purposePrices = PurposePrice.Normalize(definition.PurposePrices, definition.Pricing, definition.Policy);
        if (dataset.Definition.Class == DatasetClass.Public && purposePrices.Any(p => !p.Pricing.IsFree))
        {
            throw new DomainException(ErrorCodes.OfferingPublicMustBeFree, "Public (open) data is offered free of charge, for every purpose; use the free pricing model.");
        }
        var preview = CheckAggregates(definition, purposePrices, dataset);
        if (definition.Visibility == OfferingVisibility.Private && definition.Buyers.Count == 0)
        {
            throw new DomainException(ErrorCodes.OfferingNoBuyers, "A private offering must name the buyers it is offered to (buyers: [\"buyer-id\"]).");
        }
        var title = string.IsNullOrWhiteSpace(definition.Title) ? dataset.Definition.Metadata.Title : definition.Title.Trim();
        var description = string.IsNullOrWhiteSpace(definition.Description) ? dataset.Definition.Metadata.Description : definition.Description.Trim();
        return definition with
        {
            Title = title,
            Description = description,
            Preview = preview,
            Buyers = [.. definition.Buyers.Select(b => b.Trim()).Distinct(StringComparer.Ordinal)],
            PurposePrices = purposePrices.Count == 0 ? null : purposePrices,
            // People consented to this buyer and purpose, not to whoever it passes their data on to: a contract on
            // personal data always forbids onward transfer, whatever the offering said.
            Policy = dataset.Definition.Class == DatasetClass.Personal && !definition.Policy.RedistributionProhibited
                ? definition.Policy with { RedistributionProhibited = true }
                : definition.Policy,
        };
    }

    /// <summary>
    /// Checks the aggregate terms against the dataset's schema and answers the preview setting to store: an
    /// aggregate-only offering shows no records to anyone, so it has no preview either.
    /// </summary>
    private static bool? CheckAggregates(OfferingDefinition definition, IReadOnlyList<PurposePrice> purposePrices, DatasetView dataset)
    {
        var preview = RecordPreview.Check(dataset.Definition.Class, definition.Preview);
        if (definition.Policy.Aggregates is not { } aggregates)
        {
            return preview;
        }
        aggregates.Validate(dataset.Definition.Schema);
        if (dataset.Definition.PersonalProfile is { } profile
            && aggregates.Dimensions.Concat(aggregates.Measures).FirstOrDefault(f => profile.Find(f) is null) is { } notAnItem)
        {
            // A field that is no data item (a name, say) is never covered by anyone's consent, so it never leaves, not even as a group's label.
            throw new DomainException(ErrorCodes.AggregatePolicyInvalid,
                $"'{notAnItem}' is not a data item of this personal dataset, so it cannot be grouped by or measured; use its items: {string.Join(", ", profile.Items.Select(i => i.Field))}.");
        }
        // An aggregate answer is metered as one unit (one query): a plan charging per record or per MiB would price it wrong.
        foreach (var plan in purposePrices.Select(p => p.Pricing).Prepend(definition.Pricing))
        {
            if (!plan.IsFree && plan.Unit != UsageUnit.Request)
            {
                throw new DomainException(ErrorCodes.AggregatePolicyInvalid,
                    $"Aggregate answers are metered one unit per query, so a plan that charges must count requests (\"unit\": \"request\") or be flat; this one counts {WireNames.Of(plan.Unit)}s.");
            }
        }
        if (!aggregates.AggregateOnly)
        {
            return preview;
        }
        if (preview == true)
        {
            throw new DomainException(ErrorCodes.AggregatePolicyInvalid,
                "An aggregate-only offering lets no record leave, so it has no preview; leave \"preview\" out or set it to false.");
        }
        return false;
    }
}
