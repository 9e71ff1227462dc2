using System.Net;
using System.Net.Http.Json;
using Marketplace.Domain;

namespace Marketplace.Host.Tests.Web;

/// <summary>People sign in to the pages with a password and a session cookie; keys stay for the API.</summary>
[Collection(MarketplaceCollection.Name)]
public sealed class SignInTests(MarketplaceFixture fixture)
{
    private readonly MarketplaceDriver _driver = fixture.Driver;

    private PageSession Browser() => new(fixture.Factory);

    private async Task<(Party Party, string SignIn, string Password)> PersonAsync(string role = "buyer")
    {
        var party = await _driver.CreatePartyAsync(role);
        var person = await _driver.EnrolPersonAsync(party.Id);
        return (party, person.SignIn, person.OneTimePassword);
    }

    [Fact]
    public async Task A_person_signs_in_and_lands_on_their_console_with_a_secure_session_cookie()
    {
        var (party, signIn, password) = await PersonAsync();
        var browser = Browser();

        var response = await browser.SignInAsync(signIn.ToUpperInvariant(), password);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/console/buyer", response.Headers.Location?.PathAndQuery);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("marketplace-session=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
        var console = await browser.Client.GetStringAsync("/console/buyer");
        Assert.Contains($"Test buyer {party.Id}", console, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signing_in_returns_to_the_page_that_asked_but_never_to_another_site()
    {
        var (_, signIn, password) = await PersonAsync();

        var back = await Browser().SignInAsync(signIn, password, "/signin?returnUrl=%2Foperator-less%3Fq%3D1");
        var elsewhere = await Browser().SignInAsync(signIn, password, "/signin?returnUrl=%2F%2Fevil.example%2F");

        Assert.Equal("http://localhost/operator-less?q=1", back.Headers.Location?.ToString());
        Assert.Equal("http://localhost/console/buyer", elsewhere.Headers.Location?.ToString());
    }

    [Fact]
    public async Task A_wrong_password_and_an_unknown_name_get_the_same_answer()
    {
        var (_, signIn, _) = await PersonAsync();

        var wrong = await (await Browser().SignInAsync(signIn, "not the password at all")).Content.ReadAsStringAsync();
        var unknown = await (await Browser().SignInAsync("nobody-here@example.jp", "not the password at all")).Content.ReadAsStringAsync();

        Assert.Contains("メールアドレスまたはパスワードが正しくありません。", wrong, StringComparison.Ordinal);
        Assert.Contains("メールアドレスまたはパスワードが正しくありません。", unknown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Five_failures_lock_the_account_even_against_the_right_password_until_the_lock_passes()
    {
        var (_, signIn, password) = await PersonAsync();
        for (var i = 0; i < SignInLockout.MaxFailures; i++)
        {
            await Browser().SignInAsync(signIn, "wrong password number " + i);
        }

        var locked = await Browser().SignInAsync(signIn, password);
        Assert.Equal(HttpStatusCode.OK, locked.StatusCode);
        Assert.Contains("ロックされています", await locked.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        fixture.Factory.Time.Advance(SignInLockout.LockFor);
        Assert.Equal(HttpStatusCode.Redirect, (await Browser().SignInAsync(signIn, password)).StatusCode);
    }

    [Fact]
    public async Task A_console_sends_a_visitor_to_sign_in_and_another_role_to_the_forbidden_page()
    {
        var (_, signIn, password) = await PersonAsync();
        var visitor = Browser();
        var buyer = await Browser().SignedInAsync(signIn, password);

        var anonymous = await visitor.Client.GetAsync("/console/operator");
        var wrongRole = await buyer.Client.GetAsync("/console/operator");

        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.StartsWith("http://localhost/signin?returnUrl=%2Fconsole%2Foperator", anonymous.Headers.Location?.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, wrongRole.StatusCode);
        Assert.StartsWith("http://localhost/forbidden", wrongRole.Headers.Location?.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_session_cookie_does_not_authenticate_the_api()
    {
        var (_, signIn, password) = await PersonAsync();
        var buyer = await Browser().SignedInAsync(signIn, password);

        var response = await buyer.Client.GetAsync("/api/v1/parties/me");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Disabling_a_person_ends_their_session_at_the_next_page()
    {
        var (party, signIn, password) = await PersonAsync();
        var buyer = await Browser().SignedInAsync(signIn, password);

        (await _driver.Operator.PostAsync($"/api/v1/parties/{party.Id}/people/{signIn}/disable", null)).EnsureSuccessStatusCode();

        Assert.Equal(HttpStatusCode.Redirect, (await buyer.Client.GetAsync("/console/buyer")).StatusCode);
        Assert.Contains("無効", await (await Browser().SignInAsync(signIn, password)).Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Suspending_the_party_ends_its_peoples_sessions()
    {
        var (party, signIn, password) = await PersonAsync();
        var buyer = await Browser().SignedInAsync(signIn, password);

        (await _driver.Operator.PostAsJsonAsync($"/api/v1/parties/{party.Id}/suspend", new { reason = "unpaid invoices" })).EnsureSuccessStatusCode();

        Assert.Equal(HttpStatusCode.Redirect, (await buyer.Client.GetAsync("/console/buyer")).StatusCode);
    }

    [Fact]
    public async Task A_reset_ends_every_session_and_only_the_new_one_time_password_signs_in()
    {
        var (party, signIn, password) = await PersonAsync();
        var buyer = await Browser().SignedInAsync(signIn, password);

        var reset = await _driver.Operator.PostAsync($"/api/v1/parties/{party.Id}/people/{signIn}/reset-password", null);
        var fresh = (await MarketplaceDriver.Ok<Features.Parties.PersonWithPasswordResponse>(reset, HttpStatusCode.OK)).OneTimePassword;

        Assert.Equal(HttpStatusCode.Redirect, (await buyer.Client.GetAsync("/console/buyer")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Browser().SignInAsync(signIn, password)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await Browser().SignInAsync(signIn, fresh)).StatusCode);
    }

    [Fact]
    public async Task A_person_changes_their_password_and_signs_in_with_the_new_one()
    {
        var (_, signIn, password) = await PersonAsync();
        var buyer = await Browser().SignedInAsync(signIn, password);
        const string newPassword = "kawa sakura yama tokei";

        var changed = await buyer.PostFormAsync("/account/password", "password", new Dictionary<string, string> { ["Current"] = password, ["New"] = newPassword });

        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Browser().SignInAsync(signIn, password)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await Browser().SignInAsync(signIn, newPassword)).StatusCode);
    }

    [Fact]
    public async Task Signing_out_needs_the_forms_token_and_ends_the_session()
    {
        var (_, signIn, password) = await PersonAsync();
        var buyer = await Browser().SignedInAsync(signIn, password);

        var forged = await buyer.Client.PostAsync("/signout", new FormUrlEncodedContent(new Dictionary<string, string>()));
        Assert.Equal(HttpStatusCode.OK, (await buyer.Client.GetAsync("/console/buyer")).StatusCode);

        var signedOut = await buyer.PostFormAsync("/console/buyer", "", new Dictionary<string, string>(), action: "/signout");

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.DoesNotContain("Exception", await forged.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await buyer.Client.GetAsync("/console/buyer")).StatusCode);
    }

    [Fact]
    public async Task One_sign_in_name_is_one_person_across_parties()
    {
        var (_, signIn, _) = await PersonAsync();
        var other = await _driver.CreatePartyAsync("provider");

        var response = await _driver.Operator.PostAsJsonAsync($"/api/v1/parties/{other.Id}/people", new { signIn, displayName = "Someone else" });

        Assert.Equal("person.exists", (await MarketplaceDriver.Problem(response, HttpStatusCode.Conflict)).GetProperty("code").GetString());
        var listed = await _driver.Operator.GetFromJsonAsync<Features.Parties.PersonListResponse>($"/api/v1/parties/{other.Id}/people");
        Assert.Empty(listed!.Items);
    }

    [Fact]
    public async Task A_sign_in_name_that_is_no_email_address_is_refused_with_the_reason()
    {
        var party = await _driver.CreatePartyAsync("buyer");

        var response = await _driver.Operator.PostAsJsonAsync($"/api/v1/parties/{party.Id}/people", new { signIn = "not an address", displayName = "X" });

        Assert.Equal("person.invalid-sign-in", (await MarketplaceDriver.Problem(response, HttpStatusCode.BadRequest)).GetProperty("code").GetString());
    }
}
