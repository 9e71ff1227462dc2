using Marketplace.Domain;

namespace Marketplace.Grains;

[GenerateSerializer, Alias("Marketplace.PartyState")]
public sealed partial class PartyState
{
    [Id(0)] public bool Registered { get; set; }
    [Id(1)] public PartyRole Role { get; set; }
    [Id(2)] public string Name { get; set; } = "";
    [Id(3)] public DateTimeOffset CreatedAt { get; set; }
    [Id(4)] public List<string> KeyPrefixes { get; set; } = [];
    [Id(5)] public List<string> DatasetIds { get; set; } = [];
    [Id(6)] public List<string> OfferingIds { get; set; } = [];
    [Id(7)] public List<string> ContractIds { get; set; } = [];
}

public sealed partial class PartyGrain(
    [PersistentState("party", GrainStorage.Name)] IPersistentState<PartyState> state,
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
            throw new DomainException(ErrorCodes.PartyExists, $"A party with id '{this.GetPrimaryKeyString()}' already exists; choose another id.");
        }
        S.Registered = true;
        S.Role = role;
        S.Name = name.Trim();
        S.CreatedAt = calendar.Now;
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<IPartyDirectoryGrain>(0).Add(this.GetPrimaryKeyString());
        return Profile();
    }

    public Task<PartyProfile?> GetProfile() => Task.FromResult(S.Registered ? Profile() : null);

    public Task AddDataset(string datasetId) => AddTo(S.DatasetIds, datasetId);

    public Task AddOffering(string offeringId) => AddTo(S.OfferingIds, offeringId);

    public Task AddContract(string contractId) => AddTo(S.ContractIds, contractId);

    public Task<PartyHoldings> GetHoldings() =>
        Task.FromResult(new PartyHoldings([.. S.DatasetIds], [.. S.OfferingIds], [.. S.ContractIds]));

    private async Task AddTo(List<string> list, string id)
    {
        EnsureRegistered();
        if (!list.Contains(id, StringComparer.Ordinal))
        {
            list.Add(id);
            await state.WriteStateAsync();
        }
    }

    private void EnsureRegistered()
    {
        if (!S.Registered)
        {
            throw new DomainException(ErrorCodes.PartyNotFound, $"There is no party '{this.GetPrimaryKeyString()}'.");
        }
    }

    private PartyProfile Profile() =>
        new(this.GetPrimaryKeyString(), S.Role, S.Name, S.CreatedAt, [.. S.KeyPrefixes], S.Status, S.SuspensionReason);

    private Task Save() => state.WriteStateAsync();

    private DateTimeOffset Now => calendar.Now;
}

[GenerateSerializer, Alias("Marketplace.PartyDirectoryState")]
public sealed class PartyDirectoryState
{
    [Id(0)] public List<string> PartyIds { get; set; } = [];
}

public sealed class PartyDirectoryGrain(
    [PersistentState("directory", GrainStorage.Name)] IPersistentState<PartyDirectoryState> state) : Grain, IPartyDirectoryGrain
{
    public async Task Add(string partyId)
    {
        if (!state.State.PartyIds.Contains(partyId, StringComparer.Ordinal))
        {
            state.State.PartyIds.Add(partyId);
            await state.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<string>> List() => Task.FromResult<IReadOnlyList<string>>([.. state.State.PartyIds]);
}
