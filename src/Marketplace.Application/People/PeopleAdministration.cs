using Marketplace.Domain;
using Marketplace.Grains;

namespace Marketplace.Application.People;

/// <summary>A person just enrolled or reset, with the one-time password to hand over (shown once, never stored in the clear).</summary>
public sealed record PersonWithPassword(PartyPerson Person, string PartyId, string OneTimePassword);

/// <summary>
/// The operator's side of people: enrol a person for a party, list a party's people, reset a password,
/// disable or enable a sign-in. The API and the operator console both come here.
/// </summary>
public sealed class PeopleAdministration(GrainReferences grains, PersonPasswords passwords)
{
    public async Task<PersonWithPassword> EnrolAsync(string partyId, string? signIn, string? displayName)
    {
        var name = SignInNames.Normalize(signIn);
        var party = await ExistingPartyAsync(partyId);
        var oneTime = PersonPasswords.NewOneTimePassword();
        var person = await party.AddPerson(name, displayName ?? "", passwords.Hash(oneTime));
        return new PersonWithPassword(person, partyId, oneTime);
    }

    public async Task<IReadOnlyList<PartyPerson>> ListAsync(string partyId) => await (await ExistingPartyAsync(partyId)).ListPeople();

    public async Task<PersonWithPassword> ResetPasswordAsync(string partyId, string? signIn)
    {
        var name = SignInNames.Normalize(signIn);
        var party = await ExistingPartyAsync(partyId);
        var oneTime = PersonPasswords.NewOneTimePassword();
        var person = await party.ResetPersonPassword(name, passwords.Hash(oneTime));
        return new PersonWithPassword(person, partyId, oneTime);
    }

    public async Task<PartyPerson> SetDisabledAsync(string partyId, string? signIn, bool disabled)
    {
        var name = SignInNames.Normalize(signIn);
        return await (await ExistingPartyAsync(partyId)).SetPersonDisabled(name, disabled);
    }

    private async Task<IPartyGrain> ExistingPartyAsync(string partyId)
    {
        if (!Identifiers.IsValidSlug(partyId))
        {
            throw new DomainException(ErrorCodes.PartyNotFound, $"There is no party '{partyId}'.");
        }
        var party = grains.Get<IPartyGrain>(partyId);
        return await party.GetProfile() is null
            ? throw new DomainException(ErrorCodes.PartyNotFound, $"There is no party '{partyId}'.")
            : party;
    }
}
