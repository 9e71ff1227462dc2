using Marketplace.Domain;
using Marketplace.Grains;
using Marketplace.Storage;

namespace Marketplace.Host.Features.Contracts;

/// <summary>
/// Which contracts a caller may see: a buyer its own, a provider those on its offerings, an operator all.
/// Lists come a page at a time from the holdings index, never from a walk over every offering.
/// </summary>
public sealed class ContractScope(IGrainFactory grains, IHoldingsIndex holdings)
{
    /// <summary>
    /// One page of the caller's contracts, oldest first, optionally only those now in <paramref name="status"/>
    /// or on <paramref name="offeringId"/>. A page may hold fewer items than asked for (even none) and still have
    /// a next page: the index reads a bounded window when filtering.
    /// </summary>
    public async Task<IndexPage<ContractView>> PageVisibleToAsync(
        ApiPrincipal caller, PageRequest page, ContractStatus? status = null, string? offeringId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(page);
        var query = caller.Role switch
        {
            PartyRole.Operator => new ContractQuery(),
            _ when caller.Role.ActsAsProvider() => new ContractQuery(ProviderId: caller.PartyId),
            _ => new ContractQuery(BuyerId: caller.PartyId),
        } with
        {
            OfferingId = offeringId,
            Statuses = status is { } wanted ? ContractIndexing.StoredStatusesFor(wanted) : null,
        };
        var entries = await holdings.ListContractsAsync(query, page.After, page.PageSize, cancellationToken);
        var views = await Task.WhenAll(entries.Items.Select(e => grains.GetGrain<IContractGrain>(e.ContractId).Get()));
        // The contract itself has the last word: its current status (an end date may have passed) and its parties.
        var visible = views.OfType<ContractView>().Where(v => Tenancy.MaySee(caller, v) && (status is null || v.Status == status));
        return new IndexPage<ContractView>([.. visible], entries.Next);
    }

    /// <summary>The contract if the caller is a party to it (or an operator); otherwise it answers as missing.</summary>
    public async Task<ContractView> GetAsync(string contractId, ApiPrincipal caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var view = await grains.GetGrain<IContractGrain>(contractId).Get();
        return view is not null && Tenancy.MaySee(caller, view)
            ? view
            : throw new DomainException(ErrorCodes.ContractNotFound, $"There is no contract '{contractId}' of yours.");
    }
}
