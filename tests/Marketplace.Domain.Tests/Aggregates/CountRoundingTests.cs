namespace Marketplace.Domain.Tests.Aggregates;

public sealed class CountRoundingTests
{
    [Theory]
    [InlineData(10, 10, 10, 10)]
    [InlineData(10, 10, 14, 10)]
    [InlineData(10, 10, 15, 20)]
    [InlineData(10, 10, 1_234, 1_230)]
    [InlineData(10, 1, 13, 13)]
    [InlineData(10, 50, 24, 50)]
    [InlineData(10, 50, 74, 50)]
    [InlineData(10, 50, 75, 100)]
    [InlineData(12, 5, 12, 15)]
    public void A_kept_count_is_rounded_to_the_nearest_multiple_halves_up_never_below_the_least_multiple_at_least_k(int k, int step, long people, long published)
    {
        Assert.Equal(published, new CountRounding(k, step).Publish(people));
    }

    [Fact]
    public void A_count_under_k_is_never_published()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new CountRounding(10, 10).Publish(9));
    }

    [Fact]
    public void The_rule_in_words_says_that_sums_are_withheld_when_counts_are_rounded()
    {
        Assert.Contains("sums are withheld", new CountRounding(10, 10).Describe(), StringComparison.Ordinal);
    }
}
