using Hangfire;
using Hangfire.Storage;
using Marketplace.Domain;
using Marketplace.Host.Features.Consent;
using Marketplace.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Host.Tests.Consent;

/// <summary>The record of provision is kept three years (and a day), then the daily job removes it.</summary>
public sealed class ProvisionRetentionTests(MarketplaceFixture fixture) : IClassFixture<MarketplaceFixture>
{
    private IServiceProvider Services => fixture.Factory.Services;

    [Fact]
    public async Task The_daily_job_removes_provisions_past_the_retention_period_and_keeps_younger_ones()
    {
        var now = fixture.Factory.Time.GetUtcNow();
        var bank = MarketplaceDriver.UniqueId("bank");
        var log = Services.GetRequiredService<IProvisionLog>();
        await log.AppendAsync(
        [
            Provision(bank, "ev-expired", now - ProvisionRetention.Period - TimeSpan.FromHours(1)),
            Provision(bank, "ev-kept", now - ProvisionRetention.Period + TimeSpan.FromHours(1)),
        ]);

        await Services.GetRequiredService<ProvisionRecordJobs>().PruneAsync(CancellationToken.None);

        Assert.Equal(["ev-kept"], (await log.ListBySubjectAsync(bank, "subj-1", null, 10)).Select(p => p.EventId));
    }

    [Fact]
    public void The_job_is_scheduled_daily_in_the_billing_time_zone()
    {
        using var connection = Services.GetRequiredService<JobStorage>().GetConnection();

        var job = Assert.Single(connection.GetRecurringJobs(), j => j.Id == ProvisionRecordJobs.PruneId);

        Assert.Equal((ProvisionRecordJobs.Schedule, "Asia/Tokyo"), (job.Cron, job.TimeZoneId));
    }

    private static Provision Provision(string bank, string eventId, DateTimeOffset at) =>
        new(eventId, bank, "subj-1", "ctr-1", "buyer-a", "ds-health", ConsentPurposes.AcademicResearch, "cr-1", ["age"], 1, false, at,
            BillingPeriod.Containing(at, BillingPeriod.DefaultZone).Id);
}
