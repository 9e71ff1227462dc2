using System.Globalization;

namespace Marketplace.Domain.Aggregates;

// The grouping itself never crosses a grain call (only its rule, CountRounding, does), so it lives apart from the
// serializable domain types.

/// <summary>One record as aggregation sees it: whose it is, its values of the grouped dimensions, and its measure (null when it has none).</summary>
public readonly record struct AggregateRow(string Subject, IReadOnlyList<string?> Keys, decimal? Measure);

/// <summary>
/// A published group: its dimension values (in the order grouped by), its count of distinct people (rounded as the
/// rule says), and the sum and average of the measure over the group's records. The sum is null when counts are
/// rounded (sum ÷ average would give back the exact number of records); the average is rounded half away from zero to
/// <see cref="KAnonymousAggregation.AverageDecimals"/> places, and null without a measure.
/// </summary>
public sealed record AggregateGroup(IReadOnlyList<string?> Keys, long People, decimal? Sum, decimal? Average);

/// <summary>
/// What may leave: the kept groups, the rule they were published under, and how much was suppressed. It says how many
/// groups were suppressed, never which; <see cref="SuppressedPeople"/> (distinct people found only in suppressed groups'
/// records, counted once) is rounded like a group and is null when fewer than k, since with a single suppressed group it
/// would be that group's exact size.
/// </summary>
public sealed record AggregateResult(IReadOnlyList<AggregateGroup> Groups, CountRounding Rounding, int SuppressedGroups, long? SuppressedPeople)
{
    public bool SumsPublished => Rounding.Step == 1;
}

/// <summary>
/// k-anonymous grouping (pure, no I/O): rows are added a page at a time, then <see cref="Result"/> counts distinct people
/// per group, suppresses groups of fewer than k, rounds counts, and derives sums and averages from the kept groups' rows
/// only. Sums are decimal and checked: a sum past decimal's range is refused, never wrapped or made floating point.
/// </summary>
public sealed class KAnonymousAggregation
{
    public const int AverageDecimals = 2;

    private readonly Dictionary<GroupKey, Accumulator> _groups = [];
    private readonly int _dimensions;

    public KAnonymousAggregation(int dimensions, CountRounding rounding)
    {
        ArgumentNullException.ThrowIfNull(rounding);
        ArgumentOutOfRangeException.ThrowIfNegative(dimensions);
        ArgumentOutOfRangeException.ThrowIfLessThan(rounding.K, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(rounding.Step, 1);
        _dimensions = dimensions;
        Rounding = rounding;
    }

    public CountRounding Rounding { get; }

    /// <summary>Distinct groups seen so far, kept or not: what a caller bounds memory by.</summary>
    public int GroupsSeen => _groups.Count;

    public void Add(AggregateRow row)
    {
        ArgumentNullException.ThrowIfNull(row.Subject);
        ArgumentNullException.ThrowIfNull(row.Keys);
        if (row.Keys.Count != _dimensions)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"A row needs {_dimensions} key values, not {row.Keys.Count}."), nameof(row));
        }
        var key = new GroupKey(row.Keys);
        if (!_groups.TryGetValue(key, out var group))
        {
            group = new Accumulator();
            _groups.Add(key, group);
        }
        group.Add(row.Subject, row.Measure);
    }

    public AggregateResult Result()
    {
        var kept = new List<AggregateGroup>();
        var suppressedGroups = 0;
        var suppressedPeople = new HashSet<string>(StringComparer.Ordinal);
        var keptPeople = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, group) in _groups.OrderBy(g => g.Key))
        {
            if (!Rounding.Keeps(group.Subjects.Count))
            {
                suppressedGroups++;
                suppressedPeople.UnionWith(group.Subjects);
                continue;
            }
            keptPeople.UnionWith(group.Subjects);
            var average = group.MeasuredRows == 0
                ? (decimal?)null
                : Math.Round(group.Sum / group.MeasuredRows, AverageDecimals, MidpointRounding.AwayFromZero);
            var sum = group.MeasuredRows == 0 || Rounding.Step != 1 ? (decimal?)null : group.Sum;
            kept.Add(new AggregateGroup(key.Values, Rounding.Publish(group.Subjects.Count), sum, average));
        }
        // Someone also counted in a kept group is not hidden by suppression; saying they were would only blur the count.
        suppressedPeople.ExceptWith(keptPeople);
        long? people = Rounding.Keeps(suppressedPeople.Count) ? Rounding.Publish(suppressedPeople.Count) : null;
        return new AggregateResult(kept, Rounding, suppressedGroups, people);
    }

    private sealed class Accumulator
    {
        public HashSet<string> Subjects { get; } = new(StringComparer.Ordinal);

        public decimal Sum { get; private set; }

        public long MeasuredRows { get; private set; }

        public void Add(string subject, decimal? measure)
        {
            Subjects.Add(subject);
            if (measure is not { } value)
            {
                return;
            }
            try
            {
                Sum += value;
            }
            catch (OverflowException)
            {
                throw new DomainException(ErrorCodes.AggregateMeasureOverflow,
                    "The measure's sum is past what a decimal holds (about 7.9 × 10²⁸); group by more dimensions or choose another measure.");
            }
            MeasuredRows++;
        }
    }

    /// <summary>A group's dimension values compared by content; ordered with null (no value) first, then ordinally.</summary>
    private sealed class GroupKey(IReadOnlyList<string?> values) : IEquatable<GroupKey>, IComparable<GroupKey>
    {
        public IReadOnlyList<string?> Values { get; } = [.. values];

        public bool Equals(GroupKey? other) => other is not null && Values.SequenceEqual(other.Values, StringComparer.Ordinal);

        public override bool Equals(object? obj) => Equals(obj as GroupKey);

        public override int GetHashCode()
        {
            var hash = new HashCode();
            foreach (var value in Values)
            {
                hash.Add(value, StringComparer.Ordinal);
            }
            return hash.ToHashCode();
        }

        public int CompareTo(GroupKey? other)
        {
            if (other is null)
            {
                return 1;
            }
            for (var i = 0; i < Values.Count; i++)
            {
                var order = string.CompareOrdinal(Values[i], other.Values[i]);
                if (order != 0)
                {
                    return order;
                }
            }
            return 0;
        }
    }
}
