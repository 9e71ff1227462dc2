using Marketplace.Domain;
using Marketplace.Grains;

namespace Marketplace.Host.Features.Offerings;

/// <param name="UnitPrice">Minor units per unit in this tier; required (a tier without one is refused, never taken as free).</param>
public sealed record PriceTierWire(long? UpTo, long? UnitPrice);

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

/// <param name="Aggregates">k-anonymous statistics the offering gives (and with aggregateOnly, only those); null for none.</param>
public sealed record PolicyWire(
    IReadOnlyList<string>? Purposes,
    DateTimeOffset? EndsAt = null,
    int? TermDays = null,
    long? MaxUnitsPerPeriod = null,
    bool RedistributionProhibited = false,
    AggregatePolicyWire? Aggregates = null);

/// <summary>
/// The statistics an offering gives: buyers group by 1 to 3 of <c>dimensions</c> and may sum and average one of
/// <c>measures</c> (Integer or Number fields); groups of fewer than <c>k</c> distinct people (default 10) are suppressed
/// and counts are rounded to <c>roundingStep</c> (default 1: exact). <c>aggregateOnly</c> (default true): no record
/// leaves under the offering's contracts, only these statistics. The subject field can be neither.
/// </summary>
public sealed record AggregatePolicyWire(
    IReadOnlyList<string>? Dimensions,
    IReadOnlyList<string>? Measures = null,
    int? K = null,
    int? RoundingStep = null,
    bool? AggregateOnly = null);

/// <summary>The price of contracts made for one declared purpose, instead of the offering's <c>pricing</c>.</summary>
public sealed record PurposePriceWire(string? Purpose, PricingWire? Pricing);

public sealed record CreateOfferingRequest(
    string? Id,
    string? DatasetId,
    string? Title,
    string? Description,
    PricingWire? Pricing,
    PolicyWire? Policy,
    string? Visibility,
    IReadOnlyList<string>? Buyers,
    string? Approval,
    bool? Preview = null,
    IReadOnlyList<PurposePriceWire>? PurposePrices = null);

/// <summary>
/// An offering's whole terms, replacing the stored ones (PUT): what GET answers may be sent back changed. Pricing,
/// policy, visibility and approval must be present, so that leaving one out never makes an offering free, open or
/// public by accident; an empty title or description takes the dataset's, as on create; <c>preview</c> left out is
/// the dataset class's default. <c>datasetId</c> may be left out; if sent it must be the offering's own.
/// <c>purposePrices</c> left out means none.
/// </summary>
public sealed record ReviseOfferingRequest(
    string? DatasetId,
    string? Title,
    string? Description,
    PricingWire? Pricing,
    PolicyWire? Policy,
    string? Visibility,
    IReadOnlyList<string>? Buyers,
    string? Approval,
    bool? Preview = null,
    IReadOnlyList<PurposePriceWire>? PurposePrices = null);

/// <param name="Preview">Whether the offering's page shows a preview of its records (the provider's setting or its class's default).</param>
/// <param name="Version">Counts the offering's changes; its ETag is this number in quotes, which PUT sends back in If-Match.</param>
/// <param name="PurposePrices">Prices of contracts for particular purposes; every other purpose gets <paramref name="Pricing"/>.</param>
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
    DateTimeOffset UpdatedAt,
    bool Preview,
    long Version,
    IReadOnlyList<PurposePriceWire> PurposePrices,
    Harvest.ListingOriginWire? Origin = null);

