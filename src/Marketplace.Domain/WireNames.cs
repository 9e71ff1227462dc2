using System.Text.Json;

namespace Marketplace.Domain;

/// <summary>
/// The one naming rule for enums on the wire and in messages: lower-case kebab (PerUnit → "per-unit",
/// InformationBank → "information-bank"), with units and types that read as one word kept whole (MiB → "mib",
/// DateTime → "datetime"). The JSON enum converter, the API's responses and the use cases all name values by it.
/// </summary>
public static class WireNames
{
    public static JsonNamingPolicy EnumNaming { get; } = new KebabEnumNaming();

    public static string Of<T>(T value) where T : struct, Enum => EnumNaming.ConvertName(value.ToString());

    private sealed class KebabEnumNaming : JsonNamingPolicy
    {
        public override string ConvertName(string name)
        {
            ArgumentNullException.ThrowIfNull(name);
            return name is "MiB" or "DateTime" ? name.ToLowerInvariant() : KebabCaseLower.ConvertName(name);
        }
    }
}
