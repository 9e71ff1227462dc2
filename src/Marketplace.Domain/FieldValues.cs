using System.Globalization;
using System.Text.Json;

namespace Marketplace.Domain;

/// <summary>Converts raw CSV text and JSON values to typed field values, and writes them canonically.</summary>
internal static class FieldValues
{
    private static readonly string[] OffsetFormats =
        ["yyyy-MM-dd'T'HH:mmzzz", "yyyy-MM-dd'T'HH:mm:sszzz", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz"];

    private static readonly string[] UtcFormats =
        ["yyyy-MM-dd'T'HH:mm'Z'", "yyyy-MM-dd'T'HH:mm:ss'Z'", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'"];

    public static string Expected(FieldType type) => type switch
    {
        FieldType.String => "a string",
        FieldType.Integer => "an integer",
        FieldType.Number => "a number",
        FieldType.Boolean => "a boolean (true or false)",
        FieldType.Date => "a date (yyyy-MM-dd)",
        FieldType.DateTime => "a date-time with an offset (e.g. 2026-11-01T09:00:00+09:00)",
        _ => type.ToString(),
    };

    public static bool TryParseText(FieldType type, string text, out object? value)
    {
        var trimmed = text.Trim();
        value = null;
        switch (type)
        {
            case FieldType.String:
                value = text;
                return true;
            case FieldType.Integer when long.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer):
                value = integer;
                return true;
            case FieldType.Number when double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number):
                value = number;
                return true;
            case FieldType.Boolean when bool.TryParse(trimmed, out var boolean):
                value = boolean;
                return true;
            case FieldType.Date when DateOnly.TryParseExact(trimmed, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date):
                value = date;
                return true;
            case FieldType.DateTime when TryParseDateTime(trimmed, out var dateTime):
                value = dateTime;
                return true;
            default:
                return false;
        }
    }

    /// <summary>True when a cell carries no value; empty strings count as missing in CSV and JSON alike.</summary>
    public static bool IsMissing(FieldType type, string text) =>
        text.Length == 0 || (type != FieldType.String && string.IsNullOrWhiteSpace(text));

    /// <summary>Converts a present JSON value; on failure <paramref name="problem"/> says what is wrong with it.</summary>
    public static bool TryConvertJson(FieldType type, JsonElement element, out object? value, out string? problem)
    {
        problem = null;
        value = null;
        var ok = (type, element.ValueKind) switch
        {
            (FieldType.String or FieldType.Date or FieldType.DateTime, JsonValueKind.String) => TryParseText(type, element.GetString()!, out value),
            (FieldType.Integer, JsonValueKind.Number) when element.TryGetInt64(out var integer) => Set(integer, out value),
            (FieldType.Number, JsonValueKind.Number) when element.TryGetDouble(out var number) && double.IsFinite(number) => Set(number, out value),
            (FieldType.Boolean, JsonValueKind.True or JsonValueKind.False) => Set(element.GetBoolean(), out value),
            _ => false,
        };
        if (!ok)
        {
            problem = element.ValueKind == JsonValueKind.String && type is FieldType.Integer or FieldType.Number or FieldType.Boolean
                ? $"{Show(element.GetString()!)} is a JSON string, not {Expected(type)}; write it without quotes"
                : $"{(element.ValueKind == JsonValueKind.String ? Show(element.GetString()!) : Shorten(element.GetRawText()))} is not {Expected(type)}";
        }
        return ok;
    }

    public static void Write(Utf8JsonWriter writer, string name, object? value)
    {
        switch (value)
        {
            case null: writer.WriteNull(name); break;
            case string text: writer.WriteString(name, text); break;
            case long integer: writer.WriteNumber(name, integer); break;
            case double number: writer.WriteNumber(name, number); break;
            case bool boolean: writer.WriteBoolean(name, boolean); break;
            case DateOnly date: writer.WriteString(name, date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)); break;
            case DateTimeOffset dateTime: writer.WriteString(name, dateTime); break;
            default: throw new InvalidOperationException($"Unexpected field value type {value.GetType()}.");
        }
    }

    /// <summary>A value quoted for an error message, shortened so one bad cell cannot flood a report.</summary>
    public static string Show(string text) => $"'{Shorten(text)}'";

    private static string Shorten(string text) => text.Length <= 50 ? text : string.Concat(text.AsSpan(0, 47), "...");

    private static bool Set(object typed, out object? value)
    {
        value = typed;
        return true;
    }

    // A date-time without an offset means a different instant in every zone, so it is refused.
    private static bool TryParseDateTime(string text, out DateTimeOffset value) =>
        text.EndsWith('Z')
            ? DateTimeOffset.TryParseExact(text, UtcFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value)
            : DateTimeOffset.TryParseExact(text, OffsetFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out value);
}
