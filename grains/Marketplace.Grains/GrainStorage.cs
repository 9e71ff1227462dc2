namespace Marketplace.Grains;

public static class GrainStorage
{
    /// <summary>The one named grain storage provider every grain persists through.</summary>
    public const string Name = "marketplace";
}
