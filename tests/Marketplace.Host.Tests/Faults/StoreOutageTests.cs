using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Marketplace.Host.Features.Contracts;
using Marketplace.Host.Features.Parties;
using Marketplace.Host.Tests.Hostile;
using Xunit.Abstractions;

namespace Marketplace.Host.Tests.Faults;

/// <summary>
/// An outage of the store under every operation of the OpenAPI document: the answer is 503 with Retry-After as
/// ProblemDetails (or an ordinary answer when the operation never reached the store), and once the store is back
/// everything reads as before and the same request succeeds: nothing was half-applied.
/// </summary>
public sealed partial class StoreOutageTests(FaultyMarketplaceFixture fixture, ITestOutputHelper output) : IClassFixture<FaultyMarketplaceFixture>
{
    private readonly StoreFaults _faults = fixture.Faults;

    [Fact]
    public async Task Every_operation_answers_503_with_Retry_After_while_the_store_is_down_and_leaves_nothing_half_applied()
    {
        var marketplace = await PopulatedMarketplace.CreateAsync(fixture.Driver);
        var document = ApiDocument.Parse(await (await marketplace.Anonymous.Client.GetAsync("/openapi/v1.json")).Content.ReadAsStringAsync());
        var happyPaths = new HappyPaths(marketplace);
        var findings = new List<string>();

        foreach (var operation in document.Operations)
        {
            var call = await happyPaths.PrepareAsync(operation);
            var before = await SnapshotAsync(document, marketplace, call.Targets);

            _faults.Unavailable = true;
            var refusedBefore = _faults.Refused;
            HttpResponseMessage during;
            try
            {
                during = await call.SendAsync();
            }
            finally
            {
                _faults.Unavailable = false;
            }
            var touchedStore = _faults.Refused > refusedBefore;
            var duringBody = await during.Content.ReadAsStringAsync();
            var status = (int)during.StatusCode;
            output.WriteLine($"{operation.OperationId}: {status} during the outage ({(touchedStore ? "reached the store" : "did not reach the store")})");

            if (status == 503)
            {
                if (during.Headers.RetryAfter is null)
                {
                    findings.Add($"{operation}: 503 without Retry-After");
                }
                if (during.Content.Headers.ContentType?.MediaType != "application/problem+json")
                {
                    findings.Add($"{operation}: 503 as '{during.Content.Headers.ContentType}', not ProblemDetails");
                }
            }
            else if (status >= 500 || (touchedStore && status < 400))
            {
                findings.Add($"{operation}: {status} during the outage (store {(touchedStore ? "reached" : "not reached")}): {Excerpt(duringBody)}");
            }

            var after = await SnapshotAsync(document, marketplace, call.Targets);
            foreach (var (what, was) in before)
            {
                if (after[what] != was)
                {
                    findings.Add($"{operation}: after the outage {what} reads\n    {Excerpt(after[what])}\n  instead of\n    {Excerpt(was)}");
                }
            }
            if (call.Expected is { } expected)
            {
                using var retried = await call.SendAsync();
                if (retried.StatusCode != expected)
                {
                    findings.Add($"{operation}: the same request after the outage answered {(int)retried.StatusCode}, not {(int)expected}: {Excerpt(await retried.Content.ReadAsStringAsync())}");
                }
            }
            during.Dispose();
        }

        Assert.True(findings.Count == 0, $"{findings.Count} broken promises during a store outage:\n{string.Join('\n', findings)}");
    }

    /// <summary>What the callers can read: every list, and every resource the operation aims at, as its owners and the operator see it.</summary>
    private static async Task<Dictionary<string, string>> SnapshotAsync(ApiDocument document, PopulatedMarketplace marketplace, IReadOnlyDictionary<string, string> targets)
    {
        var snapshot = new Dictionary<string, string>(StringComparer.Ordinal);
        Visitor[] readers = [marketplace.Operator, new("provider", marketplace.Provider.Client), new("buyer", marketplace.Buyer.Client)];
        foreach (var get in document.Operations.Where(o => o.Method == HttpMethod.Get && o.OperationId != "GetRecords" && !OutsideTheStore.Contains(o.OperationId)))
        {
            if (get.PathParameters.Count > 0 && !get.PathParameters.All(p => targets.ContainsKey(get.CollectionOf(p))))
            {
                continue;
            }
            var path = get.PathWith(get.PathParameters.ToDictionary(p => p, p => targets[get.CollectionOf(p)]));
            foreach (var reader in readers)
            {
                using var response = await reader.Client.GetAsync(path);
                snapshot[$"{reader.Name} GET {path}"] = $"{(int)response.StatusCode} {TraceId().Replace(await response.Content.ReadAsStringAsync(), "")}";
            }
        }
        return snapshot;
    }

