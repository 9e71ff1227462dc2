using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Marketplace.Domain;
using Marketplace.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Grains.Tests.Interruptions;

/// <summary>One run of a scenario: its own ids (a fresh suffix), the grains and the silo's ports.</summary>
public sealed class ScenarioRun(InterruptionClusterFixture fixture)
{
    public string Suffix { get; } = Guid.NewGuid().ToString("N")[..12];

    public IGrainFactory Grains => fixture.Grains;

    public IServiceProvider Silo => fixture.Silo;

    public string Id(string prefix) => $"{prefix}-{Suffix}";

    /// <summary>Values a step of the arrangement made for the act (e.g. the contract the buyer holds).</summary>
    public Dictionary<string, string> Made { get; } = [];

    /// <summary>The text with this run's ids made neutral, so runs compare.</summary>
    public string Neutral(string text) => text.Replace(Suffix, "#", StringComparison.Ordinal);
}

/// <summary>
/// An operation that crosses grains or ports: what it needs first, the operation itself, and what it leaves
/// behind (grain state, index entries, catalog, keys), as text in which the run's ids are neutral.
/// </summary>
public sealed record CrossGrainScenario(
    string Name,
    Func<ScenarioRun, Task> Arrange,
    Func<ScenarioRun, Task> Act,
    Func<ScenarioRun, IReadOnlyList<string>, Task<string>> Snapshot,
    bool SweepUndoes = false)
{
    public override string ToString() => Name;

    /// <summary>Runs the operation uninterrupted: the writes it makes, in order, and the state it leaves.</summary>
    public async Task<(IReadOnlyList<string> Writes, string Expected)> BaselineAsync(InterruptionClusterFixture fixture)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        var baseline = new ScenarioRun(fixture);
        await Arrange(baseline);
        var mark = fixture.Interruptions.Mark;
        await Act(baseline);
        var writes = fixture.Interruptions.WritesSince(mark);
        return (writes, await Snapshot(baseline, writes));
    }
}

public static class CrossGrainScenarios
{
    private static readonly string[] Purposes = ["research"];

    public static readonly CrossGrainScenario RegisterParty = new("Party.Register",
        _ => Task.CompletedTask,
        run => run.Grains.GetGrain<IPartyGrain>(run.Id("party")).Register(PartyRole.Buyer, "Interrupted buyer"),
        async (run, _) => $"{await ProfileAsync(run, run.Id("party"))}; {await DirectoryAsync(run, run.Id("party"))}");

    public static readonly CrossGrainScenario CreateDataset = new("Dataset.Create",
        ProviderAsync,
        run => run.Grains.GetGrain<IDatasetGrain>(run.Id("ds")).Create(run.Id("prov"), Dataset()),
        async (run, _) =>
        {
            var view = await run.Grains.GetGrain<IDatasetGrain>(run.Id("ds")).Get();
            var held = await run.Silo.GetRequiredService<IHoldingsIndex>().ListDatasetsAsync(run.Id("prov"), null, IndexLimits.MaxPageSize);
            return run.Neutral($"dataset {view?.ProviderId} {view?.Definition.Metadata.Title}; held [{string.Join(", ", held.Items.Select(h => $"{h.ItemId} at creation: {h.CreatedAt == view?.CreatedAt}"))}]");
        });

    public static readonly CrossGrainScenario CreateOffering = new("Offering.Create",
        async run =>
        {
            await ProviderAsync(run);
            await DatasetAsync(run);
        },
        run => run.Grains.GetGrain<IOfferingGrain>(run.Id("off")).Create(run.Id("prov"), Offering(run, ApprovalMode.Automatic)),
        async (run, _) =>
        {
            var view = await run.Grains.GetGrain<IOfferingGrain>(run.Id("off")).Get();
            var held = await run.Silo.GetRequiredService<IHoldingsIndex>().ListOfferingsAsync(run.Id("prov"), null, IndexLimits.MaxPageSize);
            return run.Neutral($"offering {view?.ProviderId} {view?.Status} {view?.Definition.Title}; held [{string.Join(", ", held.Items.Select(h => $"{h.ItemId} at creation: {h.CreatedAt == view?.CreatedAt}"))}]");
        });

    public static readonly CrossGrainScenario Publish = new("Offering.Publish",
        async run =>
        {
            await ProviderAsync(run);
            await DatasetAsync(run);
            await run.Grains.GetGrain<IOfferingGrain>(run.Id("off")).Create(run.Id("prov"), Offering(run, ApprovalMode.Automatic));
        },
        run => run.Grains.GetGrain<IOfferingGrain>(run.Id("off")).Publish(new ApiPrincipal(run.Id("prov"), PartyRole.Provider)),
        (run, _) => ListingAsync(run));

