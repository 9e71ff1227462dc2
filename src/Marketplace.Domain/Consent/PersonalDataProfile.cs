namespace Marketplace.Domain;

/// <summary>
/// One data item of a personal dataset: a field of its schema, and whether it is sensitive (要配慮個人情報, such as
/// health results): a sensitive item is provided only under a consent that names it and explicitly covers
/// sensitive data, never by default.
/// </summary>
[GenerateSerializer, Immutable, Alias("Marketplace.PersonalDataItem")]
public sealed record PersonalDataItem([property: Id(0)] string Field, [property: Id(1)] bool Sensitive);

/// <summary>What a personal dataset declares about its people's data: its category and its data items.</summary>
[GenerateSerializer, Immutable, Alias("Marketplace.PersonalDataProfile")]
public sealed record PersonalDataProfile(string Category, IReadOnlyList<PersonalDataItem> Items)
{
    [Id(0)]
    public string Category { get; init; } = Category;

    [Id(1)]
    public IReadOnlyList<PersonalDataItem> Items { get; init => field = ReadOnlyLists.Copy(value); } = ReadOnlyLists.Copy(Items);

    public bool Equals(PersonalDataProfile? other) =>
        other is not null && Category == other.Category && ReadOnlyLists.SequenceEqual(Items, other.Items);

    public override int GetHashCode() => HashCode.Combine(Category, ReadOnlyLists.Hash(Items));

    /// <summary>
    /// The profile a personal dataset has when its provider declared none: every field but the subject is an item,
    /// none sensitive, in the category "lifestyle" (the least specific one).
    /// </summary>
    public static PersonalDataProfile DefaultFor(DatasetSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return new(DataCategories.Lifestyle,
            [.. schema.Fields.Where(f => f.Name != schema.SubjectField).Select(f => new PersonalDataItem(f.Name, false))]);
    }

    public PersonalDataItem? Find(string field) => Items.FirstOrDefault(i => string.Equals(i.Field, field, StringComparison.Ordinal));

    /// <summary>Throws a <see cref="DomainException"/> unless every item is a field of the schema other than its subject, each named once.</summary>
    public void Validate(DatasetSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        if (!DataCategories.IsKnown(Category))
        {
            throw new DomainException(ErrorCodes.ConsentCategoryUnknown,
                $"'{TextBounds.Shorten(Category)}' is not a data category; use one of: {string.Join(", ", DataCategories.All)}.");
        }
        if (Items.Count == 0)
        {
            throw new DomainException(ErrorCodes.PersonalItemsInvalid, "A personal dataset declares at least one data item (a field other than its subject).");
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in Items)
        {
            if (item?.Field is null || !schema.HasField(item.Field))
            {
                throw new DomainException(ErrorCodes.PersonalItemsInvalid,
                    $"Data item '{TextBounds.Shorten(item?.Field)}' is not a field of the schema; name one of: {string.Join(", ", schema.Fields.Select(f => f.Name))}.");
            }
            if (item.Field == schema.SubjectField)
            {
                throw new DomainException(ErrorCodes.PersonalItemsInvalid,
                    $"'{item.Field}' is the subject field: it identifies the person and is never provided, so it is not a data item.");
            }
            if (!seen.Add(item.Field))
            {
                throw new DomainException(ErrorCodes.PersonalItemsInvalid, $"Data item '{item.Field}' is declared twice.");
            }
        }
    }
}

/// <summary>What a consent is for: one dataset, or every dataset of a data category at the bank.</summary>
[GenerateSerializer, Alias("Marketplace.ConsentScopeKind")]
public enum ConsentScopeKind
{
    Dataset,
    Category,
}

[GenerateSerializer, Immutable, Alias("Marketplace.ConsentScope")]
public sealed record ConsentScope([property: Id(0)] ConsentScopeKind Kind, [property: Id(1)] string Value)
{
    public static ConsentScope ForDataset(string datasetId) => new(ConsentScopeKind.Dataset, datasetId);

    public static ConsentScope ForCategory(string category) => new(ConsentScopeKind.Category, category);

    public bool Covers(string datasetId, string category) => Kind switch
    {
        ConsentScopeKind.Dataset => string.Equals(Value, datasetId, StringComparison.Ordinal),
        _ => string.Equals(Value, category, StringComparison.Ordinal),
    };

    /// <summary>"dataset:health-checks" or "category:health": the text form stores and URLs use.</summary>
    public override string ToString() => (Kind == ConsentScopeKind.Dataset ? "dataset:" : "category:") + Value;

    public static ConsentScope Parse(string? text)
    {
        var at = text?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        var kind = at < 0 ? null : text![..at];
        var value = at < 0 ? "" : text![(at + 1)..];
        if (value.Length is 0 or > TextBounds.Code)
        {
            throw new DomainException(ErrorCodes.ConsentScopeInvalid,
                $"'{TextBounds.Shorten(text)}' is not a consent scope; write 'dataset:<dataset id>' or 'category:<one of {string.Join(", ", DataCategories.All)}>'.");
        }
        return kind switch
        {
            "dataset" => ForDataset(value),
            "category" when DataCategories.IsKnown(value) => ForCategory(value),
            _ => throw new DomainException(ErrorCodes.ConsentScopeInvalid,
                $"'{TextBounds.Shorten(text)}' is not a consent scope; write 'dataset:<dataset id>' or 'category:<one of {string.Join(", ", DataCategories.All)}>'."),
        };
    }
}
