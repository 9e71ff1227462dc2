using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Marketplace.Host.Features.Contracts;
using Marketplace.Host.Features.Datasets;
using Marketplace.Host.Features.Offerings;
using Marketplace.Host.Features.Parties;

namespace Marketplace.Host.Tests;

/// <summary>A marketplace the tests call: the in-process test host, or one host of a real cluster.</summary>
public interface IMarketplaceEndpoint
{
    HttpClient ClientWithKey(string apiKey);

    string OperatorKey { get; }

    /// <summary>The clock the marketplace's business time follows (the test host's fake clock, or the wall clock).</summary>
    TimeProvider Clock { get; }
}

/// <summary>Drives the public API the way a provider, buyer or operator would; each call asserts success.</summary>
public sealed class MarketplaceDriver(IMarketplaceEndpoint factory)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The in-process test host this driver calls (not a cluster's host).</summary>
    public MarketplaceFactory Factory => factory as MarketplaceFactory ?? throw new InvalidOperationException("This driver calls a cluster host, not the in-process test host.");

    public HttpClient Operator => factory.ClientWithKey(factory.OperatorKey);

    public static string UniqueId(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..10]}";

    public async Task<Party> CreatePartyAsync(string role, string? id = null)
    {
        id ??= UniqueId(role);
        var response = await Operator.PostAsJsonAsync("/api/v1/parties", new { id, role, name = $"Test {role} {id}" });
        var created = await Ok<PartyWithKeyResponse>(response, HttpStatusCode.Created);
        return new Party(created.Id, created.ApiKey, factory.ClientWithKey(created.ApiKey));
    }

    /// <summary>Enrols a person for the party (as the operator) and answers their sign-in and one-time password.</summary>
    public async Task<PersonWithPasswordResponse> EnrolPersonAsync(string partyId, string? signIn = null)
    {
        signIn ??= $"{UniqueId("person")}@example.jp";
        var response = await Operator.PostAsJsonAsync($"/api/v1/parties/{partyId}/people", new { signIn, displayName = "山田 花子" });
        return await Ok<PersonWithPasswordResponse>(response, HttpStatusCode.Created);
    }

    public static object BusStopsDataset(string id, string cls = "public") => new
    {
        id,
        @class = cls,
        title = "Bus stops 停留所",
        description = "Every bus stop of the city with its position.",
        keywords = new[] { "bus", "transport" },
        themes = new[] { "TRAN" },
        publisher = "City",
        licence = cls == "public" ? "CC-BY-4.0" : "proprietary",
        language = "ja",
        schema = new
        {
            fields = new object[]
            {
                new { name = "stop_id", type = "string", required = true },
                new { name = "name", type = "string", required = true },
                new { name = "district", type = "string", required = false },
                new { name = "lat", type = "number", required = true },
            },
        },
    };

    public static string BusStopsCsv(int count)
    {
        var csv = new StringBuilder("stop_id,name,district,lat\n");
        for (var i = 1; i <= count; i++)
        {
            csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"S{i:D5},\"Stop {i}, north\",{(i % 2 == 0 ? "east" : "west")},35.{i:D4}\n");
        }
        return csv.ToString();
    }

    public async Task<DatasetResponse> CreateDatasetAsync(Party provider, object dataset) =>
        await Ok<DatasetResponse>(await provider.Client.PostAsJsonAsync("/api/v1/datasets", dataset), HttpStatusCode.Created);

    public static async Task<RevisionResponse> UploadCsvAsync(Party provider, string datasetId, string csv)
    {
        using var content = new StringContent(csv, Encoding.UTF8, "text/csv");
        return await Ok<RevisionResponse>(await provider.Client.PostAsync($"/api/v1/datasets/{datasetId}/revisions", content), HttpStatusCode.Created);
    }

    public static async Task<OfferingResponse> CreateOfferingAsync(Party provider, object offering) =>
        await Ok<OfferingResponse>(await provider.Client.PostAsJsonAsync("/api/v1/offerings", offering), HttpStatusCode.Created);

    public static async Task<OfferingResponse> PublishAsync(Party provider, string offeringId) =>
        await Ok<OfferingResponse>(await provider.Client.PostAsync($"/api/v1/offerings/{offeringId}/publish", null), HttpStatusCode.OK);

    public static async Task<ContractResponse> SubscribeAsync(Party buyer, string offeringId, string purpose) =>
        await Ok<ContractResponse>(await buyer.Client.PostAsJsonAsync($"/api/v1/offerings/{offeringId}/contracts", new { purpose }), HttpStatusCode.Created);

    /// <summary>Lists and publishes the provider's public offering of <paramref name="datasetId"/>: ¥2 a record, for research, approved automatically.</summary>
    public static async Task<string> PublishedOfferingAsync(Party provider, string datasetId, string? offeringId = null)
    {
        offeringId ??= UniqueId("off");
        await CreateOfferingAsync(provider, new
        {
            id = offeringId,
            datasetId,
            pricing = new { model = "per-unit", currency = "JPY", amount = 2, unit = "record" },
            policy = new { purposes = new[] { "research" } },
            visibility = "public",
            buyers = Array.Empty<string>(),
            approval = "automatic",
        });
        await PublishAsync(provider, offeringId);
        return offeringId;
    }

    /// <summary>A provider with a listed offering of a bus-stop dataset holding <paramref name="records"/> records.</summary>
    public async Task<Listing> ListedOfferingAsync(int records, object? pricing = null, object? policy = null,
        string approval = "automatic", string cls = "private", string visibility = "public", string[]? buyers = null, bool? preview = null)
    {
        var provider = await CreatePartyAsync("provider");
        var datasetId = UniqueId("ds");
        await CreateDatasetAsync(provider, BusStopsDataset(datasetId, cls));
        await UploadCsvAsync(provider, datasetId, BusStopsCsv(records));
        var offeringId = UniqueId("off");
        await CreateOfferingAsync(provider, new
        {
            id = offeringId,
            datasetId,
            pricing = pricing ?? new { model = "per-unit", currency = "JPY", amount = 2, unit = "record" },
            policy = policy ?? new { purposes = new[] { "research" } },
            visibility,
            buyers = buyers ?? [],
            approval,
            preview,
        });
        await PublishAsync(provider, offeringId);
        return new Listing(provider, datasetId, offeringId);
    }

    public static async Task<T> Ok<T>(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected} but got {(int)response.StatusCode}: {body}");
        return JsonSerializer.Deserialize<T>(body, Json)!;
    }

    public static async Task<JsonElement> Problem(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected} but got {(int)response.StatusCode}: {body}");
        Assert.StartsWith("application/problem+json", response.Content.Headers.ContentType?.ToString() ?? "", StringComparison.Ordinal);
        var problem = JsonDocument.Parse(body).RootElement.Clone();
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()), "a problem must say what to do");
        return problem;
    }
}

public sealed record Party(string Id, string Key, HttpClient Client);

public sealed record Listing(Party Provider, string DatasetId, string OfferingId);
