using System.Globalization;

namespace Marketplace.Domain;

/// <summary>
/// The statistics an offering gives (ODRL: a duty to aggregate before use): which schema fields a buyer may group by
/// (<see cref="Dimensions"/>), which numeric fields it may sum and average (<see cref="Measures"/>), the smallest group
/// that may leave (<see cref="K"/> distinct people) and the step counts are rounded to. <see cref="AggregateOnly"/>: raw
/// records never leave under a contract of the offering; only these statistics do.
/// </summary>
[GenerateSerializer, Immutable, Alias("Marketplace.AggregatePolicy")]
public sealed record AggregatePolicy(
    IReadOnlyList<string> Dimensions,
    IReadOnlyList<string> Measures,
    [property: Id(2)] int K = AggregatePolicy.DefaultK,
    [property: Id(3)] int RoundingStep = 1,
    [property: Id(4)] bool AggregateOnly = true)
{
    public const int DefaultK = 10;

    /// <summary>k = 1 would publish single people; 2 is the least that is any protection at all.</summary>
    public const int MinK = 2;

    public const int MaxK = 10_000;

    public const int MaxRoundingStep = 10_000;

    /// <summary>Most fields a policy may name as dimensions or as measures (a query groups by at most <see cref="MaxGroupBy"/>).</summary>
    public const int MaxFields = 50;

    /// <summary>Most dimensions one query may group by: more dimensions make smaller groups, most of them suppressed.</summary>
    public const int MaxGroupBy = 3;

    [Id(0)]
    public IReadOnlyList<string> Dimensions { get; init => field = ReadOnlyLists.Copy(value); } = ReadOnlyLists.Copy(Dimensions);

    [Id(1)]
    public IReadOnlyList<string> Measures { get; init => field = ReadOnlyLists.Copy(value); } = ReadOnlyLists.Copy(Measures);

    /// <summary>The rule counts are published under.</summary>
    public CountRounding Rounding => new(K, RoundingStep);

    /// <summary>
    /// Throws a <see cref="DomainException"/> (code <c>aggregate.policy-invalid</c>) unless every dimension and measure is
    /// a field of <paramref name="schema"/>, named once, never the subject field (it identifies the person), measures are
    /// Integer or Number, and k and the step are within bounds.
    /// </summary>
    public void Validate(DatasetSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        if (K is < MinK or > MaxK)
        {
            throw Invalid(string.Create(CultureInfo.InvariantCulture,
                $"k (the smallest group published) must be {MinK} to {MaxK:N0} distinct people (got {K}); {DefaultK} is the usual choice."));
        }
        if (RoundingStep is < 1 or > MaxRoundingStep)
        {
            throw Invalid(string.Create(CultureInfo.InvariantCulture,
                $"The rounding step must be 1 (no rounding) to {MaxRoundingStep:N0} (got {RoundingStep}); mobility statistics commonly use 10 or 50."));
        }
        if (Dimensions.Count == 0)
        {
            throw Invalid("Name at least one dimension a buyer may group by, e.g. \"dimensions\": [\"district\"].");
        }
        CheckFields(schema, Dimensions, "dimension", numeric: false);
        CheckFields(schema, Measures, "measure", numeric: true);
        var both = Dimensions.Intersect(Measures, StringComparer.Ordinal).FirstOrDefault();
        if (both is not null)
        {
            throw Invalid($"'{both}' is named as a dimension and as a measure; a field is one or the other.");
        }
    }

    private static void CheckFields(DatasetSchema schema, IReadOnlyList<string> names, string kind, bool numeric)
    {
        if (names.Count > MaxFields)
        {
            throw Invalid(string.Create(CultureInfo.InvariantCulture, $"A policy names at most {MaxFields} {kind}s (got {names.Count})."));
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            var field = name is null ? null : schema.Find(name);
            if (field is null)
            {
                throw Invalid($"{Capitalized(kind)} '{TextBounds.Shorten(name)}' is not a field of the dataset; name one of: {string.Join(", ", schema.Fields.Select(f => f.Name))}.");
            }
            if (field.Name == schema.SubjectField)
            {
                throw Invalid($"'{field.Name}' is the subject field: it identifies a person, so it can be neither grouped by nor summed.");
            }
            if (numeric && field.Type is not (FieldType.Integer or FieldType.Number))
            {
                throw Invalid($"Measure '{field.Name}' is a {field.Type} field; only Integer and Number fields can be summed and averaged.");
            }
            if (!seen.Add(field.Name))
            {
                throw Invalid($"{Capitalized(kind)} '{field.Name}' is named twice.");
            }
        }
    }

    private static string Capitalized(string word) => string.Concat(char.ToUpperInvariant(word[0]).ToString(), word[1..]);

    private static DomainException Invalid(string message) => new(ErrorCodes.AggregatePolicyInvalid, message);

    public bool Equals(AggregatePolicy? other) =>
        other is not null
        && ReadOnlyLists.SequenceEqual(Dimensions, other.Dimensions) && ReadOnlyLists.SequenceEqual(Measures, other.Measures)
        && K == other.K && RoundingStep == other.RoundingStep && AggregateOnly == other.AggregateOnly;

    public override int GetHashCode() =>
        HashCode.Combine(ReadOnlyLists.Hash(Dimensions), ReadOnlyLists.Hash(Measures), K, RoundingStep, AggregateOnly);
}
