namespace Marketplace.Domain.Tests;

public sealed class UsagePolicyTests
{
    private static readonly DateTimeOffset SignedAt = new(2026, 11, 10, 12, 0, 0, TimeSpan.FromHours(9));

    private static UsagePolicy Purposes(params string[] purposes) => UsagePolicy.Open with { PermittedPurposes = purposes };

    [Fact]
    public void Purposes_are_trimmed_lower_cased_and_deduplicated()
    {
        var policy = new UsagePolicy([" Research ", "PUBLIC-SERVICE", "research"], null, null, null, false);

        Assert.Equal(["research", "public-service"], policy.PermittedPurposes);
    }

    [Fact]
    public void Purposes_set_through_with_are_normalised_too()
    {
        var policy = Purposes("Research");

        Assert.Equal(["research"], policy.PermittedPurposes);
    }

    [Fact]
    public void Open_has_no_limits_and_is_valid()
    {
        UsagePolicy.Open.Validate();

        Assert.Empty(UsagePolicy.Open.PermittedPurposes);
        Assert.Null(UsagePolicy.Open.ContractEndFor(SignedAt));
        Assert.Null(UsagePolicy.Open.MaxUnitsPerPeriod);
    }

    [Theory]
    [InlineData("a")]
    [InlineData("1research")]
    [InlineData("open data")]
    [InlineData("open_data")]
    [InlineData("")]
    [InlineData("a0123456789012345678901234567890123456789012345678901234567890123")]
    public void Validate_refuses_a_malformed_purpose_code(string purpose)
    {
        var ex = Assert.Throws<DomainException>(Purposes(purpose).Validate);

        Assert.Equal("policy.invalid-purpose", ex.Code);
    }

    [Fact]
    public void Validate_accepts_a_purpose_code_of_64_characters()
    {
        Purposes("a" + new string('b', 63)).Validate();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Validate_refuses_a_term_shorter_than_a_day(int days)
    {
        var ex = Assert.Throws<DomainException>((UsagePolicy.Open with { TermDays = days }).Validate);

        Assert.Equal("policy.invalid-term", ex.Code);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void Validate_refuses_a_quota_below_one_unit(long max)
    {
        var ex = Assert.Throws<DomainException>((UsagePolicy.Open with { MaxUnitsPerPeriod = max }).Validate);

        Assert.Equal("policy.invalid-quota", ex.Code);
    }

    [Fact]
    public void ContractEndFor_uses_the_fixed_end_when_there_is_no_term()
    {
        var end = new DateTimeOffset(2027, 3, 31, 0, 0, 0, TimeSpan.FromHours(9));

        Assert.Equal(end, (UsagePolicy.Open with { EndsAt = end }).ContractEndFor(SignedAt));
    }

    [Fact]
    public void ContractEndFor_counts_the_term_from_signing()
    {
        Assert.Equal(SignedAt.AddDays(30), (UsagePolicy.Open with { TermDays = 30 }).ContractEndFor(SignedAt));
    }

    [Theory]
    [InlineData(10, false)]
    [InlineData(365, true)]
    public void ContractEndFor_takes_the_earlier_of_fixed_end_and_term(int termDays, bool fixedEndIsEarlier)
    {
        var fixedEnd = SignedAt.AddDays(60);
        var policy = UsagePolicy.Open with { EndsAt = fixedEnd, TermDays = termDays };

        Assert.Equal(fixedEndIsEarlier ? fixedEnd : SignedAt.AddDays(termDays), policy.ContractEndFor(SignedAt));
    }

    [Fact]
    public void CheckPurpose_allows_any_purpose_when_none_are_listed()
    {
        Assert.True(UsagePolicy.Open.CheckPurpose("marketing").Allowed);
    }

    [Fact]
    public void CheckPurpose_allows_a_listed_purpose_written_in_any_case()
    {
        Assert.True(Purposes("research").CheckPurpose(" Research ").Allowed);
    }

    [Fact]
    public void CheckPurpose_denies_an_unlisted_purpose_and_lists_the_permitted_ones()
    {
        var decision = Purposes("research", "public-service").CheckPurpose("marketing");

        Assert.False(decision.Allowed);
        Assert.Equal(PolicyDenial.PurposeNotPermitted, decision.Denial);
        Assert.Equal("The purpose 'marketing' is not permitted by this offering; permitted purposes: research, public-service.", decision.Reason);
    }

    [Theory]
    [InlineData("")]
    [InlineData("no such purpose!")]
    public void CheckPurpose_denies_a_purpose_that_is_not_a_code_even_when_any_is_allowed(string purpose)
    {
        var decision = UsagePolicy.Open.CheckPurpose(purpose);

        Assert.Equal(PolicyDenial.PurposeNotPermitted, decision.Denial);
        Assert.Contains("such as 'research'", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Policies_with_equal_purposes_are_equal()
    {
        Assert.Equal(Purposes("research", "health"), Purposes("Research", "health"));
    }

    [Fact]
    public void Deny_requires_a_cause()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PolicyDecision.Deny(PolicyDenial.None, "because"));
    }
}
