using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Host.Tests;

public enum Caller
{
    Anonymous,
    BadKey,
    Operator,
    OwnerProvider,
    OtherProvider,
    OwnerBuyer,
    OtherBuyer,
}

/// <summary>
/// Every endpoint against every kind of caller: anonymous and bad keys get 401, the wrong role 403, and
/// another tenant's resources answer 404 so their existence does not leak. Each cell gets fresh resources,
/// so a mutating call in one cell cannot change another cell's outcome.
/// </summary>
[Collection(MarketplaceCollection.Name)]
public sealed class AuthorizationMatrixTests(MarketplaceFixture fixture)
{
    private const int Ok = 200;
    private static readonly Caller[] Parties = [Caller.Operator, Caller.OwnerProvider, Caller.OtherProvider, Caller.OwnerBuyer, Caller.OtherBuyer];

    /// <param name="Anonymous">What a caller without a key gets: 401, except on what is open to anyone. A bad key is always 401.</param>
    /// <param name="IfMatch">The If-Match header sent, for the changes that require one.</param>
    private sealed record Row(string Method, string Route, Func<World, Task<(string Url, HttpContent? Body)>> Request, int[] Expected, int Anonymous = 401, string? IfMatch = null);

    // Expected statuses in the order of Parties: operator, owner provider, other provider, owner buyer, other buyer.
    private static readonly Row[] Rows =
    [
        new("POST", "/api/v1/parties/", w => Body("/api/v1/parties", new { id = MarketplaceDriver.UniqueId("p"), role = "buyer", name = "X" }), [Ok, 403, 403, 403, 403]),
        new("GET", "/api/v1/parties/", _ => Url("/api/v1/parties"), [Ok, 403, 403, 403, 403]),
        new("GET", "/api/v1/parties/me", _ => Url("/api/v1/parties/me"), [Ok, Ok, Ok, Ok, Ok]),
        new("POST", "/api/v1/parties/{id}/keys", w => Url($"/api/v1/parties/{w.OwnerBuyer.Id}/keys"), [Ok, 404, 404, Ok, 404]),
        new("GET", "/api/v1/parties/{id}/keys", w => Url($"/api/v1/parties/{w.OwnerBuyer.Id}/keys"), [Ok, 404, 404, Ok, 404]),
        new("POST", "/api/v1/parties/{id}/keys/{prefix}/revoke", async w => ($"/api/v1/parties/{w.OwnerBuyer.Id}/keys/{await w.FreshKeyPrefixAsync()}/revoke", null), [Ok, 404, 404, Ok, 404]),
        new("POST", "/api/v1/parties/{id}/people/", w => Body($"/api/v1/parties/{w.OwnerBuyer.Id}/people", new { signIn = $"{MarketplaceDriver.UniqueId("p")}@example.jp", displayName = "X" }), [Ok, 403, 403, 403, 403]),
        new("GET", "/api/v1/parties/{id}/people/", w => Url($"/api/v1/parties/{w.OwnerBuyer.Id}/people"), [Ok, 404, 404, Ok, 404]),
        new("POST", "/api/v1/parties/{id}/people/{signIn}/reset-password", async w => ($"/api/v1/parties/{w.OwnerBuyer.Id}/people/{(await w.Driver.EnrolPersonAsync(w.OwnerBuyer.Id)).SignIn}/reset-password", null), [Ok, 403, 403, 403, 403]),
        new("POST", "/api/v1/parties/{id}/people/{signIn}/disable", async w => ($"/api/v1/parties/{w.OwnerBuyer.Id}/people/{(await w.Driver.EnrolPersonAsync(w.OwnerBuyer.Id)).SignIn}/disable", null), [Ok, 403, 403, 403, 403]),
        new("POST", "/api/v1/parties/{id}/people/{signIn}/enable", async w => ($"/api/v1/parties/{w.OwnerBuyer.Id}/people/{(await w.Driver.EnrolPersonAsync(w.OwnerBuyer.Id)).SignIn}/enable", null), [Ok, 403, 403, 403, 403]),
        new("POST", "/api/v1/parties/{id}/suspend", async w => ($"/api/v1/parties/{(await w.Driver.CreatePartyAsync("buyer")).Id}/suspend", Json(new { reason = "test" })), [Ok, 403, 403, 403, 403]),
        new("POST", "/api/v1/parties/{id}/reinstate", async w => ($"/api/v1/parties/{(await w.Driver.CreatePartyAsync("buyer")).Id}/reinstate", null), [Ok, 403, 403, 403, 403]),
        new("POST", "/api/v1/datasets/", _ => Body("/api/v1/datasets", MarketplaceDriver.BusStopsDataset(MarketplaceDriver.UniqueId("ds"))), [403, Ok, Ok, 403, 403]),
        new("GET", "/api/v1/datasets/", _ => Url("/api/v1/datasets"), [Ok, Ok, Ok, 403, 403]),
        new("GET", "/api/v1/datasets/{id}", w => Url($"/api/v1/datasets/{w.DatasetId}"), [Ok, Ok, 404, 403, 403]),
        new("POST", "/api/v1/datasets/{id}/revisions", w => Csv($"/api/v1/datasets/{w.DatasetId}/revisions"), [403, Ok, 404, 403, 403]),
        new("POST", "/api/v1/datasets/{id}/revisions/{revisionId}/retire", async w =>
        {
            var (dataset, revision) = await w.FreshDatasetAsync();
            return ($"/api/v1/datasets/{dataset}/revisions/{revision}/retire", null);
        }, [403, Ok, 404, 403, 403]),
        new("POST", "/api/v1/offerings/", w => Body("/api/v1/offerings", new { id = MarketplaceDriver.UniqueId("off"), datasetId = w.DatasetId, pricing = new { model = "free", currency = "JPY" } }), [403, Ok, 404, 403, 403]),
        new("GET", "/api/v1/offerings/", _ => Url("/api/v1/offerings"), [Ok, Ok, Ok, 403, 403]),
        new("GET", "/api/v1/offerings/{id}", w => Url($"/api/v1/offerings/{w.PrivateOfferingId}"), [Ok, Ok, 404, Ok, 404]),
        new("PUT", "/api/v1/offerings/{id}", async w => ($"/api/v1/offerings/{await w.FreshOfferingAsync(publish: true)}", Json(new
        {
            title = "Revised",
            pricing = new { model = "per-unit", currency = "JPY", amount = 3, unit = "record" },
            policy = new { purposes = new[] { "research" } },
            visibility = "public",
            approval = "automatic",
        })), [Ok, Ok, 404, 403, 403], IfMatch: "\"2\""),
        new("GET", "/api/v1/offerings/{id}/preview", async w => ($"/api/v1/offerings/{await w.FreshOfferingAsync(publish: true, privateTo: w.OwnerBuyer.Id, preview: true)}/preview", null),
            [Ok, Ok, 404, Ok, 404], Anonymous: 404),
        new("GET", "/api/v1/offerings/{id}/policy.jsonld", w => Url($"/api/v1/offerings/{w.PrivateOfferingId}/policy.jsonld"), [Ok, Ok, 404, Ok, 404], Anonymous: 404),
        new("POST", "/api/v1/offerings/{id}/publish", async w => ($"/api/v1/offerings/{await w.FreshOfferingAsync(publish: false)}/publish", null), [Ok, Ok, 404, 403, 403]),
        new("POST", "/api/v1/offerings/{id}/delist", async w => ($"/api/v1/offerings/{await w.FreshOfferingAsync(publish: true)}/delist", null), [Ok, Ok, 404, 403, 403]),
        new("POST", "/api/v1/offerings/{id}/contracts", async w => ($"/api/v1/offerings/{await w.FreshOfferingAsync(publish: true, privateTo: w.OwnerBuyer.Id)}/contracts", Json(new { purpose = "research" })), [403, 403, 403, Ok, 404]),
        new("GET", "/api/v1/offerings/{id}/download", async w => ($"/api/v1/offerings/{(await w.Driver.ListedOfferingAsync(2, pricing: new { model = "free", currency = "JPY" }, cls: "public")).OfferingId}/download?format=csv", null), [Ok, Ok, Ok, Ok, Ok], Anonymous: Ok),
        // h5 (issue 12): the CKAN API reads what everyone sees, with or without a key.
        new("GET", "/api/3/action/package_list", _ => Url("/api/3/action/package_list"), [Ok, Ok, Ok, Ok, Ok], Anonymous: Ok),
        new("GET", "/api/3/action/package_show", async w => ($"/api/3/action/package_show?id={(await w.Driver.ListedOfferingAsync(1, pricing: new { model = "free", currency = "JPY" }, cls: "public")).OfferingId}", null),
            [Ok, Ok, Ok, Ok, Ok], Anonymous: Ok),
        new("GET", "/api/3/action/package_search", _ => Url("/api/3/action/package_search?q=bus&rows=5"), [Ok, Ok, Ok, Ok, Ok], Anonymous: Ok),
        new("GET", "/api/3/action/organization_list", _ => Url("/api/3/action/organization_list?all_fields=true"), [Ok, Ok, Ok, Ok, Ok], Anonymous: Ok),
        new("GET", "/api/3/action/organization_show", async w => ($"/api/3/action/organization_show?id={(await w.Driver.ListedOfferingAsync(1, pricing: new { model = "free", currency = "JPY" }, cls: "public")).Provider.Id}", null),
            [Ok, Ok, Ok, Ok, Ok], Anonymous: Ok),
        new("GET", "/api/3/action/group_list", _ => Url("/api/3/action/group_list"), [Ok, Ok, Ok, Ok, Ok], Anonymous: Ok),
        new("GET", "/api/3/action/tag_list", _ => Url("/api/3/action/tag_list"), [Ok, Ok, Ok, Ok, Ok], Anonymous: Ok),
        new("POST", "/api/3/action/{action}", _ => Body("/api/3/action/package_search", new { q = "bus", rows = 5 }), [Ok, Ok, Ok, Ok, Ok], Anonymous: Ok),
        new("GET", "/api/3/action/{action}", _ => Url("/api/3/action/package_create"), [400, 400, 400, 400, 400], Anonymous: 400),
        new("GET", "/api/3/action/status_show", _ => Url("/api/3/action/status_show"), [Ok, Ok, Ok, Ok, Ok], Anonymous: Ok),
        new("GET", "/catalog.ttl", _ => Url("/catalog.ttl"), [Ok, Ok, Ok, Ok, Ok], Anonymous: Ok),
        new("GET", "/catalog", _ => Url("/catalog"), [Ok, Ok, Ok, Ok, Ok], Anonymous: Ok),
        new("GET", "/catalog/datasets/{id}.ttl", async w => ($"/catalog/datasets/{(await w.Driver.ListedOfferingAsync(2, pricing: new { model = "free", currency = "JPY" }, cls: "public")).OfferingId}.ttl", null), [Ok, Ok, Ok, Ok, Ok], Anonymous: Ok),
        // h1 (issue 12): the catalog in JSON-LD, and the datasets at their short addresses.
        new("GET", "/catalog.jsonld", _ => Url("/catalog.jsonld"), [Ok, Ok, Ok, Ok, Ok], Anonymous: Ok),
        new("GET", "/catalog/datasets/{id}.jsonld", async w => ($"/catalog/datasets/{(await w.Driver.ListedOfferingAsync(2, cls: "private")).OfferingId}.jsonld", null), [Ok, Ok, Ok, Ok, Ok], Anonymous: Ok),
        new("GET", "/datasets/{id}.ttl", async w => ($"/datasets/{(await w.Driver.ListedOfferingAsync(2, cls: "private")).OfferingId}.ttl", null), [Ok, Ok, Ok, Ok, Ok], Anonymous: Ok),
        new("GET", "/datasets/{id}.jsonld", async w => ($"/datasets/{(await w.Driver.ListedOfferingAsync(2, cls: "private")).OfferingId}.jsonld", null), [Ok, Ok, Ok, Ok, Ok], Anonymous: Ok),
        new("PUT", "/api/v1/parties/{id}/contact", w => Body($"/api/v1/parties/{w.OwnerProvider.Id}/contact", new { email = "opendata@city.example" }), [Ok, Ok, 404, 404, 404]),
        new("GET", "/api/v1/offerings/{id}/downloads", w => Url($"/api/v1/offerings/{w.PrivateOfferingId}/downloads"), [Ok, Ok, 404, 403, 403]),
        new("GET", "/api/v1/catalog", _ => Url("/api/v1/catalog?q=bus"), [Ok, Ok, Ok, Ok, Ok], Anonymous: Ok),
        new("GET", "/api/v1/contracts/", _ => Url("/api/v1/contracts"), [Ok, Ok, Ok, Ok, Ok]),
        new("GET", "/api/v1/contracts/{id}", w => Url($"/api/v1/contracts/{w.ContractId}"), [Ok, Ok, 404, Ok, 404]),
        new("POST", "/api/v1/contracts/{id}/approve", async w => ($"/api/v1/contracts/{await w.FreshContractAsync("requested")}/approve", null), [Ok, Ok, 404, 403, 404]),
        new("POST", "/api/v1/contracts/{id}/reject", async w => ($"/api/v1/contracts/{await w.FreshContractAsync("requested")}/reject", null), [Ok, Ok, 404, 403, 404]),
        new("POST", "/api/v1/contracts/{id}/suspend", async w => ($"/api/v1/contracts/{await w.FreshContractAsync("active")}/suspend", null), [Ok, Ok, 404, 403, 404]),
        new("POST", "/api/v1/contracts/{id}/resume", async w => ($"/api/v1/contracts/{await w.FreshContractAsync("suspended")}/resume", null), [Ok, Ok, 404, 403, 404]),
        new("POST", "/api/v1/contracts/{id}/terminate", async w => ($"/api/v1/contracts/{await w.FreshContractAsync("active")}/terminate", null), [Ok, Ok, 404, Ok, 404]),
        new("GET", "/api/v1/contracts/{id}/agreement.jsonld", w => Url($"/api/v1/contracts/{w.ContractId}/agreement.jsonld"), [Ok, Ok, 404, Ok, 404]),
        new("GET", "/api/v1/contracts/{id}/records", w => Url($"/api/v1/contracts/{w.ContractId}/records?limit=1"), [403, 403, 403, Ok, 404]),
        new("GET", "/api/v1/contracts/{id}/aggregate", w => Url($"/api/v1/contracts/{w.AggregateContractId}/aggregate?groupBy=district"), [403, 403, 403, Ok, 404]),
        new("GET", "/api/v1/contracts/{id}/usage", w => Url($"/api/v1/contracts/{w.ContractId}/usage"), [Ok, Ok, 404, Ok, 404]),
        new("GET", "/api/v1/usage", _ => Url("/api/v1/usage"), [Ok, Ok, Ok, Ok, Ok]),
        new("POST", "/api/v1/usage", w => Body("/api/v1/usage", new { events = new[] { new { eventId = Guid.NewGuid().ToString(), contractId = w.ContractId, units = 1, occurredAt = w.Now } } }), [403, Ok, Ok, 403, 403]),
        new("GET", "/api/v1/billing/periods", _ => Url("/api/v1/billing/periods"), [Ok, 403, 403, 403, 403]),
        new("POST", "/api/v1/billing/periods/{period}/close", async w => { await w.InvoicedOctoberAsync(); return ("/api/v1/billing/periods/2026-10/close", null); }, [Ok, 403, 403, 403, 403]),
        new("GET", "/api/v1/billing/periods/{period}/invoices", async w => { await w.InvoicedOctoberAsync(); return await Url("/api/v1/billing/periods/2026-10/invoices"); }, [Ok, Ok, Ok, Ok, Ok]),
        new("GET", "/api/v1/billing/periods/{period}/statements", async w => { await w.InvoicedOctoberAsync(); return await Url("/api/v1/billing/periods/2026-10/statements"); }, [Ok, Ok, Ok, 403, 403]),
        new("GET", "/api/v1/invoices/{id}", async w => await Url($"/api/v1/invoices/{await w.InvoicedOctoberAsync()}"), [Ok, Ok, 404, Ok, 404]),
        new("POST", "/api/v1/billing/periods/{period}/reconciliation", _ => Url("/api/v1/billing/periods/2026-10/reconciliation"), [202, 403, 403, 403, 403]),
        new("GET", "/api/v1/billing/periods/{period}/reconciliations", _ => Url("/api/v1/billing/periods/2026-10/reconciliations"), [Ok, 403, 403, 403, 403]),
        new("GET", "/api/v1/billing/reconciliations/{id}", async w => ($"/api/v1/billing/reconciliations/{await w.ReconciledOctoberAsync()}", null), [Ok, 403, 403, 403, 403]),
        new("POST", "/api/v1/billing/reconciliations/{id}/repairs", async w => ($"/api/v1/billing/reconciliations/{await w.ReconciledOctoberAsync()}/repairs", null), [Ok, 403, 403, 403, 403]),
        new("PUT", "/api/v1/parties/{id}/billing", w => Body($"/api/v1/parties/{w.OwnerBuyer.Id}/billing", new { invoiceRegistration = "T1234567890123" }), [Ok, 404, 404, Ok, 404]),
        // h6 (issue 10): a buyer's declared certifications.
        new("PUT", "/api/v1/parties/{id}/certifications", w => Body($"/api/v1/parties/{w.OwnerBuyer.Id}/certifications", new { certifications = new[] { "Privacy Mark" } }), [Ok, 404, 404, Ok, 404]),
        new("GET", "/api/v1/evaluation/", _ => Url("/api/v1/evaluation"), [Ok, 403, 403, 403, 403]),
        new("GET", "/api/v1/evaluation/{series}.csv", _ => Url("/api/v1/evaluation/downloads.csv"), [Ok, 403, 403, 403, 403]),
        // h1 (issue 10): consent receipts: keys and verification for anyone, rotation for operators.
        new("GET", "/.well-known/jwks.json", _ => Url("/.well-known/jwks.json"), [Ok, Ok, Ok, Ok, Ok], Anonymous: Ok),
        new("POST", "/api/v1/receipts/verify", w => Body("/api/v1/receipts/verify", new { jws = Consent.ReceiptsEndpointTests.SignedReceipt(w.Driver.Factory).Jws }),
            [Ok, Ok, Ok, Ok, Ok], Anonymous: Ok),
        new("POST", "/api/v1/receipt-keys/rotate", _ => Url("/api/v1/receipt-keys/rotate"), [Ok, 403, 403, 403, 403]),
        // h5 (issue 12): partner cities and relays, operator only. The partner's address is unreachable: an operator's relay answers 503.
        new("POST", "/api/v1/partners/", _ => Body("/api/v1/partners", Partner()), [Ok, 403, 403, 403, 403]),
        new("GET", "/api/v1/partners/", _ => Url("/api/v1/partners"), [Ok, 403, 403, 403, 403]),
        new("DELETE", "/api/v1/partners/{id}", async w => ($"/api/v1/partners/{await FreshPartnerAsync(w.Driver)}", null), [Ok, 403, 403, 403, 403]),
        new("POST", "/api/v1/partners/{id}/relays", async w => ($"/api/v1/partners/{await FreshPartnerAsync(w.Driver)}/relays",
            Json(new { offeringId = "bus-stops", purpose = "research", marginPerUnit = 1 })), [503, 403, 403, 403, 403]),
        new("GET", "/api/v1/partners/{id}/relays", async w => ($"/api/v1/partners/{await FreshPartnerAsync(w.Driver)}/relays", null), [Ok, 403, 403, 403, 403]),
        new("GET", "/api/v1/partners/{id}/relays/{relayId}/reconciliation", async w => ($"/api/v1/partners/{await FreshPartnerAsync(w.Driver)}/relays/rly-none/reconciliation", null),
            [404, 403, 403, 403, 403]),
        // h3 (issue 12): the City OS feed (NGSI-LD), the dataset's provider only.
        new("PUT", "/api/v1/datasets/{id}/ngsi-ld/", w => Body($"/api/v1/datasets/{w.DatasetId}/ngsi-ld", BusStopFeed), [403, Ok, 404, 403, 403]),
        new("GET", "/api/v1/datasets/{id}/ngsi-ld/", w => Url($"/api/v1/datasets/{w.DatasetId}/ngsi-ld"), [403, Ok, 404, 403, 403]),
        new("DELETE", "/api/v1/datasets/{id}/ngsi-ld/", w => Url($"/api/v1/datasets/{w.DatasetId}/ngsi-ld"), [403, Ok, 404, 403, 403]),
        new("POST", "/api/v1/datasets/{id}/ngsi-ld/notify", async w =>
        {
            (await w.OwnerProvider.Client.PutAsJsonAsync($"/api/v1/datasets/{w.DatasetId}/ngsi-ld", BusStopFeed)).EnsureSuccessStatusCode();
            return ($"/api/v1/datasets/{w.DatasetId}/ngsi-ld/notify", new StringContent(BusStopNotification(), Encoding.UTF8, "application/json"));
        }, [403, Ok, 404, 403, 403]),
        // h4 (issue 12): harvest sources, for operators only (the source is unreachable: a run records the error).
        new("POST", "/api/v1/harvest-sources/", _ => Body("/api/v1/harvest-sources", Federation.HarvestSourceTests.UnreachableSource()), [201, 403, 403, 403, 403]),
        new("GET", "/api/v1/harvest-sources/", _ => Url("/api/v1/harvest-sources"), [Ok, 403, 403, 403, 403]),
        new("GET", "/api/v1/harvest-sources/{id}", async w => ($"/api/v1/harvest-sources/{await w.FreshHarvestSourceAsync()}", null), [Ok, 403, 403, 403, 403]),
        new("DELETE", "/api/v1/harvest-sources/{id}", async w => ($"/api/v1/harvest-sources/{await w.FreshHarvestSourceAsync()}", null), [204, 403, 403, 403, 403]),
        new("POST", "/api/v1/harvest-sources/{id}/harvest", async w => ($"/api/v1/harvest-sources/{await w.FreshHarvestSourceAsync()}/harvest", null), [Ok, 403, 403, 403, 403]),
    ];

