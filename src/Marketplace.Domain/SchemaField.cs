namespace Marketplace.Domain;

[GenerateSerializer, Immutable, Alias("Marketplace.SchemaField")]
public sealed record SchemaField([property: Id(0)] string Name, [property: Id(1)] FieldType Type, [property: Id(2)] bool Required);
