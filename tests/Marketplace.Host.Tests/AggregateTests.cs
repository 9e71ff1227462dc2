using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Marketplace.Application.Usage;
using Marketplace.Host.Features.Access;
using Marketplace.Host.Features.Contracts;

namespace Marketplace.Host.Tests;

/// <summary>
/// Aggregate-only offerings over HTTP: k-anonymous groups with the rule stated, raw records refused, the policy's
/// dimensions enforced, one request metered per answer (and none for a replay), and the price of the declared purpose.
/// The dataset has no subject field, so each trip stands for one person.
/// </summary>
[Collection(MarketplaceCollection.Name)]
public sealed class AggregateTests(MarketplaceFixture fixture)
{
    private readonly MarketplaceDriver _driver = fixture.Driver;

    internal static object Trips(string id) => new
    {
        id,
        @class = "private",
        title = "Trips",
        description = "Trips between districts.",
        keywords = new[] { "mobility" },
        themes = new[] { "TRAN" },
        publisher = "City",
        licence = "proprietary",
        language = "ja",
        schema = new
        {
            fields = new object[]
            {
                new { name = "origin", type = "string", required = true },
                new { name = "destination", type = "string", required = true },
                new { name = "mode", type = "string", required = true },
                new { name = "minutes", type = "integer", required = true },
            },
        },
    };

