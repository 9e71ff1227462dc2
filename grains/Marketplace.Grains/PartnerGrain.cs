using Marketplace.Domain;

namespace Marketplace.Grains;

[GenerateSerializer, Alias("Marketplace.PartnerState")]
public sealed class PartnerState
{
    [Id(0)] public PartnerView? Partner { get; set; }
}

[GrainType("partner")]
public sealed class PartnerGrain([PersistentState("partner", GrainStorage.Name)] IPersistentState<PartnerState> state, BillingCalendar calendar)
    : Grain, IPartnerGrain
{
    public async Task<PartnerView> Register(string name, string baseUrl, string protectedBuyerKey)
    {
        var current = state.State.Partner;
        if (current is not null && (current.Name != name || current.BaseUrl != baseUrl))
        {
            throw new DomainException(ErrorCodes.PartnerExists,
                $"A partner with id '{this.GetPrimaryKeyString()}' is already registered with another name or address; remove it first or choose another id.");
        }
        state.State.Partner = current is null
            ? new PartnerView(this.GetPrimaryKeyString(), name, baseUrl, protectedBuyerKey, calendar.Now, [])
            : current with { ProtectedBuyerKey = protectedBuyerKey };
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<IPartnerDirectoryGrain>(Partners.DirectoryKey).Add(this.GetPrimaryKeyString());
        return state.State.Partner;
    }

    public Task<PartnerView?> Get() => Task.FromResult(state.State.Partner);

    public async Task<bool> Remove()
    {
        var was = state.State.Partner is not null;
        if (was)
        {
            state.State.Partner = null;
            await state.WriteStateAsync();
        }
        await GrainFactory.GetGrain<IPartnerDirectoryGrain>(Partners.DirectoryKey).Remove(this.GetPrimaryKeyString());
        return was;
    }

    public async Task<PartnerView> AddRelay(string relayId)
    {
        var partner = state.State.Partner
            ?? throw new DomainException(ErrorCodes.PartnerNotFound, $"There is no partner '{this.GetPrimaryKeyString()}'.");
        if (partner.RelayIds.Contains(relayId, StringComparer.Ordinal))
        {
            return partner;
        }
        if (partner.RelayIds.Count >= Partners.MaxRelaysPerPartner)
        {
            throw new DomainException(ErrorCodes.PartnerLimit, $"A partner has at most {Partners.MaxRelaysPerPartner} relays.");
        }
        state.State.Partner = partner with { RelayIds = [.. partner.RelayIds, relayId] };
        await state.WriteStateAsync();
        return state.State.Partner;
    }
}

[GenerateSerializer, Alias("Marketplace.PartnerDirectoryState")]
public sealed class PartnerDirectoryState
{
    [Id(0)] public List<string> PartnerIds { get; set; } = [];
}

[GrainType("partnerdirectory")]
public sealed class PartnerDirectoryGrain([PersistentState("partners", GrainStorage.Name)] IPersistentState<PartnerDirectoryState> state)
    : Grain, IPartnerDirectoryGrain
{
    public async Task Add(string partnerId)
    {
        if (state.State.PartnerIds.Contains(partnerId, StringComparer.Ordinal))
        {
            return;
        }
        if (state.State.PartnerIds.Count >= Partners.MaxPartners)
        {
            throw new DomainException(ErrorCodes.PartnerLimit, $"At most {Partners.MaxPartners} partners can be registered; remove one first.");
        }
        state.State.PartnerIds.Add(partnerId);
        await state.WriteStateAsync();
    }

    public async Task Remove(string partnerId)
    {
        if (state.State.PartnerIds.Remove(partnerId))
        {
            await state.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<string>> List() => Task.FromResult<IReadOnlyList<string>>([.. state.State.PartnerIds]);
}

[GenerateSerializer, Alias("Marketplace.RelayState")]
public sealed class RelayState
{
    [Id(0)] public RelayView? Relay { get; set; }
}

[GrainType("relay")]
public sealed class RelayGrain([PersistentState("relay", GrainStorage.Name)] IPersistentState<RelayState> state) : Grain, IRelayGrain
{
    public async Task<RelayView> Record(RelayView relay)
    {
        ArgumentNullException.ThrowIfNull(relay);
        var stored = state.State.Relay is { } current ? relay with { CreatedAt = current.CreatedAt } : relay;
        if (stored != state.State.Relay)
        {
            state.State.Relay = stored;
            await state.WriteStateAsync();
        }
        return stored;
    }

    public Task<RelayView?> Get() => Task.FromResult(state.State.Relay);
}
