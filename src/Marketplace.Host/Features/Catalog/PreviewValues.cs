using System.Globalization;
using System.Text.Json;
using Marketplace.Domain;
using Microsoft.Extensions.Localization;

namespace Marketplace.Host.Features.Catalog;

/// <summary>
/// A previewed value as a person reads it, by its field's type: integers and numbers with the visitor's digit
/// grouping, booleans as yes or no, dates as stored (ISO 8601, as everywhere on the pages) and date-times in the
/// billing time zone. Anything that does not fit its type (it cannot, after the upload's checks) is shown as stored.
/// </summary>
public static class PreviewValues
{
    /// <summary>The value of <paramref name="field"/> in <paramref name="row"/>, or null when the row has none.</summary>
    public static JsonElement? Of(JsonElement row, string field) =>
        row.ValueKind == JsonValueKind.Object && row.TryGetProperty(field, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    public static string Format(FieldType type, JsonElement value, TimeZoneInfo zone, IStringLocalizer<PreviewText> text)
    {
        ArgumentNullException.ThrowIfNull(zone);
        ArgumentNullException.ThrowIfNull(text);
        var culture = CultureInfo.CurrentCulture;
        return type switch
        {
            FieldType.Integer when value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var integer) => integer.ToString("N0", culture),
            FieldType.Number when value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) => number.ToString("#,0.###############", culture),
            FieldType.Boolean when value.ValueKind is JsonValueKind.True or JsonValueKind.False => text[value.GetBoolean() ? "True" : "False"],
            FieldType.DateTime when value.ValueKind == JsonValueKind.String && value.TryGetDateTimeOffset(out var instant) =>
                TimeZoneInfo.ConvertTime(instant, zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
            _ => value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText(),
        };
    }

    /// <summary>Whether the type's values align to the right, as numbers do.</summary>
    public static bool IsNumeric(FieldType type) => type is FieldType.Integer or FieldType.Number;
}
