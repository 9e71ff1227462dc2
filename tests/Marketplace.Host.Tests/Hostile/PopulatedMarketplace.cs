using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Marketplace.Host.Features.Contracts;

namespace Marketplace.Host.Tests.Hostile;

/// <summary>Someone calling the API (a party with its key), or no one: <see cref="Name"/> says which in failure messages.</summary>
public sealed record Visitor(string Name, HttpClient Client);

/// <summary>
/// A marketplace with two tenants in it: a provider with a dataset, a revision and listed offerings, a buyer with
/// contracts on them, and another provider and buyer with their own. Hostile requests aim at these real ids, and
/// at the other tenant's.
/// </summary>
public sealed class PopulatedMarketplace
{
    private PopulatedMarketplace(MarketplaceDriver driver) => Driver = driver;

    public MarketplaceDriver Driver { get; }

    public required Visitor Anonymous { get; init; }

    public required Visitor Operator { get; init; }

    public required Party Provider { get; init; }

    public required Party Buyer { get; init; }

    /// <summary>
    /// The information bank's seat. Until the marketplace knows that role it is a provider of its own, so the
    /// sweep already calls every operation with a third tenant's key; it becomes the bank's key when the role lands.
    /// </summary>
    public required Party Bank { get; init; }

    /// <summary>
    /// A party the sweep may suspend, reinstate and revoke keys of: it never calls, so changing its standing
    /// leaves every caller's key working.
    /// </summary>
    public required Party Spare { get; init; }

    /// <summary>A person of <see cref="Spare"/>, whom the sweep may reset, disable and enable.</summary>
    public required string SparePerson { get; init; }

    /// <summary>A person of <see cref="OtherProvider"/>.</summary>
    public required string OtherPerson { get; init; }

    /// <summary>The public prefix of <see cref="Spare"/>'s key (mk_{prefix}_{secret}).</summary>
    public string SpareKeyPrefix => Spare.Key.Split('_')[1];

    public required Party OtherProvider { get; init; }

    public required Party OtherBuyer { get; init; }

    public required string DatasetId { get; init; }

    public required string RevisionId { get; init; }

    public required string OfferingId { get; init; }

    /// <summary>h5 (issue 12): a partner city (this marketplace itself, as <see cref="Buyer"/>) and a relay of <see cref="OfferingId"/> from it.</summary>
    public required string PartnerId { get; init; }

    public required string RelayId { get; init; }

    /// <summary>An active contract of <see cref="Buyer"/> that hostile reads aim at.</summary>
    public required string ContractId { get; init; }

    /// <summary>A contract of <see cref="Buyer"/> that hostile approve/suspend/terminate calls may change.</summary>
    public required string ActionContractId { get; init; }

    /// <summary>A contract of <see cref="Buyer"/> that hostile usage reports may load.</summary>
    public required string UsageContractId { get; init; }

    /// <summary>A reconciliation run of the current period (queued: the sweep's host runs no jobs).</summary>
    public required string ReconciliationRunId { get; init; }

    /// <summary>A harvest source nobody can reach (h4, issue 12).</summary>
    public required string HarvestSourceId { get; init; }

    public required string OtherDatasetId { get; init; }

    public required string OtherRevisionId { get; init; }

    public required string OtherOfferingId { get; init; }

    public required string OtherContractId { get; init; }

    /// <summary>A person registered at <see cref="Bank"/>, calling with their own key.</summary>
    public required Visitor Subject { get; init; }

    public required string SubjectId { get; init; }

    /// <summary>A notice of <see cref="Bank"/> (scope category:health) and a consent <see cref="Subject"/> gave under it.</summary>
    public required string NoticeId { get; init; }

    public required string ConsentId { get; init; }

    public required string ReceiptId { get; init; }

    public IReadOnlyList<Visitor> Callers =>
    [
        Anonymous,
        new("provider", Provider.Client),
        new("buyer", Buyer.Client),
        new("bank", Bank.Client),
        Subject,
        Operator,
    ];

