using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Marketplace.Host.Features.Datasets;
using Marketplace.Host.Features.NgsiLd;

namespace Marketplace.Host.Tests.NgsiLd;

/// <summary>An air-quality dataset fed by NGSI-LD notifications of AirQualityObserved entities (FIWARE smart data models).</summary>
public static class NgsiLdWorld
{
    public static object AirQualityDataset(string id) => new
    {
        id,
        @class = "public",
        title = "Air quality 大気質",
        description = "Air-quality sensors of the city, notified by the City OS.",
        keywords = new[] { "air", "environment" },
        themes = new[] { "ENVI" },
        publisher = "City",
        licence = "CC-BY-4.0",
        language = "ja",
        schema = new
        {
            fields = new object[]
            {
                new { name = "sensor", type = "string", required = true },
                new { name = "observed_at", type = "datetime", required = true },
                new { name = "no2", type = "number", required = false },
                new { name = "pm25", type = "number", required = false },
                new { name = "temperature", type = "number", required = false },
                new { name = "lat", type = "number", required = false },
                new { name = "lon", type = "number", required = false },
            },
        },
    };

    public static object Feed(string interval = "PT1H") => new
    {
        entityTypes = new[] { "AirQualityObserved" },
        mapping = new object[]
        {
            new { attribute = "id", field = "sensor" },
            new { attribute = "dateObserved", field = "observed_at" },
            new { attribute = "no2", field = "no2" },
            new { attribute = "pm25", field = "pm25" },
            new { attribute = "temperature", field = "temperature" },
            new { attribute = "location.latitude", field = "lat" },
            new { attribute = "location.longitude", field = "lon" },
        },
        interval,
    };

    /// <summary>A provider with an air-quality dataset attached to the feed.</summary>
    public static async Task<(Party Provider, string DatasetId)> AttachedAsync(MarketplaceDriver driver, string interval = "PT1H")
    {
        var provider = await driver.CreatePartyAsync("provider");
        var datasetId = MarketplaceDriver.UniqueId("air");
        await driver.CreateDatasetAsync(provider, AirQualityDataset(datasetId));
        await MarketplaceDriver.Ok<NgsiLdFeedResponse>(await provider.Client.PutAsJsonAsync($"/api/v1/datasets/{datasetId}/ngsi-ld", Feed(interval)), HttpStatusCode.OK);
        return (provider, datasetId);
    }

    public static string Entity(string sensor, double no2, string observedAt = "2026-11-10T00:05:00Z") => $$"""
        { "id": "urn:ngsi-ld:AirQualityObserved:{{sensor}}", "type": "AirQualityObserved",
          "dateObserved": { "type": "Property", "value": { "@type": "DateTime", "@value": "{{observedAt}}" } },
          "no2": { "type": "Property", "value": {{no2.ToString(System.Globalization.CultureInfo.InvariantCulture)}}, "unitCode": "GQ", "observedAt": "{{observedAt}}" },
          "pm25": { "type": "Property", "value": 8.5, "unitCode": "GQ", "observedAt": "{{observedAt}}" },
          "temperature": { "type": "Property", "value": 12.5, "unitCode": "CEL", "observedAt": "{{observedAt}}" },
          "location": { "type": "GeoProperty", "value": { "type": "Point", "coordinates": [139.6917, 35.6895] } } }
        """;

    public static string Notification(string notificationId, params string[] entities) => $$"""
        { "id": "{{notificationId}}", "type": "Notification", "subscriptionId": "urn:ngsi-ld:Subscription:air",
          "notifiedAt": "2026-11-10T00:06:00Z", "data": [{{string.Join(",", entities)}}] }
        """;

    public static Task<HttpResponseMessage> NotifyAsync(HttpClient client, string datasetId, string body, string contentType = "application/json") =>
        client.PostAsync($"/api/v1/datasets/{datasetId}/ngsi-ld/notify", new StringContent(body, Encoding.UTF8, contentType));

    public static string NewNotificationId() => $"urn:ngsi-ld:Notification:{Guid.NewGuid():N}";

    public static async Task<NgsiLdFeedResponse> StatusAsync(Party provider, string datasetId) =>
        await MarketplaceDriver.Ok<NgsiLdFeedResponse>(await provider.Client.GetAsync($"/api/v1/datasets/{datasetId}/ngsi-ld"), HttpStatusCode.OK);

    public static async Task<DatasetResponse> DatasetAsync(Party provider, string datasetId) =>
        await MarketplaceDriver.Ok<DatasetResponse>(await provider.Client.GetAsync($"/api/v1/datasets/{datasetId}"), HttpStatusCode.OK);

    /// <summary>The records a buyer reads through a free contract on the dataset's published offering.</summary>
    public static async Task<List<JsonElement>> BuyerReadsAsync(MarketplaceDriver driver, Party provider, string datasetId)
    {
        var offeringId = MarketplaceDriver.UniqueId("off");
        await MarketplaceDriver.CreateOfferingAsync(provider, new
        {
            id = offeringId,
            datasetId,
            pricing = new { model = "free", currency = "JPY" },
            policy = new { purposes = new[] { "research" } },
            visibility = "public",
            buyers = Array.Empty<string>(),
            approval = "automatic",
        });
        await MarketplaceDriver.PublishAsync(provider, offeringId);
        var buyer = await driver.CreatePartyAsync("buyer");
        var contract = await MarketplaceDriver.SubscribeAsync(buyer, offeringId, "research");
        var page = await MarketplaceDriver.Ok<JsonElement>(await buyer.Client.GetAsync($"/api/v1/contracts/{contract.Id}/records?limit=100"), HttpStatusCode.OK);
        return [.. page.GetProperty("records").EnumerateArray()];
    }
}
