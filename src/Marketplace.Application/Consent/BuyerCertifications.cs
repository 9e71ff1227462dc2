using Marketplace.Domain;
using Marketplace.Grains;

namespace Marketplace.Application.Consent;

/// <summary>
/// The certifications a buyer declares on its profile (e.g. Privacy Mark, ISMS / ISO/IEC 27001), which an information
/// bank reads in its data-ethics review. A buyer declares its own; the operator may correct any buyer's.
/// </summary>
public sealed class BuyerCertifications(GrainReferences grains)
{
    public const int MaxCount = 10;
    public const int MaxLength = 100;

    public async Task<PartyProfile> SetAsync(ApiPrincipal caller, string partyId, IReadOnlyList<string?>? certifications)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var profile = Identifiers.IsValidSlug(partyId) && (caller.Role == PartyRole.Operator || caller.PartyId == partyId)
            ? await grains.Get<IPartyGrain>(partyId).GetProfile()
            : null;
        if (profile is null)
        {
            throw new DomainException(ErrorCodes.PartyNotFound, $"There is no party '{TextBounds.Shorten(partyId)}' whose certifications you may change.");
        }
        if (profile.Role != PartyRole.Buyer)
        {
            throw new DomainException(ErrorCodes.CertificationsInvalid, $"Only buyers declare certifications; '{profile.Id}' is a {profile.Role}.");
        }
        return await grains.Get<IPartyGrain>(partyId).SetCertifications(Normalize(certifications));
    }

    /// <summary>A buyer as a bank's reviewer sees it (its name and declared certifications), or null when there is no such buyer.</summary>
    public async Task<PartyProfile?> FindBuyerAsync(string? buyerId) =>
        Identifiers.IsValidSlug(buyerId) && await grains.Get<IPartyGrain>(buyerId!).GetProfile() is { Role: PartyRole.Buyer } buyer ? buyer : null;

    /// <summary>Trimmed, without blanks or repeats, in the order given; at most <see cref="MaxCount"/> of at most <see cref="MaxLength"/> characters.</summary>
    public static IReadOnlyList<string> Normalize(IReadOnlyList<string?>? certifications)
    {
        var list = (certifications ?? []).Select(c => c?.Trim() ?? "").Where(c => c.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (list.Count > MaxCount)
        {
            throw new DomainException(ErrorCodes.CertificationsInvalid, $"Declare at most {MaxCount} certifications; {list.Count} were given.");
        }
        if (list.Find(c => c.Length > MaxLength) is { } tooLong)
        {
            throw new DomainException(ErrorCodes.CertificationsInvalid,
                $"'{TextBounds.Shorten(tooLong)}' is {tooLong.Length} characters long; name a certification in at most {MaxLength}, e.g. \"Privacy Mark 17000000(01)\".");
        }
        return list;
    }
}