    public static readonly CrossGrainScenario Delist = new("Offering.Delist",
        ListedOfferingAsync,
        run => run.Grains.GetGrain<IOfferingGrain>(run.Id("off")).Delist(new ApiPrincipal(run.Id("prov"), PartyRole.Provider)),
        (run, _) => ListingAsync(run));

    /// <summary>The provider edits a listed offering's terms with the version it read: the catalog must follow the new title.</summary>
    public static readonly CrossGrainScenario Revise = new("Offering.Revise",
        ListedOfferingAsync,
        run => run.Grains.GetGrain<IOfferingGrain>(run.Id("off")).Revise(new ApiPrincipal(run.Id("prov"), PartyRole.Provider), 2,
            Offering(run, ApprovalMode.Automatic) with { Title = "Bus stops, revised" }),
        (run, _) => ListingAsync(run));

    public static readonly CrossGrainScenario Subscribe = new("Offering.Subscribe",
        ListedOfferingAsync,
        run => run.Grains.GetGrain<IOfferingGrain>(run.Id("off")).Subscribe(run.Id("buyer"), "research"),
        async (run, writes) => $"{await ContractsAsync(run)}; contracts stored: {writes.Where(w => w.StartsWith("state contract/", StringComparison.Ordinal)).Distinct().Count()}");

    public static readonly CrossGrainScenario Approve = new("Contract.Transition",
        async run =>
        {
            await ListedOfferingAsync(run, ApprovalMode.Provider);
            var contract = await run.Grains.GetGrain<IOfferingGrain>(run.Id("off")).Subscribe(run.Id("buyer"), "research");
            run.Made["contract"] = contract.Id;
        },
        run => run.Grains.GetGrain<IContractGrain>(run.Made["contract"]).Transition(ContractAction.Approve, new ApiPrincipal(run.Id("prov"), PartyRole.Provider), null),
        (run, _) => ContractsAsync(run));

    public static readonly CrossGrainScenario AddKey = new("Party.AddKey",
        run => run.Grains.GetGrain<IPartyGrain>(run.Id("party")).Register(PartyRole.Buyer, "Key holder"),
        run => run.Grains.GetGrain<IPartyGrain>(run.Id("party")).AddKey(KeyPrefix(run), SecretHash(run)),
        (run, _) => KeysAsync(run),
        // A key whose issue stopped half-way was never handed to anyone: the sweep drops it.
        SweepUndoes: true);

    public static readonly CrossGrainScenario RevokeKey = new("Party.RevokeKey",
        async run =>
        {
            await run.Grains.GetGrain<IPartyGrain>(run.Id("party")).Register(PartyRole.Buyer, "Key holder");
            await run.Grains.GetGrain<IPartyGrain>(run.Id("party")).AddKey(KeyPrefix(run), SecretHash(run));
        },
        run => run.Grains.GetGrain<IPartyGrain>(run.Id("party")).RevokeKey(KeyPrefix(run)),
        (run, _) => KeysAsync(run));

    public static readonly CrossGrainScenario AddPerson = new("Party.AddPerson",
        run => run.Grains.GetGrain<IPartyGrain>(run.Id("party")).Register(PartyRole.Buyer, "Person holder"),
        run => run.Grains.GetGrain<IPartyGrain>(run.Id("party")).AddPerson(SignIn(run), "山田 花子", "hash-" + run.Suffix),
        (run, _) => PeopleAsync(run),
        // A person whose enrolment stopped half-way never got the password: the sweep drops them.
        SweepUndoes: true);

    private static async Task<string> PeopleAsync(ScenarioRun run)
    {
        var people = await run.Grains.GetGrain<IPartyGrain>(run.Id("party")).ListPeople();
        var credential = await run.Grains.GetGrain<IPersonGrain>(PersonKey.For(SignIn(run))).GetCredential();
        return run.Neutral($"people [{string.Join(", ", people.Select(p => $"{p.SignIn} {p.DisplayName}"))}]; signs in for: {credential?.PartyId ?? "nobody"}");
    }

    private static string SignIn(ScenarioRun run) => $"person-{run.Suffix}@example.jp";

    private static async Task<string> ProfileAsync(ScenarioRun run, string partyId)
    {
        var profile = await run.Grains.GetGrain<IPartyGrain>(partyId).GetProfile();
        return run.Neutral($"party {profile?.Id} {profile?.Role} {profile?.Name}");
    }

