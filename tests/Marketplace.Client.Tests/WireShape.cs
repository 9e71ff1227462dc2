using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Marketplace.Client.Tests;

/// <summary>
/// Compares a JSON answer with the client record it is read into: every property the server sends must have a
/// property of the record (so a renamed or added field is noticed), and every property of the record must be sent.
/// </summary>
internal static class WireShape
{
    public static IEnumerable<string> Differences(JsonElement json, Type type, string path = "$")
    {
        if (type == typeof(JsonElement) || type == typeof(string) || type.IsPrimitive || Nullable.GetUnderlyingType(type) is not null
            || type == typeof(DateTimeOffset) || type == typeof(decimal))
        {
            yield break;
        }

        if (ElementType(type) is { } element)
        {
            if (json.ValueKind == JsonValueKind.Array)
            {
                var i = 0;
                foreach (var item in json.EnumerateArray())
                {
                    foreach (var difference in Differences(item, element, $"{path}[{i++}]"))
                    {
                        yield return difference;
                    }
                }
            }

            yield break;
        }

        if (json.ValueKind != JsonValueKind.Object)
        {
            yield break;
        }

        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetCustomAttribute<JsonIgnoreAttribute>() is null && p.GetIndexParameters().Length == 0)
            .ToDictionary(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name), StringComparer.Ordinal);
        var sent = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in json.EnumerateObject())
        {
            sent.Add(property.Name);
            if (!properties.TryGetValue(property.Name, out var clientProperty))
            {
                yield return $"{path}.{property.Name} is sent but {type.Name} has no such property";
                continue;
            }

            foreach (var difference in Differences(property.Value, clientProperty.PropertyType, $"{path}.{property.Name}"))
            {
                yield return difference;
            }
        }

        foreach (var name in properties.Keys.Where(n => !sent.Contains(n)))
        {
            yield return $"{type.Name}.{properties[name].Name} is not sent at {path}";
        }
    }

    private static Type? ElementType(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() is var definition
            && (definition == typeof(IReadOnlyList<>) || definition == typeof(IReadOnlyCollection<>) || definition == typeof(IEnumerable<>)
                || definition == typeof(List<>))
            ? type.GetGenericArguments()[0]
            : null;
}
