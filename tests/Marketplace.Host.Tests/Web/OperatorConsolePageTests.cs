using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Marketplace.Host.Features.Contracts;
using Marketplace.Host.Features.Parties;

namespace Marketplace.Host.Tests.Web;

/// <summary>
/// The operator's console: parties, their keys and people, and contracts, each form calling the same service as
/// the API; secrets shown once and never cached; other roles, forged forms and made-up ids get nothing.
/// </summary>
[Collection(MarketplaceCollection.Name)]
public sealed partial class OperatorConsolePageTests(MarketplaceFixture fixture)
{
    private const string Parties = "/console/operator/parties";

    private readonly MarketplaceDriver _driver = fixture.Driver;

    private async Task<PageSession> OperatorAsync()
    {
        var person = await _driver.EnrolPersonAsync("operator");
        return await new PageSession(fixture.Factory).SignedInAsync(person.SignIn, person.OneTimePassword);
    }

    private static string PartyPage(string id) => $"{Parties}/{id}";

    [Fact]
    public async Task The_front_page_leads_to_parties_contracts_and_the_city_evaluation()
    {
        var html = await (await OperatorAsync()).Client.GetStringAsync("/console/operator");

        Assert.Contains("href=\"/console/operator/parties\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/console/operator/contracts\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/console/operator/evaluation\"", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/console/operator")]
    [InlineData("/console/operator/parties")]
    [InlineData("/console/operator/parties/operator")]
    [InlineData("/console/operator/contracts")]
    public async Task A_buyer_is_sent_to_the_forbidden_page(string path)
    {
        var buyer = await _driver.CreatePartyAsync("buyer");
        var person = await _driver.EnrolPersonAsync(buyer.Id);
        var browser = await new PageSession(fixture.Factory).SignedInAsync(person.SignIn, person.OneTimePassword);

        var response = await browser.Client.GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("http://localhost/forbidden", response.Headers.Location?.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_buyer_posting_the_register_form_with_a_valid_token_registers_nothing()
    {
        var buyer = await _driver.CreatePartyAsync("buyer");
        var person = await _driver.EnrolPersonAsync(buyer.Id);
        var browser = await new PageSession(fixture.Factory).SignedInAsync(person.SignIn, person.OneTimePassword);
        var id = MarketplaceDriver.UniqueId("buyer");
        var token = PageSession.TokenIn(await browser.Client.GetStringAsync("/account/password"));

        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["_handler"] = "register", ["Role"] = "buyer", ["Name"] = "Sneaky", ["PartyId"] = id,
        });
        var response = await browser.Client.PostAsync(Parties, form);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _driver.Operator.GetAsync($"/api/v1/parties/{id}/keys")).StatusCode);
    }

