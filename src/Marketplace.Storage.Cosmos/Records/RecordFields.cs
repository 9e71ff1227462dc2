using System.Globalization;
using System.Text.Json;

namespace Marketplace.Storage.Cosmos.Records;

/// <summary>
/// The "field = value" tokens a record can be filtered by: each top-level property of its JSON object in the
/// text form the SQLite adapter compares (strings as they are, integers in invariant digits, true / false as
/// 1 / 0, objects and arrays as compact JSON; null matches nothing), so both stores answer filters alike.
/// </summary>
internal static class RecordFields
{
    public static string Token(string field, string value) => field + RecordDocument.FieldSeparator + value;

    public static string[] Of(string json)
    {
        using var document = JsonDocument.Parse(json);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            return [];
        }

        var tokens = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            // The first occurrence of a duplicated name wins, as in SQLite's json_extract.
            if (!seen.Add(property.Name) || TextOf(property.Value) is not { } text)
            {
                continue;
            }

            tokens.Add(Token(property.Name, text));
        }

        return [.. tokens];
    }

    private static string? TextOf(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.True => "1",
        JsonValueKind.False => "0",
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.Number => NumberText(value),
        _ => JsonSerializer.Serialize(value),
    };

    private static string NumberText(JsonElement value)
    {
        if (value.TryGetInt64(out var integer))
        {
            return integer.ToString(CultureInfo.InvariantCulture);
        }

        // SQLite renders a REAL with 15 significant digits and always a decimal point.
        var real = value.GetDouble();
        var text = real.ToString("G15", CultureInfo.InvariantCulture);
        return text.Contains('.', StringComparison.Ordinal) || text.Contains('E', StringComparison.Ordinal) ? text : text + ".0";
    }
}
