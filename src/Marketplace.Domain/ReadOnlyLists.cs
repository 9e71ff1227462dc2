namespace Marketplace.Domain;

// Records compare IReadOnlyList members by reference; the records that hold lists use these to compare by
// content, and copy what they are given so an [Immutable] record cannot change under a caller's List<T>.
internal static class ReadOnlyLists
{
    public static IReadOnlyList<T> Copy<T>(IReadOnlyList<T>? items) => items is null || items.Count == 0 ? [] : [.. items];

    public static bool SequenceEqual<T>(IReadOnlyList<T> left, IReadOnlyList<T> right) =>
        ReferenceEquals(left, right) || left.SequenceEqual(right);

    public static int Hash<T>(IReadOnlyList<T> items)
    {
        var hash = new HashCode();
        foreach (var item in items)
        {
            hash.Add(item);
        }
        return hash.ToHashCode();
    }
}