    /// <summary>The bus-stop dataset fed by BusStop entities: their id, name and position.</summary>
    internal static object BusStopFeed => new
    {
        entityTypes = new[] { "BusStop" },
        mapping = new object[] { new { attribute = "id", field = "stop_id" }, new { attribute = "name", field = "name" }, new { attribute = "location.latitude", field = "lat" } },
        interval = "PT1H",
    };

    internal static string BusStopNotification() => $$"""
        { "id": "urn:ngsi-ld:Notification:{{Guid.NewGuid():N}}", "type": "Notification", "subscriptionId": "urn:ngsi-ld:Subscription:stops",
          "data": [ { "id": "urn:ngsi-ld:BusStop:1", "type": "BusStop", "name": { "type": "Property", "value": "Stop 1" },
                      "location": { "type": "GeoProperty", "value": { "type": "Point", "coordinates": [139.7, 35.6] } } } ] }
        """;

    public static TheoryData<string, string> Endpoints()
    {
        var data = new TheoryData<string, string>();
        foreach (var row in Rows)
        {
            data.Add(row.Method, row.Route);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Endpoint_answers_each_caller_by_role_and_tenancy(string method, string route)
    {
        var row = Rows.Single(r => r.Method == method && r.Route == route);
        var world = await World.GetAsync(fixture.Driver);
        var mismatches = new List<string>();

        foreach (var caller in new[] { Caller.Anonymous, Caller.BadKey }.Concat(Parties))
        {
            var expected = caller switch
            {
                Caller.Anonymous => row.Anonymous,
                Caller.BadKey => 401,
                _ => row.Expected[Array.IndexOf(Parties, caller)],
            };
            var (url, body) = await row.Request(world);
            using var request = new HttpRequestMessage(new HttpMethod(method), url) { Content = body };
            if (row.IfMatch is not null)
            {
                request.Headers.TryAddWithoutValidation("If-Match", row.IfMatch);
            }
            var response = await world.ClientFor(caller).SendAsync(request);
            var actual = (int)response.StatusCode;
            var matches = expected == Ok ? actual is >= 200 and < 300 : actual == expected;
            if (!matches)
            {
                mismatches.Add($"{caller}: expected {expected}, got {actual} {await response.Content.ReadAsStringAsync()}");
            }
            else if (actual >= 400)
            {
                // The CKAN API answers the refusals of its actions (an unknown action: 400) in CKAN's envelope, as CKAN
                // clients read them; a refused key is the marketplace's problem.
                var ckanRefusal = route.StartsWith("/api/3/", StringComparison.Ordinal) && actual == 400;
                Assert.StartsWith(ckanRefusal ? "application/json" : "application/problem+json",
                    response.Content.Headers.ContentType?.ToString() ?? "", StringComparison.Ordinal);
            }
        }

        Assert.True(mismatches.Count == 0, $"{method} {route}:\n" + string.Join("\n", mismatches));
    }

    [Fact]
    public void Every_api_endpoint_is_in_the_matrix()
    {
        var endpoints = fixture.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v1", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => $"{m} {e.RoutePattern.RawText}"))
            .ToHashSet();
        var covered = Rows.Select(r => $"{r.Method} {r.Route}").Concat(Consent.ConsentAuthorizationMatrixTests.Routes).ToHashSet();

        Assert.Empty(endpoints.Except(covered));
    }

    [Fact]
    public async Task List_answers_hold_only_the_callers_own_items_and_the_operator_sees_everyone_s()
    {
        var world = await World.GetAsync(fixture.Driver);
        var problems = new List<string>();
        foreach (var caller in Parties)
        {
            var client = world.ClientFor(caller);
            var me = world.IdOf(caller);
            var isProvider = caller is Caller.OwnerProvider or Caller.OtherProvider;
            if (caller == Caller.Operator || isProvider)
            {
                var datasets = await AllItems(client, "/api/v1/datasets");
                var offerings = await AllItems(client, "/api/v1/offerings");
                Check(problems, caller, "datasets", datasets, "providerId", me, "id", world.DatasetId, caller != Caller.OtherProvider);
                Check(problems, caller, "offerings", offerings, "providerId", me, "id", world.PrivateOfferingId, caller != Caller.OtherProvider);
            }

            var owner = isProvider ? "providerId" : "buyerId";
            var seesContract = caller is Caller.Operator or Caller.OwnerProvider or Caller.OwnerBuyer;
            Check(problems, caller, "contracts", await AllItems(client, "/api/v1/contracts"), owner, me, "id", world.ContractId, seesContract);
            Check(problems, caller, "usage", await AllItems(client, "/api/v1/usage"), owner, me, "contractId", world.ContractId, seesContract);
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    private static void Check(List<string> problems, Caller caller, string list, List<System.Text.Json.JsonElement> items,
        string ownerField, string me, string idField, string expectedId, bool expectSeen)
    {
        if (caller != Caller.Operator && items.FirstOrDefault(i => i.GetProperty(ownerField).GetString() != me) is { ValueKind: not System.Text.Json.JsonValueKind.Undefined } foreign)
        {
            problems.Add($"{caller} sees another party's item in {list}: {foreign}");
        }
        if (items.Any(i => i.GetProperty(idField).GetString() == expectedId) != expectSeen)
        {
            problems.Add($"{caller}: {list} {(expectSeen ? "lacks" : "shows")} {expectedId}");
        }
    }

    private static async Task<List<System.Text.Json.JsonElement>> AllItems(HttpClient client, string list)
    {
        var items = new List<System.Text.Json.JsonElement>();
        string? next = null;
        do
        {
            var url = $"{list}?pageSize=200" + (next is null ? "" : $"&cursor={next}");
            var page = await MarketplaceDriver.Ok<System.Text.Json.JsonElement>(await client.GetAsync(url), HttpStatusCode.OK);
            Assert.InRange(page.GetProperty("items").GetArrayLength(), 0, 200);
            items.AddRange(page.GetProperty("items").EnumerateArray());
            next = page.GetProperty("next").GetString();
        }
        while (next is not null);
        return items;
    }

    private static object Partner() =>
        new { id = MarketplaceDriver.UniqueId("city"), name = "Partner city", baseUrl = "http://127.0.0.1:9/", buyerApiKey = "mk_partner_key" };

    private static async Task<string> FreshPartnerAsync(MarketplaceDriver driver)
    {
        var partner = Partner();
        await MarketplaceDriver.Ok<System.Text.Json.JsonElement>(await driver.Operator.PostAsJsonAsync("/api/v1/partners", partner), HttpStatusCode.Created);
        return (string)partner.GetType().GetProperty("id")!.GetValue(partner)!;
    }

    private static Task<(string, HttpContent?)> Url(string url) => Task.FromResult<(string, HttpContent?)>((url, null));

    private static Task<(string, HttpContent?)> Body(string url, object body) => Task.FromResult<(string, HttpContent?)>((url, Json(body)));

    private static Task<(string, HttpContent?)> Csv(string url) =>
        Task.FromResult<(string, HttpContent?)>((url, new StringContent(MarketplaceDriver.BusStopsCsv(3), Encoding.UTF8, "text/csv")));

    private static HttpContent Json(object body) => JsonContent.Create(body);

    /// <summary>The parties and resources the matrix plays with, made once per test run.</summary>
    private sealed class World
    {
        private static readonly SemaphoreSlim Gate = new(1, 1);
        private static World? _instance;
        private Party _otherProvider = null!;
        private Party _otherBuyer = null!;
        private HttpClient _anonymous = null!;
        private HttpClient _badKey = null!;
        private MarketplaceDriver _driver = null!;

        public Party OwnerProvider { get; private set; } = null!;
        public Party OwnerBuyer { get; private set; } = null!;
        public string DatasetId { get; private set; } = "";
        public string PrivateOfferingId { get; private set; } = "";
        public string ContractId { get; private set; } = "";

        /// <summary>An active contract of <see cref="OwnerBuyer"/> on an offering that gives aggregates only.</summary>
        public string AggregateContractId { get; private set; } = "";
        public DateTimeOffset Now => _driver.Factory.Time.GetUtcNow();
        public MarketplaceDriver Driver => _driver;

        public static async Task<World> GetAsync(MarketplaceDriver driver)
        {
            await Gate.WaitAsync();
            try
            {
                return _instance ??= await CreateAsync(driver);
            }
            finally
            {
                Gate.Release();
            }
        }

        private static async Task<World> CreateAsync(MarketplaceDriver driver)
        {
            var w = new World { _driver = driver };
            var listing = await driver.ListedOfferingAsync(records: 10);
            w.OwnerProvider = listing.Provider;
            w.DatasetId = listing.DatasetId;
            w._otherProvider = await driver.CreatePartyAsync("provider");
            w.OwnerBuyer = await driver.CreatePartyAsync("buyer");
            w._otherBuyer = await driver.CreatePartyAsync("buyer");
            w.PrivateOfferingId = await w.FreshOfferingAsync(publish: true, privateTo: w.OwnerBuyer.Id);
            w.ContractId = (await MarketplaceDriver.SubscribeAsync(w.OwnerBuyer, listing.OfferingId, "research")).Id;
            var aggregates = await driver.ListedOfferingAsync(records: 10, pricing: new { model = "free", currency = "JPY" },
                policy: new { purposes = new[] { "research" }, aggregates = new { dimensions = new[] { "district" } } });
            w.AggregateContractId = (await MarketplaceDriver.SubscribeAsync(w.OwnerBuyer, aggregates.OfferingId, "research")).Id;
            w._anonymous = driver.Factory.CreateClient();
            w._badKey = driver.Factory.ClientWithKey("mk_aaaaaaaaaaaa_not-a-real-secret");
            return w;
        }

        public string IdOf(Caller caller) => caller switch
        {
            Caller.OwnerProvider => OwnerProvider.Id,
            Caller.OtherProvider => _otherProvider.Id,
            Caller.OwnerBuyer => OwnerBuyer.Id,
            Caller.OtherBuyer => _otherBuyer.Id,
            _ => "",
        };

        public HttpClient ClientFor(Caller caller) => caller switch
        {
            Caller.Anonymous => _anonymous,
            Caller.BadKey => _badKey,
            Caller.Operator => _driver.Operator,
            Caller.OwnerProvider => OwnerProvider.Client,
            Caller.OtherProvider => _otherProvider.Client,
            Caller.OwnerBuyer => OwnerBuyer.Client,
            _ => _otherBuyer.Client,
        };

        private string? _octoberInvoice;

        /// <summary>
        /// Once: usage of the contract in October, and October closed (it ended before the fixture's clock), so an
        /// invoice exists. Every billing row waits for it, so whichever runs first the invoice is there.
        /// </summary>
        public async Task<string> InvoicedOctoberAsync()
        {
            await Gate.WaitAsync();
            try
            {
                if (_octoberInvoice is null)
                {
                    // The contract began in November, so October has no usage of it; its invoice is issued directly,
                    // as the close would, and October is closed (nothing else of it to bill).
                    var close = await _driver.Operator.PostAsync("/api/v1/billing/periods/2026-10/close", null);
                    Assert.Equal(HttpStatusCode.OK, close.StatusCode);
                    var id = $"inv-2026-10-{ContractId}";
                    var computed = Marketplace.Domain.InvoiceCalculation.Compute(new Marketplace.Domain.InvoiceBasis(
                        Marketplace.Domain.PricingPlan.Flat(new Marketplace.Domain.Money(1_000, Marketplace.Domain.Currency.Parse("JPY"))),
                        "2026-10", 0, true, [], false, new Marketplace.Domain.BillingRates(1000, 1500, 0), OwnerProvider.Id, "marketplace"));
                    var party = (string partyId) => new Marketplace.Grains.InvoiceParty(partyId, partyId, null);
                    await _driver.Factory.Services.GetRequiredService<Orleans.IGrainFactory>().GetGrain<Marketplace.Grains.IInvoiceGrain>(id).Issue(new Marketplace.Grains.Invoice(
                        id, Marketplace.Grains.InvoiceKind.Invoice, "2026-10", ContractId, "off", "Bus stops", Marketplace.Domain.Currency.Parse("JPY"), Now,
                        party(OwnerBuyer.Id), party(OwnerProvider.Id), party("marketplace"), false, computed.Lines, computed.Taxes,
                        computed.NetMinor, computed.TaxMinor, computed.TotalMinor, computed.Shares, 1500));
                    _octoberInvoice = id;
                }
                return _octoberInvoice;
            }
            finally
            {
                Gate.Release();
            }
        }

        /// <summary>A finished reconciliation run of October (its job run here: the fixture's host runs no jobs).</summary>
        public async Task<string> ReconciledOctoberAsync()
        {
            await InvoicedOctoberAsync();
            var started = await _driver.Operator.PostAsync("/api/v1/billing/periods/2026-10/reconciliation", null);
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
            var id = started.Headers.Location!.OriginalString.Split('/')[^1];
            await _driver.Factory.Services.GetRequiredService<Marketplace.Billing.Reconciliation.ReconciliationRuns>().RunAsync(id);
            return id;
        }

        /// <summary>A harvest source nobody can reach (manual schedule), registered by the operator.</summary>
        public async Task<string> FreshHarvestSourceAsync()
        {
            var created = await _driver.Operator.PostAsJsonAsync("/api/v1/harvest-sources", Federation.HarvestSourceTests.UnreachableSource());
            return (await MarketplaceDriver.Ok<Features.Harvest.HarvestSourceResponse>(created, HttpStatusCode.Created)).Id;
        }

        public async Task<string> FreshKeyPrefixAsync()
        {
            var response = await _driver.Operator.PostAsync($"/api/v1/parties/{OwnerBuyer.Id}/keys", null);
            var key = await MarketplaceDriver.Ok<Features.Parties.ApiKeyResponse>(response, HttpStatusCode.Created);
            return key.ApiKey.Substring(3, 12);
        }

        public async Task<(string DatasetId, string RevisionId)> FreshDatasetAsync()
        {
            var id = MarketplaceDriver.UniqueId("ds");
            await _driver.CreateDatasetAsync(OwnerProvider, MarketplaceDriver.BusStopsDataset(id));
            var revision = await MarketplaceDriver.UploadCsvAsync(OwnerProvider, id, MarketplaceDriver.BusStopsCsv(2));
            return (id, revision.RevisionId);
        }

        public async Task<string> FreshOfferingAsync(bool publish, string? privateTo = null, string approval = "automatic", bool? preview = null)
        {
            var id = MarketplaceDriver.UniqueId("off");
            await MarketplaceDriver.CreateOfferingAsync(OwnerProvider, new
            {
                id,
                datasetId = DatasetId,
                pricing = new { model = "per-unit", currency = "JPY", amount = 1, unit = "record" },
                policy = new { purposes = new[] { "research" } },
                visibility = privateTo is null ? "public" : "private",
                buyers = privateTo is null ? Array.Empty<string>() : [privateTo],
                approval,
                preview,
            });
            if (publish)
            {
                await MarketplaceDriver.PublishAsync(OwnerProvider, id);
            }
            return id;
        }

        public async Task<string> FreshContractAsync(string status)
        {
            var offering = await FreshOfferingAsync(publish: true, approval: status == "requested" ? "provider" : "automatic");
            var contract = await MarketplaceDriver.SubscribeAsync(OwnerBuyer, offering, "research");
            if (status == "suspended")
            {
                var response = await OwnerProvider.Client.PostAsync($"/api/v1/contracts/{contract.Id}/suspend", null);
                response.EnsureSuccessStatusCode();
            }
            return contract.Id;
        }
    }
}
