using System.Text.Json;

namespace Marketplace.Client;

/// <summary>The API's JSON: camelCase properties; enum values are lower-case kebab strings ("per-unit").</summary>
public static class MarketplaceJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web);
}
