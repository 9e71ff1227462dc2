using System.Globalization;
using System.Text.Json;
using Marketplace.Domain;

namespace Marketplace.Host;

/// <summary>How enums and ids look on the wire: lower-case kebab names, validated with messages that list the choices.</summary>
public static class Wire
{
    public static T ParseEnum<T>(string? value, string field) where T : struct, Enum
    {
        var normalized = (value ?? "").Trim().Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal);
        if (normalized.Length > 0 && !char.IsDigit(normalized[0]) && Enum.TryParse<T>(normalized, ignoreCase: true, out var parsed))
        {
            return parsed;
        }
        var choices = string.Join(", ", Enum.GetValues<T>().Select(v => Name(v)));
        throw new DomainException(DomainErrorCode.InvalidField(field),
            value is null ? $"'{field}' is required; use one of: {choices}." : $"'{value}' is not a valid {field}; use one of: {choices}.");
    }

    public static T ParseEnumOr<T>(string? value, string field, T fallback) where T : struct, Enum =>
        string.IsNullOrWhiteSpace(value) ? fallback : ParseEnum<T>(value, field);

    /// <summary>The naming rule of <see cref="WireNames"/>, for the JSON enum converter.</summary>
    public static JsonNamingPolicy EnumNaming => WireNames.EnumNaming;

    /// <summary>PerUnit → "per-unit", MiB → "mib" (<see cref="WireNames"/>).</summary>
    public static string Name<T>(T value) where T : struct, Enum => WireNames.Of(value);

    /// <summary>
    /// The entries of a request body's list, or none when it is absent. JSON lets any entry be null whatever the
    /// declared type, so every list read from a body goes through here: an empty entry is refused by position
    /// ("fields[0] is empty") instead of failing later where the entry is used.
    /// </summary>
    public static IReadOnlyList<T> Entries<T>(IReadOnlyList<T?>? values, string field) where T : class
    {
        if (values is null)
        {
            return [];
        }
        for (var i = 0; i < values.Count; i++)
        {
            if (values[i] is null)
            {
                throw new DomainException(DomainErrorCode.InvalidField(field),
                    string.Create(CultureInfo.InvariantCulture, $"{field}[{i}] is empty; remove it or give it a value."));
            }
        }
        return values!;
    }

    public static void EnsureSlug(string id, string field)
    {
        if (!Identifiers.IsValidSlug(id))
        {
            throw new DomainException(DomainErrorCode.InvalidField(field),
                $"'{id}' is not a valid {field}: use 3 to 64 lower-case letters, digits and hyphens, starting with a letter or digit.");
        }
    }
}
