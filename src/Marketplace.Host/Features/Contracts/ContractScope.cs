using Marketplace.Domain;
using Marketplace.Grains;

namespace Marketplace.Host.Features.Contracts;

/// <summary>Which contracts a caller may see: a buyer its own, a provider those on its offerings, an operator all.</summary>
public sealed class ContractScope(IGrainFactory grains)
{
    public async Task<IReadOnlyList<ContractView>> VisibleToAsync(ApiPrincipal caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var ids = caller.Role switch
        {
            PartyRole.Buyer => (await grains.GetGrain<IPartyGrain>(caller.PartyId).GetHoldings()).ContractIds,
            _ => await ContractsOnOfferings(await HoldingsVisibleToAsync(caller)),
        };
        var views = await Task.WhenAll(ids.Distinct(StringComparer.Ordinal).Select(id => grains.GetGrain<IContractGrain>(id).Get()));
        return [.. views.OfType<ContractView>().OrderBy(v => v.RequestedAt)];
    }

    /// <summary>The holdings the caller may list: its own, or every party's for an operator.</summary>
    public async Task<IReadOnlyList<PartyHoldings>> HoldingsVisibleToAsync(ApiPrincipal caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var partyIds = caller.Role == PartyRole.Operator ? await grains.GetGrain<IPartyDirectoryGrain>(0).List() : [caller.PartyId];
        return await Task.WhenAll(partyIds.Select(p => grains.GetGrain<IPartyGrain>(p).GetHoldings()));
    }

    /// <summary>The contract if the caller is a party to it (or an operator); otherwise it answers as missing.</summary>
    public async Task<ContractView> GetAsync(string contractId, ApiPrincipal caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var view = await grains.GetGrain<IContractGrain>(contractId).Get();
        var mine = view is not null && caller.Role switch
        {
            PartyRole.Operator => true,
            PartyRole.Provider or PartyRole.InformationBank => view.Terms.ProviderId == caller.PartyId,
            _ => view.BuyerId == caller.PartyId,
        };
        return mine ? view! : throw new DomainException(ErrorCodes.ContractNotFound, $"There is no contract '{contractId}' of yours.");
    }

    private async Task<IReadOnlyList<string>> ContractsOnOfferings(IReadOnlyList<PartyHoldings> holdings)
    {
        var offerings = await Task.WhenAll(holdings.SelectMany(h => h.OfferingIds).Select(o => grains.GetGrain<IOfferingGrain>(o).Get()));
        return [.. offerings.OfType<OfferingView>().SelectMany(o => o.ContractIds)];
    }
}
