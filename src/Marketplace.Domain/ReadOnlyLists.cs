namespace Marketplace.Domain;

// Records compare IReadOnlyList members by reference; the records that hold lists use these to compare by
// content, and copy what they are given so an [Immutable] record cannot change under a caller's List<T>.
internal static class ReadOnlyLists
{
    public static IReadOnlyList<T> Copy<T>(IReadOnlyList<T>? items) => items is null || items.Count == 0 ? [] : [.. items];

    /// <summary>Whether the list holds the string (ordinal), without the enumerator LINQ's Contains allocates on an interface.</summary>
    public static bool ContainsOrdinal(IReadOnlyList<string> items, string value)
    {
        for (var i = 0; i < items.Count; i++)
        {
            if (string.Equals(items[i], value, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Whether the list holds the value, without an enumerator.</summary>
    public static bool Contains<T>(IReadOnlyList<T> items, T value)
        where T : struct
    {
        for (var i = 0; i < items.Count; i++)
        {
            if (EqualityComparer<T>.Default.Equals(items[i], value))
            {
                return true;
            }
        }
        return false;
    }

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
