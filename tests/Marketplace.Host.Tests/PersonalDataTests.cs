using System.Net;
using System.Net.Http.Json;
using Marketplace.Host.Features.Contracts;
using Marketplace.Host.Features.Datasets;

namespace Marketplace.Host.Tests;

/// <summary>Personal data: listed only by information banks, flowing only under the holding bank's approval.</summary>
[Collection(MarketplaceCollection.Name)]
public sealed class PersonalDataTests(MarketplaceFixture fixture)
{
    private readonly MarketplaceDriver _driver = fixture.Driver;

    /// <summary>A personal dataset as an information bank lists it (shared with the browser tests' catalog seed).</summary>
    public static object HealthChecks(string id) => new
    {
        id,
        @class = "personal",
        title = "Health checks",
        description = "Yearly health check results of residents who consented.",
        keywords = new[] { "health" },
        themes = new[] { "HEAL" },
        publisher = "Information bank",
        licence = "proprietary",
        language = "ja",
        schema = new
        {
            fields = new object[]
            {
                new { name = "resident_id", type = "string", required = true },
                new { name = "hba1c", type = "number", required = true },
            },
            subjectField = "resident_id",
        },
    };

    internal static object Offering(string datasetId, string approval) => new
    {
        id = MarketplaceDriver.UniqueId("off"),
        datasetId,
        pricing = new { model = "per-unit", currency = "JPY", amount = 5, unit = "record" },
        policy = new { purposes = new[] { "academic-research" } },
        visibility = "public",
        buyers = Array.Empty<string>(),
        approval,
    };

    private async Task<(Party Bank, string OfferingId)> PersonalOfferingAsync()
    {
        var bank = await _driver.CreatePartyAsync("information-bank");
        var datasetId = MarketplaceDriver.UniqueId("ds");
        await _driver.CreateDatasetAsync(bank, HealthChecks(datasetId));
        await MarketplaceDriver.UploadCsvAsync(bank, datasetId, "resident_id,hba1c\nr-1,5.4\nr-2,6.1\n");
        var offering = await MarketplaceDriver.CreateOfferingAsync(bank, Offering(datasetId, "provider"));
        await MarketplaceDriver.PublishAsync(bank, offering.Id);
        return (bank, offering.Id);
    }

    private async Task<ContractResponse> RequestedContractAsync(string offeringId)
    {
        var buyer = await _driver.CreatePartyAsync("buyer");
        return await MarketplaceDriver.SubscribeAsync(buyer, offeringId, "academic-research");
    }

    [Fact]
    public async Task A_provider_that_is_not_an_information_bank_cannot_list_personal_data()
    {
        var provider = await _driver.CreatePartyAsync("provider");

        var problem = await MarketplaceDriver.Problem(
            await provider.Client.PostAsJsonAsync("/api/v1/datasets", HealthChecks(MarketplaceDriver.UniqueId("ds"))), HttpStatusCode.Forbidden);

        Assert.Equal("dataset.personal-needs-information-bank", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task An_information_bank_lists_personal_data()
    {
        var bank = await _driver.CreatePartyAsync("information-bank");

        var dataset = await _driver.CreateDatasetAsync(bank, HealthChecks(MarketplaceDriver.UniqueId("ds")));

        Assert.Equal(("personal", bank.Id), (dataset.Class, dataset.ProviderId));
    }

    [Fact]
    public async Task A_personal_offering_with_automatic_approval_is_refused()
    {
        var bank = await _driver.CreatePartyAsync("information-bank");
        var datasetId = MarketplaceDriver.UniqueId("ds");
        await _driver.CreateDatasetAsync(bank, HealthChecks(datasetId));

        var problem = await MarketplaceDriver.Problem(
            await bank.Client.PostAsJsonAsync("/api/v1/offerings", Offering(datasetId, "automatic")), HttpStatusCode.BadRequest);

        Assert.Equal("offering.personal-needs-approval", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task The_operator_cannot_approve_a_personal_data_contract()
    {
        var (_, offeringId) = await PersonalOfferingAsync();
        var contract = await RequestedContractAsync(offeringId);

        var problem = await MarketplaceDriver.Problem(
            await _driver.Operator.PostAsync($"/api/v1/contracts/{contract.Id}/approve", null), HttpStatusCode.Forbidden);

        Assert.Equal("contract.not-permitted", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task The_holding_bank_approves_and_the_operator_may_suspend_but_not_resume()
    {
        var (bank, offeringId) = await PersonalOfferingAsync();
        var contract = await RequestedContractAsync(offeringId);

        var approved = await MarketplaceDriver.Ok<ContractResponse>(
            await bank.Client.PostAsync($"/api/v1/contracts/{contract.Id}/approve", null), HttpStatusCode.OK);
        var suspended = await MarketplaceDriver.Ok<ContractResponse>(
            await _driver.Operator.PostAsync($"/api/v1/contracts/{contract.Id}/suspend", null), HttpStatusCode.OK);
        var resume = await _driver.Operator.PostAsync($"/api/v1/contracts/{contract.Id}/resume", null);

        Assert.Equal(("active", "suspended"), (approved.Status, suspended.Status));
        await MarketplaceDriver.Problem(resume, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task The_operator_may_terminate_a_personal_data_contract()
    {
        var (bank, offeringId) = await PersonalOfferingAsync();
        var contract = await RequestedContractAsync(offeringId);
        await bank.Client.PostAsync($"/api/v1/contracts/{contract.Id}/approve", null);

        var terminated = await MarketplaceDriver.Ok<ContractResponse>(
            await _driver.Operator.PostAsync($"/api/v1/contracts/{contract.Id}/terminate", null), HttpStatusCode.OK);

        Assert.Equal("terminated", terminated.Status);
    }
}
