using System.Globalization;
using Marketplace.Domain;
using Marketplace.Grains;
using Marketplace.Host.Features.Offerings;
using Microsoft.Extensions.Localization;

namespace Marketplace.Host.Features.ProviderConsole;

/// <summary>
/// The offering form's fields as typed (text, so a refused form comes back as it was sent). They become the
/// API's own requests (<see cref="CreateOfferingRequest"/>, <see cref="ReviseOfferingRequest"/>), so the form and
/// the API are read and judged by the same rules.
/// </summary>
public sealed record OfferingForm(
    string? DatasetId = null,
    string? Id = null,
    string? Title = null,
    string? Description = null,
    string? Model = "free",
    string? Amount = null,
    string? Unit = "record",
    string? UnitBlock = null,
    string? Purposes = null,
    string? TermDays = null,
    string? MaxUnits = null,
    bool NoRedistribution = false,
    string? Visibility = "public",
    string? Buyers = null,
    string? Approval = "automatic",
    string? Preview = "",
    string? AggregateDimensions = null,
    string? AggregateMeasures = null,
    string? AggregateK = null,
    string? AggregateRoundingStep = null,
    string? AggregateAccess = "only",
    IReadOnlyList<PurposePriceRow>? PurposePrices = null)
{
    /// <summary>Most purpose price rows read from one form: the policy's limit on purposes, and a few rows to spare for the rule to refuse.</summary>
    public const int MaxPriceRows = UsagePolicy.MaxPurposes + 5;

    /// <summary>The purpose price rows as typed (none when none were sent).</summary>
    public IReadOnlyList<PurposePriceRow> PriceRows => PurposePrices ?? [];

    public static OfferingForm Read(IFormCollection form)
    {
        ArgumentNullException.ThrowIfNull(form);
        string? Field(string name) => form.TryGetValue(name, out var value) ? value.ToString() : null;
        var rows = new List<PurposePriceRow>();
        for (var i = 0; i < MaxPriceRows && form.ContainsKey(PurposePriceRow.Name(i, "Purpose")); i++)
        {
            var row = new PurposePriceRow(Field(PurposePriceRow.Name(i, "Purpose")), Field(PurposePriceRow.Name(i, "Model")),
                Field(PurposePriceRow.Name(i, "Amount")), Field(PurposePriceRow.Name(i, "Unit")), Field(PurposePriceRow.Name(i, "UnitBlock")));
            if (!row.IsBlank)
            {
                rows.Add(row);
            }
        }
        return new OfferingForm(Field("DatasetId"), Field("Id"), Field("Title"), Field("Description"), Field("Model"), Field("Amount"),
            Field("Unit"), Field("UnitBlock"), Field("Purposes"), Field("TermDays"), Field("MaxUnits"), Field("NoRedistribution") == "on",
            Field("Visibility"), Field("Buyers"), Field("Approval"), Field("Preview"),
            Field("AggregateDimensions"), Field("AggregateMeasures"), Field("AggregateK"), Field("AggregateRoundingStep"), Field("AggregateAccess"), rows);
    }

    /// <summary>The form filled with an offering's current terms, for editing them.</summary>
    public static OfferingForm Of(OfferingView offering)
    {
        ArgumentNullException.ThrowIfNull(offering);
        var d = offering.Definition;
        var p = d.Pricing;
        var amount = AmountOf(p);
        var a = d.Policy.Aggregates;
        return new OfferingForm(d.DatasetId, offering.Id, d.Title, d.Description, WireNames.Of(p.Kind), Text(amount), WireNames.Of(p.Unit),
            p.Kind == PlanKind.PerUnit && p.UnitBlock != 1 ? Text(p.UnitBlock) : null,
            string.Join(", ", d.Policy.PermittedPurposes), Text(d.Policy.TermDays), Text(d.Policy.MaxUnitsPerPeriod), d.Policy.RedistributionProhibited,
            WireNames.Of(d.Visibility), string.Join(", ", d.Buyers), WireNames.Of(d.Approval),
            d.Preview switch { true => "on", false => "off", null => "" },
            a is null ? null : string.Join(", ", a.Dimensions), a is null ? null : string.Join(", ", a.Measures),
            a is null ? null : Text(a.K), a is null ? null : Text(a.RoundingStep), a is { AggregateOnly: false } ? "also" : "only",
            [.. (d.PurposePrices ?? []).Select(price => new PurposePriceRow(price.Purpose, WireNames.Of(price.Pricing.Kind), Text(AmountOf(price.Pricing)),
                WireNames.Of(price.Pricing.Unit), price.Pricing.Kind == PlanKind.PerUnit && price.Pricing.UnitBlock != 1 ? Text(price.Pricing.UnitBlock) : null))]);
    }

    private static long? AmountOf(PricingPlan p) => p.Kind switch { PlanKind.Flat => p.FlatFeeMinor, PlanKind.PerUnit => p.UnitPriceMinor, _ => null };

    public CreateOfferingRequest ToCreateRequest(IStringLocalizer<ProviderText> text) =>
        new(Id, DatasetId, Title?.Trim(), Description?.Trim(), Pricing(text, null), Policy(text), Visibility, List(Buyers), Approval, PreviewSetting,
            PurposePriceWires(text, null));

    /// <summary>
    /// The whole terms for a PUT. A tiered plan (written through the API) is kept as it is, for the offering and for
    /// a purpose, while the form leaves it tiered.
    /// </summary>
    public ReviseOfferingRequest ToReviseRequest(IStringLocalizer<ProviderText> text, OfferingDefinition current)
    {
        ArgumentNullException.ThrowIfNull(current);
        return new(null, Title?.Trim(), Description?.Trim(), Pricing(text, current.Pricing), Policy(text), Visibility, List(Buyers),
            Approval, PreviewSetting, PurposePriceWires(text, current.PurposePrices));
    }

    private bool? PreviewSetting => Preview switch { "on" => true, "off" => false, _ => null };

    private PricingWire Pricing(IStringLocalizer<ProviderText> text, PricingPlan? current) =>
        Plan(text, Model, Amount, Unit, UnitBlock, current, "");

    private static PricingWire Plan(IStringLocalizer<ProviderText> text, string? model, string? amount, string? unit, string? unitBlock, PricingPlan? current, string row) =>
        model == "tiered" && current is { Kind: PlanKind.Tiered }
            ? current.ToWire()
            : new PricingWire(model, "JPY", Number(text, amount, "Amount", row: row), unit, Number(text, unitBlock, "UnitBlock", row: row));

    private PolicyWire Policy(IStringLocalizer<ProviderText> text) =>
        new(List(Purposes), null, (int?)Number(text, TermDays, "TermDays", int.MaxValue), Number(text, MaxUnits, "MaxUnits"), NoRedistribution,
            Aggregates(text));

    /// <summary>The aggregate terms, when any of their fields is filled in; the rules on them are the offering's own, as for the API.</summary>
    private AggregatePolicyWire? Aggregates(IStringLocalizer<ProviderText> text) =>
        string.IsNullOrWhiteSpace(AggregateDimensions) && string.IsNullOrWhiteSpace(AggregateMeasures)
        && string.IsNullOrWhiteSpace(AggregateK) && string.IsNullOrWhiteSpace(AggregateRoundingStep)
            ? null
            : new AggregatePolicyWire(List(AggregateDimensions), List(AggregateMeasures), (int?)Number(text, AggregateK, "AggregateK", int.MaxValue),
                (int?)Number(text, AggregateRoundingStep, "AggregateRoundingStep", int.MaxValue), AggregateAccess != "also");

    private PurposePriceWire[] PurposePriceWires(IStringLocalizer<ProviderText> text, IReadOnlyList<PurposePrice>? current) =>
        [.. PriceRows.Select((row, i) => new PurposePriceWire(row.Purpose?.Trim(),
            Plan(text, row.Model, row.Amount, row.Unit, row.UnitBlock, current?.FirstOrDefault(p => p.Purpose == UsagePolicy.NormalizePurpose(row.Purpose))?.Pricing,
                text["New.PurposeRow", i + 1])))];

    private static long? Number(IStringLocalizer<ProviderText> text, string? value, string field, long max = long.MaxValue, string row = "")
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        return long.TryParse(value.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) && number >= 0 && number <= max
            ? number
            : throw new DomainException(DomainErrorCode.InvalidField(field), text["New.NotANumber", row + text["New.Field." + field]]);
    }

    private static string[] List(string? value) =>
        [.. (value ?? "").Split([',', '、', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    private static string? Text(long? value) => value?.ToString(CultureInfo.InvariantCulture);
}

/// <summary>One purpose's price as typed on the offering form; a row left wholly empty is no price.</summary>
public sealed record PurposePriceRow(string? Purpose, string? Model, string? Amount, string? Unit, string? UnitBlock)
{
    /// <summary>The form field of row <paramref name="row"/>'s <paramref name="part"/>, e.g. <c>PurposePrice0.Amount</c>.</summary>
    public static string Name(int row, string part) => string.Create(CultureInfo.InvariantCulture, $"PurposePrice{row}.{part}");

    public bool IsBlank => string.IsNullOrWhiteSpace(Purpose) && string.IsNullOrWhiteSpace(Amount) && string.IsNullOrWhiteSpace(UnitBlock);
}
