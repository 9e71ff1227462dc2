using System.Net;
using Marketplace.Host.Features.Offerings;

namespace Marketplace.Host.Tests;

/// <summary>
/// An offering's preview over the API: up to 20 rows of the current revision for whoever may see the offering,
/// on by default for public data, off for private, never for personal.
/// </summary>
[Collection(MarketplaceCollection.Name)]
public sealed class OfferingPreviewTests(MarketplaceFixture fixture)
{
    private readonly MarketplaceDriver _driver = fixture.Driver;

    private HttpClient Anonymous() => fixture.Factory.CreateClient();

    private Task<Listing> OpenDataAsync(int records, bool? preview = null) =>
        _driver.ListedOfferingAsync(records, pricing: new { model = "free", currency = "JPY" }, cls: "public", preview: preview);

    [Fact]
    public async Task Public_data_previews_its_first_20_records_to_anyone_with_the_schema_and_the_count()
    {
        var listing = await OpenDataAsync(records: 25);

        var preview = await MarketplaceDriver.Ok<OfferingPreviewResponse>(await Anonymous().GetAsync($"/api/v1/offerings/{listing.OfferingId}/preview"), HttpStatusCode.OK);

        Assert.Equal((20, 25L), (preview.Rows.Count, preview.Records));
        Assert.Equal(["stop_id", "name", "district", "lat"], preview.Fields.Select(f => f.Name));
        Assert.Equal("S00001", (string?)preview.Rows[0]["stop_id"]);
        Assert.NotNull(preview.RevisionId);
    }

    [Fact]
    public async Task A_smaller_revision_previews_every_record()
    {
        var listing = await OpenDataAsync(records: 3);

        var preview = await MarketplaceDriver.Ok<OfferingPreviewResponse>(await Anonymous().GetAsync($"/api/v1/offerings/{listing.OfferingId}/preview"), HttpStatusCode.OK);

        Assert.Equal(3, preview.Rows.Count);
    }

    [Fact]
    public async Task Public_data_whose_provider_turned_the_preview_off_has_none()
    {
        var listing = await OpenDataAsync(records: 3, preview: false);

        var problem = await MarketplaceDriver.Problem(await Anonymous().GetAsync($"/api/v1/offerings/{listing.OfferingId}/preview"), HttpStatusCode.NotFound);

        Assert.Equal("offering.no-preview", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Private_data_has_no_preview_by_default()
    {
        var listing = await _driver.ListedOfferingAsync(records: 3, cls: "private");

        var problem = await MarketplaceDriver.Problem(await Anonymous().GetAsync($"/api/v1/offerings/{listing.OfferingId}/preview"), HttpStatusCode.NotFound);

        Assert.Equal("offering.no-preview", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Private_data_previews_when_its_provider_turns_the_preview_on()
    {
        var listing = await _driver.ListedOfferingAsync(records: 3, cls: "private", preview: true);

        var preview = await MarketplaceDriver.Ok<OfferingPreviewResponse>(await Anonymous().GetAsync($"/api/v1/offerings/{listing.OfferingId}/preview"), HttpStatusCode.OK);

        Assert.Equal(3, preview.Rows.Count);
    }

    [Fact]
    public async Task The_offering_says_whether_its_page_shows_a_preview()
    {
        var open = await OpenDataAsync(records: 1);
        var closed = await _driver.ListedOfferingAsync(records: 1, cls: "private");

        var openOffering = await MarketplaceDriver.Ok<OfferingResponse>(await open.Provider.Client.GetAsync($"/api/v1/offerings/{open.OfferingId}"), HttpStatusCode.OK);
        var closedOffering = await MarketplaceDriver.Ok<OfferingResponse>(await closed.Provider.Client.GetAsync($"/api/v1/offerings/{closed.OfferingId}"), HttpStatusCode.OK);

        Assert.Equal((true, false), (openOffering.Preview, closedOffering.Preview));
    }

    [Fact]
    public async Task A_private_offering_previews_only_to_the_buyers_it_names()
    {
        var named = await _driver.CreatePartyAsync("buyer");
        var other = await _driver.CreatePartyAsync("buyer");
        var listing = await _driver.ListedOfferingAsync(records: 3, cls: "public", pricing: new { model = "free", currency = "JPY" },
            visibility: "private", buyers: [named.Id]);

        var seen = await named.Client.GetAsync($"/api/v1/offerings/{listing.OfferingId}/preview");
        var hidden = await MarketplaceDriver.Problem(await other.Client.GetAsync($"/api/v1/offerings/{listing.OfferingId}/preview"), HttpStatusCode.NotFound);

        Assert.Equal(HttpStatusCode.OK, seen.StatusCode);
        Assert.Equal("offering.not-found", hidden.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Personal_data_has_no_preview_and_asking_for_one_is_refused()
    {
        var bank = await _driver.CreatePartyAsync("information-bank");
        var datasetId = MarketplaceDriver.UniqueId("ds");
        await _driver.CreateDatasetAsync(bank, PersonalDataTests.HealthChecks(datasetId));
        await MarketplaceDriver.UploadCsvAsync(bank, datasetId, "resident_id,hba1c\nr-1,5.4\n");
        var offering = await MarketplaceDriver.CreateOfferingAsync(bank, PersonalDataTests.Offering(datasetId, "provider"));
        await MarketplaceDriver.PublishAsync(bank, offering.Id);

        var none = await MarketplaceDriver.Problem(await Anonymous().GetAsync($"/api/v1/offerings/{offering.Id}/preview"), HttpStatusCode.NotFound);
        using var put = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/offerings/{offering.Id}")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new
            {
                pricing = new { model = "per-unit", currency = "JPY", amount = 5, unit = "record" },
                policy = new { purposes = new[] { "academic-research" } },
                visibility = "public",
                approval = "provider",
                preview = true,
            }),
        };
        put.Headers.TryAddWithoutValidation("If-Match", "*");
        var asked = await MarketplaceDriver.Problem(await bank.Client.SendAsync(put), HttpStatusCode.BadRequest);

        Assert.Equal("offering.no-preview", none.GetProperty("code").GetString());
        Assert.Equal("offering.preview-personal", asked.GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_personal_offering_cannot_be_created_with_a_preview()
    {
        var bank = await _driver.CreatePartyAsync("information-bank");
        var datasetId = MarketplaceDriver.UniqueId("ds");
        await _driver.CreateDatasetAsync(bank, PersonalDataTests.HealthChecks(datasetId));
        var response = await bank.Client.PostAsync("/api/v1/offerings", System.Net.Http.Json.JsonContent.Create(new
        {
            datasetId,
            pricing = new { model = "per-unit", currency = "JPY", amount = 5, unit = "record" },
            policy = new { purposes = new[] { "academic-research" } },
            approval = "provider",
            preview = true,
        }));

        var problem = await MarketplaceDriver.Problem(response, HttpStatusCode.BadRequest);

        Assert.Equal("offering.preview-personal", problem.GetProperty("code").GetString());
    }
}
