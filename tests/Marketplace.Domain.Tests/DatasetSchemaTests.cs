namespace Marketplace.Domain.Tests;

public sealed class DatasetSchemaTests
{
    private static DatasetSchema WithFields(params SchemaField[] fields) => new(fields, SubjectField: null);

    [Fact]
    public void A_public_schema_without_a_subject_is_valid()
    {
        Schemas.AirQuality.Validate(DatasetClass.Public);
    }

    [Fact]
    public void A_schema_needs_a_field()
    {
        var ex = Assert.Throws<DomainException>(() => WithFields().Validate(DatasetClass.Public));

        Assert.Equal("schema.no-fields", ex.Code);
    }

    [Theory]
    [InlineData("1st")]
    [InlineData("pm-25")]
    [InlineData("pm 25")]
    [InlineData("")]
    [InlineData("a1234567890123456789012345678901234567890123456789012345678901234")]
    public void Field_names_must_be_identifiers(string name)
    {
        var ex = Assert.Throws<DomainException>(() => WithFields(new SchemaField(name, FieldType.String, false)).Validate(DatasetClass.Public));

        Assert.Equal("schema.invalid-field-name", ex.Code);
    }

    [Theory]
    [InlineData("_")]
    [InlineData("PM25")]
    [InlineData("a123456789012345678901234567890123456789012345678901234567890123")]
    public void Field_names_may_be_up_to_64_identifier_characters(string name)
    {
        WithFields(new SchemaField(name, FieldType.String, false)).Validate(DatasetClass.Public);
    }

    [Theory]
    [InlineData("pm25")]
    [InlineData("PM25")]
    public void Field_names_must_be_unique_ignoring_case(string second)
    {
        var schema = WithFields(new SchemaField("pm25", FieldType.Number, false), new SchemaField(second, FieldType.Number, false));

        Assert.Equal("schema.duplicate-field", Assert.Throws<DomainException>(() => schema.Validate(DatasetClass.Public)).Code);
    }

    [Fact]
    public void An_unknown_field_type_is_refused()
    {
        var schema = WithFields(new SchemaField("pm25", (FieldType)99, false));

        Assert.Equal("schema.invalid-field-type", Assert.Throws<DomainException>(() => schema.Validate(DatasetClass.Public)).Code);
    }

    [Fact]
    public void A_personal_schema_must_name_its_subject()
    {
        var schema = Schemas.Residents with { SubjectField = null };

        Assert.Equal("schema.subject-required", Assert.Throws<DomainException>(() => schema.Validate(DatasetClass.Personal)).Code);
    }

    [Fact]
    public void A_personal_schema_with_a_required_text_subject_is_valid()
    {
        Schemas.Residents.Validate(DatasetClass.Personal);
    }

    [Fact]
    public void The_subject_must_be_one_of_the_fields()
    {
        var schema = Schemas.Residents with { SubjectField = "citizen" };

        Assert.Equal("schema.unknown-subject-field", Assert.Throws<DomainException>(() => schema.Validate(DatasetClass.Personal)).Code);
    }

    [Theory]
    [InlineData(FieldType.Integer, true)]
    [InlineData(FieldType.String, false)]
    public void The_subject_must_be_a_required_string(FieldType type, bool required)
    {
        var schema = new DatasetSchema([new SchemaField("resident_id", type, required)], "resident_id");

        Assert.Equal("schema.invalid-subject-field", Assert.Throws<DomainException>(() => schema.Validate(DatasetClass.Personal)).Code);
    }

    [Fact]
    public void HasField_matches_names_exactly()
    {
        Assert.True(Schemas.AirQuality.HasField("pm25"));
        Assert.False(Schemas.AirQuality.HasField("PM25"));
    }

    [Fact]
    public void Schemas_with_equal_fields_are_equal()
    {
        var copy = new DatasetSchema([.. Schemas.AirQuality.Fields], null);

        Assert.Equal(Schemas.AirQuality, copy);
    }
}
