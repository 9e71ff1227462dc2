using System.Net;
using System.Net.Http.Json;
using Marketplace.Host.Features.Consent;
using Marketplace.Host.Tests.Consent;

namespace Marketplace.Host.Tests.Web;

/// <summary>
/// The information bank's pages and what buyers see of consent on theirs: each form changes state through the same
/// service as the API, and only an information bank reaches the bank's pages.
/// </summary>
[Collection(MarketplaceCollection.Name)]
public sealed class BankConsoleTests(MarketplaceFixture fixture)
{
    private Task<PageSession> SignedInAsync(Party party) => PageSession.ForPartyAsync(fixture, party);

    [Theory]
    [InlineData("/console/bank/people")]
    [InlineData("/console/bank/notices")]
    [InlineData("/console/bank/notices/publish")]
    [InlineData("/console/bank/reviews")]
    [InlineData("/console/bank/counts")]
    public async Task A_bank_page_opens_for_the_bank_and_sends_a_provider_to_the_forbidden_page(string path)
    {
        var (_, bank) = await PageSession.ForNewPartyAsync(fixture, "information-bank");
        var (_, provider) = await PageSession.ForNewPartyAsync(fixture, "provider");

        var own = await bank.Client.GetAsync(path);
        var other = await provider.Client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, other.StatusCode);
        Assert.StartsWith("http://localhost/forbidden", other.Headers.Location?.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_provider_console_links_a_bank_to_its_own_pages_and_a_plain_provider_not()
    {
        var (_, bank) = await PageSession.ForNewPartyAsync(fixture, "information-bank");
        var (_, provider) = await PageSession.ForNewPartyAsync(fixture, "provider");

        Assert.Contains("href=\"/console/bank/people\"", await bank.Client.GetStringAsync("/console/provider"), StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"/console/bank/people\"", await provider.Client.GetStringAsync("/console/provider"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Registering_a_resident_shows_their_password_and_key_once_and_registers_them()
    {
        var (party, bank) = await PageSession.ForNewPartyAsync(fixture, "information-bank");
        var id = MarketplaceDriver.UniqueId("subj");

        var response = await bank.PostFormAsync("/console/bank/people", "register",
            new Dictionary<string, string> { ["SubjectId"] = id, ["DisplayName"] = "住民 一郎", ["SignIn"] = $"{id}@example.jp" });
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("id=\"one-time-password\"", html, StringComparison.Ordinal);
        Assert.Contains("id=\"subject-key\">mk_", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await party.Client.GetAsync($"/api/v1/bank/subjects/{id}")).StatusCode);
        Assert.DoesNotContain("id=\"subject-key\"", await bank.Client.GetStringAsync("/console/bank/people"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Looking_up_a_resident_shows_their_statistics_choice_and_deletion()
    {
        var world = await ConsentWorld.CreateAsync(fixture, residents: 1);
        (await world.Residents[0].Client.PutAsJsonAsync("/api/v1/subjects/me/statistics", new { optOut = true })).EnsureSuccessStatusCode();
        var bank = await SignedInAsync(world.Bank);

        var html = await bank.Client.GetStringAsync($"/console/bank/people?subject={world.Residents[0].SubjectId}");

        Assert.Contains("拒否（集計に含めない）", html, StringComparison.Ordinal);
        Assert.Contains("請求なし", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publishing_a_notice_from_the_form_publishes_it_and_redirects_to_the_list()
    {
        var (party, bank) = await PageSession.ForNewPartyAsync(fixture, "information-bank");
        var id = MarketplaceDriver.UniqueId("notice");

        var response = await bank.PostFormAsync("/console/bank/notices/publish", "publish", NoticeFields(id));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"/console/bank/notices?published={id}&version=1", response.Headers.Location?.OriginalString.Replace("http://localhost", "", StringComparison.Ordinal));
        var notice = await MarketplaceDriver.Ok<NoticeResponse>(await party.Client.GetAsync($"/api/v1/banks/{party.Id}/notices/{id}"), HttpStatusCode.OK);
        Assert.Equal(["city-planning"], notice.Purposes);
        Assert.Equal(("EU research institute", "DE", "GDPR"), (notice.Recipients.Single().Name, notice.Recipients.Single().Country, notice.Recipients.Single().PrivacyRegime));
        Assert.Contains(id, await bank.Client.GetStringAsync("/console/bank/notices"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_notice_shows_why_and_keeps_what_was_typed()
    {
        var (_, bank) = await PageSession.ForNewPartyAsync(fixture, "information-bank");
        var fields = NoticeFields(MarketplaceDriver.UniqueId("notice"));
        fields["scope"] = "dataset:not-mine";

        var response = await bank.PostFormAsync("/console/bank/notices/publish", "publish", fields);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("class=\"form-error\"", html, StringComparison.Ordinal);
        Assert.Contains("value=\"dataset:not-mine\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_notices_versions_page_lists_every_version_and_another_bank_gets_not_found()
    {
        var world = await ConsentWorld.CreateAsync(fixture, residents: 1);
        (await world.Bank.Client.PutAsJsonAsync($"/api/v1/bank/notices/{world.NoticeId}",
            ConsentWorld.Notice(world.DatasetId, [ConsentWorld.Purpose, "city-planning"]))).EnsureSuccessStatusCode();
        var bank = await SignedInAsync(world.Bank);
        var (_, other) = await PageSession.ForNewPartyAsync(fixture, "information-bank");

        var html = await bank.Client.GetStringAsync($"/console/bank/notices/{world.NoticeId}");

        Assert.Contains("第 1 版", html, StringComparison.Ordinal);
        Assert.Contains("第 2 版", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Client.GetAsync($"/console/bank/notices/{world.NoticeId}")).StatusCode);
    }

    [Fact]
    public async Task Reviewing_a_buyer_from_the_form_records_the_review_and_shows_its_certifications()
    {
        var (bankParty, bank) = await PageSession.ForNewPartyAsync(fixture, "information-bank");
        var buyer = await fixture.Driver.CreatePartyAsync("buyer");
        (await buyer.Client.PutAsJsonAsync($"/api/v1/parties/{buyer.Id}/certifications", new { certifications = new[] { "プライバシーマーク 12345" } })).EnsureSuccessStatusCode();

        var form = await bank.Client.GetStringAsync($"/console/bank/reviews?buyer={buyer.Id}");
        var response = await bank.PostFormAsync($"/console/bank/reviews?buyer={buyer.Id}", "review", new Dictionary<string, string>
        {
            ["buyer"] = buyer.Id, ["class"] = "Commercial", ["purposes"] = "service-improvement", ["note"] = "Privacy Mark checked.", ["decision"] = "approve",
        });

        Assert.Contains("プライバシーマーク 12345", form, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var reviews = await MarketplaceDriver.Ok<ReviewListResponse>(await bankParty.Client.GetAsync("/api/v1/bank/reviews"), HttpStatusCode.OK);
        var review = Assert.Single(reviews.Items);
        Assert.Equal((buyer.Id, "commercial", "service-improvement", "プライバシーマーク 12345", true),
            (review.BuyerId, review.Class, string.Join(",", review.Purposes), string.Join(",", review.Certifications), review.Approved));
    }

    [Fact]
    public async Task The_counts_page_shows_fewer_than_the_floor_for_a_few_consenting_people()
    {
        var world = await ConsentWorld.CreateAsync(fixture, residents: 2);
        await world.ConsentAsync(world.Residents[0]);
        var bank = await SignedInAsync(world.Bank);

        var html = await bank.Client.GetStringAsync("/console/bank/counts");

        Assert.Contains(world.DatasetId, html, StringComparison.Ordinal);
        Assert.Contains("10 人未満", html, StringComparison.Ordinal);
        Assert.DoesNotContain(world.Residents[0].SubjectId, html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_buyer_saves_its_certifications_on_its_page_through_the_same_service()
    {
        var (_, browser) = await PageSession.ForNewPartyAsync(fixture, "buyer");

        var response = await browser.PostFormAsync("/console/certifications", "certifications",
            new Dictionary<string, string> { ["Lines"] = "Privacy Mark\nISMS (ISO/IEC 27001)\n" });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var saved = await browser.Client.GetStringAsync("/console/certifications");
        Assert.Contains("Privacy Mark", saved, StringComparison.Ordinal);
        Assert.Contains("ISMS (ISO/IEC 27001)", saved, StringComparison.Ordinal);
        Assert.Contains("認証を保存しました", await browser.Client.GetStringAsync(response.Headers.Location), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_personal_offerings_page_shows_how_many_consent_without_saying_who()
    {
        var world = await ConsentWorld.CreateAsync(fixture, residents: 1);
        await world.ConsentAsync(world.Residents[0]);

        var html = await fixture.Factory.CreateClient().GetStringAsync($"/offerings/{world.OfferingId}");

        Assert.Contains("同意している人数", html, StringComparison.Ordinal);
        Assert.Contains("10 人未満", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_buyers_contract_page_says_a_consent_was_withdrawn_so_it_deletes_what_it_held()
    {
        var world = await ConsentWorld.CreateAsync(fixture, residents: 1);
        var consent = await world.ConsentAsync(world.Residents[0]);
        await world.WithdrawAsync(world.Residents[0], consent.Id);
        var buyer = await SignedInAsync(world.Buyer);

        var html = await buyer.Client.GetStringAsync($"/console/buyer/contracts/{world.Contract.Id}");

        Assert.Contains("この契約での同意", html, StringComparison.Ordinal);
        Assert.Contains("1 件", html, StringComparison.Ordinal);
        Assert.Contains("データを削除してください", html, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> NoticeFields(string id) => new()
    {
        ["noticeId"] = id,
        ["scope"] = "category:mobility",
        ["language"] = "ja",
        ["title"] = "移動データの都市計画への利用",
        ["items"] = "",
        ["purposes"] = "city-planning",
        ["r0-name"] = "EU research institute",
        ["r0-class"] = "Academic",
        ["r0-country"] = "de",
        ["r0-regime"] = "GDPR",
        ["retention"] = "365",
        ["storage"] = "東京都 (Japan)",
        ["benefit"] = "分配金",
        ["withdrawal"] = "ポータルから",
        ["contact"] = "privacy@bank.example.jp",
    };
}