/// <summary>Up to 20 records of the offering's current revision, as they are stored; <c>revisionId</c> is null (and no rows) before one is published.</summary>
public sealed record OfferingPreviewResponse(
    string OfferingId,
    string? RevisionId,
    long Records,
    IReadOnlyList<Datasets.SchemaFieldWire> Fields,
    IReadOnlyList<System.Text.Json.Nodes.JsonObject> Rows);

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
            ToPlan(r.Pricing ?? new PricingWire("free", "JPY")), ToPolicy(r.Policy), visibility, Wire.Entries(r.Buyers, "buyers"), approval,
            r.Preview, ToPurposePrices(r.PurposePrices));
    }

    /// <summary>The terms of a PUT, read exactly as on create once every term that must be sent is there.</summary>
    public static OfferingDefinition ToDefinition(this ReviseOfferingRequest r, string offeringDatasetId)
    {
        ArgumentNullException.ThrowIfNull(r);
        Require(r.Pricing, "pricing");
        Require(r.Policy, "policy");
        Require(r.Visibility, "visibility");
        Require(r.Approval, "approval");
        var datasetId = string.IsNullOrWhiteSpace(r.DatasetId) ? offeringDatasetId : r.DatasetId;
        return new CreateOfferingRequest(null, datasetId, r.Title, r.Description, r.Pricing, r.Policy, r.Visibility, r.Buyers, r.Approval, r.Preview,
            r.PurposePrices).ToDefinition();
    }

    private static void Require(object? term, string field)
    {
        if (term is null || (term is string text && string.IsNullOrWhiteSpace(text)))
        {
            throw new DomainException(DomainErrorCode.InvalidField(field),
                $"Send the offering's whole terms: '{field}' is missing. A PUT replaces every term; GET the offering for its current ones.");
        }
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
                [.. Wire.Entries(p.Tiers, "pricing.tiers").Select((t, i) => new PriceTier(t.UpTo, t.UnitPrice
                    ?? throw new DomainException(DomainErrorCode.InvalidField("pricing.tiers"),
                        $"Price tier {i + 1} has no unitPrice; give each tier its price per unit in minor units, e.g. {{ \"upTo\": 1000, \"unitPrice\": 2 }}.")))]),
        };
    }

    public static UsagePolicy ToPolicy(PolicyWire? p) =>
        p is null
            ? UsagePolicy.Open
            : new UsagePolicy(Wire.Entries(p.Purposes, "policy.purposes"), p.EndsAt, p.TermDays, p.MaxUnitsPerPeriod, p.RedistributionProhibited,
                ToAggregates(p.Aggregates));

    private static AggregatePolicy? ToAggregates(AggregatePolicyWire? a) =>
        a is null
            ? null
            : new AggregatePolicy(Wire.Entries(a.Dimensions, "policy.aggregates.dimensions"), Wire.Entries(a.Measures, "policy.aggregates.measures"),
                a.K ?? AggregatePolicy.DefaultK, a.RoundingStep ?? 1, a.AggregateOnly ?? true);

    private static IReadOnlyList<PurposePrice>? ToPurposePrices(IReadOnlyList<PurposePriceWire?>? prices)
    {
        var entries = Wire.Entries(prices, "purposePrices");
        if (entries.Count > UsagePolicy.MaxPurposes)
        {
            throw new DomainException(ErrorCodes.PurposePriceInvalid,
                $"An offering prices at most {UsagePolicy.MaxPurposes} purposes apart (got {entries.Count}).");
        }
        return entries.Count == 0
            ? null
            : [.. entries.Select((p, i) => new PurposePrice(p.Purpose ?? "", ToPlan(p.Pricing
                ?? throw new DomainException(DomainErrorCode.InvalidField("purposePrices"),
                    $"purposePrices[{i}] has no pricing; give it a plan, e.g. {{ \"purpose\": \"city-planning\", \"pricing\": {{ \"model\": \"free\", \"currency\": \"JPY\" }} }}."))))];
    }

    public static PricingWire ToWire(this PricingPlan p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return new(p.PriceModelName, p.Currency.Code, p.Kind == PlanKind.Flat ? p.FlatFeeMinor : p.UnitPriceMinor,
            Wire.Name(p.Unit), p.UnitBlock, p.IncludedUnits, [.. p.Tiers.Select(t => new PriceTierWire(t.UpTo, t.UnitPriceMinor))], p.Summary);
    }

    public static PolicyWire ToWire(this UsagePolicy p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return new(p.PermittedPurposes, p.EndsAt, p.TermDays, p.MaxUnitsPerPeriod, p.RedistributionProhibited,
            p.Aggregates is { } a ? new AggregatePolicyWire(a.Dimensions, a.Measures, a.K, a.RoundingStep, a.AggregateOnly) : null);
    }

    public static OfferingResponse ToResponse(this OfferingView v)
    {
        ArgumentNullException.ThrowIfNull(v);
        var d = v.Definition;
        return new OfferingResponse(v.Id, v.ProviderId, d.DatasetId, Wire.Name(v.DatasetClass), d.Title, d.Description,
            d.Pricing.ToWire(), d.Policy.ToWire(), Wire.Name(d.Visibility), d.Buyers, Wire.Name(d.Approval), Wire.Name(v.Status),
            v.CreatedAt, v.UpdatedAt, v.ShowsPreview, v.Version,
            [.. (d.PurposePrices ?? []).Select(p => new PurposePriceWire(p.Purpose, p.Pricing.ToWire()))], Harvest.HarvestEndpoints.ToWire(v.Origin));
    }

    public static OfferingPreviewResponse ToResponse(this Application.Catalog.RecordSample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        return new OfferingPreviewResponse(sample.OfferingId, sample.RevisionId, sample.Records,
            [.. sample.Schema.Fields.Select(f => new Datasets.SchemaFieldWire(f.Name, Wire.Name(f.Type), f.Required))],
            // JsonObject rather than JsonElement: the API description then says each row is an object.
            [.. sample.Rows.Select(r => System.Text.Json.Nodes.JsonObject.Create(r)!)]);
    }
}