    public static async Task<PopulatedMarketplace> CreateAsync(MarketplaceDriver driver)
    {
        ArgumentNullException.ThrowIfNull(driver);
        var provider = await driver.CreatePartyAsync("provider");
        var buyer = await driver.CreatePartyAsync("buyer");
        var (datasetId, revisionId, offerings) = await ListAsync(driver, provider, 3);
        var otherProvider = await driver.CreatePartyAsync("provider");
        var otherBuyer = await driver.CreatePartyAsync("buyer");
        var spare = await driver.CreatePartyAsync("buyer");
        var (otherDatasetId, otherRevisionId, otherOfferings) = await ListAsync(driver, otherProvider, 1);
        // The answer's body is in the failure message: a rare 500 here has not been explained yet.
        var reconciliation = await driver.Operator.PostAsync("/api/v1/billing/periods/2026-11/reconciliation", null);
        await MarketplaceDriver.Ok<JsonElement>(reconciliation, HttpStatusCode.Accepted);
        var harvestSource = await MarketplaceDriver.Ok<Features.Harvest.HarvestSourceResponse>(
            await driver.Operator.PostAsJsonAsync("/api/v1/harvest-sources", Federation.HarvestSourceTests.UnreachableSource()), HttpStatusCode.Created);
        var bank = await driver.CreatePartyAsync("information-bank");
        var (subjectId, subject, noticeId, consentId) = await PersonAsync(driver, bank);
        var receipts = await MarketplaceDriver.Ok<Features.Consent.ReceiptListResponse>(await subject.GetAsync("/api/v1/subjects/me/receipts"), HttpStatusCode.OK);
        var contractId = (await MarketplaceDriver.SubscribeAsync(buyer, offerings[0], "research")).Id;
        var (partnerId, relayId) = await RelayAsync(driver, buyer, offerings[0]);
        return new PopulatedMarketplace(driver)
        {
            PartnerId = partnerId,
            RelayId = relayId,
            Anonymous = new Visitor("anonymous", driver.Factory.CreateClient()),
            Operator = new Visitor("operator", driver.Operator),
            Provider = provider,
            Buyer = buyer,
            Bank = bank,
            Subject = new Visitor("subject", subject),
            SubjectId = subjectId,
            NoticeId = noticeId,
            ConsentId = consentId,
            ReceiptId = receipts.Items[0].Id,
            Spare = spare,
            SparePerson = (await driver.EnrolPersonAsync(spare.Id)).SignIn,
            OtherPerson = (await driver.EnrolPersonAsync(otherProvider.Id)).SignIn,
            OtherProvider = otherProvider,
            OtherBuyer = otherBuyer,
            DatasetId = datasetId,
            RevisionId = revisionId,
            OfferingId = offerings[0],
            ContractId = contractId,
            ActionContractId = (await MarketplaceDriver.SubscribeAsync(buyer, offerings[1], "research")).Id,
            UsageContractId = (await MarketplaceDriver.SubscribeAsync(buyer, offerings[2], "research")).Id,
            ReconciliationRunId = reconciliation.Headers.Location!.OriginalString.Split('/')[^1],
            HarvestSourceId = harvestSource.Id,
            OtherDatasetId = otherDatasetId,
            OtherRevisionId = otherRevisionId,
            OtherOfferingId = otherOfferings[0],
            OtherContractId = (await MarketplaceDriver.SubscribeAsync(otherBuyer, otherOfferings[0], "research")).Id,
        };
    }

    /// <summary>The real id a path parameter of <paramref name="operation"/> names, owned by the first tenant.</summary>
    public string OwnId(ApiOperation operation, string parameter)
    {
        ArgumentNullException.ThrowIfNull(operation);
        return operation.CollectionOf(parameter) switch
        {
            "datasets" => DatasetId,
            "revisions" => RevisionId,
            "offerings" => OfferingId,
            "" when IsDcatDataset(operation) => OfferingId, // DCAT: /catalog/datasets/{id}.ttl|.jsonld, /datasets/{id}.ttl|.jsonld
            "keys" => SpareKeyPrefix,
            "people" => SparePerson,
            "parties" when ChangesStanding(operation) => Spare.Id,
            "parties" when operation.PathTemplate.EndsWith("/certifications", StringComparison.Ordinal) => Buyer.Id, // only buyers declare them
            "parties" => Provider.Id,
            "contracts" when operation.Method == HttpMethod.Post && operation.PathTemplate.EndsWith("/usage", StringComparison.Ordinal) => UsageContractId,
            "contracts" when operation.Method == HttpMethod.Post => ActionContractId,
            "contracts" => ContractId,
            _ when parameter == "action" => "package_search", // h5 (issue 12): a CKAN action, POST /api/3/action/{action}
            _ when parameter == "series" => "downloads", // an evaluation series: /evaluation/{series}.csv
            _ when parameter == "period" => "2026-11", // the current billing period: it cannot close yet (the matrix closes 2026-10)
            "invoices" => $"inv-2026-11-{ContractId}",
            "reconciliations" => ReconciliationRunId,
            "harvest-sources" => HarvestSourceId,
            "banks" => Bank.Id,
            "subjects" => SubjectId,
            "notices" => NoticeId,
            "reviews" => Buyer.Id,
            "consents" => ConsentId,
            "receipts" => ReceiptId,
            "partners" => PartnerId,
            "relays" => RelayId,
            var other => throw new InvalidOperationException($"The sweep does not know what '{{{parameter}}}' of {operation} names ('{other}'): teach {nameof(OwnId)}."),
        };
    }

