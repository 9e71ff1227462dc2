namespace Marketplace.Domain;

/// <summary>
/// The type of a dataset column. Dates are written yyyy-MM-dd; date-times need an explicit offset
/// (2026-11-01T09:00:00+09:00 or ...Z) because a bare local time is ambiguous across zones.
/// </summary>
[GenerateSerializer, Alias("Marketplace.FieldType")]
public enum FieldType
{
    String,
    Integer,
    Number,
    Boolean,
    Date,
    DateTime,
}
