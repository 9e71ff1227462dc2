using Marketplace.Domain;
using Marketplace.Storage;

namespace Marketplace.Grains;

[GenerateSerializer, Alias("Marketplace.PartyState")]
public sealed partial class PartyState
{
    [Id(0)] public bool Registered { get; set; }
    [Id(1)] public PartyRole Role { get; set; }
    [Id(2)] public string Name { get; set; } = "";
    [Id(3)] public DateTimeOffset CreatedAt { get; set; }
    [Id(4)] public List<string> KeyPrefixes { get; set; } = [];
    // [Id(5)], [Id(6)] and [Id(7)] held the party's datasets, offerings and contracts; they live in
    // IHoldingsIndex now. Never reuse these numbers.
}

[GrainType("party")]
public sealed partial class PartyGrain(
    [PersistentState("party", GrainStorage.Name)] IPersistentState<PartyState> state,
    IPartyDirectory directory,
    OperationJournal journal,
    BillingCalendar calendar) : Grain, IPartyGrain
{
    private PartyState S => state.State;

    public async Task<PartyProfile> Register(PartyRole role, string name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new DomainException(ErrorCodes.PartyInvalidName, "A party needs a name, e.g. \"Minato Rail\".");
        }
        if (S.Registered)
        {
            if (S.Role != role || S.Name != name.Trim())
            {
                throw new DomainException(ErrorCodes.PartyExists, $"A party with id '{this.GetPrimaryKeyString()}' already exists; choose another id.");
            }
            // The same registration again (a retry): it completes whatever its first attempt left undone.
            await directory.PutAsync(DirectoryEntry());
            return Profile();
        }
        var intent = await journal.BeginAsync(new Reconciliation(Reconciliation.Party, this.GetPrimaryKeyString()));
        S.Registered = true;
        S.Role = role;
        S.Name = name.Trim();
        S.CreatedAt = calendar.Now;
        await state.WriteStateAsync();
        await directory.PutAsync(DirectoryEntry());
        await journal.EndAsync(intent);
        return Profile();
    }

    public async Task Reconcile()
    {
        if (S.Registered)
        {
            await directory.PutAsync(DirectoryEntry());
        }
    }

    public Task<PartyProfile?> GetProfile() => Task.FromResult(S.Registered ? Profile() : null);

    private void EnsureRegistered()
    {
        if (!S.Registered)
        {
            throw new DomainException(ErrorCodes.PartyNotFound, $"There is no party '{this.GetPrimaryKeyString()}'.");
        }
    }

    private PartyEntry DirectoryEntry() => new(this.GetPrimaryKeyString(), S.Role.ToString(), S.Name, S.CreatedAt);

    private PartyProfile Profile() =>
        new(this.GetPrimaryKeyString(), S.Role, S.Name, S.CreatedAt, [.. S.KeyPrefixes], S.Status, S.SuspensionReason, S.Billing,
            S.Certifications.Count == 0 ? null : [.. S.Certifications], S.ContactEmail);

    private Task Save() => state.WriteStateAsync();

    private DateTimeOffset Now => calendar.Now;
}