    /// <summary>A DCAT dataset document: its {id}.ttl or {id}.jsonld segment names an offering.</summary>
    private static bool IsDcatDataset(ApiOperation operation) =>
        operation.PathTemplate.StartsWith("/catalog/datasets/", StringComparison.Ordinal) || operation.PathTemplate.StartsWith("/datasets/", StringComparison.Ordinal);

    /// <summary>Operations on a party's keys or standing act on <see cref="Spare"/>, never on a caller.</summary>
    private static bool ChangesStanding(ApiOperation operation) =>
        operation.PathTemplate.Contains("/keys", StringComparison.Ordinal)
        || operation.PathTemplate.Contains("/people", StringComparison.Ordinal)
        || operation.PathTemplate.EndsWith("/suspend", StringComparison.Ordinal)
        || operation.PathTemplate.EndsWith("/reinstate", StringComparison.Ordinal);

    /// <summary>The same kind of id, but the other tenant's: every caller except the operator must get a 404 or 403.</summary>
    public string OtherTenantsId(ApiOperation operation, string parameter)
    {
        ArgumentNullException.ThrowIfNull(operation);
        return operation.CollectionOf(parameter) switch
        {
            "datasets" => OtherDatasetId,
            "revisions" => OtherRevisionId,
            "offerings" => OtherOfferingId,
            "" when IsDcatDataset(operation) => OtherOfferingId,
            "keys" => OtherProvider.Key.Split('_')[1],
            "people" => OtherPerson,
            "parties" => OtherProvider.Id,
            _ when parameter == "series" => "top-datasets", // series belong to no tenant; only the operator may read any
            _ => OtherContractId,
        };
    }

