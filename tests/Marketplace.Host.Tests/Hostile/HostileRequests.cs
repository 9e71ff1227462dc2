using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Marketplace.Host.Tests.Hostile;

/// <summary>One hostile request: <see cref="Name"/> identifies it across callers (and in the known-issues list).</summary>
public sealed record HostileCase(string Name, string PathAndQuery, Func<HttpContent?> Content, string? IdempotencyKey = null);

/// <summary>
/// The hostile requests for one operation, derived from its OpenAPI description: bad path ids, bad query values,
/// bodies mutated node by node along the request schema, and bodies that are not what they claim to be.
/// </summary>
public sealed class HostileRequests(PopulatedMarketplace marketplace)
{
    public const int LongText = 10_000;
    public const int Megabyte = 1 << 20;
    public const int DeepNesting = 10_000;

    /// <summary>Query names every GET is tried with even when it declares none: paging is where parsers live.</summary>
    private static readonly string[] PagingNames = ["limit", "cursor"];

    private static readonly string Unicode = "データ\u200b🚌\u202e" + "Ω";

    public static readonly IReadOnlyList<(string Name, string Escaped)> HostileIds =
    [
        ("empty", ""),
        ("whitespace", "%20"),
        ("nul", "%00"),
        ("10k characters", new string('a', LongText)),
        ("unicode", Uri.EscapeDataString(Unicode)),
        ("traversal", "..%2F..%2Fparties"),
        ("dot-dot escaped", "%2e%2e"),
        ("upper case", "DS-ABC"),
        ("unknown", "zz-no-such-thing"),
    ];

    public static readonly IReadOnlyList<(string Name, string Escaped)> HostileQueryValues =
    [
        ("negative", "-1"),
        ("zero", "0"),
        ("beyond int", "2147483648"),
        ("beyond long", "99999999999999999999999"),
        ("not a number", "abc"),
        ("empty", ""),
        ("unicode", Uri.EscapeDataString(Unicode)),
        ("nul", "%00"),
        ("10k characters", new string('9', LongText)),
    ];

    public IEnumerable<HostileCase> For(ApiOperation operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var validPath = operation.PathWith(operation.PathParameters.ToDictionary(p => p, p => marketplace.OwnId(operation, p)));
        Func<HttpContent?> validBody = () => Json(marketplace.ValidBody(operation));

        yield return new HostileCase("valid", validPath, validBody);

        foreach (var parameter in operation.PathParameters)
        {
            foreach (var (name, value) in HostileIds.Append(("other tenant's id", marketplace.OtherTenantsId(operation, parameter))))
            {
                var values = operation.PathParameters.ToDictionary(p => p, p => p == parameter ? value : marketplace.OwnId(operation, p));
                yield return new HostileCase($"path {parameter} = {name}", operation.PathWith(values), validBody);
            }
        }

        var queryNames = operation.Method == HttpMethod.Get ? operation.QueryParameters.Union(PagingNames) : operation.QueryParameters;
        foreach (var query in queryNames)
        {
            foreach (var (name, value) in HostileQueryValues)
            {
                yield return new HostileCase($"query {query} = {name}", $"{validPath}?{query}={value}", validBody);
            }
            yield return new HostileCase($"query {query} repeated", $"{validPath}?{query}=1&{query}=2&{query}=abc", validBody);
        }

        yield return new HostileCase("idempotency key 10k characters", validPath, validBody, new string('k', LongText));
        yield return new HostileCase("idempotency key unicode", validPath, validBody, Unicode);

        if (operation.Method != HttpMethod.Post)
        {
            yield break;
        }
        foreach (var (name, raw) in WholeBodies())
        {
            yield return new HostileCase($"body {name}", validPath, () => RawJson(raw()));
        }
        if (operation.BodySchema is { } schema)
        {
            foreach (var (name, mutate) in Mutations(operation.Document, schema, schema, []))
            {
                yield return new HostileCase($"body {name}", validPath, () =>
                {
                    var body = marketplace.ValidBody(operation) ?? new JsonObject();
                    return RawJson(mutate(body));
                });
            }
        }
    }

    private static IEnumerable<(string Name, Func<string> Raw)> WholeBodies() =>
    [
        ("empty object", () => "{}"),
        ("not JSON at all", () => "this is not JSON"),
        ("empty", () => ""),
        ("null", () => "null"),
        ("array", () => "[]"),
        ("truncated", () => "{ \"id\": "),
        ("1 MB string", () => "\"" + new string('x', Megabyte) + "\""),
        ($"nested {DeepNesting} levels", () => new string('[', DeepNesting) + new string(']', DeepNesting)),
        ($"objects nested {DeepNesting} levels", () => string.Concat(Enumerable.Repeat("{\"a\":", DeepNesting)) + "1" + new string('}', DeepNesting)),
    ];

