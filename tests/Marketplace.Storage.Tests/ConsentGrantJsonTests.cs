using Marketplace.Domain;

namespace Marketplace.Storage.Tests;

public sealed class ConsentGrantJsonTests
{
    private static readonly DateTimeOffset Given = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    private static readonly ConsentGrant Grant = new("cr-json-1", "subj-json-1", "bank-1", 1,
        new ConsentTerms(ConsentScope.ForDataset("ds-1"), ["age"], [ConsentPurposes.AcademicResearch], [], [RecipientClass.Academic], Given.AddDays(30), true),
        Given, null, "notice-1", 1);

    [Fact]
    public void The_same_stored_text_read_again_is_not_parsed_again()
    {
        var json = ConsentGrantJson.Serialize(Grant);

        var first = ConsentGrantJson.Deserialize(json);
        var again = ConsentGrantJson.Deserialize(new string(json.AsSpan()));

        Assert.Same(first, again);
    }

    [Fact]
    public void A_withdrawal_stored_over_a_grant_already_read_reads_back_withdrawn()
    {
        _ = ConsentGrantJson.Deserialize(ConsentGrantJson.Serialize(Grant));

        var withdrawn = ConsentGrantJson.Deserialize(ConsentGrantJson.Serialize(Grant with { Version = 2, WithdrawnAt = Given.AddHours(1) }));

        Assert.Equal(Given.AddHours(1), withdrawn.WithdrawnAt);
        Assert.False(withdrawn.IsActiveAt(Given.AddHours(2)));
    }
}
