namespace Marketplace.Domain;

/// <summary>
/// One step of a graduated price. <see cref="UpTo"/> is the inclusive upper bound on the total units of the
/// period (included free units count towards it); null means unbounded and is only allowed on the last tier.
/// </summary>
[GenerateSerializer, Immutable, Alias("Marketplace.PriceTier")]
public sealed record PriceTier([property: Id(0)] long? UpTo, [property: Id(1)] long UnitPriceMinor);
