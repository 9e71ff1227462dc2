using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Host.Features.Billing;
using Marketplace.Storage;
using Microsoft.Extensions.DependencyInjection;
using static Marketplace.Host.Tests.MarketplaceDriver;

namespace Marketplace.Host.Tests.Web;

/// <summary>
/// A marketplace of its own whose November is closed (the clock moved past its end plus grace): a registered
/// provider's contract with 12,345 records (¥1,235 + ¥123 tax) and an unregistered provider's with 10.
/// </summary>
public sealed class ClosedNovember : IAsyncLifetime
{
    public const string IssuerRegistration = "T9999999999999";
    public const string ProviderRegistration = "T1234567890123";

    /// <summary>December 1st 01:00 in Tokyo: the end of 2026-11 plus the grace window.</summary>
    public static readonly DateTimeOffset NovemberClosable = new(2026, 11, 30, 16, 0, 0, TimeSpan.Zero);

    public MarketplaceFactory Factory { get; } = BillingPages.Factory();

    public MarketplaceDriver Driver { get; private set; } = null!;

    public Listing Registered { get; private set; } = null!;

    public Party Buyer { get; private set; } = null!;

    public string Invoice { get; private set; } = "";

    public Listing Unregistered { get; private set; } = null!;

    public string UnqualifiedInvoice { get; private set; } = "";

    public async Task InitializeAsync()
    {
        _ = Factory.Server;
        Driver = new MarketplaceDriver(Factory);
        Buyer = await Driver.CreatePartyAsync("buyer");
        (Registered, var contract) = await BillingPages.ContractAsync(Driver, Buyer, 12_345);
        await Ok<JsonElement>(await Registered.Provider.Client.PutAsJsonAsync($"/api/v1/parties/{Registered.Provider.Id}/billing",
            new { invoiceRegistration = ProviderRegistration }), HttpStatusCode.OK);
        (Unregistered, var other) = await BillingPages.ContractAsync(Driver, Buyer, 10);
        Factory.Time.SetUtcNow(NovemberClosable);
        await Ok<JsonElement>(await Driver.Operator.PostAsync("/api/v1/billing/periods/2026-11/close", null), HttpStatusCode.OK);
        (Invoice, UnqualifiedInvoice) = ($"inv-2026-11-{contract}", $"inv-2026-11-{other}");
    }

    public async Task DisposeAsync() => await Factory.DisposeAsync();
}

/// <summary>What the billing page tests share: the marketplace's settings, contracts with usage, signed-in people.</summary>
public static class BillingPages
{
    /// <param name="runJobs">Whether the host runs Hangfire's jobs (a browser journey follows a reconciliation run to its end).</param>
    public static MarketplaceFactory Factory(bool runJobs = false) => new(settings: new Dictionary<string, string>
    {
        ["Marketplace:Billing:IssuerName"] = "Sample City Data Exchange",
        ["Marketplace:Billing:IssuerRegistration"] = ClosedNovember.IssuerRegistration,
        ["Marketplace:Jobs:RunServer"] = runJobs ? "true" : "false",
    });

    /// <summary>A new provider's offering (¥1 per 10 records), a contract of <paramref name="buyer"/> on it and <paramref name="records"/> records of usage now.</summary>
    public static async Task<(Listing Listing, string ContractId)> ContractAsync(MarketplaceDriver driver, Party buyer, long records)
    {
        ArgumentNullException.ThrowIfNull(driver);
        var listing = await driver.ListedOfferingAsync(3, pricing: new { model = "per-unit", currency = "JPY", amount = 1, unit = "record", unitBlock = 10 });
        var contract = await SubscribeAsync(buyer, listing.OfferingId, "research");
        var response = await listing.Provider.Client.PostAsJsonAsync("/api/v1/usage", new
        {
            events = new[] { new { eventId = Guid.NewGuid().ToString(), contractId = contract.Id, units = records, occurredAt = new DateTimeOffset(2026, 11, 10, 0, 0, 0, TimeSpan.Zero) } },
        });
        Assert.Equal(1, (await Ok<JsonElement>(response, HttpStatusCode.OK)).GetProperty("accepted").GetInt32());
        return (listing, contract.Id);
    }

