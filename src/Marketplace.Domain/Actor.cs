namespace Marketplace.Domain;

/// <summary>Who asks for a contract change. <see cref="System"/> is the marketplace itself (automatic approval, expiry).</summary>
[GenerateSerializer, Alias("Marketplace.Actor")]
public enum Actor
{
    System,
    Operator,
    Provider,
    Buyer,
}
