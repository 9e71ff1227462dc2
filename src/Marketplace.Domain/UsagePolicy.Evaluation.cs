using System.Globalization;

namespace Marketplace.Domain;

public sealed partial record UsagePolicy
{
    /// <summary>Whether data may be used for <paramref name="purpose"/>; checked when a buyer subscribes. Grants no units.</summary>
    public PolicyDecision CheckPurpose(string purpose)
    {
        var normalized = NormalizePurpose(purpose);
        if (!IsValidPurpose(normalized))
        {
            return PolicyDecision.Deny(PolicyDenial.PurposeNotPermitted,
                $"State the purpose of use as a code such as 'research'; '{purpose}' is not one.");
        }
        if (PermittedPurposes.Count == 0 || PermittedPurposes.Contains(normalized, StringComparer.Ordinal))
        {
            return PolicyDecision.Allow(0);
        }
        return PolicyDecision.Deny(PolicyDenial.PurposeNotPermitted,
            $"The purpose '{normalized}' is not permitted by this offering; permitted purposes: {string.Join(", ", PermittedPurposes)}.");
    }

    /// <summary>
    /// Checks purpose, then the end date, then the quota. A request that would cross the quota is allowed with
    /// <see cref="PolicyDecision.UnitsGranted"/> trimmed to what is left, so a page is shortened rather than refused.
    /// </summary>
    public PolicyDecision Evaluate(AccessRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfNegative(request.UnitsUsedThisPeriod);
        ArgumentOutOfRangeException.ThrowIfNegative(request.UnitsRequested);

        var purpose = CheckPurpose(request.Purpose);
        if (!purpose.Allowed)
        {
            return purpose;
        }
        var endsAt = Earliest(request.ContractEndsAt, EndsAt);
        if (request.Now >= endsAt)
        {
            return PolicyDecision.Deny(PolicyDenial.ContractEnded, string.Create(CultureInfo.InvariantCulture,
                $"This contract ended on {endsAt:yyyy-MM-dd HH:mm zzz}; sign a new contract to keep using the data."));
        }
        if (MaxUnitsPerPeriod is not { } max)
        {
            return PolicyDecision.Allow(request.UnitsRequested);
        }
        if (request.UnitsUsedThisPeriod >= max)
        {
            return PolicyDecision.Deny(PolicyDenial.QuotaExceeded, QuotaUsedUp(max, request, endsAt));
        }
        return PolicyDecision.Allow(Math.Min(request.UnitsRequested, max - request.UnitsUsedThisPeriod));
    }

    private static string QuotaUsedUp(long max, AccessRequest request, DateTimeOffset? endsAt)
    {
        var quota = UsageUnitText.Count(max, request.Unit);
        if (request.Period is not { } period)
        {
            return $"This contract's quota of {quota} for this period is used up.";
        }
        // Promising a renewal the contract will not live to see would mislead the buyer.
        var renewal = endsAt is null || endsAt > period.End
            ? string.Create(CultureInfo.InvariantCulture, $"; it renews on {period.End:yyyy-MM-dd}")
            : "";
        return $"This contract's quota of {quota} for the period {period.Id} is used up{renewal}.";
    }

    private static DateTimeOffset? Earliest(DateTimeOffset? left, DateTimeOffset? right) =>
        left is { } l && right is { } r ? (l <= r ? l : r) : left ?? right;
}
