using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Host.Features.Consent;
using Marketplace.Host.Tests.Consent;

namespace Marketplace.Host.Tests.Web;

/// <summary>
/// The subject portal: a resident signed in at /signin lands on /me; every page is theirs alone; its forms change
/// their consents through the same application service as the API.
/// </summary>
[Collection(MarketplaceCollection.Name)]
public sealed class SubjectPortalPageTests(MarketplaceFixture fixture)
{
    private static readonly string[] Pages = ["/me", "/me/grant", "/me/receipts", "/me/provisions", "/me/earnings", "/me/privacy"];

    private static async Task<PageSession> SignedInAsync(MarketplaceFixture fixture, Resident resident) =>
        await new PageSession(fixture.Factory).SignedInAsync(resident.SignIn!, resident.Password!);

    /// <summary>Posts <paramref name="formName"/> of <paramref name="page"/> with fields that may repeat (checkboxes).</summary>
    private static async Task<HttpResponseMessage> PostAsync(PageSession browser, string page, string formName, params (string Name, string Value)[] fields)
    {
        var html = await browser.Client.GetStringAsync(page);
        var form = new List<KeyValuePair<string, string>>(fields.Select(f => KeyValuePair.Create(f.Name, f.Value)))
        {
            KeyValuePair.Create("__RequestVerificationToken", PageSession.TokenIn(html)),
            KeyValuePair.Create("_handler", formName),
        };
        using var content = new FormUrlEncodedContent(form);
        return await browser.Client.PostAsync(page, content);
    }

    private static (string, string)[] Grant(int version = 1, string expires = "2027-06-30") =>
        [("noticeVersion", $"{version}"), ("purpose", ConsentWorld.Purpose), ("recipient", "class:academic"), ("expires", expires)];

    private static async Task<IReadOnlyList<ConsentResponse>> ConsentsOf(Resident resident) =>
        (await resident.Client.GetFromJsonAsync<ConsentListResponse>("/api/v1/subjects/me/consents"))!.Items;

    [Fact]
    public async Task A_resident_who_signs_in_lands_on_their_portal()
    {
        var world = await ConsentWorld.CreateAsync(fixture, residents: 1, signIns: true);
        var resident = world.Residents[0];

        var response = await new PageSession(fixture.Factory).SignInAsync(resident.SignIn!, resident.Password!);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/me", response.Headers.Location?.PathAndQuery);
    }

