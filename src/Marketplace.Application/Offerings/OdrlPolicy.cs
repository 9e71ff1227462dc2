using System.Globalization;
using System.Text;
using System.Text.Json;
using Marketplace.Domain;
using Marketplace.Grains;

namespace Marketplace.Application.Offerings;

/// <summary>
/// An offering's usage policy as an ODRL 2.2 Offer, and the terms a contract was made under as an ODRL 2.2
/// Agreement, in JSON-LD with the standard ODRL context. The mapping, one rule each:
/// <list type="bullet">
/// <item>uid: the document's own address; target: the dataset IRI of the DCAT catalog
/// (<c>{root}/catalog/datasets/{offeringId}</c>, <see cref="Catalog.DcatCatalog.DatasetIri"/>); assigner: the
/// provider at <c>{root}/providers/{id}</c> (the catalog's publisher), assignee: the buyer at <c>{root}/buyers/{id}</c>,
/// each a vcard:Organization with its name (vcard:fn).</item>
/// <item>One permission: <c>use</c>, or, where only k-anonymous aggregates leave (aggregate-only), <c>derive</c> (the buyer
/// obtains statistics derived from the data) together with a prohibition to <c>read</c> the records themselves.</item>
/// <item>Its constraints: <c>purpose isAnyOf</c> the permitted purposes (none: any purpose; in an Agreement
/// <c>purpose eq</c> the agreed one), <c>dateTime lt</c> the fixed end (xsd:dateTime, UTC), <c>elapsedTime lteq</c>
/// the term (xsd:duration <c>P{days}D</c>), <c>count lteq</c> the quota per billing period with its unit
/// (<c>{root}/units/{record|request|mib}</c>).</item>
/// <item>Its duties: <c>obtainConsent</c> for personal data (records leave only with their subject's consent);
/// <c>compensate</c> refined by <c>payAmount eq</c> the fee (xsd:decimal, the currency as a QUDT currency IRI) and
/// <c>timeInterval eq P1M</c> (the billing period, a calendar month) for a flat fee, the one price core ODRL states
/// faithfully; per-unit and tiered prices are left to the offering's API.</item>
/// <item>A prohibition to <c>distribute</c> where redistribution is prohibited.</item>
/// <item>An Agreement's date: ODRL has none, so the Dublin Core terms its context declares: dct:created when the buyer
/// subscribed, dct:issued when the contract became active (both sides bound). A contract never activated is not an
/// Agreement: it is the buyer's ODRL Request, without dct:issued.</item>
/// </list>
/// </summary>
public static class OdrlPolicy
{
    public const string MediaType = "application/ld+json";

    /// <summary>The ODRL 2.2 JSON-LD context every document names (tools resolve it; the tests use a local copy).</summary>
    public const string ContextIri = "http://www.w3.org/ns/odrl.jsonld";

    public const string Namespace = "http://www.w3.org/ns/odrl/2/";

    /// <summary>The Link relation that points from an offering or a contract at its policy: ODRL's hasPolicy.</summary>
    public const string HasPolicyRelation = Namespace + "hasPolicy";

    private const string Currencies = "http://qudt.org/vocab/currency/";

    public static string OfferPath(string offeringId) => $"/api/v1/offerings/{Uri.EscapeDataString(offeringId)}/policy.jsonld";

    public static string AgreementPath(string contractId) => $"/api/v1/contracts/{Uri.EscapeDataString(contractId)}/agreement.jsonld";

    /// <summary>The dataset IRI the DCAT catalog mints for the offering (without DcatCatalog's Turtle angle brackets).</summary>
    public static string TargetIri(string root, string offeringId) => Catalog.DcatCatalog.DatasetIri(root, offeringId).Value;

    public static string ProviderIri(string root, string providerId) => Catalog.DcatCatalog.ProviderIri(root, providerId);

    public static string BuyerIri(string root, string buyerId) => $"{root}/buyers/{Uri.EscapeDataString(buyerId)}";

    public static string UnitIri(string root, UsageUnit unit) => $"{root}/units/{WireNames.Of(unit)}";

