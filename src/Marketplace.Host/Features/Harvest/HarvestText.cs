namespace Marketplace.Host.Features.Harvest;

/// <summary>The strings of harvesting: the operator's sources page and the "harvested from" note (<c>HarvestText.resx</c>, <c>HarvestText.ja.resx</c>).</summary>
public sealed class HarvestText;

/// <summary>Where the harvest page lives.</summary>
public static class HarvestPaths
{
    public const string Sources = "/console/operator/harvest";
}
