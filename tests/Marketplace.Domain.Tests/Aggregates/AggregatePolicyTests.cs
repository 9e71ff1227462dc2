namespace Marketplace.Domain.Tests.Aggregates;

public sealed class AggregatePolicyTests
{
    private static readonly DatasetSchema Journeys = new(
    [
        new SchemaField("subject_id", FieldType.String, Required: true),
        new SchemaField("origin", FieldType.String, Required: true),
        new SchemaField("destination", FieldType.String, Required: true),
        new SchemaField("minutes", FieldType.Integer, Required: false),
    ], SubjectField: "subject_id");

    [Fact]
    public void Dimensions_and_measures_of_the_schema_are_valid()
    {
        new AggregatePolicy(["origin", "destination"], ["minutes"]).Validate(Journeys);
    }

    [Theory]
    [InlineData("subject_id", "minutes")]
    [InlineData("nowhere", "minutes")]
    [InlineData("origin", "destination")]
    [InlineData("origin", "origin")]
    public void A_policy_naming_the_subject_an_unknown_field_a_text_measure_or_one_field_twice_is_refused(string dimension, string measure)
    {
        var refused = Assert.Throws<DomainException>(() => new AggregatePolicy([dimension], [measure]).Validate(Journeys));

        Assert.Equal(ErrorCodes.AggregatePolicyInvalid.Value, refused.Code);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(10, 0)]
    [InlineData(10_001, 1)]
    public void K_and_the_rounding_step_are_bounded(int k, int step)
    {
        Assert.Throws<DomainException>(() => new AggregatePolicy(["origin"], [], k, step).Validate(Journeys));
    }

    [Fact]
    public void Policies_compare_by_their_lists_contents()
    {
        Assert.Equal(new UsagePolicy([], null, null, null, false, new AggregatePolicy(["origin"], ["minutes"])),
            new UsagePolicy([], null, null, null, false, new AggregatePolicy(["origin"], ["minutes"])));
    }
}
