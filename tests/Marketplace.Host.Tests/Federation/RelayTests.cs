using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Host.Features.Billing;
using Marketplace.Host.Features.Contracts;
using Marketplace.Host.Features.Partners;
using Marketplace.Application.Usage;
using static Marketplace.Host.Tests.MarketplaceDriver;

namespace Marketplace.Host.Tests.Federation;

/// <summary>Two cities: city A relays city B's priced private offering to its own buyer, and both ledgers agree.</summary>
public sealed class RelayTests(RelayCities cities) : IClassFixture<RelayCities>
{
    [Fact]
    public async Task A_buyer_in_city_a_reads_city_bs_offering_through_a_relay_and_both_ledgers_agree()
    {
        // City B: a priced private offering of 30 records, ¥2 a record, and a buyer party standing for city A.
        var provider = await cities.PartyAsync(cities.CityB, "provider");
        var datasetId = UniqueId("ds");
        await Ok<JsonElement>(await provider.Client.PostAsJsonAsync("/api/v1/datasets", BusStopsDataset(datasetId, "private")), HttpStatusCode.Created);
        await UploadCsvAsync(provider, datasetId, BusStopsCsv(30));
        var offeringId = UniqueId("off");
        await CreateOfferingAsync(provider, new
        {
            id = offeringId,
            datasetId,
            pricing = new { model = "per-unit", currency = "JPY", amount = 2, unit = "record" },
            policy = new { purposes = new[] { "research" } },
            visibility = "public",
            buyers = Array.Empty<string>(),
            approval = "automatic",
            preview = true,
        });
        await PublishAsync(provider, offeringId);
        var cityAtB = await cities.PartyAsync(cities.CityB, "buyer");

        // City A: the operator registers B and relays the offering with a 50 % margin.
        using var operatorA = cities.CityA.Client(cities.OperatorKeyA);
        var registered = await operatorA.PostAsJsonAsync("/api/v1/partners",
            new { id = "city-b", name = "City B Data Exchange", baseUrl = cities.CityB.BaseAddress.ToString(), buyerApiKey = cityAtB.Key });
        var registeredBody = await registered.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        Assert.DoesNotContain(cityAtB.Key, registeredBody, StringComparison.Ordinal);
        var relay = await Ok<RelayResponse>(await operatorA.PostAsJsonAsync("/api/v1/partners/city-b/relays",
            new { offeringId, purpose = "research", marginBasisPoints = 5_000 }), HttpStatusCode.Created);
        Assert.Equal(3, relay.LocalPricing.Amount);
        Assert.Equal("active", relay.PartnerContractStatus);

        // A buyer in city A finds it in the catalog, subscribes and reads three pages, retrying the second.
        var buyer = await cities.PartyAsync(cities.CityA, "buyer");
        var catalog = await buyer.Client.GetFromJsonAsync<JsonElement>("/api/v1/catalog?pageSize=100");
        Assert.Contains(catalog.GetProperty("items").EnumerateArray(), i => i.GetProperty("offeringId").GetString() == relay.LocalOfferingId);
        var contract = await SubscribeAsync(buyer, relay.LocalOfferingId, "research");
        var first = await PageAsync(buyer, contract.Id, null, "page-1");
        var second = await PageAsync(buyer, contract.Id, first.GetProperty("nextCursor").GetString(), "page-2");
        var retried = await PageAsync(buyer, contract.Id, first.GetProperty("nextCursor").GetString(), "page-2");
        var third = await PageAsync(buyer, contract.Id, second.GetProperty("nextCursor").GetString(), "page-3");

        Assert.Equal("S00001", first.GetProperty("records")[0].GetProperty("stop_id").GetString());
        Assert.Equal(second.GetProperty("records").GetRawText(), retried.GetProperty("records").GetRawText());
        Assert.Equal("S00030", third.GetProperty("records")[9].GetProperty("stop_id").GetString());
        Assert.Equal(JsonValueKind.Null, third.GetProperty("nextCursor").ValueKind);

        // Both ledgers: 30 records each side; B charges A ¥60, A charges its buyer ¥90.
        var ours = await Ok<UsageResponse>(await buyer.Client.GetAsync($"/api/v1/contracts/{contract.Id}/usage?period={cities.Period}"), HttpStatusCode.OK);
        using var operatorB = cities.CityB.Client(cities.OperatorKeyB);
        var theirs = await Ok<UsageResponse>(
            await operatorB.GetAsync($"/api/v1/contracts/{relay.PartnerContractId}/usage?period={cities.Period}"), HttpStatusCode.OK);
        Assert.Equal(30, ours.Items.Single().Units);
        Assert.Equal(30, theirs.Items.Single().Units);
        Assert.Equal(60, theirs.Items.Single().Charge.MinorUnits);
        Assert.Equal(90, ours.Items.Single().Charge.MinorUnits);

        var reconciliation = await Ok<RelayReconciliationResponse>(
            await operatorA.GetAsync($"/api/v1/partners/city-b/relays/{relay.Id}/reconciliation?period={cities.Period}"), HttpStatusCode.OK);
        Assert.True(reconciliation.Agreed, JsonSerializer.Serialize(reconciliation));
        Assert.Equal((30L, 30L, 60L, 90L, 30L), (reconciliation.LocalUnits, reconciliation.PartnerUnits, reconciliation.PartnerCharge.MinorUnits,
            reconciliation.LocalCharge.MinorUnits, reconciliation.Margin.MinorUnits));
        Assert.Equal((90L, 30L), (reconciliation.ExpectedLocalCharge.MinorUnits, reconciliation.ExpectedMargin.MinorUnits));

        // The month closes in both cities: B's invoice to city A, plus the configured margin (50 % of ¥2 a record on 30
        // records), is A's invoice to its buyer.
        var partnerInvoice = await ClosedPeriodInvoiceAsync(operatorB, relay.PartnerContractId);
        var localInvoice = await ClosedPeriodInvoiceAsync(operatorA, contract.Id);
        Assert.Equal((cityAtB.Id, 60L), (partnerInvoice.Buyer.Id, partnerInvoice.NetMinor));
        Assert.Equal(reconciliation.PartnerCharge.MinorUnits, partnerInvoice.NetMinor);
        Assert.Equal(partnerInvoice.NetMinor + reconciliation.ExpectedMargin.MinorUnits, localInvoice.NetMinor);
        Assert.Equal((buyer.Id, reconciliation.LocalCharge.MinorUnits), (localInvoice.Buyer.Id, localInvoice.NetMinor));
    }

