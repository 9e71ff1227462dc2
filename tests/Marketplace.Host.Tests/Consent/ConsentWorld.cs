using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Host.Features.Consent;
using Marketplace.Host.Features.Contracts;

namespace Marketplace.Host.Tests.Consent;

/// <summary>A person registered at the bank, with their own API key.</summary>
public sealed record Resident(string SubjectId, HttpClient Client, string? SignIn, string? Password);

/// <summary>
/// An information bank holding a personal health dataset of three residents (age, and hba1c which is sensitive; their
/// name is never an item), a notice, an academic buyer the bank reviewed, and an active contract of that buyer.
/// </summary>
public sealed class ConsentWorld
{
    public const string Purpose = "academic-research";

    private ConsentWorld(IMarketplaceEndpoint factory, Party bank, Party buyer, string datasetId, string noticeId, ContractResponse contract, IReadOnlyList<Resident> residents)
    {
        OfferingId = contract.OfferingId;
        Factory = factory;
        Bank = bank;
        Buyer = buyer;
        DatasetId = datasetId;
        NoticeId = noticeId;
        Contract = contract;
        Residents = residents;
    }

    public IMarketplaceEndpoint Factory { get; }

    public Party Bank { get; }

    public Party Buyer { get; }

    public string DatasetId { get; }

    public string NoticeId { get; }

    /// <summary>The bank's listed, public offering of the dataset.</summary>
    public string OfferingId { get; }

    public ContractResponse Contract { get; }

    public IReadOnlyList<Resident> Residents { get; }

    public static object HealthDataset(string id) => new
    {
        id,
        @class = "personal",
        title = "Health checks",
        description = "Health check results held for residents.",
        keywords = new[] { "health" },
        themes = new[] { "HEAL" },
        publisher = "Bank",
        licence = "proprietary",
        language = "ja",
        schema = new
        {
            fields = new object[]
            {
                new { name = "resident_id", type = "string", required = true },
                new { name = "name", type = "string", required = true },
                new { name = "age", type = "integer", required = true },
                new { name = "hba1c", type = "number", required = true },
            },
            subjectField = "resident_id",
        },
        personal = new
        {
            category = "health",
            items = new object[] { new { field = "age", sensitive = false }, new { field = "hba1c", sensitive = true } },
        },
    };