    [Fact]
    public async Task Every_portal_page_renders_for_the_resident()
    {
        var world = await ConsentWorld.CreateAsync(fixture, residents: 1, signIns: true);
        var browser = await SignedInAsync(fixture, world.Residents[0]);

        foreach (var page in Pages.Append($"/me/grant/{world.NoticeId}"))
        {
            var response = await browser.Client.GetAsync(page);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{page} answered {(int)response.StatusCode}");
            Assert.Contains("わたしのデータ", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_buyer_is_sent_to_the_forbidden_page_and_a_visitor_to_sign_in()
    {
        var (_, buyer) = await PageSession.ForNewPartyAsync(fixture, "buyer");
        var visitor = new PageSession(fixture.Factory);

        foreach (var page in Pages)
        {
            var refused = await buyer.Client.GetAsync(page);
            var anonymous = await visitor.Client.GetAsync(page);

            Assert.StartsWith("http://localhost/forbidden", refused.Headers.Location?.ToString(), StringComparison.Ordinal);
            Assert.StartsWith("http://localhost/signin", anonymous.Headers.Location?.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_notice_page_shows_the_notice_and_asks_for_explicit_consent_to_sensitive_items()
    {
        var world = await ConsentWorld.CreateAsync(fixture, residents: 1, signIns: true);
        var browser = await SignedInAsync(fixture, world.Residents[0]);

        var html = await browser.Client.GetStringAsync($"/me/grant/{world.NoticeId}");

        Assert.Contains("健診結果の研究利用について", html, StringComparison.Ordinal);
        Assert.Contains("研究成果の還元と、提供件数に応じた分配金", html, StringComparison.Ordinal);
        Assert.Contains("365日", html, StringComparison.Ordinal);
        Assert.Contains("name=\"sensitive\"", html, StringComparison.Ordinal);
        Assert.Matches("<code>hba1c</code>\\s*<span class=\"badge badge-personal sensitive-mark\">要配慮個人情報</span>", html);
        Assert.Matches("<code>age</code>\\s*</li>", html);
    }

    [Fact]
    public async Task A_notice_without_sensitive_items_asks_for_no_sensitive_consent()
    {
        var world = await ConsentWorld.CreateAsync(fixture, residents: 1, signIns: true);
        var notice = MarketplaceDriver.UniqueId("notice");
        var published = await world.Bank.Client.PutAsJsonAsync($"/api/v1/bank/notices/{notice}",
            Replace(ConsentWorld.Notice("x", [ConsentWorld.Purpose]), "category:mobility"));
        Assert.Equal(HttpStatusCode.OK, published.StatusCode);
        var browser = await SignedInAsync(fixture, world.Residents[0]);

        var html = await browser.Client.GetStringAsync($"/me/grant/{notice}");

        Assert.DoesNotContain("name=\"sensitive\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Granting_on_the_notice_page_gives_the_consent_and_says_so_after_the_redirect()
    {
        var world = await ConsentWorld.CreateAsync(fixture, residents: 1, signIns: true);
        var resident = world.Residents[0];
        var browser = await SignedInAsync(fixture, resident);

        var response = await PostAsync(browser, $"/me/grant/{world.NoticeId}", "grant", [.. Grant(), ("sensitive", "on")]);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/me?done=given", response.Headers.Location?.PathAndQuery);
        var consent = Assert.Single(await ConsentsOf(resident));
        Assert.Equal("active", consent.Status);
        Assert.Contains("同意を記録し", await browser.Client.GetStringAsync("/me?done=given"), StringComparison.Ordinal);
        Assert.Single((await world.FetchAsync()).Records);
    }

    [Fact]
    public async Task A_notice_changed_since_it_was_read_is_shown_again_instead_of_consented_to()
    {
        var world = await ConsentWorld.CreateAsync(fixture, residents: 1, signIns: true);
        var resident = world.Residents[0];
        var browser = await SignedInAsync(fixture, resident);
        await world.Bank.Client.PutAsJsonAsync($"/api/v1/bank/notices/{world.NoticeId}",
            ConsentWorld.Notice(world.DatasetId, [ConsentWorld.Purpose, "city-planning"]));

        var response = await PostAsync(browser, $"/me/grant/{world.NoticeId}", "grant", Grant(version: 1));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("通知が改訂されました", html, StringComparison.Ordinal);
        Assert.Contains("name=\"noticeVersion\" value=\"2\"", html, StringComparison.Ordinal);
        Assert.Empty(await ConsentsOf(resident));
    }

    [Fact]
    public async Task Withdrawing_in_the_portal_stops_the_buyers_next_fetch_of_that_residents_records()
    {
        var world = await ConsentWorld.CreateAsync(fixture, residents: 2, signIns: true);
        var consent = await world.ConsentAsync(world.Residents[0]);
        await world.ConsentAsync(world.Residents[1]);
        var browser = await SignedInAsync(fixture, world.Residents[0]);
        var before = (await world.FetchAsync()).Records.Count;

        var response = await PostAsync(browser, $"/me/consents/{consent.Id}/withdraw", "withdraw");

        Assert.Equal("/me?done=withdrawn", response.Headers.Location?.PathAndQuery);
        Assert.Equal("withdrawn", Assert.Single(await ConsentsOf(world.Residents[0])).Status);
        Assert.Equal(before - 1, (await world.FetchAsync()).Records.Count);
    }

    [Fact]
    public async Task Changing_a_consent_on_its_page_changes_its_terms()
    {
        var world = await ConsentWorld.CreateAsync(fixture, residents: 1, signIns: true);
        var consent = await world.ConsentAsync(world.Residents[0]);
        var browser = await SignedInAsync(fixture, world.Residents[0]);
        var page = await browser.Client.GetStringAsync($"/me/consents/{consent.Id}");
        Assert.Contains("value=\"class:academic\" checked", page, StringComparison.Ordinal);

        var response = await PostAsync(browser, $"/me/consents/{consent.Id}", "change", Grant(expires: "2027-01-31"));

        Assert.Equal("/me?done=changed", response.Headers.Location?.PathAndQuery);
        var changed = Assert.Single(await ConsentsOf(world.Residents[0]));
        Assert.Equal(new DateOnly(2027, 1, 31), DateOnly.FromDateTime(changed.ExpiresAt.ToOffset(TimeSpan.FromHours(9)).DateTime));
    }

    [Fact]
    public async Task Another_residents_consent_is_not_found()
    {
        var world = await ConsentWorld.CreateAsync(fixture, residents: 2, signIns: true);
        var theirs = await world.ConsentAsync(world.Residents[1]);
        var browser = await SignedInAsync(fixture, world.Residents[0]);

        Assert.Equal(HttpStatusCode.NotFound, (await browser.Client.GetAsync($"/me/consents/{theirs.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.Client.GetAsync($"/me/consents/{theirs.Id}/withdraw")).StatusCode);
        var theirReceipt = Assert.Single((await world.Residents[1].Client.GetFromJsonAsync<ReceiptListResponse>("/api/v1/subjects/me/receipts"))!.Items);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.Client.GetAsync($"/me/receipts/{theirReceipt.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.Client.GetAsync($"/me/receipts/{theirReceipt.Id}/jws")).StatusCode);
        Assert.Equal("active", Assert.Single(await ConsentsOf(world.Residents[1])).Status);
    }

    [Fact]
    public async Task A_receipt_is_shown_verified_and_downloaded_as_jws_and_kantara_json()
    {
        var world = await ConsentWorld.CreateAsync(fixture, residents: 1, signIns: true);
        await world.ConsentAsync(world.Residents[0]);
        var receipt = Assert.Single((await world.Residents[0].Client.GetFromJsonAsync<ReceiptListResponse>("/api/v1/subjects/me/receipts"))!.Items);
        var browser = await SignedInAsync(fixture, world.Residents[0]);

        var verified = await PostAsync(browser, $"/me/receipts/{receipt.Id}", "verify");
        var jws = await browser.Client.GetStringAsync($"/me/receipts/{receipt.Id}/jws");
        using var kantara = JsonDocument.Parse(await browser.Client.GetStringAsync($"/me/receipts/{receipt.Id}/kantara"));

        Assert.Contains($"有効：マーケットプレイスが鍵 {receipt.KeyId} で署名しています。", await verified.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(receipt.Jws, jws);
        Assert.Equal("KI-CR-v1.1.0", kantara.RootElement.GetProperty("version").GetString());
    }

    [Fact]
    public async Task The_provision_record_lists_and_exports_what_a_buyer_received()
    {
        var world = await ConsentWorld.CreateAsync(fixture, residents: 1, signIns: true);
        await world.ConsentAsync(world.Residents[0]);
        await world.FetchAsync();
        var browser = await SignedInAsync(fixture, world.Residents[0]);

        var html = await browser.Client.GetStringAsync("/me/provisions");
        var csv = await browser.Client.GetStringAsync("/me/provisions.csv");

        Assert.Contains(world.Buyer.Id, html, StringComparison.Ordinal);
        Assert.Equal(2, csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains(world.Buyer.Id, csv, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Leaving_statistics_on_the_page_sets_the_opt_out()
    {
        var world = await ConsentWorld.CreateAsync(fixture, residents: 1, signIns: true);
        var browser = await SignedInAsync(fixture, world.Residents[0]);

        var response = await PostAsync(browser, "/me/privacy", "statistics", ("optOut", "true"));

        Assert.Equal("/me/privacy?done=left", response.Headers.Location?.PathAndQuery);
        var me = await world.Residents[0].Client.GetFromJsonAsync<JsonElement>("/api/v1/subjects/me");
        Assert.True(me.GetProperty("statisticsOptOut").GetBoolean());
    }

    [Fact]
    public async Task Deleting_my_data_needs_the_confirmation_ticked()
    {
        var world = await ConsentWorld.CreateAsync(fixture, residents: 1, signIns: true);
        await world.ConsentAsync(world.Residents[0]);
        var browser = await SignedInAsync(fixture, world.Residents[0]);

        var unconfirmed = await PostAsync(browser, "/me/privacy", "delete");
        Assert.Equal("active", Assert.Single(await ConsentsOf(world.Residents[0])).Status);

        var confirmed = await PostAsync(browser, "/me/privacy", "delete", ("confirm", "on"));

        Assert.Equal(HttpStatusCode.OK, unconfirmed.StatusCode);
        Assert.Equal("/me/privacy?done=deleted", confirmed.Headers.Location?.PathAndQuery);
        Assert.Equal("withdrawn", Assert.Single(await ConsentsOf(world.Residents[0])).Status);
    }

    private static Dictionary<string, object?> Replace(object notice, string scope)
    {
        var fields = notice.GetType().GetProperties().ToDictionary(p => p.Name, p => p.GetValue(notice));
        fields["scope"] = scope;
        return fields;
    }
}