    /// <summary>
    /// Reads of what the host keeps in its data directory, not in the store (the receipt keys): an outage of the store
    /// neither stops nor half-applies a change to them, so a rotation during the outage is meant to show.
    /// </summary>
    private static readonly HashSet<string> OutsideTheStore = new(StringComparer.Ordinal) { "GetReceiptKeys" };

    [GeneratedRegex("\"traceId\":\"[^\"]*\"")]
    private static partial Regex TraceId();

    private static string Excerpt(string body) => body.Length <= 400 ? body : body[..400] + "…";
}

/// <summary>A valid call of one operation, by the caller who may make it, on targets made fresh for it.</summary>
public sealed record HappyCall(Visitor Visitor, HttpMethod Method, string Path, Func<HttpContent?> Content, HttpStatusCode? Expected,
    IReadOnlyDictionary<string, string> Targets)
{
    public async Task<HttpResponseMessage> SendAsync()
    {
        using var request = new HttpRequestMessage(Method, Path) { Content = Content() };
        return await Visitor.Client.SendAsync(request);
    }
}

/// <summary>The happy path of each operation: what it needs prepared, who calls it, and what it answers.</summary>
public sealed class HappyPaths(PopulatedMarketplace m)
{
    public async Task<HappyCall> PrepareAsync(ApiOperation operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var provider = new Visitor("provider", m.Provider.Client);
        var buyer = new Visitor("buyer", m.Buyer.Client);
        var fresh = MarketplaceDriver.UniqueId("outage");
        var targets = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["datasets"] = m.DatasetId,
            ["offerings"] = m.OfferingId,
            ["contracts"] = m.ContractId,
            ["parties"] = m.Buyer.Id,
        };
        HappyCall Call(Visitor caller, string path, Func<HttpContent?>? content = null, HttpStatusCode? expected = HttpStatusCode.OK) =>
            new(caller, operation.Method, path, content ?? (() => null), expected, targets);
        Func<HttpContent?> Json(object body) => () => JsonContent.Create(body);

