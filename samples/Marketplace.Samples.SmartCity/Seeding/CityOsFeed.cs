using System.Globalization;
using System.Net;
using System.Text.Json;
using Marketplace.Client;
using Marketplace.Samples.SmartCity.Generation;

namespace Marketplace.Samples.SmartCity.Seeding;

/// <summary>
/// The city's live air-quality sensors arrive the way a City OS delivers them: the city attaches a dataset to
/// the marketplace's NGSI-LD feed and its context broker notifies AirQualityObserved entities (FIWARE smart
/// data models: no2, pm25, temperature, location, dateObserved). The sample plays the broker: it sends one
/// notification per station with the station's latest hourly reading. Notification ids are fixed, so seeding
/// again sends replays the marketplace recognises and appends nothing. The records become a revision when the
/// feed's minute closes (the marketplace's recurring job publishes it).
/// </summary>
internal static class CityOsFeed
{
    public const string DatasetId = "air-quality-live";
    public const string ProviderId = "city-of-minato-mirai";
    public const string EntityType = "AirQualityObserved";

    // Where the ten stations stand, around Minato-Mirai (WGS 84), one step apart.
    private const double Latitude = 35.4550, Longitude = 139.6300, Step = 0.004;

    public static CreateDatasetRequest Dataset(string publisher) => new(
        DatasetId, "public", "大気環境 速報値 (City OS) / Live air quality (City OS)",
        "市の City OS (NGSI-LD コンテキストブローカー) が通知する測定局の最新値: NO₂ (ppm)、PM2.5 (µg/m³)、気温 (°C)、位置。"
            + " The latest readings of the city's stations as its City OS (an NGSI-LD context broker) notifies them: NO₂ (ppm), PM2.5 (µg/m³), temperature (°C), position.",
        ["大気汚染", "PM2.5", "NGSI-LD", "air quality", "City OS"], ["ENVI"], publisher, "CC-BY-4.0", "Minato-Mirai",
        null, null, "hourly", "ja",
        new DatasetSchema(
        [
            new SchemaField("sensor", "string", Required: true),
            new SchemaField("observed_at", "datetime", Required: true),
            new SchemaField("no2", "number"),
            new SchemaField("pm25", "number"),
            new SchemaField("temperature", "number"),
            new SchemaField("lat", "number"),
            new SchemaField("lon", "number"),
        ]));

    public static AttachNgsiLdFeedRequest Feed { get; } = new([EntityType],
    [
        new NgsiLdMapping("id", "sensor"),
        new NgsiLdMapping("dateObserved", "observed_at"),
        new NgsiLdMapping("no2", "no2"),
        new NgsiLdMapping("pm25", "pm25"),
        new NgsiLdMapping("temperature", "temperature"),
        new NgsiLdMapping("location.latitude", "lat"),
        new NgsiLdMapping("location.longitude", "lon"),
    ], "PT1M");

    /// <summary>One notification per station, with its latest reading of the generated month.</summary>
    public static IReadOnlyList<string> Notifications()
    {
        var latest = AirQuality.Generate().GroupBy(r => r.StationId).Select(g => g.MaxBy(r => r.ObservedAt)!).OrderBy(r => r.StationId, StringComparer.Ordinal);
        return [.. latest.Select((reading, i) => Notification(reading, i))];
    }

    public static async Task EnsureAsync(MarketplaceClient provider, string publisher, TextWriter output, CancellationToken cancellationToken)
    {
        try
        {
            await provider.GetDatasetAsync(DatasetId, cancellationToken);
        }
        catch (MarketplaceProblemException e) when (e.Status == HttpStatusCode.NotFound)
        {
            try
            {
                await provider.CreateDatasetAsync(Dataset(publisher), cancellationToken);
            }
            catch (MarketplaceProblemException conflict) when (conflict.Status == HttpStatusCode.Conflict)
            {
                // Created by an earlier run whose answer was lost.
            }
        }
        await provider.AttachNgsiLdFeedAsync(DatasetId, Feed, cancellationToken);
        var added = 0;
        foreach (var notification in Notifications())
        {
            added += (await provider.NotifyNgsiLdAsync(DatasetId, notification, cancellationToken)).Records;
        }
        output.WriteLine($"  dataset {DatasetId}: City OS feed attached (NGSI-LD), {added} readings notified");
    }

    private static string Notification(AirQualityReading reading, int station)
    {
        var at = reading.ObservedAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var temperature = Math.Round(14.0 + (0.3 * station), 1);
        var entity = new Dictionary<string, object>
        {
            ["id"] = $"urn:ngsi-ld:{EntityType}:minato-mirai:{reading.StationId}",
            ["type"] = EntityType,
            ["dateObserved"] = new { type = "Property", value = new Dictionary<string, string> { ["@type"] = "DateTime", ["@value"] = at } },
            ["no2"] = new { type = "Property", value = reading.No2, unitCode = "59", observedAt = at },
            ["pm25"] = new { type = "Property", value = reading.Pm25, unitCode = "GQ", observedAt = at },
            ["temperature"] = new { type = "Property", value = temperature, unitCode = "CEL", observedAt = at },
            ["location"] = new { type = "GeoProperty", value = new { type = "Point", coordinates = new[] { Longitude + (Step * station), Latitude + (Step * (station % 3)) } } },
        };
        return JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["id"] = $"urn:ngsi-ld:Notification:minato-mirai:{reading.StationId}:{reading.ObservedAt.ToUnixTimeSeconds()}",
            ["type"] = "Notification",
            ["subscriptionId"] = "urn:ngsi-ld:Subscription:minato-mirai:air-quality",
            ["notifiedAt"] = at,
            ["data"] = new[] { entity },
        });
    }
}
