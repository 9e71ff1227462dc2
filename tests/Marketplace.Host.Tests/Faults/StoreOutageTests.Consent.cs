using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Host.Features.Consent;
using Marketplace.Host.Tests.Consent;
using Microsoft.Data.Sqlite;

namespace Marketplace.Host.Tests.Faults;

public sealed partial class StoreOutageTests
{
    [Fact]
    public async Task A_consent_change_in_force_whose_storing_failed_is_what_the_person_sees_and_their_next_change_takes_effect()
    {
        var world = await ConsentWorld.CreateAsync(fixture.Factory, fixture.Driver, residents: 1);
        var resident = world.Residents[0];
        var consent = await world.ConsentAsync(resident, sensitive: true, items: ["age", "hba1c"]);
        Assert.True(HasHba1c(await world.FetchAsync()));

        // The narrowing is put in force, then storing it with the person's record fails.
        HttpResponseMessage during;
        _faults.FailGrainWritesWith = () => new SqliteException("database or disk is full", 13);
        try
        {
            during = await resident.Client.PutAsJsonAsync($"/api/v1/subjects/me/consents/{consent.Id}", Change(world, ["age"], sensitive: false));
        }
        finally
        {
            _faults.FailGrainWritesWith = null;
        }
        await MarketplaceDriver.Problem(during, HttpStatusCode.ServiceUnavailable);

        // In force from the next access, and the person is shown what is in force, with a receipt for it.
        Assert.False(HasHba1c(await world.FetchAsync()));
        var shown = await MarketplaceDriver.Ok<ConsentResponse>(await resident.Client.GetAsync($"/api/v1/subjects/me/consents/{consent.Id}"), HttpStatusCode.OK);
        Assert.Equal(["age"], shown.Items);
        Assert.Equal(2, shown.Version);
        var receipts = await MarketplaceDriver.Ok<ReceiptListResponse>(await resident.Client.GetAsync("/api/v1/subjects/me/receipts"), HttpStatusCode.OK);
        Assert.Contains(receipts.Items, r => r.ConsentId == consent.Id && r.Version == 2);

        // The person's next change is a newer version than the one in force, so it takes effect too.
        var widened = await MarketplaceDriver.Ok<ConsentResponse>(
            await resident.Client.PutAsJsonAsync($"/api/v1/subjects/me/consents/{consent.Id}", Change(world, ["age", "hba1c"], sensitive: true)), HttpStatusCode.OK);
        Assert.Equal(3, widened.Version);
        Assert.True(HasHba1c(await world.FetchAsync()));
    }

    private static object Change(ConsentWorld world, string[] items, bool sensitive) => new
    {
        noticeId = world.NoticeId,
        noticeVersion = 1,
        items,
        purposes = new[] { ConsentWorld.Purpose },
        recipientClasses = new[] { "academic" },
        expiresAt = world.Factory.Clock.GetUtcNow().AddDays(60),
        sensitiveExplicit = sensitive,
    };

    private static bool HasHba1c((IReadOnlyList<JsonElement> Records, long Units) page) =>
        Assert.Single(page.Records).TryGetProperty("hba1c", out _);
}