        switch (operation.OperationId)
        {
            case "CreateParty":
                targets["parties"] = fresh;
                return Call(m.Operator, "/api/v1/parties", Json(new { id = fresh, role = "buyer", name = "Outage buyer" }), HttpStatusCode.Created);
            case "IssueApiKey":
                return Call(m.Operator, $"/api/v1/parties/{m.Buyer.Id}/keys", expected: HttpStatusCode.Created);
            case "CreateDataset":
                targets["datasets"] = fresh;
                return Call(provider, "/api/v1/datasets", Json(MarketplaceDriver.BusStopsDataset(fresh, "private")), HttpStatusCode.Created);
            case "UploadRevision":
            {
                targets["datasets"] = fresh;
                await m.Driver.CreateDatasetAsync(m.Provider, MarketplaceDriver.BusStopsDataset(fresh, "private"));
                return Call(provider, $"/api/v1/datasets/{fresh}/revisions",
                    () => new StringContent(MarketplaceDriver.BusStopsCsv(20), Encoding.UTF8, "text/csv"), HttpStatusCode.Created);
            }
            case "RetireRevision":
            {
                targets["datasets"] = fresh;
                await m.Driver.CreateDatasetAsync(m.Provider, MarketplaceDriver.BusStopsDataset(fresh, "private"));
                var first = await MarketplaceDriver.UploadCsvAsync(m.Provider, fresh, MarketplaceDriver.BusStopsCsv(5));
                await MarketplaceDriver.UploadCsvAsync(m.Provider, fresh, MarketplaceDriver.BusStopsCsv(6));
                return Call(provider, $"/api/v1/datasets/{fresh}/revisions/{first.RevisionId}/retire");
            }
            case "CreateOffering":
                targets["offerings"] = fresh;
                return Call(provider, "/api/v1/offerings", () => JsonContent.Create(OfferingBody(fresh, "automatic")), HttpStatusCode.Created);
            case "PublishOffering":
                targets["offerings"] = fresh;
                await MarketplaceDriver.CreateOfferingAsync(m.Provider, OfferingBody(fresh, "automatic"));
                return Call(provider, $"/api/v1/offerings/{fresh}/publish");
            case "DelistOffering":
                targets["offerings"] = await ListedOfferingAsync(fresh, "automatic");
                return Call(provider, $"/api/v1/offerings/{fresh}/delist");
            case "Subscribe":
                targets["offerings"] = await ListedOfferingAsync(fresh, "automatic");
                return Call(buyer, $"/api/v1/offerings/{fresh}/contracts", Json(new { purpose = "research" }), HttpStatusCode.Created);
            case "ApproveContract" or "RejectContract":
                return await TransitionAsync(operation, provider, await ListedOfferingAsync(fresh, "provider"), targets, before: null);
            case "SuspendContract":
                return await TransitionAsync(operation, provider, await ListedOfferingAsync(fresh, "automatic"), targets, before: null);
            case "ResumeContract":
                return await TransitionAsync(operation, provider, await ListedOfferingAsync(fresh, "automatic"), targets, before: "suspend");
            case "TerminateContract":
                return await TransitionAsync(operation, buyer, await ListedOfferingAsync(fresh, "automatic"), targets, before: null);
            case "ReportUsage":
                return Call(provider, "/api/v1/usage", Json(new
                {
                    events = new[] { new { eventId = fresh, contractId = m.ContractId, units = 4, occurredAt = m.Driver.Factory.Time.GetUtcNow().AddMinutes(-1) } },
                }));
            case "ListApiKeys":
                return Call(m.Operator, $"/api/v1/parties/{m.Buyer.Id}/keys");
            case "RevokeApiKey":
            {
                var issued = await MarketplaceDriver.Ok<ApiKeyResponse>(
                    await m.Operator.Client.PostAsync($"/api/v1/parties/{m.Spare.Id}/keys", null), HttpStatusCode.Created);
                return Call(m.Operator, $"/api/v1/parties/{m.Spare.Id}/keys/{issued.ApiKey.Split('_')[1]}/revoke");
            }
            case "SuspendParty":
            {
                var party = await m.Driver.CreatePartyAsync("buyer");
                targets["parties"] = party.Id;
                return Call(m.Operator, $"/api/v1/parties/{party.Id}/suspend", Json(new { reason = "outage drill" }));
            }
            case "ReinstateParty":
            {
                var party = await m.Driver.CreatePartyAsync("buyer");
                await MarketplaceDriver.Ok<PartyResponse>(
                    await m.Operator.Client.PostAsJsonAsync($"/api/v1/parties/{party.Id}/suspend", new { reason = "outage drill" }), HttpStatusCode.OK);
                targets["parties"] = party.Id;
                return Call(m.Operator, $"/api/v1/parties/{party.Id}/reinstate");
            }
            case "SearchCatalog":
                return Call(buyer, "/api/v1/catalog?q=bus");
            case "VerifyReceipt":
                return Call(m.Anonymous, "/api/v1/receipts/verify", Json(new { jws = Consent.ReceiptsEndpointTests.SignedReceipt(m.Driver.Factory).Jws }));
            case "RotateReceiptKey":
                return Call(m.Operator, "/api/v1/receipt-keys/rotate");
            case "GetUsage" or "ListParties":
                return Call(m.Operator, operation.PathTemplate);
            case "GetRecords" or "GetContract" or "GetContractUsage" or "ListContracts" or "WhoAmI":
                return Call(buyer, operation.PathWith(operation.PathParameters.ToDictionary(p => p, p => m.ContractId)));
            case "GetDataset" or "ListDatasets" or "GetOffering" or "ListOfferings":
                return Call(provider, operation.PathWith(operation.PathParameters.ToDictionary(p => p, p => m.OwnId(operation, p))));
            default:
                // An operation this table does not know yet is still called, as the operator with the sweep's valid
                // request: it must answer 503 or an ordinary answer, though nothing checks its success afterwards.
                var path = operation.PathWith(operation.PathParameters.ToDictionary(p => p, p => m.OwnId(operation, p)));
                var body = m.ValidBody(operation)?.ToJsonString();
                return Call(m.Operator, path, body is null ? null : () => new StringContent(body, Encoding.UTF8, "application/json"), expected: null);
        }
    }

    private object OfferingBody(string id, string approval) => new
    {
        id,
        datasetId = m.DatasetId,
        pricing = new { model = "per-unit", currency = "JPY", amount = 2, unit = "record" },
        policy = new { purposes = new[] { "research" } },
        visibility = "public",
        buyers = Array.Empty<string>(),
        approval,
    };

    private async Task<string> ListedOfferingAsync(string id, string approval)
    {
        await MarketplaceDriver.CreateOfferingAsync(m.Provider, OfferingBody(id, approval));
        await MarketplaceDriver.PublishAsync(m.Provider, id);
        return id;
    }

    private async Task<HappyCall> TransitionAsync(ApiOperation operation, Visitor caller, string offeringId, Dictionary<string, string> targets, string? before)
    {
        var contract = await PopulatedMarketplace.ContractAsync(m.Buyer, offeringId);
        if (before is not null)
        {
            await MarketplaceDriver.Ok<ContractResponse>(await m.Provider.Client.PostAsync($"/api/v1/contracts/{contract.Id}/{before}", null), HttpStatusCode.OK);
        }
        targets["contracts"] = contract.Id;
        targets["offerings"] = offeringId;
        var path = operation.PathWith(new Dictionary<string, string> { ["id"] = contract.Id });
        return new HappyCall(caller, operation.Method, path, () => JsonContent.Create(new JsonObject { ["reason"] = "outage test" }), HttpStatusCode.OK, targets);
    }
}
