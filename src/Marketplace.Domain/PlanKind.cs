namespace Marketplace.Domain;

[GenerateSerializer, Alias("Marketplace.PlanKind")]
public enum PlanKind
{
    Free,
    Flat,
    PerUnit,
    Tiered,
}
