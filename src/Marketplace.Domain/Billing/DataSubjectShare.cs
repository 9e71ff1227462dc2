namespace Marketplace.Domain;

/// <summary>
/// One person's provisions under one contract in one period: the records of theirs it was served, and the times
/// they were counted in an aggregate answer. Their <see cref="Weight"/> in the people's share is the sum: one per
/// record served, one per time counted.
/// </summary>
[GenerateSerializer, Immutable, Alias("Marketplace.SubjectServed")]
public sealed record SubjectServed([property: Id(0)] string SubjectId, [property: Id(1)] long Records, [property: Id(2)] long Counted)
{
    public long Weight => checked(Records + Counted);
}

/// <summary>One person's part of a people's share (negative on a credit note), with what it was weighed by.</summary>
[GenerateSerializer, Immutable, Alias("Marketplace.SubjectPart")]
public sealed record SubjectPart([property: Id(0)] string SubjectId, [property: Id(1)] long AmountMinor, [property: Id(2)] long Records, [property: Id(3)] long Counted);

/// <summary>
/// The people's share of an invoice on personal data, and how it is divided among them: pro rata by what was served
/// of each (records, or times counted in aggregates), by the largest-remainder method, so the parts add up to the
/// pool exactly and each is within one yen of its exact part. Equal fractions favour the smaller subject id, so the
/// division is the same however the people are listed.
/// </summary>
public static class DataSubjectShare
{
    /// <summary>The default share: 10 % of each data line of an invoice on personal data.</summary>
    public const int DefaultBasisPoints = 1_000;

    /// <summary>Refuses a share outside 0–100 %, or one that with the platform's fee leaves the provider less than nothing.</summary>
    public static void CheckRate(int shareBasisPoints, int platformFeeBasisPoints)
    {
        if (shareBasisPoints is < 0 or > ConsumptionTax.MaxRateBasisPoints)
        {
            throw new DomainException(ErrorCodes.BillingRateInvalid,
                $"A data subjects' share of {shareBasisPoints} basis points is not a share; use 0 to {ConsumptionTax.MaxRateBasisPoints} (1000 is 10 %).");
        }
        if (shareBasisPoints > 0 && (long)shareBasisPoints + platformFeeBasisPoints > ConsumptionTax.MaxRateBasisPoints)
        {
            throw new DomainException(ErrorCodes.BillingRateInvalid,
                $"A data subjects' share of {shareBasisPoints} and a platform fee of {platformFeeBasisPoints} basis points together exceed the whole line; the people's share comes out of the provider's part, so keep the two at most {ConsumptionTax.MaxRateBasisPoints}.");
        }
    }

    /// <summary>Whether anyone's records were served (a person with no weight earns nothing).</summary>
    public static bool AnyoneServed(IEnumerable<SubjectServed> served)
    {
        ArgumentNullException.ThrowIfNull(served);
        return served.Any(s => s.Weight > 0);
    }

    /// <summary>
    /// Divides <paramref name="poolMinor"/> among the people served, in subject id order (one part per person; the same
    /// person listed twice is weighed once with both counts). People with nothing served are left out. With nobody
    /// served there is no one to pay: the answer is empty, and the caller keeps the pool with the provider.
    /// </summary>
    public static IReadOnlyList<SubjectPart> Divide(long poolMinor, IReadOnlyList<SubjectServed> served)
    {
        ArgumentNullException.ThrowIfNull(served);
        var people = new SortedDictionary<string, (long Records, long Counted)>(StringComparer.Ordinal);
        foreach (var person in served)
        {
            if (person.Records < 0 || person.Counted < 0)
            {
                throw new ArgumentException("Records served and times counted cannot be negative.", nameof(served));
            }
            var (records, counted) = people.GetValueOrDefault(person.SubjectId);
            people[person.SubjectId] = (checked(records + person.Records), checked(counted + person.Counted));
        }
        var weighed = people.Where(p => p.Value.Records + p.Value.Counted > 0).ToList();
        if (weighed.Count == 0)
        {
            return [];
        }
        var parts = LargestRemainder.Apportion(poolMinor, [.. weighed.Select(p => (Int128)checked(p.Value.Records + p.Value.Counted))]);
        return [.. weighed.Select((p, i) => new SubjectPart(p.Key, parts[i], p.Value.Records, p.Value.Counted))];
    }
}
