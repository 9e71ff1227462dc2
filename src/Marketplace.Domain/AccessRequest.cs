namespace Marketplace.Domain;

/// <summary>
/// A buyer asking to use data under a contract. Units are in the plan's billable unit. <see cref="Period"/> and
/// <see cref="Unit"/> only make a quota denial's reason more precise ("for the period 2026-11 ... renews on ...").
/// </summary>
[GenerateSerializer, Immutable, Alias("Marketplace.AccessRequest")]
public sealed record AccessRequest(
    [property: Id(0)] string Purpose,
    [property: Id(1)] DateTimeOffset Now,
    [property: Id(2)] DateTimeOffset? ContractEndsAt,
    [property: Id(3)] long UnitsUsedThisPeriod,
    [property: Id(4)] long UnitsRequested,
    [property: Id(5)] BillingPeriod? Period = null,
    [property: Id(6)] UsageUnit Unit = UsageUnit.Record);