    public static Task<ConsentWorld> CreateAsync(MarketplaceFixture fixture, int residents = 3, bool signIns = false)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        return CreateAsync(fixture.Factory, fixture.Driver, residents, signIns);
    }

    /// <summary>The world on any marketplace (the browser tests' own, on a real port).</summary>
    public static async Task<ConsentWorld> CreateAsync(IMarketplaceEndpoint factory, MarketplaceDriver driver, int residents = 3, bool signIns = false)
    {
        ArgumentNullException.ThrowIfNull(driver);
        var bank = await driver.CreatePartyAsync("information-bank");
        var datasetId = MarketplaceDriver.UniqueId("health");
        await driver.CreateDatasetAsync(bank, HealthDataset(datasetId));
        var ids = Enumerable.Range(0, residents).Select(i => $"subj-{i}-{Guid.NewGuid():N}"[..20]).ToList();
        await MarketplaceDriver.UploadCsvAsync(bank, datasetId,
            "resident_id,name,age,hba1c\n" + string.Concat(ids.Select((id, i) => $"{id},山田 {i},{40 + i},5.{i}\n")));
        var offering = await MarketplaceDriver.CreateOfferingAsync(bank, new
        {
            id = MarketplaceDriver.UniqueId("off"),
            datasetId,
            pricing = new { model = "per-unit", currency = "JPY", amount = 5, unit = "record" },
            policy = new { purposes = new[] { Purpose } },
            visibility = "public",
            approval = "provider",
        });
        await MarketplaceDriver.PublishAsync(bank, offering.Id);

        var buyer = await driver.CreatePartyAsync("buyer");
        await Expect(await bank.Client.PutAsJsonAsync($"/api/v1/bank/reviews/{buyer.Id}",
            new { @class = "academic", purposes = new[] { Purpose }, note = "Ethics board approval checked; Privacy Mark holder." }), HttpStatusCode.OK);
        var contract = await MarketplaceDriver.SubscribeAsync(buyer, offering.Id, Purpose);
        await Expect(await bank.Client.PostAsync($"/api/v1/contracts/{contract.Id}/approve", null), HttpStatusCode.OK);

        var noticeId = MarketplaceDriver.UniqueId("notice");
        await Expect(await bank.Client.PutAsJsonAsync($"/api/v1/bank/notices/{noticeId}", Notice(datasetId, [Purpose])), HttpStatusCode.OK);

        var people = await RegisterAsync(factory, bank, ids, signIns);
        return new ConsentWorld(factory, bank, buyer, datasetId, noticeId, contract, people);
    }

    /// <summary>Registers more residents at the world's bank (with no records in its dataset).</summary>
    public static Task<IReadOnlyList<Resident>> CreateResidentsAsync(ConsentWorld world, int count) =>
        RegisterAsync(world.Factory, world.Bank, [.. Enumerable.Range(0, count).Select(_ => MarketplaceDriver.UniqueId("subj"))], signIns: false);

    private static async Task<IReadOnlyList<Resident>> RegisterAsync(IMarketplaceEndpoint factory, Party bank, IReadOnlyList<string> ids, bool signIns)
    {
        var people = new List<Resident>();
        foreach (var id in ids)
        {
            var signIn = signIns ? $"{id}@example.jp" : null;
            var registered = await MarketplaceDriver.Ok<RegisteredSubjectResponse>(
                await bank.Client.PostAsJsonAsync("/api/v1/bank/subjects", new { subjectId = id, displayName = "住民 " + id, signIn }), HttpStatusCode.Created);
            people.Add(new Resident(id, factory.ClientWithKey(registered.ApiKey), registered.SignIn, registered.OneTimePassword));
        }
        return people;
    }

    public static object Notice(string datasetId, string[] purposes, string[]? classes = null) => new
    {
        scope = $"dataset:{datasetId}",
        language = "ja",
        title = "健診結果の研究利用について",
        purposes,
        recipients = (classes ?? ["academic"]).Select(c => new { @class = c, name = c + " recipients", country = "JP" }).ToArray(),
        retentionDays = 365,
        storageLocation = "東京都 (Japan)",
        benefit = "研究成果の還元と、提供件数に応じた分配金",
        withdrawalMethod = "ポータルの「同意を撤回」からいつでも",
        contact = "privacy@bank.example.jp",
    };

    /// <summary>The resident consents to the buyer's class for the purpose; <paramref name="sensitive"/> adds explicit consent to sensitive items.</summary>
    public async Task<ConsentResponse> ConsentAsync(Resident resident, bool sensitive = false, string[]? items = null, DateTimeOffset? expiresAt = null)
    {
        var response = await resident.Client.PostAsJsonAsync("/api/v1/subjects/me/consents", new
        {
            noticeId = NoticeId,
            noticeVersion = 1,
            items = items ?? [],
            purposes = new[] { Purpose },
            recipientClasses = new[] { "academic" },
            expiresAt = expiresAt ?? Factory.Clock.GetUtcNow().AddDays(90),
            sensitiveExplicit = sensitive,
        });
        return await MarketplaceDriver.Ok<ConsentResponse>(response, HttpStatusCode.Created);
    }

    public async Task<ConsentResponse> WithdrawAsync(Resident resident, string consentId) =>
        await MarketplaceDriver.Ok<ConsentResponse>(await resident.Client.PostAsync($"/api/v1/subjects/me/consents/{consentId}/withdraw", null), HttpStatusCode.OK);

    /// <summary>The buyer's fetch of the first page: the records as JSON objects and the units metered.</summary>
    public async Task<(IReadOnlyList<JsonElement> Records, long Units)> FetchAsync(string? contractId = null, HttpClient? client = null)
    {
        var response = await (client ?? Buyer.Client).GetAsync($"/api/v1/contracts/{contractId ?? Contract.Id}/records?limit=100");
        var body = await MarketplaceDriver.Ok<JsonElement>(response, HttpStatusCode.OK);
        return ([.. body.GetProperty("records").EnumerateArray()], body.GetProperty("unitsMetered").GetInt64());
    }

    private static async Task Expect(HttpResponseMessage response, HttpStatusCode status)
    {
        if (response.StatusCode != status)
        {
            throw new InvalidOperationException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }
}
