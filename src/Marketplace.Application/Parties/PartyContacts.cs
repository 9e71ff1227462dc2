using Marketplace.Domain;
using Marketplace.Grains;

namespace Marketplace.Application.Parties;

/// <summary>
/// The contact address a party publishes: the open-data catalog gives it as the vcard:hasEmail of the contact
/// point of the party's datasets. A party sets its own; the operator may set any party's.
/// </summary>
public sealed class PartyContacts(GrainReferences grains)
{
    public const int MaxLength = 254;

    public async Task<PartyProfile> SetEmailAsync(ApiPrincipal caller, string partyId, string? email)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var profile = Identifiers.IsValidSlug(partyId) && (caller.Role == PartyRole.Operator || caller.PartyId == partyId)
            ? await grains.Get<IPartyGrain>(partyId).GetProfile()
            : null;
        if (profile is null)
        {
            throw new DomainException(ErrorCodes.PartyNotFound, $"There is no party '{TextBounds.Shorten(partyId)}' whose contact you may change.");
        }
        return await grains.Get<IPartyGrain>(partyId).SetContactEmail(Normalize(email));
    }

    /// <summary>The address trimmed, or null for none; refused unless it is one plain address (local@domain.tld).</summary>
    public static string? Normalize(string? email)
    {
        if (string.IsNullOrWhiteSpace(email))
        {
            return null;
        }
        var address = email.Trim();
        var at = address.IndexOf('@', StringComparison.Ordinal);
        var valid = address.Length <= MaxLength && at > 0 && at == address.LastIndexOf('@')
            && address.IndexOf('.', at) is var dot && dot > at + 1 && dot < address.Length - 1 && !address.EndsWith('.')
            && !address.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '<' or '>' or '"' or '(' or ')' or ',' or ';' or ':' or '[' or ']' or '\\');
        return valid
            ? address
            : throw new DomainException(ErrorCodes.PartyContactInvalid,
                $"'{TextBounds.Shorten(email)}' is not an email address like opendata@city.example (at most {MaxLength} characters); send null or \"\" to remove it.");
    }
}
