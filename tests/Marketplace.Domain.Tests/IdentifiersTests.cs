using System.Text.RegularExpressions;

namespace Marketplace.Domain.Tests;

public sealed class IdentifiersTests
{
    [Theory]
    [InlineData("abc", true)]
    [InlineData("0ab", true)]
    [InlineData("air-quality-2026", true)]
    [InlineData("a123456789012345678901234567890123456789012345678901234567890123", true)]
    [InlineData("ab", false)]
    [InlineData("-abc", false)]
    [InlineData("Abc", false)]
    [InlineData("ab_c", false)]
    [InlineData("a1234567890123456789012345678901234567890123456789012345678901234", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void IsValidSlug_accepts_lower_case_ids_of_3_to_64_characters(string? id, bool expected)
    {
        Assert.Equal(expected, Identifiers.IsValidSlug(id!));
    }

    [Fact]
    public void NewId_is_the_prefix_a_hyphen_and_12_base32_characters()
    {
        var id = Identifiers.NewId("ctr");

        Assert.Matches(new Regex("^ctr-[a-z2-7]{12}$"), id);
        Assert.True(Identifiers.IsValidSlug(id));
    }

    [Fact]
    public void DerivedId_is_the_same_for_the_same_seed_and_differs_for_another()
    {
        var id = Identifiers.DerivedId("ctr", "off-1\nbuyer-1\nresearch\n0");

        Assert.Matches(new Regex("^ctr-[a-z2-7]{12}$"), id);
        Assert.Equal(id, Identifiers.DerivedId("ctr", "off-1\nbuyer-1\nresearch\n0"));
        Assert.NotEqual(id, Identifiers.DerivedId("ctr", "off-1\nbuyer-1\nresearch\n1"));
    }

    [Fact]
    public void NewId_differs_every_time()
    {
        Assert.NotEqual(Identifiers.NewId("ctr"), Identifiers.NewId("ctr"));
    }

    [Theory]
    [InlineData("01900000-0000-7000-8000-000000000000", "ctr-aaaaaaaaaaaa")]
    [InlineData("01900000-0000-7000-bfff-ffffffffffff", "ctr-777777777777")]
    [InlineData("01900000-0000-7000-8000-000000000021", "ctr-aaaaaaaaaabb")]
    public void NewId_encodes_the_random_tail_of_the_guid(string guid, string expected)
    {
        Assert.Equal(expected, Identifiers.NewId("ctr", Guid.Parse(guid)));
    }

    [Fact]
    public void NewId_ignores_the_timestamp_part_of_the_guid()
    {
        var earlier = Guid.Parse("01900000-0000-7000-8000-00000000abcd");
        var later = Guid.Parse("01990000-1111-7abc-8000-00000000abcd");

        Assert.Equal(Identifiers.NewId("ofr", earlier), Identifiers.NewId("ofr", later));
    }

    [Theory]
    [InlineData("")]
    [InlineData("Ctr")]
    [InlineData("ctr_x")]
    public void NewId_refuses_a_prefix_that_would_not_make_a_slug(string prefix)
    {
        Assert.Throws<ArgumentException>(() => Identifiers.NewId(prefix));
    }

    [Fact]
    public void NewId_accepts_a_prefix_up_to_the_slug_length_limit()
    {
        Assert.Equal(64, Identifiers.NewId(new string('p', 51)).Length);
        Assert.Throws<ArgumentException>(() => Identifiers.NewId(new string('p', 52)));
    }
}
