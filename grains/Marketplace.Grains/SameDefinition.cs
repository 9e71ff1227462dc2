namespace Marketplace.Grains;

/// <summary>
/// Whether a repeated create asks for exactly what was created: then it is the same request again and converges
/// on the same item; anything else is a conflict. Records compare lists by reference, so lists compare here by content.
/// </summary>
internal static class SameDefinition
{
    private static readonly IReadOnlyList<string> None = [];

    public static bool Of(DatasetDefinition stored, DatasetDefinition asked) =>
        stored.Class == asked.Class
        && stored.Schema.Equals(asked.Schema)
        && stored.Metadata.Keywords.SequenceEqual(asked.Metadata.Keywords)
        && stored.Metadata.Themes.SequenceEqual(asked.Metadata.Themes)
        && stored.Metadata with { Keywords = None, Themes = None } == asked.Metadata with { Keywords = None, Themes = None };

    public static bool Of(OfferingDefinition stored, OfferingDefinition asked) =>
        stored.Buyers.SequenceEqual(asked.Buyers)
        && (stored.PurposePrices ?? []).SequenceEqual(asked.PurposePrices ?? [])
        && stored with { Buyers = None, PurposePrices = null } == asked with { Buyers = None, PurposePrices = null };
}