    private static async Task<string> DirectoryAsync(ScenarioRun run, string partyId)
    {
        var profile = await run.Grains.GetGrain<IPartyGrain>(partyId).GetProfile();
        var directory = run.Silo.GetRequiredService<IPartyDirectory>();
        var entries = new List<PartyEntry>();
        IndexPosition? after = null;
        do
        {
            var page = await directory.ListAsync(after, IndexLimits.MaxPageSize);
            entries.AddRange(page.Items.Where(e => e.PartyId == partyId));
            after = page.Next;
        }
        while (after is not null);
        return run.Neutral($"directory [{string.Join(", ", entries.Select(e => $"{e.PartyId} {e.Role} {e.Name} at creation: {e.CreatedAt == profile?.CreatedAt}"))}]");
    }

    private static async Task<string> ListingAsync(ScenarioRun run)
    {
        var view = await run.Grains.GetGrain<IOfferingGrain>(run.Id("off")).Get();
        var listed = await run.Silo.GetRequiredService<ICatalogIndex>().SearchAsync(new CatalogQuery(ProviderId: run.Id("prov"), ViewerSeesAll: true));
        return run.Neutral($"offering {view?.Status}; catalog [{string.Join(", ", listed.Items.Select(l => $"{l.OfferingId} {l.Title}"))}]");
    }

    private static async Task<string> ContractsAsync(ScenarioRun run)
    {
        var entries = await run.Silo.GetRequiredService<IHoldingsIndex>().ListContractsAsync(new ContractQuery(OfferingId: run.Id("off")), null, IndexLimits.MaxPageSize);
        var lines = new List<string>();
        foreach (var entry in entries.Items)
        {
            var contract = await run.Grains.GetGrain<IContractGrain>(entry.ContractId).Get();
            lines.Add($"{entry.BuyerId} {entry.Purpose} indexed {entry.Status}, stored {contract?.Status}");
        }
        return run.Neutral($"contracts [{string.Join(", ", lines)}]");
    }

    private static async Task<string> KeysAsync(ScenarioRun run)
    {
        var keys = await run.Grains.GetGrain<IPartyGrain>(run.Id("party")).ListKeys();
        var verified = await run.Grains.GetGrain<IApiKeyGrain>(KeyPrefix(run)).Verify(SecretHash(run));
        return run.Neutral($"keys [{string.Join(", ", keys.Select(k => $"{(k.Prefix == KeyPrefix(run) ? "the key" : k.Prefix)} revoked: {k.RevokedAt is not null}"))}]; key works for: {verified.Principal?.PartyId ?? "nobody"}");
    }

    private static Task ProviderAsync(ScenarioRun run) =>
        run.Grains.GetGrain<IPartyGrain>(run.Id("prov")).Register(PartyRole.Provider, "Interrupted provider");

    private static async Task DatasetAsync(ScenarioRun run)
    {
        var dataset = run.Grains.GetGrain<IDatasetGrain>(run.Id("ds"));
        await dataset.Create(run.Id("prov"), Dataset());
        await dataset.PublishRevision(run.Id("prov"), new DatasetRevision("rev-1", 0, 0, ClusterFixture.Start, RevisionStatus.Published));
    }

    private static Task ListedOfferingAsync(ScenarioRun run) => ListedOfferingAsync(run, ApprovalMode.Automatic);

    private static async Task ListedOfferingAsync(ScenarioRun run, ApprovalMode approval)
    {
        await ProviderAsync(run);
        await DatasetAsync(run);
        var offering = run.Grains.GetGrain<IOfferingGrain>(run.Id("off"));
        await offering.Create(run.Id("prov"), Offering(run, approval));
        await offering.Publish(new ApiPrincipal(run.Id("prov"), PartyRole.Provider));
    }

    private static DatasetDefinition Dataset() => new(DatasetClass.Private,
        new DatasetMetadata("Bus stops", "Where the buses stop.", ["bus"], ["transport"], "City", "proprietary", null, null, null, null, "ja"),
        new DatasetSchema([new SchemaField("stop_id", FieldType.String, true)], null));

    private static OfferingDefinition Offering(ScenarioRun run, ApprovalMode approval) => new(run.Id("ds"), "", "",
        PricingPlan.PerUnit(Money.Of(1, "JPY"), UsageUnit.Record), UsagePolicy.Open with { PermittedPurposes = Purposes },
        OfferingVisibility.Public, [], approval);

    private static string KeyPrefix(ScenarioRun run) => "k" + run.Suffix[..11];

    private static byte[] SecretHash(ScenarioRun run) => SHA256.HashData(Encoding.UTF8.GetBytes("secret-" + run.Suffix));

    internal static string Describe(IReadOnlyList<string> writes) =>
        string.Join(" → ", writes.Select((w, i) => string.Create(CultureInfo.InvariantCulture, $"{i + 1}:{w}")));
}