    /// <summary>
    /// Moves the operator's city's clock past the end of the fixture's period and its grace window, closes the
    /// month before it and then it (periods close in order), and answers the invoice issued on <paramref name="contractId"/>.
    /// </summary>
    private async Task<InvoiceResponse> ClosedPeriodInvoiceAsync(HttpClient operatorClient, string contractId)
    {
        var start = DateTimeOffset.ParseExact(cities.Period + "-01", "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        await Ok<JsonElement>(await operatorClient.PostAsJsonAsync("/api/v1/test-clock/advance", new { to = start.AddMonths(1).AddDays(2) }), HttpStatusCode.OK);
        var previous = start.AddMonths(-1).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        foreach (var period in new[] { previous, cities.Period })
        {
            await Ok<PeriodCloseResponse>(await operatorClient.PostAsync($"/api/v1/billing/periods/{period}/close", null), HttpStatusCode.OK);
        }
        var invoices = await Ok<InvoiceListResponse>(
            await operatorClient.GetAsync($"/api/v1/billing/periods/{cities.Period}/invoices?pageSize=200"), HttpStatusCode.OK);
        var entry = Assert.Single(invoices.Items, i => i.ContractId == contractId);
        Assert.Null(invoices.Next);
        return await Ok<InvoiceResponse>(await operatorClient.GetAsync($"/api/v1/invoices/{entry.Id}"), HttpStatusCode.OK);
    }

    [Fact]
    public async Task Relaying_the_same_offering_again_answers_the_same_relay_and_makes_no_second_contract_at_the_partner()
    {
        var provider = await cities.PartyAsync(cities.CityB, "provider");
        var datasetId = UniqueId("ds");
        await Ok<JsonElement>(await provider.Client.PostAsJsonAsync("/api/v1/datasets", BusStopsDataset(datasetId, "private")), HttpStatusCode.Created);
        await UploadCsvAsync(provider, datasetId, BusStopsCsv(3));
        var offeringId = await PublishedOfferingAsync(provider, datasetId);
        var cityAtB = await cities.PartyAsync(cities.CityB, "buyer");
        using var operatorA = cities.CityA.Client(cities.OperatorKeyA);
        var partnerId = UniqueId("city");
        await Ok<PartnerResponse>(await operatorA.PostAsJsonAsync("/api/v1/partners",
            new { id = partnerId, name = "City B", baseUrl = cities.CityB.BaseAddress.ToString(), buyerApiKey = cityAtB.Key }), HttpStatusCode.Created);
        var body = new { offeringId, purpose = "research", marginPerUnit = 1, fields = new[] { new { name = "stop_id", type = "string", required = true } } };

        var first = await Ok<RelayResponse>(await operatorA.PostAsJsonAsync($"/api/v1/partners/{partnerId}/relays", body), HttpStatusCode.Created);
        var again = await Ok<RelayResponse>(await operatorA.PostAsJsonAsync($"/api/v1/partners/{partnerId}/relays", body), HttpStatusCode.Created);

        Assert.Equal((first.Id, first.PartnerContractId), (again.Id, again.PartnerContractId));
        var contracts = await Ok<ContractListResponse>(await cityAtB.Client.GetAsync($"/api/v1/contracts?offeringId={offeringId}"), HttpStatusCode.OK);
        Assert.Single(contracts.Items);
    }

    private static async Task<JsonElement> PageAsync(Party buyer, string contractId, string? cursor, string idempotencyKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get,
            $"/api/v1/contracts/{contractId}/records?limit=10" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}"));
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        return await Ok<JsonElement>(await buyer.Client.SendAsync(request), HttpStatusCode.OK);
    }
}