    public static async Task<PageSession> SignedInAsync(MarketplaceFactory factory, MarketplaceDriver driver, string partyId)
    {
        ArgumentNullException.ThrowIfNull(driver);
        var person = await driver.EnrolPersonAsync(partyId);
        return await new PageSession(factory).SignedInAsync(person.SignIn, person.OneTimePassword);
    }

    public static async Task<(HttpStatusCode Status, string Html)> GetAsync(PageSession browser, string path, string? language = null)
    {
        ArgumentNullException.ThrowIfNull(browser);
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (language is not null)
        {
            request.Headers.AcceptLanguage.ParseAdd(language);
        }
        var response = await browser.Client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}

/// <summary>
/// The billing pages on a closed November: the invoice as a qualified invoice in both languages, who may open it,
/// the lists of the operator, the buyer and the provider, and the billing details forms.
/// </summary>
public sealed class BillingPageTests(ClosedNovember november) : IClassFixture<ClosedNovember>
{
    private Task<PageSession> AsAsync(string partyId) => BillingPages.SignedInAsync(november.Factory, november.Driver, partyId);

    [Fact]
    public async Task The_invoice_page_in_japanese_names_both_registration_numbers_the_tax_per_rate_and_the_total()
    {
        var (status, html) = await BillingPages.GetAsync(await AsAsync(november.Buyer.Id), $"/invoices/{november.Invoice}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("<h1 id=\"invoice-title\">請求書</h1>", html, StringComparison.Ordinal);
        Assert.Contains($"Test buyer {november.Buyer.Id} 御中", html, StringComparison.Ordinal);
        Assert.Contains($"登録番号：{ClosedNovember.IssuerRegistration}", html, StringComparison.Ordinal);
        Assert.Contains($"委託者の登録番号：{ClosedNovember.ProviderRegistration}", html, StringComparison.Ordinal);
        Assert.Contains("媒介者交付特例", html, StringComparison.Ordinal);
        Assert.Contains("<th scope=\"row\">10%対象</th>", html, StringComparison.Ordinal);
        Assert.Contains("<td class=\"number\">¥1,235</td>", html, StringComparison.Ordinal);
        Assert.Contains("<td class=\"number\">¥123</td>", html, StringComparison.Ordinal);
        Assert.Contains("<strong>¥1,358</strong>", html, StringComparison.Ordinal);
        Assert.Contains("12,345件", html, StringComparison.Ordinal);
        Assert.Contains("利用料", html, StringComparison.Ordinal);
        Assert.Contains($"href=\"/invoices/{november.Invoice}.pdf\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_invoice_page_in_english_names_both_registration_numbers_the_tax_per_rate_and_the_total()
    {
        var (status, html) = await BillingPages.GetAsync(await AsAsync(november.Buyer.Id), $"/invoices/{november.Invoice}", "en");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("<h1 id=\"invoice-title\">Invoice</h1>", html, StringComparison.Ordinal);
        Assert.Contains($"To: Test buyer {november.Buyer.Id}", html, StringComparison.Ordinal);
        Assert.Contains($"Registration number: {ClosedNovember.IssuerRegistration}", html, StringComparison.Ordinal);
        Assert.Contains($"Provider&#x27;s registration number: {ClosedNovember.ProviderRegistration}", html, StringComparison.Ordinal);
        Assert.Contains("under the intermediary rule", html, StringComparison.Ordinal);
        Assert.Contains("<th scope=\"row\">Subject to 10%</th>", html, StringComparison.Ordinal);
        Assert.Contains("<td class=\"number\">¥123</td>", html, StringComparison.Ordinal);
        Assert.Contains("<strong>¥1,358</strong>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unregistered_providers_invoice_says_it_is_no_qualified_invoice()
    {
        var (_, html) = await BillingPages.GetAsync(await AsAsync(november.Buyer.Id), $"/invoices/{november.UnqualifiedInvoice}");

        Assert.Contains("本書は適格請求書ではありません", html, StringComparison.Ordinal);
        Assert.DoesNotContain("委託者の登録番号", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_provider_and_the_operator_open_the_invoice_too()
    {
        var provider = await BillingPages.GetAsync(await AsAsync(november.Registered.Provider.Id), $"/invoices/{november.Invoice}");
        var operatorPage = await BillingPages.GetAsync(await AsAsync("operator"), $"/invoices/{november.Invoice}");

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (provider.Status, operatorPage.Status));
    }

    [Theory]
    [InlineData("buyer")]
    [InlineData("provider")]
    public async Task Another_party_gets_the_not_found_page_for_an_invoice(string role)
    {
        var stranger = await november.Driver.CreatePartyAsync(role);

        var (status, html) = await BillingPages.GetAsync(await AsAsync(stranger.Id), $"/invoices/{november.Invoice}");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.DoesNotContain("¥1,358", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_invoice_is_an_a4_pdf_with_its_japanese_font_embedded()
    {
        var response = await (await AsAsync(november.Buyer.Id)).Client.GetAsync($"/invoices/{november.Invoice}.pdf");
        var pdf = System.Text.Encoding.Latin1.GetString(await response.Content.ReadAsByteArrayAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("%PDF-", pdf, StringComparison.Ordinal);
        Assert.Contains("/MediaBox[0 0 595 842]", pdf, StringComparison.Ordinal);
        Assert.Contains("/FontFile2", pdf, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_party_gets_no_pdf_of_an_invoice()
    {
        var stranger = await november.Driver.CreatePartyAsync("buyer");

        var response = await (await AsAsync(stranger.Id)).Client.GetAsync($"/invoices/{november.Invoice}.pdf");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.NotEqual("application/pdf", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Someone_not_signed_in_is_sent_to_sign_in_for_an_invoice()
    {
        var response = await new PageSession(november.Factory).Client.GetAsync($"/invoices/{november.Invoice}");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/signin", response.Headers.Location?.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/invoices/inv-2026-11-ctr-nonexistent")]
    [InlineData("/invoices/NOT%20AN%20ID")]
    [InlineData("/console/operator/billing/2026-13")]
    [InlineData("/console/operator/billing/not-a-period")]
    public async Task Made_up_ids_and_periods_answer_not_found(string path)
    {
        var (status, html) = await BillingPages.GetAsync(await AsAsync("operator"), path);

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.DoesNotContain("Exception", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_operators_billing_page_lists_the_closed_period_and_says_stripe_is_not_configured()
    {
        var (status, html) = await BillingPages.GetAsync(await AsAsync("operator"), "/console/operator/billing", "en");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Stripe is not configured: billing runs ledger-only; invoices are computed and stored, payment work waits.", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/console/operator/billing/2026-11\"", html, StringComparison.Ordinal);
        Assert.Contains("status-closed\">Closed</span>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("close-2026-11", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_operators_billing_page_shows_the_payment_work_waiting_for_the_invoices()
    {
        var (_, html) = await BillingPages.GetAsync(await AsAsync("operator"), "/console/operator/billing");

        Assert.Contains("<code>payment.invoice</code>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<dd id=\"outbox-pending\">0</dd>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_period_page_lists_every_invoice_with_a_link_and_the_provider_statements()
    {
        var (status, html) = await BillingPages.GetAsync(await AsAsync("operator"), "/console/operator/billing/2026-11");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains($"href=\"/invoices/{november.Invoice}\"", html, StringComparison.Ordinal);
        Assert.Contains($"href=\"/invoices/{november.UnqualifiedInvoice}\"", html, StringComparison.Ordinal);
        Assert.Contains($"Test provider {november.Registered.Provider.Id}", html, StringComparison.Ordinal);
        Assert.Contains("id=\"period-statements\"", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/console/operator/billing/2026-11?cursor=not-a-cursor", "operator")]
    [InlineData("/console/buyer/invoices?cursor=not-a-cursor", "buyer")]
    public async Task A_cursor_the_list_never_gave_out_shows_the_first_page_and_says_so(string path, string who)
    {
        var (status, html) = await BillingPages.GetAsync(await AsAsync(who == "buyer" ? november.Buyer.Id : "operator"), path);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("このリンクは古くなっています", html, StringComparison.Ordinal);
        Assert.Contains($"href=\"/invoices/{november.Invoice}\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_buyer_sees_its_invoices_of_every_period_with_links()
    {
        var (status, html) = await BillingPages.GetAsync(await AsAsync(november.Buyer.Id), "/console/buyer/invoices");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains($"href=\"/invoices/{november.Invoice}\"", html, StringComparison.Ordinal);
        Assert.Contains("¥1,358", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_buyer_console_links_to_the_invoices()
    {
        var (_, html) = await BillingPages.GetAsync(await AsAsync(november.Buyer.Id), "/console/buyer");

        Assert.Contains("href=\"/console/buyer/invoices\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_provider_statement_defaults_to_the_latest_closed_period_and_shows_its_share_and_invoices()
    {
        var (status, html) = await BillingPages.GetAsync(await AsAsync(november.Registered.Provider.Id), "/console/provider/statements");

        Assert.True(status == HttpStatusCode.OK, html);
        Assert.Contains("2026-11の明細", html, StringComparison.Ordinal);
        Assert.Contains($"href=\"/invoices/{november.Invoice}\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain(november.UnqualifiedInvoice, html, StringComparison.Ordinal);
        Assert.Contains("請求済み・未入金", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/console/provider/statements\" aria-current=\"page\"", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("buyer", "/console/operator/billing")]
    [InlineData("buyer", "/console/operator/billing/2026-11")]
    [InlineData("buyer", "/console/provider/statements")]
    [InlineData("provider", "/console/operator/billing")]
    [InlineData("provider", "/console/buyer/invoices")]
    public async Task The_wrong_role_is_sent_to_the_forbidden_page(string role, string path)
    {
        var party = await november.Driver.CreatePartyAsync(role);

        var response = await (await AsAsync(party.Id)).Client.GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("http://localhost/forbidden", response.Headers.Location?.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_operator_console_links_to_billing()
    {
        var (_, html) = await BillingPages.GetAsync(await AsAsync("operator"), "/console/operator");

        Assert.Contains("href=\"/console/operator/billing\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_operator_sets_a_buyers_registration_number_and_makes_it_a_service_app_on_its_party_page()
    {
        var buyer = await november.Driver.CreatePartyAsync("buyer");
        var browser = await AsAsync("operator");

        var response = await browser.PostFormAsync($"/console/operator/parties/{buyer.Id}", "billing-profile",
            new Dictionary<string, string> { ["InvoiceRegistration"] = "T1111111111111", ["PayoutAccount"] = "", ["ServiceApp"] = "true" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("id=\"billing-profile-saved\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var profile = await Ok<PartyBillingResponse>(await november.Driver.Operator.PutAsJsonAsync($"/api/v1/parties/{buyer.Id}/billing", new { }), HttpStatusCode.OK);
        Assert.Equal(("T1111111111111", true), (profile.InvoiceRegistration, profile.ServiceApp));
        var (_, page) = await BillingPages.GetAsync(browser, $"/console/operator/parties/{buyer.Id}");
        Assert.Contains("<dd>T1111111111111</dd>", page, StringComparison.Ordinal);
        Assert.Contains("<dd>はい</dd>", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_provider_sets_its_own_registration_number_and_a_malformed_one_is_refused_in_its_language()
    {
        var provider = await november.Driver.CreatePartyAsync("provider");
        var browser = await AsAsync(provider.Id);

        var refused = await browser.PostFormAsync("/console/billing-profile", "billing-profile",
            new Dictionary<string, string> { ["InvoiceRegistration"] = "T123", ["PayoutAccount"] = "" });
        var saved = await browser.PostFormAsync("/console/billing-profile", "billing-profile",
            new Dictionary<string, string> { ["InvoiceRegistration"] = "T2222222222222", ["PayoutAccount"] = "acct_1Nv0FGQ9RKHgCVdK" });

        Assert.Contains("登録番号は T と13桁の数字です", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var html = await saved.Content.ReadAsStringAsync();
        Assert.Contains("<dd>T2222222222222</dd>", html, StringComparison.Ordinal);
        Assert.Contains("<dd>acct_1Nv0FGQ9RKHgCVdK</dd>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("billing-service-app", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_buyer_posting_the_service_app_field_on_its_own_page_does_not_become_a_service_app()
    {
        var buyer = await november.Driver.CreatePartyAsync("buyer");
        var browser = await AsAsync(buyer.Id);

        await browser.PostFormAsync("/console/billing-profile", "billing-profile",
            new Dictionary<string, string> { ["InvoiceRegistration"] = "", ["PayoutAccount"] = "", ["ServiceApp"] = "true" });

        var profile = await Ok<JsonElement>(await november.Driver.Operator.PutAsJsonAsync($"/api/v1/parties/{buyer.Id}/billing", new { }), HttpStatusCode.OK);
        Assert.False(profile.GetProperty("serviceApp").GetBoolean());
    }
}

/// <summary>Closing a period from the operator's page, each test on a marketplace and clock of its own.</summary>
public sealed class PeriodClosePageTests : IAsyncLifetime
{
    private readonly MarketplaceFactory _factory = BillingPages.Factory();

    private MarketplaceDriver _driver = null!;

    public Task InitializeAsync()
    {
        _ = _factory.Server;
        _driver = new MarketplaceDriver(_factory);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task The_close_form_closes_the_period_and_shows_what_it_issued()
    {
        var buyer = await _driver.CreatePartyAsync("buyer");
        var (_, contract) = await BillingPages.ContractAsync(_driver, buyer, 12_345);
        _factory.Time.SetUtcNow(ClosedNovember.NovemberClosable);
        var browser = await BillingPages.SignedInAsync(_factory, _driver, "operator");

        var response = await browser.PostFormAsync("/console/operator/billing", "close-2026-11", new Dictionary<string, string>());
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("2026-11を締めました。請求書 1 通、合計 ¥1,358。", html, StringComparison.Ordinal);
        Assert.Contains("status-closed\">締め済み</span>", html, StringComparison.Ordinal);
        var invoice = await Ok<InvoiceResponse>(await buyer.Client.GetAsync($"/api/v1/invoices/inv-2026-11-{contract}"), HttpStatusCode.OK);
        Assert.Equal(1_358, invoice.TotalMinor);
    }

    [Fact]
    public async Task Failed_payment_work_is_listed_with_its_error_and_other_outbox_work_is_not()
    {
        var outbox = _factory.Services.GetRequiredService<IOutbox>();
        var now = _factory.Time.GetUtcNow();
        await outbox.EnqueueAsync(new OutboxMessage("pay-failed-1", "payment.invoice", "{}", "pay-failed-1", now, now));
        await outbox.EnqueueAsync(new OutboxMessage("other-work-1", "grain.reconcile", "{}", "other-work-1", now, now));
        var claim = Assert.Single(await outbox.ClaimDueAsync(now, 1, TimeSpan.FromMinutes(1), "payment.invoice"));
        await outbox.RetryLaterAsync(claim, now, "card_declined: the card was declined", giveUp: true);
        var browser = await BillingPages.SignedInAsync(_factory, _driver, "operator");

        var (_, html) = await BillingPages.GetAsync(browser, "/console/operator/billing");

        Assert.Contains("<dd id=\"outbox-failed\">1</dd>", html, StringComparison.Ordinal);
        Assert.Contains("card_declined: the card was declined", html, StringComparison.Ordinal);
        Assert.Contains("pay-failed-1", html, StringComparison.Ordinal);
        Assert.DoesNotContain("other-work-1", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_close_before_the_grace_window_ends_shows_the_conflict_on_the_page_and_closes_nothing()
    {
        _factory.Time.SetUtcNow(ClosedNovember.NovemberClosable.AddMinutes(-1));
        var browser = await BillingPages.SignedInAsync(_factory, _driver, "operator");

        var response = await browser.PostFormAsync("/console/operator/billing", "close-2026-11", new Dictionary<string, string>());
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("2026-11はまだ締められません。2026-12-01 01:00から締められます。", html, StringComparison.Ordinal);
        Assert.Contains("id=\"periods-heading\"", html, StringComparison.Ordinal);
        var periods = await Ok<PeriodListResponse>(await _driver.Operator.GetAsync("/api/v1/billing/periods"), HttpStatusCode.OK);
        Assert.Empty(periods.Items);
    }
}
