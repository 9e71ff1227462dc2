using Marketplace.Domain;

namespace Marketplace.Grains;

public sealed partial class PartyState
{
    [Id(24)] public List<PartyPerson> People { get; set; } = [];
}

/// <summary>
/// A party's people: the party lists them (and so decides who acts for it); each person's grain holds the
/// credential. Enrolling writes the list first, so a person can never sign in without the party knowing.
/// </summary>
public sealed partial class PartyGrain
{
    /// <summary>People per party: a city department or a company's data team, not a directory of everyone.</summary>
    public const int MaxPeople = 200;

    private const int MaxDisplayNameLength = 100;

    public async Task<PartyPerson> AddPerson(string signIn, string displayName, string passwordHash)
    {
        EnsureRegistered();
        var name = displayName?.Trim() ?? "";
        if (name.Length == 0 || name.Length > MaxDisplayNameLength || name.Any(char.IsControl))
        {
            throw new DomainException(ErrorCodes.PersonInvalidName,
                $"Give the person's name as others should see it (1 to {MaxDisplayNameLength} characters), e.g. \"山田 花子\".");
        }
        var enrolment = new PersonEnrolment(this.GetPrimaryKeyString(), S.Role, name, passwordHash, SignIn: signIn);
        if (S.People.Find(p => p.SignIn == signIn) is { } listed)
        {
            // A retry finishes an enrolment that stopped short; a second person under the same name is refused.
            await GrainFactory.GetGrain<IPersonGrain>(PersonKey.For(signIn)).Enrol(enrolment);
            return listed;
        }
        if (S.People.Count >= MaxPeople)
        {
            throw new DomainException(ErrorCodes.PersonLimit,
                $"Party '{this.GetPrimaryKeyString()}' already has {MaxPeople} people, the most a party may have; ask the operator to re-use the sign-in of someone who left (reset its password).");
        }
        var intent = await journal.BeginAsync(new Reconciliation(Reconciliation.PartyPerson, this.GetPrimaryKeyString(), Person: signIn));
        var person = new PartyPerson(signIn, name, Now);
        S.People.Add(person);
        await Save();
        try
        {
            await GrainFactory.GetGrain<IPersonGrain>(PersonKey.For(signIn)).Enrol(enrolment);
        }
        catch (DomainException)
        {
            S.People.RemoveAll(p => p.SignIn == signIn);
            await Save();
            await journal.EndAsync(intent);
            throw;
        }
        await journal.EndAsync(intent);
        return person;
    }

    public Task<IReadOnlyList<PartyPerson>> ListPeople()
    {
        EnsureRegistered();
        return Task.FromResult<IReadOnlyList<PartyPerson>>([.. S.People]);
    }

    public async Task<PartyPerson> ResetPersonPassword(string signIn, string passwordHash)
    {
        var person = Listed(signIn);
        await GrainFactory.GetGrain<IPersonGrain>(PersonKey.For(signIn)).SetPassword(this.GetPrimaryKeyString(), passwordHash);
        return person;
    }

    public async Task<PartyPerson> SetPersonDisabled(string signIn, bool disabled)
    {
        var person = Listed(signIn);
        // The person grain first: a disabled person must stop signing in even if recording it here fails.
        await GrainFactory.GetGrain<IPersonGrain>(PersonKey.For(signIn)).SetDisabled(this.GetPrimaryKeyString(), disabled);
        if (person.Disabled != disabled)
        {
            person = person with { Disabled = disabled };
            S.People[S.People.FindIndex(p => p.SignIn == signIn)] = person;
            await Save();
        }
        return person;
    }

    public async Task SettlePerson(string signIn)
    {
        if (!S.Registered || !S.People.Exists(p => p.SignIn == signIn))
        {
            return;
        }
        if (await GrainFactory.GetGrain<IPersonGrain>(PersonKey.For(signIn)).HolderParty() != this.GetPrimaryKeyString())
        {
            // Listed but never enrolled for this party: the enrolment stopped half-way, and its password reached no one.
            S.People.RemoveAll(p => p.SignIn == signIn);
            await Save();
        }
    }

    private PartyPerson Listed(string signIn)
    {
        EnsureRegistered();
        return S.People.Find(p => p.SignIn == signIn)
            ?? throw new DomainException(ErrorCodes.PersonNotFound, $"Party '{this.GetPrimaryKeyString()}' has no person '{signIn}'.");
    }
}
