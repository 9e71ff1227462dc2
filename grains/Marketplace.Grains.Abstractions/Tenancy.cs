using Marketplace.Domain;

namespace Marketplace.Grains;

/// <summary>
/// Who may see or act on a dataset, an offering, a contract and its usage: the one home of tenancy and
/// visibility, called by endpoints and grains alike. What a caller may not see answers exactly as what does
/// not exist (404), so another tenant's ids reveal nothing.
/// </summary>
public static class Tenancy
{
    /// <summary>Providers and information banks list datasets and offerings and manage their contracts alike.</summary>
    public static bool ActsAsProvider(this PartyRole role) => role is PartyRole.Provider or PartyRole.InformationBank;

    /// <summary>A dataset or offering is managed by the provider that holds it, and by the operator.</summary>
    public static bool MayManage(ApiPrincipal caller, string providerId)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return caller.Role == PartyRole.Operator || (caller.Role.ActsAsProvider() && caller.PartyId == providerId);
    }

    /// <summary>Whose holdings a caller lists: its own, or (null) everyone's for the operator.</summary>
    public static string? HoldingsOwnerFor(ApiPrincipal caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return caller.Role == PartyRole.Operator ? null : caller.PartyId;
    }

    /// <summary>A listed offering exists for a buyer when it is public or the buyer is named on it.</summary>
    public static bool IsOfferedTo(OfferingView offering, string buyerId)
    {
        ArgumentNullException.ThrowIfNull(offering);
        return IsOfferedToAll(offering)
            || (offering.Status == OfferingStatus.Listed && offering.Definition.Buyers.Contains(buyerId, StringComparer.Ordinal));
    }

    /// <summary>A listed public offering exists for everyone, signed in or not (whatever the class of its data).</summary>
    public static bool IsOfferedToAll(OfferingView offering)
    {
        ArgumentNullException.ThrowIfNull(offering);
        return offering.Status == OfferingStatus.Listed && offering.Definition.Visibility == OfferingVisibility.Public;
    }

    /// <summary>Whether <paramref name="caller"/> (null: an anonymous visitor) may see the offering; otherwise it answers as absent.</summary>
    public static bool MaySee(ApiPrincipal? caller, OfferingView offering)
    {
        ArgumentNullException.ThrowIfNull(offering);
        // Whoever signs in never sees less than a visitor: another provider browsing the catalog sees what is offered to all.
        return IsOfferedToAll(offering)
            || (caller is not null && (MayManage(caller, offering.ProviderId) || (caller.Role == PartyRole.Buyer && IsOfferedTo(offering, caller.PartyId))));
    }

    /// <summary>
    /// The offering as the caller may see it: a buyer named on a private offering learns that it is named, never
    /// who else is.
    /// </summary>
    public static OfferingView AsSeenBy(ApiPrincipal? caller, OfferingView offering)
    {
        ArgumentNullException.ThrowIfNull(offering);
        if (caller is not null && MayManage(caller, offering.ProviderId))
        {
            return offering;
        }
        var named = caller is not null && offering.Definition.Buyers.Contains(caller.PartyId, StringComparer.Ordinal);
        return offering with { Definition = offering.Definition with { Buyers = named ? [caller!.PartyId] : [] } };
    }

    /// <summary>The part the caller plays in a contract between <paramref name="buyerId"/> and <paramref name="providerId"/>, or null for none.</summary>
    public static Actor? ActorIn(ApiPrincipal caller, string providerId, string buyerId)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return caller.Role switch
        {
            PartyRole.Operator => Actor.Operator,
            _ when caller.Role.ActsAsProvider() && caller.PartyId == providerId => Actor.Provider,
            PartyRole.Buyer when caller.PartyId == buyerId => Actor.Buyer,
            _ => null,
        };
    }

    /// <summary>A contract, and its usage, are seen by its buyer, its provider and the operator.</summary>
    public static bool MaySee(ApiPrincipal caller, ContractView contract)
    {
        ArgumentNullException.ThrowIfNull(contract);
        return ActorIn(caller, contract.Terms.ProviderId, contract.BuyerId) is not null;
    }

    /// <summary>What of the catalog a caller sees: every listing for the operator, a buyer's private offers, public ones for all.</summary>
    public static (string? BuyerId, bool SeesAll) CatalogViewOf(ApiPrincipal? caller) =>
        caller is null ? (null, false) : (caller.Role == PartyRole.Buyer ? caller.PartyId : null, caller.Role == PartyRole.Operator);
}