    /// <summary>The offering's usage policy as an odrl:Offer, its IRIs under <paramref name="baseUri"/> (e.g. https://market.example/).</summary>
    public static string Offer(OfferingView offering, string providerName, Uri baseUri)
    {
        ArgumentNullException.ThrowIfNull(offering);
        ArgumentNullException.ThrowIfNull(providerName);
        var root = Root(baseUri);
        var definition = offering.Definition;
        // A price that differs by purpose is not one fee: it is left to the offering's API.
        var pricing = definition.PurposePrices is { Count: > 0 } ? null : definition.Pricing;
        var terms = new Terms(offering.Id, offering.ProviderId, offering.DatasetClass, definition.Policy, pricing, definition.Pricing.Unit,
            definition.Policy.PermittedPurposes, Agreed: false);
        return Write(root, "Offer", root + OfferPath(offering.Id), terms, providerName, buyer: null, created: null, issued: null);
    }

    /// <summary>The terms the contract was made under as an odrl:Agreement (or, never activated, the buyer's odrl:Request).</summary>
    public static string Agreement(ContractView contract, string providerName, string buyerName, Uri baseUri)
    {
        ArgumentNullException.ThrowIfNull(contract);
        ArgumentNullException.ThrowIfNull(providerName);
        ArgumentNullException.ThrowIfNull(buyerName);
        var root = Root(baseUri);
        var t = contract.Terms;
        var terms = new Terms(t.OfferingId, t.ProviderId, t.DatasetClass, t.Policy, t.Pricing, t.Pricing.Unit, [contract.Purpose], Agreed: true);
        var type = contract.ActivatedAt is null ? "Request" : "Agreement";
        return Write(root, type, root + AgreementPath(contract.Id), terms, providerName, (contract.BuyerId, buyerName),
            contract.RequestedAt, contract.ActivatedAt);
    }

    private sealed record Terms(
        string OfferingId, string ProviderId, DatasetClass DatasetClass, UsagePolicy Policy, PricingPlan? Pricing, UsageUnit Unit,
        IReadOnlyList<string> Purposes, bool Agreed);

    private static string Root(Uri baseUri)
    {
        ArgumentNullException.ThrowIfNull(baseUri);
        return baseUri.GetLeftPart(UriPartial.Authority);
    }

    private static string Write(
        string root, string type, string uid, Terms terms, string providerName, (string Id, string Name)? buyer,
        DateTimeOffset? created, DateTimeOffset? issued)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("@context", ContextIri);
            json.WriteString("@type", type);
            json.WriteString("uid", uid);
            if (created is { } requested)
            {
                WriteTyped(json, "dct:created", DateTimeText(requested), "xsd:dateTime");
            }
            if (issued is { } activated)
            {
                WriteTyped(json, "dct:issued", DateTimeText(activated), "xsd:dateTime");
            }
            json.WriteString("target", TargetIri(root, terms.OfferingId));
            WriteParty(json, "assigner", ProviderIri(root, terms.ProviderId), providerName);
            if (buyer is { } assignee)
            {
                WriteParty(json, "assignee", BuyerIri(root, assignee.Id), assignee.Name);
            }
            var policy = terms.Policy;
            json.WriteStartArray("permission");
            json.WriteStartObject();
            json.WriteString("action", policy.AggregateOnly ? "derive" : "use");
            WriteConstraints(json, root, terms);
            WriteDuties(json, terms);
            json.WriteEndObject();
            json.WriteEndArray();
            if (policy.AggregateOnly || policy.RedistributionProhibited)
            {
                json.WriteStartArray("prohibition");
                if (policy.AggregateOnly)
                {
                    json.WriteStartObject();
                    json.WriteString("action", "read");
                    json.WriteString("dct:description", string.Create(CultureInfo.InvariantCulture,
                        $"Only k-anonymous aggregates leave (groups of at least {policy.Aggregates!.K}), never the records themselves."));
                    json.WriteEndObject();
                }
                if (policy.RedistributionProhibited)
                {
                    json.WriteStartObject();
                    json.WriteString("action", "distribute");
                    json.WriteEndObject();
                }
                json.WriteEndArray();
            }
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteParty(Utf8JsonWriter json, string role, string iri, string name)
    {
        json.WriteStartObject(role);
        json.WriteStartArray("@type");
        json.WriteStringValue("Party");
        json.WriteStringValue("vcard:Organization");
        json.WriteEndArray();
        json.WriteString("uid", iri);
        json.WriteString("vcard:fn", name);
        json.WriteEndObject();
    }

