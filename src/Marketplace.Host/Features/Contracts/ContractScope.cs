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
            PartyRole.Provider => await ContractsOfProviders([caller.PartyId]),
            _ => await ContractsOfProviders(await grains.GetGrain<IPartyDirectoryGrain>(0).List()),
        };
        var views = await Task.WhenAll(ids.Distinct(StringComparer.Ordinal).Select(id => grains.GetGrain<IContractGrain>(id).Get()));
        return [.. views.OfType<ContractView>().OrderBy(v => v.RequestedAt)];
    }

    /// <summary>The contract if the caller is a party to it (or an operator); otherwise it answers as missing.</summary>
    public async Task<ContractView> GetAsync(string contractId, ApiPrincipal caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var view = await grains.GetGrain<IContractGrain>(contractId).Get();
        var mine = view is not null && caller.Role switch
        {
            PartyRole.Operator => true,
            PartyRole.Provider => view.Terms.ProviderId == caller.PartyId,
            _ => view.BuyerId == caller.PartyId,
        };
        return mine ? view! : throw new DomainException("contract.not-found", $"There is no contract '{contractId}' of yours.");
    }

    private async Task<IReadOnlyList<string>> ContractsOfProviders(IReadOnlyList<string> providerIds)
    {
        var holdings = await Task.WhenAll(providerIds.Select(p => grains.GetGrain<IPartyGrain>(p).GetHoldings()));
        var offerings = await Task.WhenAll(holdings.SelectMany(h => h.OfferingIds).Select(o => grains.GetGrain<IOfferingGrain>(o).Get()));
        return [.. offerings.OfType<OfferingView>().SelectMany(o => o.ContractIds)];
    }
}
