using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Application;
using Marketplace.Billing.Subjects;
using Marketplace.Grains;
using Marketplace.Host.Features.Billing;
using Marketplace.Host.Features.Console.Billing;
using Marketplace.Host.Tests.Web;
using Marketplace.Storage;
using Microsoft.Extensions.DependencyInjection;
using static Marketplace.Host.Tests.MarketplaceDriver;

namespace Marketplace.Host.Tests.Billing;

/// <summary>
/// The people's share of invoices on personal data, through a period close: a split line of the invoice (API and
/// page), divided among the people whose records were served as the record of provision counts them, and stored
/// per person. The record of provision is a test double seeded directly (its store adapters come separately).
/// </summary>
public sealed class DataSubjectShareTests : IAsyncLifetime
{
    private static readonly DateTimeOffset NovemberClosable = new(2026, 11, 30, 16, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset InNovember = new(2026, 11, 10, 0, 0, 0, TimeSpan.Zero);

    private readonly InMemoryProvisionLog _provisions = new();
    private MarketplaceFactory _factory = null!;
    private MarketplaceDriver _driver = null!;

    public Task InitializeAsync()
    {
        _factory = new MarketplaceFactory(settings: new Dictionary<string, string> { ["Marketplace:Jobs:RunServer"] = "false" })
        {
            ConfigureServices = services => services.AddSingleton<IProvisionLog>(_provisions),
        };
        _ = _factory.Server;
        _driver = new MarketplaceDriver(_factory);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    /// <summary>An information bank's personal offering (¥5 a record), a buyer's approved contract on it, and <paramref name="records"/> records of usage.</summary>
    private async Task<(Party Bank, Party Buyer, string ContractId)> PersonalContractAsync(long records)
    {
        var bank = await _driver.CreatePartyAsync("information-bank");
        var datasetId = UniqueId("ds");
        await _driver.CreateDatasetAsync(bank, PersonalDataTests.HealthChecks(datasetId));
        await UploadCsvAsync(bank, datasetId, "resident_id,hba1c\nr-1,5.4\nr-2,6.1\nr-3,5.8\n");
        var offering = await CreateOfferingAsync(bank, PersonalDataTests.Offering(datasetId, "provider"));
        await PublishAsync(bank, offering.Id);
        var buyer = await _driver.CreatePartyAsync("buyer");
        var contract = await SubscribeAsync(buyer, offering.Id, "research");
        await Ok<JsonElement>(await bank.Client.PostAsync($"/api/v1/contracts/{contract.Id}/approve", null), HttpStatusCode.OK);
        var report = await bank.Client.PostAsJsonAsync("/api/v1/usage", new
        {
            events = new[] { new { eventId = Guid.NewGuid().ToString(), contractId = contract.Id, units = records, occurredAt = InNovember } },
        });
        Assert.Equal(1, (await Ok<JsonElement>(report, HttpStatusCode.OK)).GetProperty("accepted").GetInt32());
        return (bank, buyer, contract.Id);
    }

    private Task SeedAsync(Party bank, Party buyer, string contractId, string subject, long records, int countedInAggregates = 0) =>
        _provisions.AppendAsync([
            .. (records > 0 ? [Provision(bank, buyer, contractId, subject, records, aggregate: false)] : Array.Empty<Provision>()),
            .. Enumerable.Range(0, countedInAggregates).Select(_ => Provision(bank, buyer, contractId, subject, 0, aggregate: true))]);

    private static Provision Provision(Party bank, Party buyer, string contractId, string subject, long records, bool aggregate) =>
        new(Guid.NewGuid().ToString(), bank.Id, subject, contractId, buyer.Id, "ds", "research", $"cr-{subject}", ["hba1c"], records, aggregate, InNovember, "2026-11");

    private async Task<InvoiceResponse> CloseNovemberAsync(Party buyer, string contractId)
    {
        _factory.Time.SetUtcNow(NovemberClosable);
        await Ok<JsonElement>(await _driver.Operator.PostAsync("/api/v1/billing/periods/2026-11/close", null), HttpStatusCode.OK);
        return await Ok<InvoiceResponse>(await buyer.Client.GetAsync($"/api/v1/invoices/inv-2026-11-{contractId}"), HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_personal_invoice_carries_the_peoples_share_as_a_split_line_and_each_persons_earnings_sum_exactly_to_it()
    {
        var (bank, buyer, contractId) = await PersonalContractAsync(1_000);
        await SeedAsync(bank, buyer, contractId, "r-1", 500);
        await SeedAsync(bank, buyer, contractId, "r-2", 333);
        await SeedAsync(bank, buyer, contractId, "r-3", 0, countedInAggregates: 167);

        var invoice = await CloseNovemberAsync(buyer, contractId);

        // ¥5,000 + ¥500 tax: 10 % to the people, 20 % platform fee (personal data), the bank keeps the rest.
        Assert.Equal(5_500, invoice.TotalMinor);
        Assert.Equal(1_000, invoice.DataSubjectShareBasisPoints);
        Assert.Equal([new RevenueShareResponse("provider", bank.Id, 3_850), new RevenueShareResponse("platform-fee", "marketplace", 1_100),
            new RevenueShareResponse("data-subjects", bank.Id, 550)], invoice.Shares);
        var queries = _factory.Services.GetRequiredService<SubjectEarningsQueries>();
        var earnings = new Dictionary<string, SubjectPeriodEarnings>();
        foreach (var subject in new[] { "r-1", "r-2", "r-3" })
        {
            earnings[subject] = Assert.Single(await queries.ListAsync(bank.Id, subject));
        }
        Assert.Equal(550, earnings.Values.Sum(e => e.AmountMinor));
        Assert.Equal(new SubjectPeriodEarnings("2026-11", 275, "JPY", 1, 1, 500, 0), earnings["r-1"]);
        Assert.Equal(new SubjectPeriodEarnings("2026-11", 92, "JPY", 1, 1, 0, 167), earnings["r-3"]);
    }

    [Fact]
    public async Task Dividing_an_invoices_share_again_as_a_close_run_again_would_leaves_each_person_paid_once()
    {
        var (bank, buyer, contractId) = await PersonalContractAsync(1_000);
        await SeedAsync(bank, buyer, contractId, "r-1", 600);
        await SeedAsync(bank, buyer, contractId, "r-2", 400);
        await CloseNovemberAsync(buyer, contractId);
        var invoice = await _factory.Services.GetRequiredService<GrainReferences>().Get<IInvoiceGrain>($"inv-2026-11-{contractId}").Get();

        await _factory.Services.GetRequiredService<SubjectShareDistribution>().RecordAsync(invoice!);

        var queries = _factory.Services.GetRequiredService<SubjectEarningsQueries>();
        Assert.Equal([330L], (await queries.ListAsync(bank.Id, "r-1")).Select(e => e.AmountMinor));
        Assert.Equal([220L], (await queries.ListAsync(bank.Id, "r-2")).Select(e => e.AmountMinor));
    }

    [Fact]
    public async Task With_nobody_on_record_the_invoice_has_no_peoples_share_and_the_bank_keeps_it()
    {
        var (bank, buyer, contractId) = await PersonalContractAsync(1_000);

        var invoice = await CloseNovemberAsync(buyer, contractId);

        Assert.Equal(0, invoice.DataSubjectShareBasisPoints);
        Assert.Equal([new RevenueShareResponse("provider", bank.Id, 4_400), new RevenueShareResponse("platform-fee", "marketplace", 1_100)], invoice.Shares);
    }

    [Fact]
    public async Task The_banks_statement_says_what_it_owes_its_people_for_the_period()
    {
        var (bank, buyer, contractId) = await PersonalContractAsync(1_000);
        await SeedAsync(bank, buyer, contractId, "r-1", 10);
        await CloseNovemberAsync(buyer, contractId);

        var statements = await Ok<StatementListResponse>(await bank.Client.GetAsync("/api/v1/billing/periods/2026-11/statements"), HttpStatusCode.OK);

        var statement = Assert.Single(statements.Items);
        Assert.Equal((3_850L, 550L), (statement.ProviderShareMinor, statement.DataSubjectsMinor));
        Assert.Equal(550, Assert.Single(statement.Lines).DataSubjectsShareMinor);
    }

    [Fact]
    public async Task The_invoice_page_shows_the_peoples_share_as_a_line_of_the_split()
    {
        var (bank, buyer, contractId) = await PersonalContractAsync(1_000);
        await SeedAsync(bank, buyer, contractId, "r-1", 10);
        await CloseNovemberAsync(buyer, contractId);

        var (status, html) = await BillingPages.GetAsync(await BillingPages.SignedInAsync(_factory, _driver, buyer.Id), $"/invoices/inv-2026-11-{contractId}", "en");

        Assert.Equal(HttpStatusCode.OK, status);
        var row = html[html.IndexOf("share-datasubjects", StringComparison.Ordinal)..];
        Assert.Contains("The people whose records were used (10% of each line)", row[..row.IndexOf("</tr>", StringComparison.Ordinal)], StringComparison.Ordinal);
        Assert.Contains("¥550", row[..row.IndexOf("</tr>", StringComparison.Ordinal)], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_banks_statement_page_says_what_it_owes_its_people()
    {
        var (bank, buyer, contractId) = await PersonalContractAsync(1_000);
        await SeedAsync(bank, buyer, contractId, "r-1", 10);
        await CloseNovemberAsync(buyer, contractId);

        var (status, html) = await BillingPages.GetAsync(await BillingPages.SignedInAsync(_factory, _driver, bank.Id), BillingPaths.Statements("2026-11"), "en");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Owed to your people</dt>", html, StringComparison.Ordinal);
        Assert.Contains("<dd id=\"statement-data-subjects\">¥550</dd>", html, StringComparison.Ordinal);
    }
}
