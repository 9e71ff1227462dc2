namespace Marketplace.Samples.SmartCity.Tables;

/// <summary>The column types a marketplace dataset schema can declare.</summary>
public enum FieldType
{
    String,
    Integer,
    Number,
    Boolean,
    Date,
    Datetime,
}

/// <summary>One column of a dataset's schema, as the marketplace is told about it.</summary>
public sealed record Field(string Name, FieldType Type, bool Required = true);
