using System.Net;
using System.Text;
using System.Text.Json;
using Marketplace.Host.Tests;

namespace Marketplace.Client.Tests;

/// <summary>
/// The client against the real host (in process): every answer of every call is read into the client's records,
/// and the JSON the server sent must have exactly the records' properties, so the two cannot drift apart.
/// </summary>
public sealed class ClientWireTests : IAsyncLifetime
{
    private readonly MarketplaceFactory factory = new();
    private readonly Recorder recorder = new();
    private readonly List<string> differences = [];
    private HttpClient http = null!;
    private MarketplaceClient operatorClient = null!;

    public Task InitializeAsync()
    {
        http = factory.CreateDefaultClient(recorder);
        operatorClient = new MarketplaceClient(http, factory.OperatorKey, attempts: 1);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        http.Dispose();
        await factory.DisposeAsync();
        try
        {
            Directory.Delete(factory.DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task Every_answer_of_a_whole_flow_has_exactly_the_properties_of_the_clients_records()
    {
        var provider = operatorClient.WithKey((await Checked(operatorClient.CreatePartyAsync(new("wire-provider", PartyRoles.Provider, "Wire provider")))).ApiKey);
        var buyerParty = await Checked(operatorClient.CreatePartyAsync(new("wire-buyer", PartyRoles.Buyer, "Wire buyer")));
        var buyer = operatorClient.WithKey(buyerParty.ApiKey);
        await Checked(operatorClient.ListPartiesAsync());
        await Checked(provider.WhoAmIAsync());
        await Checked(operatorClient.IssueKeyAsync("wire-buyer"));
        await Checked(operatorClient.EnrolPersonAsync("wire-buyer", new("wire@example.jp", "Wire person")));
        await Checked(operatorClient.ResetPersonPasswordAsync("wire-buyer", "wire@example.jp"));
        await Checked(operatorClient.ListPeopleAsync("wire-buyer"));

        await Checked(provider.CreateDatasetAsync(new(
            "wire-stops", "private", "Stops", "Every stop.", ["bus"], ["TRAN"], "City", "proprietary", "Minato-Mirai",
            new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.FromHours(9)), null, "monthly", "ja",
            new DatasetSchema([new("stop_id", "string", Required: true), new("lat", "number")]))));
        using (var rows = new MemoryStream(Encoding.UTF8.GetBytes("stop_id,lat\nS1,35.1\nS2,35.2\nS3,35.3\n")))
        {
            await Checked(provider.UploadRevisionAsync("wire-stops", rows, "text/csv"));
        }

        await Checked(provider.GetDatasetAsync("wire-stops"));
        await Checked(provider.ListDatasetsAsync());
        await Checked(provider.CreateOfferingAsync(new(
            "wire-stops-per-record", "wire-stops", "Stops per record", "¥2 a record.",
            new Pricing("per-unit", "JPY", Amount: 2, Unit: "record"), new UsagePolicy(["research"], MaxUnitsPerPeriod: 100),
            "public", [], "provider", Preview: true)));
        await Checked(provider.GetOfferingAsync("wire-stops-per-record"));
        await Checked(provider.ListOfferingsAsync());
        await Checked(provider.PublishOfferingAsync("wire-stops-per-record"));
        var listed = await Checked(provider.GetOfferingAsync("wire-stops-per-record"));
        var revised = await Checked(provider.ReviseOfferingAsync(
            "wire-stops-per-record", ReviseOfferingRequest.From(listed) with { Title = "Stops, per record" }, listed.Version));
        var preview = await Checked(buyer.GetOfferingPreviewAsync("wire-stops-per-record"));
        await Checked(buyer.SearchCatalogAsync(new CatalogQuery(Provider: "wire-provider")));
        await Checked(buyer.SearchCatalogAsync(new CatalogQuery(Provider: "wire-provider", Sort: "price", Licence: "CC-BY-4.0")));

        var contract = await Checked(buyer.SubscribeAsync("wire-stops-per-record", "research"));
        await Checked(provider.ListContractsAsync(ContractStatuses.Requested, "wire-stops-per-record"));
        await Checked(provider.ApproveContractAsync(contract.Id));
        await Checked(buyer.GetContractAsync(contract.Id));
        await Checked(buyer.GetContractConsentAsync(contract.Id));
        await Checked(buyer.SetCertificationsAsync("wire-buyer", new(["Privacy Mark", "ISMS (ISO/IEC 27001)"])));
        var first = await Checked(buyer.GetRecordsAsync(contract.Id, new RecordsQuery(Limit: 2), "wire-page-1"));
        var replay = await Checked(buyer.GetRecordsAsync(contract.Id, new RecordsQuery(Limit: 2), "wire-page-1"));
        var filtered = await Checked(buyer.GetRecordsAsync(contract.Id, new RecordsQuery(Filters: [new("stop_id", "S3")])));
        await Checked(buyer.GetUsageAsync());
        await Checked(buyer.GetContractUsageAsync(contract.Id, "2026-11"));
        await Checked(provider.ReportUsageAsync(new([new("wire-event-1", contract.Id, 5, factory.Time.GetUtcNow())])));
        await Checked(provider.SuspendContractAsync(contract.Id, "audit"));
        await Checked(provider.ResumeContractAsync(contract.Id));
        await Checked(buyer.TerminateContractAsync(contract.Id, "done"));
        await Checked(provider.DelistOfferingAsync("wire-stops-per-record"));
        await Checked(provider.CreateOfferingAsync(new(
            "wire-stops-stats", "wire-stops", "Stops statistics", "Counts by position, free for research.",
            new Pricing("per-unit", "JPY", Amount: 10, Unit: "request"),
            new UsagePolicy(["research", "commercial-marketing"], Aggregates: new AggregatePolicy(["stop_id"], ["lat"], K: 2, RoundingStep: 1)),
            "public", [], "automatic", PurposePrices: [new PurposePrice("research", new Pricing("free", "JPY"))])));
        await Checked(provider.PublishOfferingAsync("wire-stops-stats"));
        var statsContract = await Checked(buyer.SubscribeAsync("wire-stops-stats", "research"));
        var stats = await Checked(buyer.GetAggregateAsync(statsContract.Id, ["stop_id"], idempotencyKey: "wire-stats-1"));

        await Checked(provider.SetPartyBillingAsync("wire-provider", new PartyBillingRequest(InvoiceRegistration: "T1234567890123", PayoutAccount: "acct_1Wire")));
        await Checked(operatorClient.SetPartyBillingAsync("wire-buyer", new PartyBillingRequest(ServiceApp: true)));
        factory.Time.SetUtcNow(new DateTimeOffset(2026, 11, 30, 16, 0, 0, TimeSpan.Zero));
        await Checked(operatorClient.ClosePeriodAsync("2026-11"));
        await Checked(operatorClient.ListPeriodsAsync());
        var invoices = await Checked(buyer.ListInvoicesAsync("2026-11"));
        var invoice = await Checked(buyer.GetInvoiceAsync(invoices.Items[0].Id));
        await Checked(provider.ListStatementsAsync("2026-11"));

        Assert.True(differences.Count == 0, string.Join("\n", differences));
        Assert.Equal(("Stops, per record", listed.Version + 1, true), (revised.Title, revised.Version, revised.Preview));
        Assert.Equal((3, 3L, "S1"), (preview.Rows.Count, preview.Records, preview.Rows[0].GetProperty("stop_id").GetString()));
        Assert.Equal((2, false, 2), (first.Count, first.Replayed, first.Records.Count));
        Assert.Equal((first.NextCursor, true), (replay.NextCursor, replay.Replayed));
        Assert.Equal("S3", Assert.Single(filtered.Records).GetProperty("stop_id").GetString());
        Assert.Equal(("free", 3), (statsContract.Pricing.Model, stats.SuppressedGroups));
        Assert.Equal((true, "T1234567890123"), (invoice.Qualified || invoice.Issuer.Registration is null, invoice.Provider.Registration));
    }

    [Fact]
    public async Task A_refusal_becomes_a_typed_exception_with_the_problems_status_code_and_detail()
    {
        var problem = await Assert.ThrowsAsync<MarketplaceProblemException>(() => operatorClient.GetContractAsync("ctr-nothing"));

        Assert.Equal(HttpStatusCode.NotFound, problem.Status);
        Assert.Equal("contract.not-found", problem.Code);
        Assert.False(string.IsNullOrWhiteSpace(problem.Detail));
        Assert.Equal("GET /api/v1/contracts/ctr-nothing", problem.Request);
    }

    private async Task<T> Checked<T>(Task<T> call)
    {
        var answer = await call;
        var (request, body) = recorder.Last;
        differences.AddRange(WireShape.Differences(JsonDocument.Parse(body).RootElement, typeof(T)).Select(d => $"{request}: {d}"));
        return answer;
    }
}
