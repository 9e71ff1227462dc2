using Marketplace.Domain;
using Marketplace.Grains;

namespace Marketplace.Host.Features.Offerings;

public sealed record PriceTierWire(long? UpTo, long UnitPrice);

/// <summary>Prices are integer minor units of <c>currency</c> (JPY has none: 1 = ¥1).</summary>
public sealed record PricingWire(
    string? Model,
    string? Currency,
    long? Amount = null,
    string? Unit = null,
    long? UnitBlock = null,
    long? IncludedUnits = null,
    IReadOnlyList<PriceTierWire>? Tiers = null,
    string? Summary = null);

public sealed record PolicyWire(
    IReadOnlyList<string>? Purposes,
    DateTimeOffset? EndsAt = null,
    int? TermDays = null,
    long? MaxUnitsPerPeriod = null,
    bool RedistributionProhibited = false);

public sealed record CreateOfferingRequest(
    string? Id,
    string? DatasetId,
    string? Title,
    string? Description,
    PricingWire? Pricing,
    PolicyWire? Policy,
    string? Visibility,
    IReadOnlyList<string>? Buyers,
    string? Approval);

public sealed record OfferingResponse(
    string Id,
    string ProviderId,
    string DatasetId,
    string DatasetClass,
    string Title,
    string Description,
    PricingWire Pricing,
    PolicyWire Policy,
    string Visibility,
    IReadOnlyList<string> Buyers,
    string Approval,
    string Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>A page of offerings; <see cref="Next"/> is the cursor of the next page, null on the last.</summary>
public sealed record OfferingListResponse(IReadOnlyList<OfferingResponse> Items, string? Next);

public static class OfferingMapping
{
    /// <summary>The offering's chosen id (a slug), or a new one when none is chosen.</summary>
    public static string IdOf(CreateOfferingRequest r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var id = string.IsNullOrWhiteSpace(r.Id) ? Identifiers.NewId("off") : r.Id.Trim();
        Wire.EnsureSlug(id, "id");
        return id;
    }

    public static OfferingDefinition ToDefinition(this CreateOfferingRequest r)
    {
        ArgumentNullException.ThrowIfNull(r);
        if (string.IsNullOrWhiteSpace(r.DatasetId))
        {
            throw new DomainException(ErrorCodes.OfferingDatasetMissing, "Name the dataset to offer: \"datasetId\": \"bus-stops\".");
        }
        var visibility = Wire.ParseEnumOr(r.Visibility, "visibility", OfferingVisibility.Public);
        var approval = Wire.ParseEnumOr(r.Approval, "approval", ApprovalMode.Automatic);
        return new OfferingDefinition(r.DatasetId.Trim(), r.Title ?? "", r.Description ?? "",
            ToPlan(r.Pricing ?? new PricingWire("free", "JPY")), ToPolicy(r.Policy), visibility, Wire.Entries(r.Buyers, "buyers"), approval);
    }

    public static PricingPlan ToPlan(PricingWire p)
    {
        ArgumentNullException.ThrowIfNull(p);
        var model = Wire.ParseEnum<PlanKind>(p.Model, "pricing model");
        var currency = Currency.Parse(p.Currency ?? "JPY");
        var unit = Wire.ParseEnumOr(p.Unit, "unit", UsageUnit.Record);
        return model switch
        {
            PlanKind.Free => PricingPlan.Free(currency, unit),
            PlanKind.Flat => PricingPlan.Flat(new Money(p.Amount ?? 0, currency)),
            PlanKind.PerUnit => PricingPlan.PerUnit(new Money(p.Amount ?? 0, currency), unit, p.UnitBlock ?? 1),
            _ => PricingPlan.Tiered(currency, unit, p.IncludedUnits ?? 0,
                [.. Wire.Entries(p.Tiers, "pricing.tiers").Select(t => new PriceTier(t.UpTo, t.UnitPrice))]),
        };
    }

    public static UsagePolicy ToPolicy(PolicyWire? p) =>
        p is null
            ? UsagePolicy.Open
            : new UsagePolicy(Wire.Entries(p.Purposes, "policy.purposes"), p.EndsAt, p.TermDays, p.MaxUnitsPerPeriod, p.RedistributionProhibited);

    public static PricingWire ToWire(this PricingPlan p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return new(p.PriceModelName, p.Currency.Code, p.Kind == PlanKind.Flat ? p.FlatFeeMinor : p.UnitPriceMinor,
            Wire.Name(p.Unit), p.UnitBlock, p.IncludedUnits, [.. p.Tiers.Select(t => new PriceTierWire(t.UpTo, t.UnitPriceMinor))], p.Summary);
    }

    public static PolicyWire ToWire(this UsagePolicy p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return new(p.PermittedPurposes, p.EndsAt, p.TermDays, p.MaxUnitsPerPeriod, p.RedistributionProhibited);
    }

    public static OfferingResponse ToResponse(this OfferingView v)
    {
        ArgumentNullException.ThrowIfNull(v);
        var d = v.Definition;
        return new OfferingResponse(v.Id, v.ProviderId, d.DatasetId, Wire.Name(v.DatasetClass), d.Title, d.Description,
            d.Pricing.ToWire(), d.Policy.ToWire(), Wire.Name(d.Visibility), d.Buyers, Wire.Name(d.Approval), Wire.Name(v.Status),
            v.CreatedAt, v.UpdatedAt);
    }
}
