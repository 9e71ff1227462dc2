using Marketplace.Application.Federation;
using Marketplace.Application.Usage;
using Marketplace.Domain;
using Marketplace.Domain.Federation;
using Marketplace.Grains;
using Marketplace.Host.Features.Datasets;
using Marketplace.Host.Features.Offerings;

namespace Marketplace.Host.Features.Partners;

/// <param name="BuyerApiKey">This marketplace's buyer API key at the partner: stored protected, never shown again.</param>
public sealed record RegisterPartnerRequest(string? Id, string? Name, string? BaseUrl, string? BuyerApiKey);

/// <summary>A partner marketplace; our key there is never part of any answer.</summary>
public sealed record PartnerResponse(string Id, string Name, string BaseUrl, DateTimeOffset RegisteredAt, IReadOnlyList<string> RelayIds);

public sealed record PartnerListResponse(IReadOnlyList<PartnerResponse> Items);

/// <param name="OfferingId">The partner's offering id.</param>
/// <param name="Purpose">The one purpose the relay contract at the partner is made for; local buyers subscribe for it.</param>
/// <param name="MarginBasisPoints">The margin as a share of the partner's price (100 = 1 %, rounded up); or give marginPerUnit.</param>
/// <param name="MarginPerUnit">The margin in minor units added to the partner's price of each priced block; or give marginBasisPoints.</param>
/// <param name="Fields">The offering's fields, only when the partner shows no preview of it.</param>
public sealed record CreateRelayRequest(string? OfferingId, string? Purpose, long? MarginBasisPoints, long? MarginPerUnit, IReadOnlyList<SchemaFieldWire>? Fields = null);

/// <param name="Id">The relay, and the id of the local dataset and offering buyers here subscribe to.</param>
/// <param name="PartnerPricing">What the partner charges us under the relay contract.</param>
/// <param name="LocalPricing">What our buyers pay: the partner's price plus the margin.</param>
public sealed record RelayResponse(
    string Id,
    string PartnerId,
    string PartnerOfferingId,
    string PartnerContractId,
    string PartnerContractStatus,
    string Purpose,
    long? MarginBasisPoints,
    long? MarginPerUnit,
    PricingWire PartnerPricing,
    PricingWire LocalPricing,
    string LocalOfferingId,
    string Title,
    DateTimeOffset CreatedAt);

public sealed record RelayListResponse(IReadOnlyList<RelayResponse> Items);

/// <param name="LocalUnits">What this marketplace metered for its buyers on the relayed offering in the period.</param>
/// <param name="PartnerUnits">What the partner metered for the relay contract in the period.</param>
/// <param name="PartnerCharge">The partner's charge to this marketplace.</param>
/// <param name="ExpectedPartnerCharge">The partner's price for <paramref name="LocalUnits"/>: what its charge must be.</param>
/// <param name="LocalCharge">This marketplace's charge to its buyers (the partner's price plus the margin).</param>
/// <param name="ExpectedLocalCharge">The relay's price (the partner's plus the configured margin) for each buyer's units: what LocalCharge must be.</param>
/// <param name="Margin">LocalCharge less PartnerCharge.</param>
/// <param name="ExpectedMargin">What the configured margin makes of our buyers' units: ExpectedLocalCharge less ExpectedPartnerCharge.</param>
/// <param name="Agreed">
/// Units equal, the partner's charge is its price for our units, and our buyers' charge is that price plus the
/// configured margin (so PartnerCharge plus ExpectedMargin is LocalCharge).
/// </param>
public sealed record RelayReconciliationResponse(
    string PartnerId,
    string RelayId,
    string Period,
    int LocalContracts,
    long LocalUnits,
    long PartnerUnits,
    MoneyWire PartnerCharge,
    MoneyWire ExpectedPartnerCharge,
    MoneyWire LocalCharge,
    MoneyWire ExpectedLocalCharge,
    MoneyWire Margin,
    MoneyWire ExpectedMargin,
    bool Agreed);

public static class PartnerMapping
{
    public static PartnerRegistration ToRegistration(this RegisterPartnerRequest r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new(r.Id, r.Name, r.BaseUrl, r.BuyerApiKey);
    }

    public static RelayRequest ToRelayRequest(this CreateRelayRequest r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new(r.OfferingId, r.Purpose, r.MarginBasisPoints, r.MarginPerUnit,
            r.Fields is null ? null : [.. Wire.Entries(r.Fields, "fields").Select(f => new SchemaField(f.Name ?? "", Wire.ParseEnum<FieldType>(f.Type, "fields.type"), f.Required))]);
    }

    public static PartnerResponse ToResponse(this PartnerView p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return new(p.Id, p.Name, p.BaseUrl, p.RegisteredAt, p.RelayIds);
    }

    public static RelayResponse ToResponse(this RelayView r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new(r.Id, r.PartnerId, r.PartnerOfferingId, r.PartnerContractId, r.PartnerContractStatus, r.Purpose,
            r.Margin.Kind == RelayMarginKind.BasisPoints ? r.Margin.Value : null, r.Margin.Kind == RelayMarginKind.FixedPerUnit ? r.Margin.Value : null,
            r.PartnerPricing.ToWire(), r.Margin.RelayPlan(r.PartnerPricing).ToWire(), r.Id, r.Title, r.CreatedAt);
    }

    public static RelayReconciliationResponse ToResponse(this RelayReconciliation r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var l = r.Ledgers;
        return new(r.Relay.PartnerId, r.Relay.Id, r.Period, r.LocalContracts, l.LocalUnits, l.PartnerUnits, MoneyOf(l.PartnerCharge),
            MoneyOf(l.ExpectedPartnerCharge), MoneyOf(l.LocalCharge), MoneyOf(l.ExpectedLocalCharge), MoneyOf(l.Margin), MoneyOf(l.ExpectedMargin), l.Agreed);
    }

    private static MoneyWire MoneyOf(Money m) => new(m.MinorUnits, m.Currency.Code, m.ToString());
}
