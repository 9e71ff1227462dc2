namespace Marketplace.Domain;

/// <summary>
/// One access to a person's record, as consent sees it: which dataset (and its data items and category), which
/// buyer in which class (the information bank's review decides it), for which purpose, when.
/// </summary>
[GenerateSerializer, Immutable, Alias("Marketplace.ConsentQuestion")]
public sealed record ConsentQuestion(
    [property: Id(0)] string DatasetId,
    [property: Id(1)] PersonalDataProfile Profile,
    [property: Id(2)] string BuyerId,
    [property: Id(3)] RecipientClass? BuyerClass,
    [property: Id(4)] string Purpose,
    [property: Id(5)] DateTimeOffset Now);

/// <summary>
/// What a person's consents cover for one access: the data items (in the dataset's order) and the consent record that
/// covers them (the first in force, for the provision record). No items: the person's records are not provided.
/// </summary>
[GenerateSerializer, Immutable, Alias("Marketplace.ConsentCoverage")]
public sealed record ConsentCoverage([property: Id(0)] IReadOnlyList<string> Items, [property: Id(1)] string? RecordId)
{
    public static ConsentCoverage None { get; } = new([], null);

    public bool Covers => Items.Count > 0;

    public bool Equals(ConsentCoverage? other) =>
        other is not null && RecordId == other.RecordId && ReadOnlyLists.SequenceEqual(Items, other.Items);

    public override int GetHashCode() => HashCode.Combine(RecordId, ReadOnlyLists.Hash(Items));
}

/// <summary>
/// The consent rule, in one place: default deny; a consent covers an access when it is in force at that moment (not
/// withdrawn, not expired), its scope is the dataset or the dataset's category, it names the purpose, and it names
/// the buyer or the buyer's class. It then covers the items it names (all the dataset's items when it names none),
/// except sensitive items, which need the person's explicit consent to sensitive data. Several consents add up.
/// </summary>
public static class ConsentEvaluation
{
    public static ConsentCoverage Evaluate(IEnumerable<ConsentGrant> grants, ConsentQuestion question)
    {
        ArgumentNullException.ThrowIfNull(grants);
        ArgumentNullException.ThrowIfNull(question);
        // Which of the profile's items (each named once) some consent covers, by position: the decision runs per person
        // on every page of personal records, so it allocates only what it returns.
        var items = question.Profile.Items;
        string? recordId = null;
        bool[]? covered = null;
        var coveredCount = 0;
        foreach (var grant in grants)
        {
            if (!Applies(grant, question))
            {
                continue;
            }
            var any = false;
            for (var i = 0; i < items.Count; i++)
            {
                if (grant.Terms.CoversItem(items[i]))
                {
                    covered ??= new bool[items.Count];
                    if (!covered[i])
                    {
                        covered[i] = true;
                        coveredCount++;
                    }
                    any = true;
                }
            }
            if (any)
            {
                recordId ??= grant.RecordId;
            }
        }
        if (covered is null)
        {
            return ConsentCoverage.None;
        }
        var fields = new string[coveredCount];
        for (int i = 0, next = 0; i < items.Count; i++)
        {
            if (covered[i])
            {
                fields[next++] = items[i].Field;
            }
        }
        return new(fields, recordId);
    }

    /// <summary>Whether a consent speaks to this access at all (before looking at items).</summary>
    public static bool Applies(ConsentGrant grant, ConsentQuestion question)
    {
        ArgumentNullException.ThrowIfNull(grant);
        ArgumentNullException.ThrowIfNull(question);
        return grant.IsActiveAt(question.Now)
            && grant.Terms.Scope.Covers(question.DatasetId, question.Profile.Category)
            && ReadOnlyLists.ContainsOrdinal(grant.Terms.Purposes, question.Purpose)
            && grant.Terms.CoversRecipient(question.BuyerId, question.BuyerClass);
    }
}
