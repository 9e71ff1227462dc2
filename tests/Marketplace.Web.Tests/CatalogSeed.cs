using Marketplace.Host.Tests;

namespace Marketplace.Web.Tests;

/// <summary>
/// What the browser tests find in the catalog, planted through the public API: a free public open-data offering,
/// a priced private-class offering listed to all (so the class and free facets have something to leave out), a
/// priced private offering named for one buyer (invisible to everyone else), and an information bank's
/// personal-data offering.
/// </summary>
public sealed record CatalogSeed(Listing OpenData, Listing ListedPrivate, Listing NamedPrivate, Party NamedBuyer, Listing Personal)
{
    /// <summary>A word of the open-data dataset's title that no other seeded offering has.</summary>
    public const string OpenDataWord = "bicycle";

    public const string OpenDataTitle = "Bicycle parking 駐輪場";

    public static async Task<CatalogSeed> PlantAsync(MarketplaceDriver driver)
    {
        ArgumentNullException.ThrowIfNull(driver);
        var city = await driver.CreatePartyAsync("provider");
        var openData = await ListAsync(driver, city, Dataset("bicycle-parking", "public", OpenDataTitle, ["TRAN"], "CC-BY-4.0"),
            "stop_id,name,district,lat\nB001,Station east,east,35.4541\nB002,Harbour west,west,35.4512\n",
            new { model = "free", currency = "JPY" }, visibility: "public", buyers: [], approval: "automatic");
        var listedPrivate = await ListAsync(driver, city, Dataset("footfall", "private", "Shopping street footfall 通行量", ["ECON"], "proprietary"),
            "stop_id,name,district,lat\nF001,Arcade,north,35.4501\n",
            new { model = "per-unit", currency = "JPY", amount = 3, unit = "record" }, visibility: "public", buyers: [], approval: "automatic");

        var rail = await driver.CreatePartyAsync("provider");
        var buyer = await driver.CreatePartyAsync("buyer");
        var named = await ListAsync(driver, rail, Dataset("platform-load", "private", "Platform load 混雑度", ["TRAN"], "proprietary"),
            "stop_id,name,district,lat\nP001,Platform 1,central,35.4660\n",
            new { model = "per-unit", currency = "JPY", amount = 5, unit = "record" }, visibility: "private", buyers: [buyer.Id], approval: "provider");

        var bank = await driver.CreatePartyAsync("information-bank");
        var personal = await ListAsync(driver, bank, PersonalDataTests.HealthChecks(MarketplaceDriver.UniqueId("health-checks")),
            "resident_id,hba1c\nr-1,5.4\nr-2,6.1\n",
            new { model = "per-unit", currency = "JPY", amount = 20, unit = "record" }, visibility: "public", buyers: [], approval: "provider",
            purposes: ["academic-research"]);

        return new CatalogSeed(openData, listedPrivate, named, buyer, personal);
    }

    private static object Dataset(string prefix, string cls, string title, string[] themes, string licence) => new
    {
        id = MarketplaceDriver.UniqueId(prefix),
        @class = cls,
        title,
        description = $"{title}: one row per place, with its district and latitude.",
        keywords = new[] { prefix },
        themes,
        publisher = "City of Minato Mirai",
        licence,
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

    private static async Task<Listing> ListAsync(MarketplaceDriver driver, Party provider, object dataset, string csv, object pricing,
        string visibility, string[] buyers, string approval, string[]? purposes = null)
    {
        var created = await driver.CreateDatasetAsync(provider, dataset);
        await MarketplaceDriver.UploadCsvAsync(provider, created.Id, csv);
        var offeringId = MarketplaceDriver.UniqueId("off");
        await MarketplaceDriver.CreateOfferingAsync(provider, new
        {
            id = offeringId,
            datasetId = created.Id,
            pricing,
            policy = new { purposes = purposes ?? ["research"] },
            visibility,
            buyers,
            approval,
        });
        await MarketplaceDriver.PublishAsync(provider, offeringId);
        return new Listing(provider, created.Id, offeringId);
    }
}
