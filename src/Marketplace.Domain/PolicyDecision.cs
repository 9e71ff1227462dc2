namespace Marketplace.Domain;

[GenerateSerializer, Alias("Marketplace.PolicyDenial")]
public enum PolicyDenial
{
    None,
    PurposeNotPermitted,
    ContractEnded,
    QuotaExceeded,
}

/// <summary>
/// The outcome of checking a use against a <see cref="UsagePolicy"/>. <see cref="Reason"/> is empty when allowed;
/// <see cref="UnitsGranted"/> may be fewer than requested when the quota is nearly used up.
/// </summary>
[GenerateSerializer, Immutable, Alias("Marketplace.PolicyDecision")]
public sealed record PolicyDecision(
    [property: Id(0)] bool Allowed,
    [property: Id(1)] PolicyDenial Denial,
    [property: Id(2)] string Reason,
    [property: Id(3)] long UnitsGranted)
{
    public static PolicyDecision Allow(long unitsGranted)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(unitsGranted);
        return new(true, PolicyDenial.None, "", unitsGranted);
    }

    public static PolicyDecision Deny(PolicyDenial denial, string reason)
    {
        if (denial == PolicyDenial.None)
        {
            throw new ArgumentOutOfRangeException(nameof(denial), "A denial needs a cause other than None.");
        }
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return new(false, denial, reason, 0);
    }
}
