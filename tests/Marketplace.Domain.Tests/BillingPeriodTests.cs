namespace Marketplace.Domain.Tests;

public sealed class BillingPeriodTests
{
    private static readonly TimeZoneInfo Tokyo = BillingPeriod.DefaultZone;
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    private static DateTimeOffset At(int year, int month, int day, int hour, int offsetHours, int minute = 0) =>
        new(year, month, day, hour, minute, 0, TimeSpan.FromHours(offsetHours));

    [Fact]
    public void DefaultZone_is_Tokyo()
    {
        Assert.Equal("Asia/Tokyo", Tokyo.Id);
        Assert.Equal(TimeSpan.FromHours(9), Tokyo.BaseUtcOffset);
    }

    [Fact]
    public void Containing_uses_the_local_month_so_late_November_UTC_is_already_December_in_Tokyo()
    {
        var period = BillingPeriod.Containing(At(2026, 11, 30, 15, 0), Tokyo);

        Assert.Equal("2026-12", period.Id);
    }

    [Fact]
    public void Containing_just_before_local_midnight_is_still_the_earlier_month()
    {
        var period = BillingPeriod.Containing(new DateTimeOffset(2026, 11, 30, 14, 59, 59, TimeSpan.Zero), Tokyo);

        Assert.Equal("2026-11", period.Id);
    }

    [Fact]
    public void A_Tokyo_month_runs_from_local_midnight_to_local_midnight()
    {
        var period = BillingPeriod.Parse("2026-11", Tokyo);

        Assert.Equal(new BillingPeriod("2026-11", At(2026, 11, 1, 0, 9), At(2026, 12, 1, 0, 9), "Asia/Tokyo"), period);
        Assert.Equal(TimeSpan.FromHours(9), period.Start.Offset);
    }

    [Fact]
    public void A_New_York_month_with_the_spring_change_starts_in_standard_time_and_ends_in_daylight_time()
    {
        var march = BillingPeriod.Parse("2026-03", NewYork);

        Assert.Equal(At(2026, 3, 1, 0, -5), march.Start);
        Assert.Equal(TimeSpan.FromHours(-5), march.Start.Offset);
        Assert.Equal(At(2026, 4, 1, 0, -4), march.End);
        Assert.Equal(TimeSpan.FromHours(-4), march.End.Offset);
    }

    [Fact]
    public void A_New_York_month_starting_on_the_autumn_change_day_starts_at_the_daylight_midnight()
    {
        // Clocks fall back at 02:00 on 2026-11-01, so that midnight is still daylight time.
        var november = BillingPeriod.Parse("2026-11", NewYork);

        Assert.Equal(At(2026, 11, 1, 0, -4), november.Start);
        Assert.Equal(At(2026, 12, 1, 0, -5), november.End);
    }

    [Theory]
    [InlineData(3, 59, "2026-10")]
    [InlineData(4, 0, "2026-11")]
    public void Containing_in_New_York_splits_at_local_midnight(int utcHour, int utcMinute, string expected)
    {
        var instant = new DateTimeOffset(2026, 11, 1, utcHour, utcMinute, 0, TimeSpan.Zero);

        Assert.Equal(expected, BillingPeriod.Containing(instant, NewYork).Id);
    }

    [Fact]
    public void A_Berlin_month_with_the_autumn_change_ends_in_standard_time()
    {
        var october = BillingPeriod.Parse("2026-10", Berlin);

        Assert.Equal(At(2026, 10, 1, 0, 2), october.Start);
        Assert.Equal(At(2026, 11, 1, 0, 1), october.End);
    }

    [Fact]
    public void A_month_whose_local_midnight_is_skipped_starts_when_the_clocks_jump()
    {
        // Paraguay moved its clocks from 00:00 to 01:00 on 2023-10-01.
        var asuncion = TimeZoneInfo.FindSystemTimeZoneById("America/Asuncion");

        var october = BillingPeriod.Parse("2023-10", asuncion);

        Assert.Equal(new DateTimeOffset(2023, 10, 1, 4, 0, 0, TimeSpan.Zero), october.Start);
        Assert.Equal(At(2023, 10, 1, 1, -3), october.Start);
        Assert.Equal(BillingPeriod.Parse("2023-09", asuncion).End, october.Start);
    }

    [Theory]
    [InlineData("2026-13")]
    [InlineData("2026-00")]
    [InlineData("2026-1")]
    [InlineData("26-11")]
    [InlineData("2026/11")]
    [InlineData("2026-11-01")]
    [InlineData("")]
    [InlineData(null)]
    public void Parse_refuses_anything_but_a_year_and_month(string? id)
    {
        var ex = Assert.Throws<DomainException>(() => BillingPeriod.Parse(id!, Tokyo));

        Assert.Equal("period.invalid", ex.Code);
        Assert.EndsWith("Use a period like 2026-11.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_and_Containing_agree()
    {
        Assert.Equal(BillingPeriod.Containing(At(2026, 2, 14, 12, 9), Tokyo), BillingPeriod.Parse("2026-02", Tokyo));
    }

    [Fact]
    public void Next_rolls_over_the_year_and_starts_where_the_period_ends()
    {
        var december = BillingPeriod.Parse("2026-12", Tokyo);

        var next = december.Next();

        Assert.Equal("2027-01", next.Id);
        Assert.Equal(december.End, next.Start);
    }

    [Fact]
    public void Next_keeps_the_time_zone()
    {
        Assert.Equal(BillingPeriod.Parse("2026-04", NewYork), BillingPeriod.Parse("2026-03", NewYork).Next());
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(-1, false)]
    public void Contains_includes_the_start(long ticksFromStart, bool expected)
    {
        var period = BillingPeriod.Parse("2026-11", Tokyo);

        Assert.Equal(expected, period.Contains(period.Start.AddTicks(ticksFromStart)));
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(-1, true)]
    public void Contains_excludes_the_end(long ticksFromEnd, bool expected)
    {
        var period = BillingPeriod.Parse("2026-11", Tokyo);

        Assert.Equal(expected, period.Contains(period.End.AddTicks(ticksFromEnd)));
    }

    [Fact]
    public void Contains_compares_instants_whatever_their_offset()
    {
        var period = BillingPeriod.Parse("2026-12", Tokyo);

        Assert.True(period.Contains(new DateTimeOffset(2026, 11, 30, 15, 0, 0, TimeSpan.Zero)));
    }
}