    private static void WriteConstraints(Utf8JsonWriter json, string root, Terms terms)
    {
        var policy = terms.Policy;
        var purposes = terms.Purposes.Where(p => p.Length > 0).ToList();
        if (purposes.Count == 0 && policy.EndsAt is null && policy.TermDays is null && policy.MaxUnitsPerPeriod is null)
        {
            return;
        }
        json.WriteStartArray("constraint");
        if (purposes.Count > 0)
        {
            StartConstraint(json, "purpose", terms.Agreed ? "eq" : "isAnyOf");
            if (terms.Agreed)
            {
                json.WriteString("rightOperand", purposes[0]);
            }
            else
            {
                json.WriteStartArray("rightOperand");
                purposes.ForEach(json.WriteStringValue);
                json.WriteEndArray();
            }
            json.WriteEndObject();
        }
        if (policy.EndsAt is { } end)
        {
            StartConstraint(json, "dateTime", "lt");
            WriteTyped(json, "rightOperand", DateTimeText(end), "xsd:dateTime");
            json.WriteEndObject();
        }
        if (policy.TermDays is { } days)
        {
            StartConstraint(json, "elapsedTime", "lteq");
            WriteTyped(json, "rightOperand", string.Create(CultureInfo.InvariantCulture, $"P{days}D"), "xsd:duration");
            json.WriteEndObject();
        }
        if (policy.MaxUnitsPerPeriod is { } quota)
        {
            StartConstraint(json, "count", "lteq");
            json.WriteNumber("rightOperand", quota);
            WriteIri(json, "unit", UnitIri(root, terms.Unit));
            json.WriteString("dct:description", "Per billing period (a calendar month).");
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    private static void WriteDuties(Utf8JsonWriter json, Terms terms)
    {
        var personal = terms.DatasetClass == DatasetClass.Personal;
        var fee = terms.Pricing is { Kind: PlanKind.Flat, FlatFeeMinor: > 0 } flat ? flat : null;
        if (!personal && fee is null)
        {
            return;
        }
        json.WriteStartArray("duty");
        if (personal)
        {
            json.WriteStartObject();
            json.WriteString("action", "obtainConsent");
            json.WriteString("dct:description", "Personal data: a record is used only with the consent of the person it is about.");
            json.WriteEndObject();
        }
        if (fee is not null)
        {
            json.WriteStartObject();
            json.WriteStartArray("action");
            json.WriteStartObject();
            WriteIri(json, "rdf:value", "odrl:compensate");
            json.WriteStartArray("refinement");
            StartConstraint(json, "payAmount", "eq");
            WriteTyped(json, "rightOperand", Amount(fee.FlatFeeMinor, fee.Currency), "xsd:decimal");
            WriteIri(json, "unit", Currencies + fee.Currency.Code);
            json.WriteEndObject();
            StartConstraint(json, "timeInterval", "eq");
            WriteTyped(json, "rightOperand", "P1M", "xsd:duration");
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    private static void StartConstraint(Utf8JsonWriter json, string leftOperand, string @operator)
    {
        json.WriteStartObject();
        json.WriteString("leftOperand", leftOperand);
        json.WriteString("operator", @operator);
    }

    private static void WriteTyped(Utf8JsonWriter json, string property, string value, string datatype)
    {
        json.WriteStartObject(property);
        json.WriteString("@value", value);
        json.WriteString("@type", datatype);
        json.WriteEndObject();
    }

    private static void WriteIri(Utf8JsonWriter json, string property, string iri)
    {
        json.WriteStartObject(property);
        json.WriteString("@id", iri);
        json.WriteEndObject();
    }

    /// <summary>An xsd:dateTime in UTC; fractions of a second only where there are any.</summary>
    public static string DateTimeText(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    /// <summary>Minor units as an xsd:decimal in the currency's major unit: 1999 cents are "19.99", ¥30,000 is "30000".</summary>
    public static string Amount(long minorUnits, Currency currency)
    {
        ArgumentNullException.ThrowIfNull(currency);
        var scale = 1m;
        for (var i = 0; i < currency.MinorUnitDigits; i++)
        {
            scale *= 10;
        }
        return (minorUnits / scale).ToString("F" + currency.MinorUnitDigits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }
}
