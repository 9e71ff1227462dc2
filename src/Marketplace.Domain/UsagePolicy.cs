using System.Globalization;

namespace Marketplace.Domain;

/// <summary>
/// ODRL-shaped terms of use attached to an offering. Purposes are lower-case codes; an empty list permits any
/// purpose. <see cref="MaxUnitsPerPeriod"/> is counted in the plan's billable unit per billing period.
/// <see cref="Aggregates"/>, when set, gives k-anonymous statistics (and with its <c>AggregateOnly</c>, only those).
/// </summary>
[GenerateSerializer, Immutable, Alias("Marketplace.UsagePolicy")]
public sealed partial record UsagePolicy(
    IReadOnlyList<string> PermittedPurposes,
    [property: Id(1)] DateTimeOffset? EndsAt,
    [property: Id(2)] int? TermDays,
    [property: Id(3)] long? MaxUnitsPerPeriod,
    [property: Id(4)] bool RedistributionProhibited,
    [property: Id(5)] AggregatePolicy? Aggregates = null)
{
    public static UsagePolicy Open { get; } = new([], null, null, null, false);

    /// <summary>Longest contract term: ten years (and some leap days).</summary>
    public const int MaxTermDays = 3_660;

    /// <summary>Largest quota per period, far above any real use and far below where running totals could overflow.</summary>
    public const long MaxQuotaUnits = 1_000_000_000_000;

    public const int MaxPurposes = 50;

    /// <summary>
    /// Fixed end dates must fall before this, so that every date computed from a contract's terms (term ends,
    /// the billing periods after them) stays far inside what <see cref="DateTimeOffset"/> can hold.
    /// </summary>
    public static readonly DateTimeOffset LatestEnd = new(9000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Id(0)]
    public IReadOnlyList<string> PermittedPurposes { get; init => field = NormalizePurposes(value); } =
        NormalizePurposes(PermittedPurposes);

    public static string NormalizePurpose(string? purpose) => purpose?.Trim().ToLowerInvariant() ?? "";

    public static bool IsValidPurpose(string? purpose) => purpose is not null && Patterns.Purpose().IsMatch(purpose);

    /// <summary>Throws a <see cref="DomainException"/> (code <c>policy.*</c>) for terms that cannot be enforced.</summary>
    public void Validate()
    {
        if (PermittedPurposes.Count > MaxPurposes)
        {
            throw new DomainException(ErrorCodes.PolicyInvalidPurpose,
                string.Create(CultureInfo.InvariantCulture, $"An offering permits at most {MaxPurposes} purposes (got {PermittedPurposes.Count}); leave the list empty to permit any purpose."));
        }
        foreach (var purpose in PermittedPurposes)
        {
            if (!IsValidPurpose(purpose))
            {
                throw new DomainException(ErrorCodes.PolicyInvalidPurpose,
                    $"'{purpose}' is not a purpose code; use 2 to 64 lower-case letters, digits or hyphens starting with a letter, e.g. 'public-service'.");
            }
        }
        if (TermDays is < 1 or > MaxTermDays)
        {
            throw new DomainException(ErrorCodes.PolicyInvalidTerm,
                string.Create(CultureInfo.InvariantCulture, $"A contract term must be 1 to {MaxTermDays} days (got {TermDays}); leave it empty for no term."));
        }
        if (EndsAt >= LatestEnd)
        {
            throw new DomainException(ErrorCodes.PolicyInvalidTerm,
                string.Create(CultureInfo.InvariantCulture, $"The end date must be before {LatestEnd:yyyy-MM-dd} (got {EndsAt:yyyy-MM-dd}); leave it empty for no end date."));
        }
        if (MaxUnitsPerPeriod is < 1 or > MaxQuotaUnits)
        {
            throw new DomainException(ErrorCodes.PolicyInvalidQuota,
                string.Create(CultureInfo.InvariantCulture, $"A quota must be 1 to {MaxQuotaUnits:N0} units per period (got {MaxUnitsPerPeriod}); leave it empty for no quota."));
        }
    }

    /// <summary>Whether raw records may leave under these terms: not when the offering gives aggregates only.</summary>
    public bool AggregateOnly => Aggregates?.AggregateOnly == true;

    /// <summary>When a contract signed at <paramref name="signedAt"/> ends: the earlier of the fixed end and the term.</summary>
    public DateTimeOffset? ContractEndFor(DateTimeOffset signedAt)
    {
        // Saturates rather than throws, so a term stored before terms were bounded still yields an end.
        DateTimeOffset? termEnd = TermDays is { } days
            ? (days >= (DateTimeOffset.MaxValue - signedAt).TotalDays ? DateTimeOffset.MaxValue : signedAt.AddDays(days))
            : null;
        return (EndsAt, termEnd) switch
        {
            ({ } fixedEnd, { } term) => fixedEnd <= term ? fixedEnd : term,
            _ => EndsAt ?? termEnd,
        };
    }

    public bool Equals(UsagePolicy? other) =>
        other is not null
        && ReadOnlyLists.SequenceEqual(PermittedPurposes, other.PermittedPurposes)
        && EndsAt == other.EndsAt && TermDays == other.TermDays
        && MaxUnitsPerPeriod == other.MaxUnitsPerPeriod && RedistributionProhibited == other.RedistributionProhibited
        && Equals(Aggregates, other.Aggregates);

    public override int GetHashCode() =>
        HashCode.Combine(ReadOnlyLists.Hash(PermittedPurposes), EndsAt, TermDays, MaxUnitsPerPeriod, RedistributionProhibited, Aggregates);

    private static IReadOnlyList<string> NormalizePurposes(IReadOnlyList<string>? purposes) =>
        purposes is null || purposes.Count == 0
            ? []
            : [.. purposes.Select(NormalizePurpose).Distinct(StringComparer.Ordinal)];
}