    /// <summary>23 trips Aoba → Shinko, 12 Shinko → Yamate, 4 Aoba → Yamate (a small flow).</summary>
    internal static string TripsCsv()
    {
        var csv = new StringBuilder("origin,destination,mode,minutes\n");
        void Flow(string origin, string destination, int trips, int minutes)
        {
            for (var i = 0; i < trips; i++)
            {
                csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"{origin},{destination},train,{minutes + (i % 3)}\n");
            }
        }
        Flow("Aoba", "Shinko", 23, 30);
        Flow("Shinko", "Yamate", 12, 20);
        Flow("Aoba", "Yamate", 4, 40);
        return csv.ToString();
    }

    private async Task<(Party Provider, string OfferingId)> AggregateOfferingAsync(object? aggregates = null)
    {
        var provider = await _driver.CreatePartyAsync("provider");
        var datasetId = MarketplaceDriver.UniqueId("ds");
        await _driver.CreateDatasetAsync(provider, Trips(datasetId));
        await MarketplaceDriver.UploadCsvAsync(provider, datasetId, TripsCsv());
        var offering = await MarketplaceDriver.CreateOfferingAsync(provider, new
        {
            id = MarketplaceDriver.UniqueId("off"),
            datasetId,
            pricing = new { model = "per-unit", currency = "JPY", amount = 50, unit = "request" },
            policy = new
            {
                purposes = new[] { "city-planning", "commercial-marketing" },
                aggregates = aggregates ?? new { dimensions = new[] { "origin", "destination", "mode" }, measures = new[] { "minutes" }, k = 10, roundingStep = 10 },
            },
            purposePrices = new[] { new { purpose = "city-planning", pricing = new { model = "free", currency = "JPY" } } },
            visibility = "public",
            approval = "automatic",
        });
        await MarketplaceDriver.PublishAsync(provider, offering.Id);
        return (provider, offering.Id);
    }

    private async Task<(Party Buyer, string ContractId)> ContractAsync(string purpose = "commercial-marketing", object? aggregates = null)
    {
        var (_, offeringId) = await AggregateOfferingAsync(aggregates);
        var buyer = await _driver.CreatePartyAsync("buyer");
        return (buyer, (await MarketplaceDriver.SubscribeAsync(buyer, offeringId, purpose)).Id);
    }

    private static async Task<HttpResponseMessage> QueryAsync(Party buyer, string contractId, string query, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/contracts/{contractId}/aggregate?{query}");
        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        }
        return await buyer.Client.SendAsync(request);
    }

    private static async Task<long> UnitsAsync(Party buyer, string contractId) =>
        Assert.Single((await MarketplaceDriver.Ok<UsageResponse>(await buyer.Client.GetAsync($"/api/v1/contracts/{contractId}/usage"), HttpStatusCode.OK)).Items).Units;

    [Fact]
    public async Task Small_flows_are_suppressed_and_kept_counts_are_rounded_as_the_answer_states()
    {
        var (buyer, contractId) = await ContractAsync();

        var answer = await MarketplaceDriver.Ok<AggregateResponse>(await QueryAsync(buyer, contractId, "groupBy=origin,destination"), HttpStatusCode.OK);

        Assert.Equal(
            [("Aoba", "Shinko", 20L), ("Shinko", "Yamate", 10L)],
            answer.Groups.Select(g => (g.Keys["origin"], g.Keys["destination"], g.People)));
        Assert.Equal((10, 10, 1, false), (answer.K, answer.RoundingStep, answer.SuppressedGroups, answer.SumsPublished));
        Assert.Null(answer.SuppressedPeople);
        Assert.Contains("rounded to the nearest multiple of 10", answer.Rounding, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_measure_is_averaged_per_group_and_its_sum_withheld_while_counts_are_rounded()
    {
        var (buyer, contractId) = await ContractAsync();

        var answer = await MarketplaceDriver.Ok<AggregateResponse>(await QueryAsync(buyer, contractId, "groupBy=destination&measure=minutes"), HttpStatusCode.OK);

        var shinko = answer.Groups.Single(g => g.Keys["destination"] == "Shinko");
        Assert.Equal((20L, (decimal?)null, 30.96m), (shinko.People, shinko.Sum, shinko.Average));
    }

    [Fact]
    public async Task Raw_records_are_refused_under_an_aggregate_only_contract_pointing_at_the_aggregate_endpoint()
    {
        var (buyer, contractId) = await ContractAsync();

        var problem = await MarketplaceDriver.Problem(await buyer.Client.GetAsync($"/api/v1/contracts/{contractId}/records"), HttpStatusCode.Forbidden);

        Assert.Equal("access.aggregate-only", problem.GetProperty("code").GetString());
        Assert.Contains($"/api/v1/contracts/{contractId}/aggregate", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await UnitsAsync(buyer, contractId));
    }

    [Fact]
    public async Task Grouping_by_a_field_the_policy_does_not_allow_answers_400_naming_the_allowed_dimensions()
    {
        var (buyer, contractId) = await ContractAsync();

        var problem = await MarketplaceDriver.Problem(await QueryAsync(buyer, contractId, "groupBy=minutes"), HttpStatusCode.BadRequest);

        Assert.Equal("aggregate.group-by-invalid", problem.GetProperty("code").GetString());
        Assert.Contains("origin, destination, mode", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_answer_meters_one_request()
    {
        var (buyer, contractId) = await ContractAsync();

        var first = await QueryAsync(buyer, contractId, "groupBy=origin");
        await QueryAsync(buyer, contractId, "groupBy=mode");

        Assert.Equal(("1", 2L), (first.Headers.GetValues("X-Usage-Units").Single(), await UnitsAsync(buyer, contractId)));
    }

    [Fact]
    public async Task A_replay_with_the_same_Idempotency_Key_answers_the_same_and_meters_nothing()
    {
        var (buyer, contractId) = await ContractAsync();
        var first = await (await QueryAsync(buyer, contractId, "groupBy=origin", "agg-key-1")).Content.ReadAsStringAsync();

        var replay = await QueryAsync(buyer, contractId, "groupBy=origin", "agg-key-1");

        Assert.Equal(("true", first), (replay.Headers.GetValues("Idempotent-Replayed").Single(), await replay.Content.ReadAsStringAsync()));
        Assert.Equal(1, await UnitsAsync(buyer, contractId));
    }

    [Fact]
    public async Task The_same_Idempotency_Key_with_another_query_is_refused()
    {
        var (buyer, contractId) = await ContractAsync();
        await QueryAsync(buyer, contractId, "groupBy=origin", "agg-key-2");

        var problem = await MarketplaceDriver.Problem(await QueryAsync(buyer, contractId, "groupBy=mode", "agg-key-2"), HttpStatusCode.Conflict);

        Assert.Equal("idempotency-key.conflict", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_contract_whose_offering_gives_records_answers_409_for_aggregates()
    {
        var listing = await _driver.ListedOfferingAsync(records: 3);
        var buyer = await _driver.CreatePartyAsync("buyer");
        var contract = await MarketplaceDriver.SubscribeAsync(buyer, listing.OfferingId, "research");

        var problem = await MarketplaceDriver.Problem(await QueryAsync(buyer, contract.Id, "groupBy=district"), HttpStatusCode.Conflict);

        Assert.Equal("aggregate.not-offered", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_contract_takes_the_price_of_the_purpose_declared_at_subscription()
    {
        var (_, offeringId) = await AggregateOfferingAsync();
        var buyer = await _driver.CreatePartyAsync("buyer");

        var planning = await MarketplaceDriver.SubscribeAsync(buyer, offeringId, "city-planning");
        var marketing = await MarketplaceDriver.SubscribeAsync(buyer, offeringId, "commercial-marketing");

        Assert.Equal(("free", "per-unit", 50L), (planning.Pricing.Model, marketing.Pricing.Model, marketing.Pricing.Amount));
    }

    [Fact]
    public async Task An_offering_answers_its_purpose_prices_and_aggregate_terms()
    {
        var (provider, offeringId) = await AggregateOfferingAsync();

        var offering = await provider.Client.GetFromJsonAsync<JsonElement>($"/api/v1/offerings/{offeringId}");

        Assert.Equal("city-planning", offering.GetProperty("purposePrices")[0].GetProperty("purpose").GetString());
        Assert.Equal((10, true), (offering.GetProperty("policy").GetProperty("aggregates").GetProperty("k").GetInt32(),
            offering.GetProperty("policy").GetProperty("aggregates").GetProperty("aggregateOnly").GetBoolean()));
    }

    [Fact]
    public async Task An_aggregate_offering_charging_per_record_is_refused()
    {
        var provider = await _driver.CreatePartyAsync("provider");
        var datasetId = MarketplaceDriver.UniqueId("ds");
        await _driver.CreateDatasetAsync(provider, Trips(datasetId));

        var response = await provider.Client.PostAsJsonAsync("/api/v1/offerings", new
        {
            datasetId,
            pricing = new { model = "per-unit", currency = "JPY", amount = 1, unit = "record" },
            policy = new { purposes = Array.Empty<string>(), aggregates = new { dimensions = new[] { "origin" } } },
        });

        Assert.Equal("aggregate.policy-invalid", (await MarketplaceDriver.Problem(response, HttpStatusCode.BadRequest)).GetProperty("code").GetString());
    }
}