    /// <summary>For every node of the schema, the valid body with that node replaced by each hostile value its kinds invite.</summary>
    private static IEnumerable<(string Name, Func<JsonNode, string> Mutate)> Mutations(ApiDocument document, JsonElement root, JsonElement schema, IReadOnlyList<object> at)
    {
        foreach (var (property, propertySchema) in document.PropertiesOf(schema))
        {
            var path = at.Append(property).ToList();
            var label = Label(path);
            foreach (var (name, value) in HostileValues(document, propertySchema, path.Count == 1))
            {
                yield return ($"{label} = {name}", body => Set(document, root, body, path, value()));
            }
            var kinds = document.KindsOf(propertySchema);
            if (kinds.Contains("object"))
            {
                foreach (var inner in Mutations(document, root, propertySchema, path))
                {
                    yield return inner;
                }
            }
            if (kinds.Contains("array") && document.ItemsOf(propertySchema) is { } items && document.KindsOf(items).Contains("object"))
            {
                foreach (var inner in Mutations(document, root, items, [.. path, 0]))
                {
                    yield return inner;
                }
            }
        }
    }

    private static IEnumerable<(string Name, Func<JsonNode?> Value)> HostileValues(ApiDocument document, JsonElement schema, bool topLevel)
    {
        var kinds = document.KindsOf(schema);
        yield return ("null", () => null);
        if (kinds.Contains("string"))
        {
            yield return ("a number", () => JsonValue.Create(12345));
            yield return ("an object", () => new JsonObject());
            yield return ("empty", () => JsonValue.Create(""));
            yield return ("whitespace", () => JsonValue.Create("   "));
            yield return ("nul", () => JsonValue.Create("\0"));
            yield return ($"{LongText} unicode characters", () => JsonValue.Create(string.Concat(Enumerable.Repeat("港", LongText))));
            yield return ("1 MB", () => JsonValue.Create(new string('x', Megabyte)));
        }
        if (kinds.Contains("integer") || kinds.Contains("number"))
        {
            yield return ("not a number", () => JsonValue.Create("abc"));
            yield return ("long.MaxValue", () => JsonValue.Create(long.MaxValue));
            yield return ("long.MinValue", () => JsonValue.Create(long.MinValue));
            yield return ("int.MaxValue", () => JsonValue.Create(int.MaxValue));
            yield return ("negative", () => JsonValue.Create(-1));
            yield return ("zero", () => JsonValue.Create(0));
            yield return ("1e308", () => JsonValue.Create(1e308));
            yield return ("a fraction", () => JsonValue.Create(0.5));
            yield return ("beyond long as text", () => JsonValue.Create("9223372036854775808"));
        }
        if (kinds.Contains("boolean"))
        {
            yield return ("text", () => JsonValue.Create("yes"));
            yield return ("a number", () => JsonValue.Create(1));
        }
        if (kinds.Contains("array"))
        {
            yield return ("not an array", () => JsonValue.Create("x"));
            yield return ("an object", () => new JsonObject());
            yield return ("empty array", () => new JsonArray());
            yield return ("[null]", () => new JsonArray((JsonNode?)null));
            yield return ("[null, null]", () => new JsonArray(null, null));
            yield return ("[number]", () => new JsonArray(JsonValue.Create(7)));
            yield return ("[array]", () => new JsonArray(new JsonArray()));
        }
        if (kinds.Contains("object"))
        {
            yield return ("not an object", () => JsonValue.Create("x"));
            yield return ("an array", () => new JsonArray());
            yield return ("empty object", () => new JsonObject());
        }
        if (topLevel)
        {
            yield return ($"nested {DeepNesting} levels", () => Nested(DeepNesting));
        }
    }

    private static JsonNode Nested(int depth)
    {
        // Built as text: a JsonNode this deep cannot be serialized, and the point is to make the server parse it.
        return new JsonArray(JsonValue.Create(new string('[', depth) + new string(']', depth)));
    }

    private static string Set(ApiDocument document, JsonElement schema, JsonNode body, IReadOnlyList<object> path, JsonNode? value)
    {
        JsonNode current = body;
        var currentSchema = schema;
        for (var i = 0; i < path.Count; i++)
        {
            var last = i == path.Count - 1;
            if (path[i] is string property)
            {
                var o = (JsonObject)current;
                var propertySchema = document.PropertiesOf(currentSchema).First(p => p.Name == property).Schema;
                if (last)
                {
                    o[property] = value;
                    break;
                }
                if (o[property] is null)
                {
                    o[property] = path[i + 1] is int ? new JsonArray() : new JsonObject();
                }
                current = o[property]!;
                currentSchema = propertySchema;
            }
            else
            {
                var a = (JsonArray)current;
                var items = document.ItemsOf(currentSchema)!.Value;
                if (a.Count == 0)
                {
                    a.Add(document.Example(items));
                }
                current = a[0]!;
                currentSchema = items;
            }
        }
        var text = body.ToJsonString();
        // A nested-array placeholder stands for raw JSON: splice it in unquoted.
        var nested = new string('[', DeepNesting) + new string(']', DeepNesting);
        return text.Replace("[\"" + nested + "\"]", nested, StringComparison.Ordinal);
    }

    private static string Label(IReadOnlyList<object> path)
    {
        var label = new StringBuilder();
        foreach (var segment in path)
        {
            if (segment is int index)
            {
                label.Append(CultureInfo.InvariantCulture, $"[{index}]");
            }
            else
            {
                label.Append(label.Length == 0 ? "" : ".").Append(segment);
            }
        }
        return label.ToString();
    }

    private static StringContent? Json(JsonNode? body) => body is null ? null : RawJson(body.ToJsonString());

    private static StringContent RawJson(string json) => new(json, Encoding.UTF8, "application/json");
}