    [Fact]
    public async Task A_form_without_its_token_is_refused_and_changes_nothing()
    {
        var browser = await OperatorAsync();
        var id = MarketplaceDriver.UniqueId("buyer");

        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["_handler"] = "register", ["Role"] = "buyer", ["Name"] = "Forged", ["PartyId"] = id });
        var response = await browser.Client.PostAsync(Parties, form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain("Exception", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await _driver.Operator.GetAsync($"/api/v1/parties/{id}/keys")).StatusCode);
    }

    [Fact]
    public async Task Registering_a_party_shows_its_first_key_once_uncached_and_the_key_works()
    {
        var browser = await OperatorAsync();
        var id = MarketplaceDriver.UniqueId("buyer");

        var response = await browser.PostFormAsync(Parties, "register", new Dictionary<string, string> { ["Role"] = "buyer", ["Name"] = "東区商店会", ["PartyId"] = id });
        var key = SecretIn(await response.Content.ReadAsStringAsync(), "new-party-key");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore);
        var me = await fixture.Factory.ClientWithKey(key).GetFromJsonAsync<PartyResponse>("/api/v1/parties/me", MarketplaceDriver.Json);
        Assert.Equal((id, "buyer", "東区商店会"), (me!.Id, me.Role, me.Name));
        Assert.DoesNotContain(key, await browser.Client.GetStringAsync(Parties), StringComparison.Ordinal);
        Assert.DoesNotContain(key, await browser.Client.GetStringAsync(PartyPage(id)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Registering_a_party_under_a_taken_id_says_so_in_the_readers_language()
    {
        var browser = await OperatorAsync();
        var taken = await _driver.CreatePartyAsync("buyer");

        var response = await browser.PostFormAsync(Parties, "register", new Dictionary<string, string> { ["Role"] = "buyer", ["Name"] = "Again", ["PartyId"] = taken.Id });
        var html = await response.Content.ReadAsStringAsync();

        Assert.Contains("その識別子の事業者はすでに存在します。", html, StringComparison.Ordinal);
        // No API key (mk_, its 12-character prefix, _): the page's random anti-forgery token may hold "mk_" by chance.
        Assert.DoesNotMatch(@"(?<![A-Za-z0-9_-])mk_[a-z0-9]{12}_", html);
    }

    [Fact]
    public async Task The_party_list_lists_a_new_party_with_its_role_and_status_and_pages_on()
    {
        var browser = await OperatorAsync();
        var party = await _driver.CreatePartyAsync("provider");

        var found = await FindOnPagesAsync(browser, Parties, PartyPage(party.Id));

        Assert.Contains($"Test provider {party.Id}", found, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/console/operator/parties/nobody-by-this-name")]
    [InlineData("/console/operator/parties/NOT-A-SLUG")]
    [InlineData("/console/operator/parties/%3Cscript%3E")]
    [InlineData("/console/operator/contracts/ctr-nonexistent00")]
    [InlineData("/console/operator/contracts/%E2%80%AE%20x")]
    public async Task Made_up_ids_answer_not_found(string path)
    {
        var browser = await OperatorAsync();

        var response = await browser.Client.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("Exception", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_ten_thousand_character_id_answers_not_found()
    {
        var browser = await OperatorAsync();

        var response = await browser.Client.GetAsync(PartyPage(new string('a', 10_000)));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task A_cursor_the_list_never_gave_out_shows_the_first_page_and_says_so()
    {
        var browser = await OperatorAsync();

        var response = await browser.Client.GetAsync($"{Parties}?cursor=not-a-cursor");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("このリンクは古くなっています", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Issuing_a_key_shows_it_once_and_revoking_it_stops_it()
    {
        var browser = await OperatorAsync();
        var party = await _driver.CreatePartyAsync("buyer");

        var issued = await browser.PostFormAsync(PartyPage(party.Id), "issue-key", new Dictionary<string, string>());
        var key = SecretIn(await issued.Content.ReadAsStringAsync(), "issued-key");
        var client = fixture.Factory.ClientWithKey(key);
        Assert.True(issued.Headers.CacheControl?.NoStore);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/parties/me")).StatusCode);
        Assert.DoesNotContain(key, await browser.Client.GetStringAsync(PartyPage(party.Id)), StringComparison.Ordinal);

        var prefix = key.Substring(3, 12);
        var revoked = await browser.PostFormAsync(PartyPage(party.Id), $"revoke-{prefix}", new Dictionary<string, string>());

        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/parties/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await party.Client.GetAsync("/api/v1/parties/me")).StatusCode);
    }

    [Fact]
    public async Task Revoking_a_key_the_party_does_not_hold_is_refused_and_revokes_nothing()
    {
        var browser = await OperatorAsync();
        var party = await _driver.CreatePartyAsync("buyer");
        var other = await _driver.CreatePartyAsync("buyer");
        var othersPrefix = other.Key.Substring(3, 12);

        var response = await browser.PostFormAsync(PartyPage(party.Id), $"revoke-{othersPrefix}", new Dictionary<string, string>());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain("Exception", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await other.Client.GetAsync("/api/v1/parties/me")).StatusCode);
    }

    [Fact]
    public async Task Enrolling_a_person_shows_a_one_time_password_once_and_it_signs_in()
    {
        var browser = await OperatorAsync();
        var party = await _driver.CreatePartyAsync("buyer");
        var signIn = $"{MarketplaceDriver.UniqueId("person")}@example.jp";

        var enrolled = await browser.PostFormAsync(PartyPage(party.Id), "enrol", new Dictionary<string, string> { ["SignIn"] = signIn, ["DisplayName"] = "佐藤 一郎" });
        var password = SecretIn(await enrolled.Content.ReadAsStringAsync(), "one-time-password");

        Assert.True(enrolled.Headers.CacheControl?.NoStore);
        var again = await browser.Client.GetStringAsync(PartyPage(party.Id));
        Assert.Contains(signIn, again, StringComparison.Ordinal);
        Assert.DoesNotContain(password, again, StringComparison.Ordinal);
        var person = await new PageSession(fixture.Factory).SignInAsync(signIn, password);
        Assert.Equal("/console/buyer", person.Headers.Location?.PathAndQuery);
    }

    [Fact]
    public async Task An_address_that_is_no_email_is_refused_next_to_the_form()
    {
        var browser = await OperatorAsync();
        var party = await _driver.CreatePartyAsync("buyer");

        var response = await browser.PostFormAsync(PartyPage(party.Id), "enrol", new Dictionary<string, string> { ["SignIn"] = "not an address", ["DisplayName"] = "X" });

        Assert.Contains("担当者のメールアドレスを入力してください。", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resetting_a_password_gives_a_new_one_time_password_and_the_old_one_stops_working()
    {
        var browser = await OperatorAsync();
        var party = await _driver.CreatePartyAsync("buyer");
        var person = await _driver.EnrolPersonAsync(party.Id);

        var reset = await browser.PostFormAsync(PartyPage(party.Id), $"reset-{person.SignIn}", new Dictionary<string, string>());
        var fresh = SecretIn(await reset.Content.ReadAsStringAsync(), "one-time-password");

        Assert.Equal(HttpStatusCode.OK, (await new PageSession(fixture.Factory).SignInAsync(person.SignIn, person.OneTimePassword)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await new PageSession(fixture.Factory).SignInAsync(person.SignIn, fresh)).StatusCode);
    }

    [Fact]
    public async Task Disabling_a_person_stops_their_sign_in_and_enabling_lets_them_back()
    {
        var browser = await OperatorAsync();
        var party = await _driver.CreatePartyAsync("buyer");
        var person = await _driver.EnrolPersonAsync(party.Id);
        var toggle = $"toggle-{person.SignIn}";

        await browser.PostFormAsync(PartyPage(party.Id), toggle, new Dictionary<string, string>());
        var whileDisabled = await new PageSession(fixture.Factory).SignInAsync(person.SignIn, person.OneTimePassword);
        await browser.PostFormAsync(PartyPage(party.Id), toggle, new Dictionary<string, string>());
        var afterwards = await new PageSession(fixture.Factory).SignInAsync(person.SignIn, person.OneTimePassword);

        Assert.Equal(HttpStatusCode.OK, whileDisabled.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, afterwards.StatusCode);
    }

    [Fact]
    public async Task Suspending_a_party_with_a_reason_stops_its_keys_and_reinstating_restores_them()
    {
        var browser = await OperatorAsync();
        var party = await _driver.CreatePartyAsync("buyer");

        var suspended = await browser.PostFormAsync(PartyPage(party.Id), "suspend", new Dictionary<string, string> { ["Reason"] = "未払いの請求" });

        Assert.Contains("未払いの請求", await suspended.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await party.Client.GetAsync("/api/v1/parties/me")).StatusCode);

        await browser.PostFormAsync(PartyPage(party.Id), "reinstate", new Dictionary<string, string>());

        Assert.Equal(HttpStatusCode.OK, (await party.Client.GetAsync("/api/v1/parties/me")).StatusCode);
    }

    [Fact]
    public async Task Suspending_without_a_reason_is_refused_and_the_party_stays_active()
    {
        var browser = await OperatorAsync();
        var party = await _driver.CreatePartyAsync("buyer");

        var response = await browser.PostFormAsync(PartyPage(party.Id), "suspend", new Dictionary<string, string> { ["Reason"] = " " });

        Assert.Contains("利用停止の理由を入力してください。", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await party.Client.GetAsync("/api/v1/parties/me")).StatusCode);
    }

    [Fact]
    public async Task The_contract_list_filtered_by_status_shows_a_suspended_contract_and_not_an_active_one()
    {
        var browser = await OperatorAsync();
        var (suspended, active) = await TwoContractsAsync();
        (await _driver.Operator.PostAsJsonAsync($"/api/v1/contracts/{suspended}/suspend", new { reason = "audit" })).EnsureSuccessStatusCode();

        var pages = await AllPagesAsync(browser, "/console/operator/contracts?status=suspended");

        Assert.Contains($"/console/operator/contracts/{suspended}\"", pages, StringComparison.Ordinal);
        Assert.DoesNotContain($"/console/operator/contracts/{active}\"", pages, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Suspending_a_contract_with_a_reason_goes_the_apis_way_and_shows_in_its_history()
    {
        var browser = await OperatorAsync();
        var (contract, _) = await TwoContractsAsync();
        var page = $"/console/operator/contracts/{contract}";

        var response = await browser.PostFormAsync(page, "contract-action", new Dictionary<string, string> { ["Action"] = "suspend", ["Reason"] = "利用規約の確認中" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var view = await _driver.Operator.GetFromJsonAsync<ContractResponse>($"/api/v1/contracts/{contract}", MarketplaceDriver.Json);
        Assert.Equal("suspended", view!.Status);
        Assert.Equal(("suspend", "operator", "利用規約の確認中"), (view.History[^1].Action, view.History[^1].By, view.History[^1].Reason));
        Assert.Contains("利用規約の確認中", await browser.Client.GetStringAsync(page), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_contract_action_without_a_reason_changes_nothing()
    {
        var browser = await OperatorAsync();
        var (contract, _) = await TwoContractsAsync();

        var response = await browser.PostFormAsync($"/console/operator/contracts/{contract}", "contract-action", new Dictionary<string, string> { ["Action"] = "terminate", ["Reason"] = "" });

        Assert.Contains("変更の理由を入力してください。", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var view = await _driver.Operator.GetFromJsonAsync<ContractResponse>($"/api/v1/contracts/{contract}", MarketplaceDriver.Json);
        Assert.Equal("active", view!.Status);
    }

    [Fact]
    public async Task A_terminated_contract_offers_no_further_action()
    {
        var browser = await OperatorAsync();
        var (contract, _) = await TwoContractsAsync();
        (await _driver.Operator.PostAsJsonAsync($"/api/v1/contracts/{contract}/terminate", new { reason = "ended" })).EnsureSuccessStatusCode();

        var html = await browser.Client.GetStringAsync($"/console/operator/contracts/{contract}");

        Assert.DoesNotContain("contract-action", html, StringComparison.Ordinal);
        Assert.Contains("解約済み", html, StringComparison.Ordinal);
    }

    /// <summary>Two active contracts of two buyers on one public offering.</summary>
    private async Task<(string First, string Second)> TwoContractsAsync()
    {
        var listing = await _driver.ListedOfferingAsync(records: 2);
        var first = await MarketplaceDriver.SubscribeAsync(await _driver.CreatePartyAsync("buyer"), listing.OfferingId, "research");
        var second = await MarketplaceDriver.SubscribeAsync(await _driver.CreatePartyAsync("buyer"), listing.OfferingId, "research");
        return (first.Id, second.Id);
    }

    /// <summary>The pages of a list from <paramref name="start"/> until one mentions <paramref name="wanted"/>.</summary>
    private static async Task<string> FindOnPagesAsync(PageSession browser, string start, string wanted)
    {
        for (var (page, count) = (start, 0); count < 200; count++)
        {
            var html = await browser.Client.GetStringAsync(page);
            if (html.Contains(wanted, StringComparison.Ordinal))
            {
                return html;
            }
            page = NextIn(html) ?? throw new InvalidOperationException($"{wanted} is on no page of {start}.");
        }
        throw new InvalidOperationException($"{start} has too many pages.");
    }

    private static async Task<string> AllPagesAsync(PageSession browser, string start)
    {
        var all = new System.Text.StringBuilder();
        for (var (page, count) = ((string?)start, 0); page is not null && count < 200; count++)
        {
            var html = await browser.Client.GetStringAsync(page);
            all.Append(html);
            page = NextIn(html);
        }
        return all.ToString();
    }

    private static string? NextIn(string html) =>
        NextPattern().Match(html) is { Success: true } match ? WebUtility.HtmlDecode(match.Groups[1].Value) : null;

    private static string SecretIn(string html, string id)
    {
        var match = Regex.Match(html, $"<code class=\"secret\" id=\"{id}\"[^>]*>([^<]+)</code>");
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value) : throw new InvalidOperationException($"The page shows no secret '{id}'.");
    }

    [GeneratedRegex("<a href=\"([^\"]+)\" rel=\"next\"")]
    private static partial Regex NextPattern();
}
