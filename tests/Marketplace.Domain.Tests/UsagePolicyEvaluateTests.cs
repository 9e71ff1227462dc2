namespace Marketplace.Domain.Tests;

public sealed class UsagePolicyEvaluateTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 10, 0, 0, TimeSpan.FromHours(9));

    private static readonly UsagePolicy ResearchWithQuota =
        new(["research"], EndsAt: null, TermDays: null, MaxUnitsPerPeriod: 1000, RedistributionProhibited: true);

    private static AccessRequest Request(long used = 0, long requested = 100, string purpose = "research", DateTimeOffset? endsAt = null) =>
        new(purpose, Now, endsAt, used, requested);

    [Fact]
    public void Purpose_is_checked_before_the_end_date_and_quota()
    {
        var decision = ResearchWithQuota.Evaluate(Request(used: 5000, purpose: "marketing", endsAt: Now.AddDays(-1)));

        Assert.Equal(PolicyDenial.PurposeNotPermitted, decision.Denial);
    }

    [Fact]
    public void End_date_is_checked_before_the_quota()
    {
        var decision = ResearchWithQuota.Evaluate(Request(used: 5000, endsAt: Now.AddDays(-1)));

        Assert.Equal(PolicyDenial.ContractEnded, decision.Denial);
    }

    [Fact]
    public void A_contract_is_ended_at_its_end_instant()
    {
        var decision = ResearchWithQuota.Evaluate(Request(endsAt: Now));

        Assert.False(decision.Allowed);
        Assert.Equal(PolicyDenial.ContractEnded, decision.Denial);
        Assert.Equal("This contract ended on 2026-11-20 10:00 +09:00; sign a new contract to keep using the data.", decision.Reason);
    }

    [Fact]
    public void A_contract_is_usable_until_just_before_its_end()
    {
        Assert.True(ResearchWithQuota.Evaluate(Request(endsAt: Now.AddTicks(1))).Allowed);
    }

    [Fact]
    public void The_offerings_fixed_end_applies_even_without_a_contract_end()
    {
        var policy = ResearchWithQuota with { EndsAt = Now.AddMinutes(-1) };

        Assert.Equal(PolicyDenial.ContractEnded, policy.Evaluate(Request()).Denial);
    }

    [Fact]
    public void Without_a_quota_all_requested_units_are_granted()
    {
        var decision = UsagePolicy.Open.Evaluate(Request(used: 1_000_000, requested: 500, purpose: "anything"));

        Assert.Equal(PolicyDecision.Allow(500), decision);
    }

    [Theory]
    [InlineData(0, 100, 100)]
    [InlineData(900, 100, 100)]
    [InlineData(950, 100, 50)]
    [InlineData(999, 100, 1)]
    [InlineData(0, 0, 0)]
    public void Within_the_quota_units_are_granted_up_to_what_is_left(long used, long requested, long granted)
    {
        var decision = ResearchWithQuota.Evaluate(Request(used, requested));

        Assert.True(decision.Allowed);
        Assert.Equal(granted, decision.UnitsGranted);
    }

    [Theory]
    [InlineData(1000)]
    [InlineData(1500)]
    public void A_used_up_quota_is_refused(long used)
    {
        var decision = ResearchWithQuota.Evaluate(Request(used));

        Assert.Equal(PolicyDenial.QuotaExceeded, decision.Denial);
        Assert.Equal(0, decision.UnitsGranted);
    }

    [Fact]
    public void A_used_up_quota_names_the_period_and_when_it_renews()
    {
        var period = BillingPeriod.Parse("2026-11", BillingPeriod.DefaultZone);

        var decision = ResearchWithQuota.Evaluate(Request(used: 1000) with { Period = period, Unit = UsageUnit.Record });

        Assert.Equal("This contract's quota of 1000 records for the period 2026-11 is used up; it renews on 2026-12-01.", decision.Reason);
    }

    [Fact]
    public void A_used_up_quota_does_not_promise_a_renewal_the_contract_will_not_reach()
    {
        var period = BillingPeriod.Parse("2026-11", BillingPeriod.DefaultZone);

        var decision = ResearchWithQuota.Evaluate(Request(used: 1000, endsAt: period.End) with { Period = period });

        Assert.Equal("This contract's quota of 1000 records for the period 2026-11 is used up.", decision.Reason);
    }

    [Fact]
    public void A_used_up_quota_without_a_period_still_reads_as_a_sentence()
    {
        var decision = ResearchWithQuota.Evaluate(Request(used: 1000) with { Unit = UsageUnit.MiB });

        Assert.Equal("This contract's quota of 1000 MiB for this period is used up.", decision.Reason);
    }

    [Fact]
    public void Negative_unit_counts_are_rejected_as_bugs()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ResearchWithQuota.Evaluate(Request(used: -1)));
    }
}
