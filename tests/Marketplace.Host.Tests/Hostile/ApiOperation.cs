using System.Text.Json;
using System.Text.Json.Nodes;

namespace Marketplace.Host.Tests.Hostile;

/// <summary>One operation of the host's OpenAPI document: how to call it and what its JSON body looks like.</summary>
public sealed record ApiOperation(
    string OperationId,
    HttpMethod Method,
    string PathTemplate,
    IReadOnlyList<string> PathParameters,
    IReadOnlyList<string> QueryParameters,
    JsonElement? BodySchema,
    ApiDocument Document)
{
    public override string ToString() => $"{OperationId} ({Method} {PathTemplate})";

    /// <summary>The path with each parameter replaced by its (already escaped) value.</summary>
    public string PathWith(IReadOnlyDictionary<string, string> escapedValues) =>
        PathParameters.Aggregate(PathTemplate, (path, name) => path.Replace("{" + name + "}", escapedValues[name], StringComparison.Ordinal));

    /// <summary>The resource a path parameter names: the collection segment before it ("datasets", "revisions", ...).</summary>
    public string CollectionOf(string parameter)
    {
        var segments = PathTemplate.Split('/');
        var at = Array.IndexOf(segments, "{" + parameter + "}");
        return at > 0 ? segments[at - 1] : "";
    }
}

/// <summary>The OpenAPI document as the sweep reads it: operations, and schemas with their references resolved.</summary>
public sealed class ApiDocument
{
    private readonly JsonElement _root;

    private ApiDocument(JsonElement root) => _root = root;

    public IReadOnlyList<ApiOperation> Operations { get; private set; } = [];

    public static ApiDocument Parse(string json)
    {
        var root = JsonDocument.Parse(json).RootElement.Clone();
        var document = new ApiDocument(root);
        var operations = new List<ApiOperation>();
        foreach (var path in root.GetProperty("paths").EnumerateObject())
        {
            foreach (var op in path.Value.EnumerateObject())
            {
                var parameters = op.Value.TryGetProperty("parameters", out var p) ? p.EnumerateArray().ToList() : [];
                JsonElement? body = op.Value.TryGetProperty("requestBody", out var rb)
                    && rb.GetProperty("content").TryGetProperty("application/json", out var json2)
                    && json2.TryGetProperty("schema", out var schema) ? schema : null;
                operations.Add(new ApiOperation(
                    op.Value.GetProperty("operationId").GetString()!,
                    new HttpMethod(op.Name.ToUpperInvariant()),
                    path.Name,
                    [.. parameters.Where(x => x.GetProperty("in").GetString() == "path").Select(x => x.GetProperty("name").GetString()!)],
                    [.. parameters.Where(x => x.GetProperty("in").GetString() == "query").Select(x => x.GetProperty("name").GetString()!)],
                    body,
                    document));
            }
        }
        document.Operations = operations;
        return document;
    }

    /// <summary>The schema itself: a <c>$ref</c> followed, a nullable <c>oneOf</c> reduced to its non-null branch.</summary>
    public JsonElement Resolve(JsonElement schema)
    {
        for (var i = 0; i < 16; i++)
        {
            if (schema.TryGetProperty("$ref", out var reference))
            {
                var name = reference.GetString()!.Split('/')[^1];
                schema = _root.GetProperty("components").GetProperty("schemas").GetProperty(name);
            }
            else if (schema.TryGetProperty("oneOf", out var oneOf) || schema.TryGetProperty("anyOf", out oneOf))
            {
                schema = oneOf.EnumerateArray().FirstOrDefault(s => !IsNullOnly(s), oneOf[0]);
            }
            else
            {
                return schema;
            }
        }
        return schema;
    }

    /// <summary>The JSON kinds a schema allows apart from null: "object", "array", "string", "integer", "number", "boolean".</summary>
    public IReadOnlySet<string> KindsOf(JsonElement schema)
    {
        schema = Resolve(schema);
        var kinds = new HashSet<string>(StringComparer.Ordinal);
        if (schema.TryGetProperty("type", out var type))
        {
            if (type.ValueKind == JsonValueKind.Array)
            {
                kinds.UnionWith(type.EnumerateArray().Select(t => t.GetString()!));
            }
            else
            {
                kinds.Add(type.GetString()!);
            }
        }
        if (schema.TryGetProperty("properties", out _))
        {
            kinds.Add("object");
        }
        kinds.Remove("null");
        return kinds;
    }

    public IEnumerable<(string Name, JsonElement Schema)> PropertiesOf(JsonElement schema) =>
        Resolve(schema).TryGetProperty("properties", out var properties)
            ? properties.EnumerateObject().Select(p => (p.Name, p.Value))
            : [];

    public JsonElement? ItemsOf(JsonElement schema) =>
        Resolve(schema).TryGetProperty("items", out var items) ? items : null;

    /// <summary>A plausible value for a schema, for operations the sweep has no hand-written example of.</summary>
    public JsonNode? Example(JsonElement schema, int depth = 0)
    {
        var kinds = KindsOf(schema);
        if (depth > 6)
        {
            return null;
        }
        if (kinds.Contains("object"))
        {
            var o = new JsonObject();
            foreach (var (name, property) in PropertiesOf(schema))
            {
                o[name] = Example(property, depth + 1);
            }
            return o;
        }
        if (kinds.Contains("array"))
        {
            return ItemsOf(schema) is { } items ? new JsonArray(Example(items, depth + 1)) : new JsonArray();
        }
        if (kinds.Contains("integer") || kinds.Contains("number"))
        {
            return JsonValue.Create(1);
        }
        if (kinds.Contains("boolean"))
        {
            return JsonValue.Create(true);
        }
        return JsonValue.Create("sweep");
    }

    private static bool IsNullOnly(JsonElement s) =>
        s.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String && t.GetString() == "null";
}
