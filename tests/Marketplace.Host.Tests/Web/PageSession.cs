using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Marketplace.Host.Tests.Web;

/// <summary>
/// A person's browser without the browser: keeps cookies, does not follow redirects (so tests see them), and
/// posts forms with the antiforgery token of the page they came from.
/// </summary>
public sealed partial class PageSession(MarketplaceFactory factory)
{
    public HttpClient Client { get; } = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    /// <summary>Opens <paramref name="page"/> and posts its form named <paramref name="formName"/> with <paramref name="fields"/>.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string page, string formName, IReadOnlyDictionary<string, string> fields, string? action = null)
    {
        var html = await Client.GetStringAsync(page);
        var form = new Dictionary<string, string>(fields) { ["__RequestVerificationToken"] = TokenIn(html) };
        if (action is null)
        {
            form["_handler"] = formName;
        }
        using var content = new FormUrlEncodedContent(form);
        return await Client.PostAsync(action ?? page, content);
    }

    public Task<HttpResponseMessage> SignInAsync(string signIn, string password, string page = "/signin") =>
        PostFormAsync(page, "signin", new Dictionary<string, string> { ["SignInName"] = signIn, ["Password"] = password });

    /// <summary>Signs in and checks that it worked (a redirect away from the sign-in page).</summary>
    public async Task<PageSession> SignedInAsync(string signIn, string password)
    {
        var response = await SignInAsync(signIn, password);
        if (response.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"Signing in as {signIn} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
        return this;
    }

    /// <summary>A new party of <paramref name="role"/> with a person enrolled for it and signed in.</summary>
    public static async Task<(Party Party, PageSession Browser)> ForNewPartyAsync(MarketplaceFixture fixture, string role)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        var party = await fixture.Driver.CreatePartyAsync(role);
        return (party, await ForPartyAsync(fixture, party));
    }

    /// <summary>A person enrolled for <paramref name="party"/> and signed in.</summary>
    public static async Task<PageSession> ForPartyAsync(MarketplaceFixture fixture, Party party)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        ArgumentNullException.ThrowIfNull(party);
        var person = await fixture.Driver.EnrolPersonAsync(party.Id);
        return await new PageSession(fixture.Factory).SignedInAsync(person.SignIn, person.OneTimePassword);
    }

    public static string TokenIn(string html)
    {
        var match = TokenPattern().Match(html);
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value) : throw new InvalidOperationException("The page has no antiforgery token.");
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
