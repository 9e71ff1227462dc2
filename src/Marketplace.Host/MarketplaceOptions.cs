namespace Marketplace.Host;

/// <summary>The "Marketplace" configuration section.</summary>
public sealed class MarketplaceOptions
{
    public const string Section = "Marketplace";

    /// <summary>"Sqlite" (embedded, the default) or "Cosmos" (Azure Cosmos DB; settings in Marketplace:Cosmos).</summary>
    public string Store { get; set; } = "Sqlite";

    /// <summary>Where the embedded store keeps its database and the bootstrap operator key.</summary>
    public string DataDirectory { get; set; } = "./data";

    /// <summary>Orleans silo-to-silo port; tests pick free ports so hosts never share a cluster by accident.</summary>
    public int SiloPort { get; set; } = 11111;

    public int GatewayPort { get; set; } = 30000;

    /// <summary>IANA zone whose calendar months are the billing periods.</summary>
    public string BillingTimeZone { get; set; } = "Asia/Tokyo";

    /// <summary>Largest revision upload accepted, in bytes (1 GiB).</summary>
    public long MaxUploadBytes { get; set; } = 1L << 30;

    /// <summary>Largest number of events in one provider usage report.</summary>
    public int MaxUsageEventsPerReport { get; set; } = 10_000;

    /// <summary>Most units one reported usage event may carry (a bound against mistakes and attacks, not a quota).</summary>
    public long MaxUnitsPerUsageEvent { get; set; } = 1_000_000_000;
    /// <summary>Requests per API key and per client address ("Marketplace:RateLimits"); answered 429 beyond them.</summary>
    public Http.RateLimitOptions RateLimits { get; set; } = new();
}
