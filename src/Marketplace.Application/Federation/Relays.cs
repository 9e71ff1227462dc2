using Marketplace.Application.Usage;
using Marketplace.Domain;
using Marketplace.Domain.Federation;
using Marketplace.Grains;
using Marketplace.Storage;

namespace Marketplace.Application.Federation;

/// <summary>What an operator sends to relay a partner's offering; the margin is one of basis points or a fixed amount.</summary>
/// <param name="Fields">The offering's fields, needed only when the partner shows no preview of it.</param>
public sealed record RelayRequest(string? OfferingId, string? Purpose, long? MarginBasisPoints, long? MarginPerUnit, IReadOnlyList<SchemaField>? Fields = null);

/// <summary>One relay's two ledgers for a period, with how many of our contracts on it were counted.</summary>
public sealed record RelayReconciliation(RelayView Relay, string PartnerName, string Period, int LocalContracts, RelayLedgers Ledgers);

/// <summary>
/// Brokered access to a partner city's offering: this marketplace subscribes at the partner as a buyer and lists a
/// local offering (owned by a party standing for the partner) priced at the partner's price plus a margin, under the
/// partner's policy for the one purpose of the relay contract. Local buyers subscribe to it under normal local
/// contracts; their pages are read at the partner (<see cref="RelayedRecords"/>).
/// </summary>
public sealed class Relays(GrainReferences grains, PartnerRegistry partners, IPartnerMarketplace api, IHoldingsIndex holdings, UsageStatements statements,
    BillingCalendar calendar)
{
    /// <summary>Bound on the local contracts one reconciliation reads (pages of 200).</summary>
    public const int MaxContractsReconciled = 10_000;

    /// <summary>
    /// Relays the partner's offering, or completes a relay begun before (the same offering and purpose name the same
    /// relay, so a retry never subscribes twice: an existing contract at the partner is found before subscribing).
    /// The local offering is listed once the partner's contract is active; until then relaying it again re-checks.
    /// </summary>
    public async Task<RelayView> RelayAsync(string partnerId, RelayRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var partner = await partners.GetAsync(partnerId);
        var margin = MarginOf(request);
        if (!Identifiers.IsValidSlug(request.OfferingId))
        {
            throw new DomainException(DomainErrorCode.InvalidField("offeringId"), "offeringId is the partner's offering id, a lower-case slug.");
        }
        var purpose = UsagePolicy.NormalizePurpose(request.Purpose ?? "");
        if (!UsagePolicy.IsValidPurpose(purpose))
        {
            throw new DomainException(ErrorCodes.ContractPurposeMissing,
                "Name the one purpose the relay contract at the partner is made for, e.g. \"purpose\": \"research\"; local buyers subscribe for it.");
        }
        var address = partners.AddressOf(partner);
        var offering = await api.GetOfferingAsync(address, request.OfferingId!, cancellationToken);
        EnsureRelayable(partner, offering, purpose);
        var localPlan = margin.RelayPlan(offering.PricingFor(purpose));
        var fields = await api.FieldsAsync(address, offering.Id, cancellationToken) ?? request.Fields
            ?? throw new DomainException(ErrorCodes.RelayNotRelayable,
                $"Partner '{partner.Name}' shows no preview of '{offering.Id}', so its fields are unknown here: send them as 'fields' (name, type) with the relay.");
        var schema = new DatasetSchema(fields, null);
        schema.Validate(DatasetClass.Private);

        var relayId = Identifiers.DerivedId("rly", $"{partner.Id}|{offering.Id}|{purpose}");
        var contract = await api.FindContractAsync(address, offering.Id, purpose, cancellationToken)
            ?? await api.SubscribeAsync(address, offering.Id, purpose, relayId, cancellationToken);
        // The partner's charge to us is what its contract says, whatever its catalog said a moment before.
        localPlan = margin.RelayPlan(contract.Pricing);

        var relayParty = Identifiers.DerivedId("city", partner.Id);
        await grains.Get<IPartyGrain>(relayParty).Register(PartyRole.Provider, Bounded($"{partner.Name} (partner city)", TextBounds.Name));
        var title = Bounded(offering.Title, TextBounds.Title);
        var metadata = new DatasetMetadata(title, Bounded($"Relayed from {partner.Name}: {offering.Description}", TextBounds.Description), ["relayed", partner.Id], [], partner.Name,
            "proprietary", null, null, null, null, "ja");
        // The dataset first: it fails if the id were anyone else's, before anything marks it relayed.
        await grains.Get<IDatasetGrain>(relayId).Create(relayParty, new DatasetDefinition(DatasetClass.Private, metadata, schema));
        var relay = await grains.Get<IRelayGrain>(relayId).Record(new RelayView(relayId, partner.Id, offering.Id, contract.Id, contract.Status, purpose, margin,
            contract.Pricing, title, calendar.Now));
        await grains.Get<IPartnerGrain>(partner.Id).AddRelay(relayId);
        // The records are at the partner: the local revision is a marker that the offering has data, with none stored here.
        await grains.Get<IDatasetGrain>(relayId).PublishRevision(relayParty,
            new DatasetRevision(Identifiers.DerivedId("rev", relayId), 0, 0, relay.CreatedAt, RevisionStatus.Published));
        var policy = offering.Policy with { PermittedPurposes = [purpose], Aggregates = null, RedistributionProhibited = true };
        var definition = new OfferingDefinition(relayId, title, metadata.Description,
            localPlan, policy, OfferingVisibility.Public, [], ApprovalMode.Automatic, Preview: false);
        var local = grains.Get<IOfferingGrain>(relayId);
        await local.Create(relayParty, definition);
        if (contract.IsActive && (await local.Get())?.Status != OfferingStatus.Listed)
        {
            await local.Publish(new ApiPrincipal(relayParty, PartyRole.Provider));
        }
        return relay;
    }

    public async Task<IReadOnlyList<RelayView>> ListAsync(string partnerId)
    {
        var partner = await partners.GetAsync(partnerId);
        var relays = await Task.WhenAll(partner.RelayIds.Select(id => grains.Get<IRelayGrain>(id).Get()));
        return [.. relays.OfType<RelayView>()];
    }

    public async Task<RelayView> GetAsync(string partnerId, string relayId)
    {
        var partner = await partners.GetAsync(partnerId);
        return (partner.RelayIds.Contains(relayId, StringComparer.Ordinal) ? await grains.Get<IRelayGrain>(relayId).Get() : null)
            ?? throw new DomainException(ErrorCodes.RelayNotFound, $"Partner '{partner.Id}' has no relay '{TextBounds.Shorten(relayId)}'.");
    }

    /// <summary>
    /// The relay's two ledgers for <paramref name="period"/> (YYYY-MM; default the current one): what our buyers'
    /// contracts on the relayed offering metered and are charged here, against what the partner metered and charges
    /// for the relay contract there.
    /// </summary>
    public async Task<RelayReconciliation> ReconcileAsync(string partnerId, string relayId, string? period, CancellationToken cancellationToken = default)
    {
        var billing = statements.PeriodOf(period);
        var relay = await GetAsync(partnerId, relayId);
        var partner = await partners.GetAsync(partnerId);
        var theirs = await api.GetUsageAsync(partners.AddressOf(partner), relay.PartnerContractId, billing, cancellationToken);

        var contracts = new List<ContractView>();
        IndexPosition? after = null;
        do
        {
            var page = await holdings.ListContractsAsync(new ContractQuery(OfferingId: relay.Id), after, 200, cancellationToken);
            var views = await Task.WhenAll(page.Items.Select(e => grains.Get<IContractGrain>(e.ContractId).Get()));
            contracts.AddRange(views.OfType<ContractView>());
            after = page.Next;
        }
        while (after is not null && contracts.Count < MaxContractsReconciled);
        var ours = await statements.ForContractsAsync(contracts, billing);
        var charge = Money.Zero(relay.PartnerPricing.Currency);
        foreach (var item in ours.Items)
        {
            charge += Money.Of(item.Charge.MinorUnits, item.Charge.Currency);
        }
        var ledgers = RelayLedgers.Compare(relay.PartnerPricing, relay.Margin, [.. ours.Items.Select(i => i.Units)], theirs.Units, theirs.Charge, charge);
        return new RelayReconciliation(relay, partner.Name, billing.Id, contracts.Count, ledgers);
    }

    private static string Bounded(string text, int length) => text.Length <= length ? text : text[..length];

    private static RelayMargin MarginOf(RelayRequest request) => (request.MarginBasisPoints, request.MarginPerUnit) switch
    {
        ({ } bp, null) => RelayMargin.BasisPoints(bp),
        (null, { } fixedMinor) => RelayMargin.FixedPerUnit(fixedMinor),
        _ => throw new DomainException(ErrorCodes.RelayMarginInvalid,
            "Give the relay margin as exactly one of marginBasisPoints (100 = 1 % of the partner's price) or marginPerUnit (minor units per priced block)."),
    };

    private static void EnsureRelayable(PartnerView partner, PartnerOffering offering, string purpose)
    {
        if (offering.DatasetClass == DatasetClass.Personal)
        {
            throw new DomainException(ErrorCodes.RelayNotRelayable,
                $"'{offering.Id}' at {partner.Name} is personal data: it cannot be relayed, because the consent of each person cannot be checked across cities yet.");
        }
        if (offering.Policy.Aggregates?.AggregateOnly == true)
        {
            throw new DomainException(ErrorCodes.RelayNotRelayable, $"'{offering.Id}' at {partner.Name} gives aggregates only; only record pages are relayed.");
        }
        if (offering.Policy.RedistributionProhibited)
        {
            throw new DomainException(ErrorCodes.RelayNotRelayable,
                $"'{offering.Id}' at {partner.Name} prohibits redistribution, and relaying it to our buyers would be redistribution.");
        }
        if (offering.Policy.CheckPurpose(purpose) is { Allowed: false } denied)
        {
            throw new DomainException(ErrorCodes.RelayNotRelayable, $"At {partner.Name}: {denied.Reason}");
        }
    }
}
