namespace Marketplace.Domain.Tests;

public sealed class PeopleRulesTests
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 30, 3, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(" Hanako@Example.JP ", "hanako@example.jp")]
    [InlineData("a.b+tag@city.example.jp", "a.b+tag@city.example.jp")]
    public void A_sign_in_name_is_an_email_address_kept_trimmed_and_in_lower_case(string given, string normal) =>
        Assert.Equal(normal, SignInNames.Normalize(given));

    [Theory]
    [InlineData("")]
    [InlineData("hanako")]
    [InlineData("@example.jp")]
    [InlineData("hanako@")]
    [InlineData("hanako@localhost")]
    [InlineData("ha nako@example.jp")]
    [InlineData("a@b@example.jp")]
    [InlineData("hanako@example.jp.")]
    [InlineData("<script>@example.jp")]
    public void Anything_else_is_refused_with_an_example(string given)
    {
        var refused = Assert.Throws<DomainException>(() => SignInNames.Normalize(given));
        Assert.Equal(ErrorCodes.PersonInvalidSignIn.Value, refused.Code);
        Assert.Contains("hanako@example.jp", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_address_longer_than_a_mail_path_is_refused() =>
        Assert.False(SignInNames.TryNormalize(new string('a', 250) + "@x.jp", out _));

    [Theory]
    [InlineData("short")]
    [InlineData("aaaaaaaaaaaaaaaa")]
    [InlineData("abababababababab")]
    public void A_short_or_monotonous_password_is_refused(string password) =>
        Assert.Equal(ErrorCodes.PersonWeakPassword.Value, Assert.Throws<DomainException>(() => PasswordRules.Check(password)).Code);

    [Fact]
    public void A_password_longer_than_the_bound_is_refused_before_anything_hashes_it() =>
        Assert.Throws<DomainException>(() => PasswordRules.Check(new string('x', 64) + new string('y', 64) + "z"));

    [Fact]
    public void A_few_unrelated_words_make_an_acceptable_password() => PasswordRules.Check("kawa sakura yama");

    [Fact]
    public void Failures_below_the_limit_only_count()
    {
        var (failures, lockedUntil) = SignInLockout.AfterFailure(SignInLockout.MaxFailures - 2, null, Noon);

        Assert.Equal(SignInLockout.MaxFailures - 1, failures);
        Assert.Null(lockedUntil);
    }

    [Fact]
    public void The_failure_that_reaches_the_limit_locks_for_the_lock_period_and_restarts_the_count()
    {
        var (failures, lockedUntil) = SignInLockout.AfterFailure(SignInLockout.MaxFailures - 1, null, Noon);

        Assert.Equal(0, failures);
        Assert.Equal(Noon + SignInLockout.LockFor, lockedUntil);
        Assert.True(SignInLockout.IsLocked(lockedUntil, Noon + SignInLockout.LockFor - TimeSpan.FromSeconds(1)));
        Assert.False(SignInLockout.IsLocked(lockedUntil, Noon + SignInLockout.LockFor));
    }

    [Fact]
    public void A_failure_during_a_lock_does_not_extend_it()
    {
        var until = Noon + TimeSpan.FromMinutes(5);

        Assert.Equal((0, until), SignInLockout.AfterFailure(0, until, Noon));
    }
}
