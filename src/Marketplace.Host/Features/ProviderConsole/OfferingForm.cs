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
    string? Preview = "")
{
    public static OfferingForm Read(IFormCollection form)
    {
        ArgumentNullException.ThrowIfNull(form);
        string? Field(string name) => form.TryGetValue(name, out var value) ? value.ToString() : null;
        return new OfferingForm(Field("DatasetId"), Field("Id"), Field("Title"), Field("Description"), Field("Model"), Field("Amount"),
            Field("Unit"), Field("UnitBlock"), Field("Purposes"), Field("TermDays"), Field("MaxUnits"), Field("NoRedistribution") == "on",
            Field("Visibility"), Field("Buyers"), Field("Approval"), Field("Preview"));
    }

    /// <summary>The form filled with an offering's current terms, for editing them.</summary>
    public static OfferingForm Of(OfferingView offering)
    {
        ArgumentNullException.ThrowIfNull(offering);
        var d = offering.Definition;
        var p = d.Pricing;
        var amount = p.Kind switch { PlanKind.Flat => p.FlatFeeMinor, PlanKind.PerUnit => p.UnitPriceMinor, _ => (long?)null };
        return new OfferingForm(d.DatasetId, offering.Id, d.Title, d.Description, WireNames.Of(p.Kind), Text(amount), WireNames.Of(p.Unit),
            p.Kind == PlanKind.PerUnit && p.UnitBlock != 1 ? Text(p.UnitBlock) : null,
            string.Join(", ", d.Policy.PermittedPurposes), Text(d.Policy.TermDays), Text(d.Policy.MaxUnitsPerPeriod), d.Policy.RedistributionProhibited,
            WireNames.Of(d.Visibility), string.Join(", ", d.Buyers), WireNames.Of(d.Approval),
            d.Preview switch { true => "on", false => "off", null => "" });
    }

    public CreateOfferingRequest ToCreateRequest(IStringLocalizer<ProviderText> text) =>
        new(Id, DatasetId, Title?.Trim(), Description?.Trim(), Pricing(text, null), Policy(text), Visibility, List(Buyers), Approval, PreviewSetting);

    /// <summary>
    /// The whole terms for a PUT; what the form does not edit is kept as it is: a tiered plan, the aggregate terms and
    /// the purpose prices (set through the API).
    /// </summary>
    public ReviseOfferingRequest ToReviseRequest(IStringLocalizer<ProviderText> text, OfferingDefinition current)
    {
        ArgumentNullException.ThrowIfNull(current);
        var kept = current.Policy.ToWire().Aggregates;
        return new(null, Title?.Trim(), Description?.Trim(), Pricing(text, current.Pricing), Policy(text) with { Aggregates = kept }, Visibility, List(Buyers),
            Approval, PreviewSetting, [.. (current.PurposePrices ?? []).Select(p => new PurposePriceWire(p.Purpose, p.Pricing.ToWire()))]);
    }

    private bool? PreviewSetting => Preview switch { "on" => true, "off" => false, _ => null };

    private PricingWire Pricing(IStringLocalizer<ProviderText> text, PricingPlan? current) =>
        Model == "tiered" && current is { Kind: PlanKind.Tiered }
            ? current.ToWire()
            : new PricingWire(Model, "JPY", Number(text, Amount, "Amount"), Unit, Number(text, UnitBlock, "UnitBlock"));

    private PolicyWire Policy(IStringLocalizer<ProviderText> text) =>
        new(List(Purposes), null, (int?)Number(text, TermDays, "TermDays", int.MaxValue), Number(text, MaxUnits, "MaxUnits"), NoRedistribution);

    private static long? Number(IStringLocalizer<ProviderText> text, string? value, string field, long max = long.MaxValue)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        return long.TryParse(value.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) && number >= 0 && number <= max
            ? number
            : throw new DomainException(DomainErrorCode.InvalidField(field), text["New.NotANumber", text["New.Field." + field]]);
    }

    private static string[] List(string? value) =>
        [.. (value ?? "").Split([',', '、', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    private static string? Text(long? value) => value?.ToString(CultureInfo.InvariantCulture);
}