    /// <summary>A valid JSON body for the operation, with fresh ids so that a request that succeeds never collides with the next.</summary>
    public JsonNode? ValidBody(ApiOperation operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var fresh = MarketplaceDriver.UniqueId("sweep");
        return operation.OperationId switch
        {
            "CreateParty" => new JsonObject { ["id"] = fresh, ["role"] = "buyer", ["name"] = "Sweep buyer" },
            "CreateDataset" => JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(MarketplaceDriver.BusStopsDataset(fresh, "private"), MarketplaceDriver.Json)),
            "CreateOffering" => new JsonObject
            {
                ["id"] = fresh,
                ["datasetId"] = DatasetId,
                ["title"] = "Sweep offering",
                ["description"] = "Made by the hostile-input sweep.",
                ["pricing"] = new JsonObject
                {
                    ["model"] = "tiered",
                    ["currency"] = "JPY",
                    ["unit"] = "record",
                    ["tiers"] = new JsonArray(new JsonObject { ["upTo"] = 100, ["unitPrice"] = 2 }, new JsonObject { ["upTo"] = null, ["unitPrice"] = 1 }),
                },
                ["policy"] = new JsonObject { ["purposes"] = new JsonArray("research"), ["termDays"] = 30, ["maxUnitsPerPeriod"] = 1000 },
                ["visibility"] = "private",
                ["buyers"] = new JsonArray(Buyer.Id),
                ["approval"] = "automatic",
            },
            "ReviseOffering" => new JsonObject
            {
                ["title"] = "Sweep revision",
                ["pricing"] = new JsonObject { ["model"] = "per-unit", ["currency"] = "JPY", ["amount"] = 2, ["unit"] = "record" },
                ["policy"] = new JsonObject { ["purposes"] = new JsonArray("research") },
                ["visibility"] = "public",
                ["buyers"] = new JsonArray(),
                ["approval"] = "automatic",
                ["preview"] = true,
            },
            "Subscribe" => new JsonObject { ["purpose"] = "research" },
            "RegisterPartner" => new JsonObject { ["id"] = fresh, ["name"] = "Sweep city", ["baseUrl"] = "http://localhost/", ["buyerApiKey"] = Buyer.Key },
            "CreateRelay" => RelayBody(OfferingId),
            // h3 (issue 12): the City OS feed of the bus-stop dataset (attached by the PUT, refused with 409 while it is not).
            "AttachNgsiLdFeed" => JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(AuthorizationMatrixTests.BusStopFeed, MarketplaceDriver.Json)),
            "NotifyNgsiLd" => JsonNode.Parse(AuthorizationMatrixTests.BusStopNotification()),
            "RegisterHarvestSource" => JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(Federation.HarvestSourceTests.UnreachableSource(), MarketplaceDriver.Json)),
            "GiveConsent" or "ChangeConsent" => Consent(),
            "PublishNotice" => Notice(),
            "ReviewRecipient" => new JsonObject { ["class"] = "academic", ["purposes"] = new JsonArray("academic-research"), ["note"] = "Sweep review." },
            "RegisterSubject" => new JsonObject { ["subjectId"] = fresh, ["displayName"] = "Sweep person" },
            "SetPartyCertifications" => new JsonObject { ["certifications"] = new JsonArray("Privacy Mark", "ISMS (ISO/IEC 27001)") },
            "SetPartyContact" => new JsonObject { ["email"] = "opendata@city.example" },
            "SetStatisticsOptOut" => new JsonObject { ["optOut"] = true },
            "EnrolPerson" => new JsonObject { ["signIn"] = $"{fresh}@example.jp", ["displayName"] = "Sweep person" },
            "ReportUsage" => new JsonObject
            {
                ["events"] = new JsonArray(new JsonObject
                {
                    ["eventId"] = fresh,
                    ["contractId"] = UsageContractId,
                    ["units"] = 3,
                    ["occurredAt"] = Driver.Factory.Time.GetUtcNow().AddMinutes(-1).ToString("O"),
                }),
            },
            _ when operation.OperationId.EndsWith("Contract", StringComparison.Ordinal) && operation.BodySchema is not null =>
                new JsonObject { ["reason"] = "sweep" },
            _ when operation.BodySchema is { } schema => operation.Document.Example(schema),
            _ => null,
        };
    }

    private static JsonObject RelayBody(string offeringId) => new()
    {
        ["offeringId"] = offeringId,
        ["purpose"] = "research",
        ["marginBasisPoints"] = 1_000,
        ["fields"] = JsonNode.Parse("""[{ "name": "stop_id", "type": "string", "required": true }]"""),
    };

    /// <summary>The marketplace registered as its own partner city (its buyer's key), and a relay of one of its offerings.</summary>
    private static async Task<(string PartnerId, string RelayId)> RelayAsync(MarketplaceDriver driver, Party buyer, string offeringId)
    {
        var partnerId = MarketplaceDriver.UniqueId("city");
        await MarketplaceDriver.Ok<JsonElement>(await driver.Operator.PostAsJsonAsync("/api/v1/partners",
            new { id = partnerId, name = "Sweep city", baseUrl = "http://localhost/", buyerApiKey = buyer.Key }), HttpStatusCode.Created);
        var relay = await MarketplaceDriver.Ok<JsonElement>(await driver.Operator.PostAsync($"/api/v1/partners/{partnerId}/relays",
            new StringContent(RelayBody(offeringId).ToJsonString(), System.Text.Encoding.UTF8, "application/json")), HttpStatusCode.Created);
        return (partnerId, relay.GetProperty("id").GetString()!);
    }

    private JsonObject Consent() => new()
    {
        ["noticeId"] = NoticeId,
        ["purposes"] = new JsonArray("academic-research"),
        ["recipientClasses"] = new JsonArray("academic"),
        ["expiresAt"] = Driver.Factory.Time.GetUtcNow().AddDays(30).ToString("O"),
    };

    private static JsonObject Notice() => new()
    {
        ["scope"] = "category:health",
        ["language"] = "ja",
        ["title"] = "Sweep notice",
        ["purposes"] = new JsonArray("academic-research"),
        ["recipients"] = new JsonArray(new JsonObject { ["class"] = "academic", ["name"] = "Universities", ["country"] = "JP" }),
        ["retentionDays"] = 30,
        ["storageLocation"] = "Tokyo",
        ["benefit"] = "Research shared back",
        ["withdrawalMethod"] = "The portal",
        ["contact"] = "privacy@example.jp",
    };

    /// <summary>A person at the bank with their key, a notice of the bank, and the person's consent under it.</summary>
    private static async Task<(string SubjectId, HttpClient Client, string NoticeId, string ConsentId)> PersonAsync(MarketplaceDriver driver, Party bank)
    {
        var subjectId = MarketplaceDriver.UniqueId("subj");
        var registered = await MarketplaceDriver.Ok<Features.Consent.RegisteredSubjectResponse>(
            await bank.Client.PostAsJsonAsync("/api/v1/bank/subjects", new { subjectId, displayName = "Sweep resident" }), HttpStatusCode.Created);
        var noticeId = MarketplaceDriver.UniqueId("notice");
        (await bank.Client.PutAsJsonAsync($"/api/v1/bank/notices/{noticeId}", Notice())).EnsureSuccessStatusCode();
        var client = driver.Factory.ClientWithKey(registered.ApiKey);
        var consent = await MarketplaceDriver.Ok<Features.Consent.ConsentResponse>(await client.PostAsJsonAsync("/api/v1/subjects/me/consents", new
        {
            noticeId,
            purposes = new[] { "academic-research" },
            recipientClasses = new[] { "academic" },
            expiresAt = driver.Factory.Time.GetUtcNow().AddDays(30),
        }), HttpStatusCode.Created);
        return (subjectId, client, noticeId, consent.Id);
    }

    private static async Task<(string DatasetId, string RevisionId, string[] OfferingIds)> ListAsync(MarketplaceDriver driver, Party provider, int offerings)
    {
        var datasetId = MarketplaceDriver.UniqueId("ds");
        await driver.CreateDatasetAsync(provider, MarketplaceDriver.BusStopsDataset(datasetId, "private"));
        var revision = await MarketplaceDriver.UploadCsvAsync(provider, datasetId, MarketplaceDriver.BusStopsCsv(30));
        var offeringIds = Enumerable.Range(0, offerings).Select(_ => MarketplaceDriver.UniqueId("off")).ToArray();
        foreach (var offeringId in offeringIds)
        {
            await MarketplaceDriver.PublishedOfferingAsync(provider, datasetId, offeringId);
        }
        return (datasetId, revision.RevisionId, offeringIds);
    }

    /// <summary>Subscribes <paramref name="buyer"/> and returns the new contract (201 asserted).</summary>
    public static async Task<ContractResponse> ContractAsync(Party buyer, string offeringId) =>
        await MarketplaceDriver.Ok<ContractResponse>(
            await buyer.Client.PostAsJsonAsync($"/api/v1/offerings/{offeringId}/contracts", new { purpose = "research" }), HttpStatusCode.Created);
}

/// <summary>h5 (issue 12): the sweep's marketplace calls itself as its partner city, so relays can be made and read in the sweep.</summary>
public sealed class SweepMarketplaceFixture : MarketplaceFixture
{
    protected override Task<MarketplaceFactory> CreateFactoryAsync()
    {
        MarketplaceFactory? factory = null;
        factory = new MarketplaceFactory { ConfigureServices = services => PartnerIsSelf(services, () => factory!) };
        return Task.FromResult(factory);
    }

    /// <summary>Calls to partner cities go to this same in-process marketplace.</summary>
    public static void PartnerIsSelf(Microsoft.Extensions.DependencyInjection.IServiceCollection services, Func<MarketplaceFactory> factory) =>
        Microsoft.Extensions.DependencyInjection.HttpClientBuilderExtensions.ConfigurePrimaryHttpMessageHandler(
            Microsoft.Extensions.DependencyInjection.HttpClientFactoryServiceCollectionExtensions.AddHttpClient(services, Features.Partners.PartnerHttp.ClientName),
            () => factory().Server.CreateHandler());
}
