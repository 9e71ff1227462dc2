using System.Text.Json;
using Marketplace.Application.Offerings;

namespace Marketplace.Host.Tests.Odrl;

/// <summary>
/// An ODRL document as a JSON-LD processor reads it: expanded by jsonld.js (tools/odrl-check, installed by build.ps1 and
/// by this helper when missing) with the ODRL 2.2 context resolved to the local copy next to this file (odrl.jsonld:
/// the terms of https://www.w3.org/ns/odrl.jsonld the marketplace uses, defined as the W3C context defines them) and
/// the network refused. Safe mode: a term the context does not define fails the expansion instead of vanishing.
/// </summary>
public sealed class OdrlExpansion
{
    private static readonly string Root = HostProcess.FindRepositoryRoot(AppContext.BaseDirectory);
    private static readonly string ToolDirectory = Path.Combine(Root, "tools", "odrl-check");
    private static readonly NodeTool Tool = new(ToolDirectory, "the ODRL JSON-LD check");
    private static readonly string Context = Path.Combine(Root, "tests", "Marketplace.Host.Tests", "Odrl", "odrl.jsonld");

    // Test classes run in parallel: on a fresh clone only one of them may run `npm ci` in the tool's folder.
    private static readonly Lazy<Task> Installed = new(() => Tool.EnsureInstalledAsync("jsonld"));

    private OdrlExpansion(JsonElement policy) => Policy = policy;

    /// <summary>The policy node: the one top-level node of the expanded document.</summary>
    public JsonElement Policy { get; }

    public static async Task<OdrlExpansion> ExpandAsync(string document)
    {
        var file = Path.Combine(Path.GetTempPath(), $"marketplace-odrl-{Guid.NewGuid():N}.jsonld");
        await File.WriteAllTextAsync(file, document);
        try
        {
            await Installed.Value;
            var (exit, output, errors) = await Tool.RunAsync("node", [Path.Combine(ToolDirectory, "expand.mjs"), file, Context]);
            Assert.True(exit == 0, $"JSON-LD expansion exit {exit}:\n{errors}\n{document}");
            using var expanded = JsonDocument.Parse(output);
            Assert.Equal(1, expanded.RootElement.GetArrayLength());
            return new OdrlExpansion(expanded.RootElement[0].Clone());
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>An ODRL term ("permission") or a full IRI as the expanded form names it.</summary>
    public static string Iri(string term) => term.Contains(':', StringComparison.Ordinal) ? term : OdrlPolicy.Namespace + term;

    public static IReadOnlyList<JsonElement> All(JsonElement node, string term) =>
        node.TryGetProperty(Iri(term), out var values) ? [.. values.EnumerateArray()] : [];

    public static JsonElement One(JsonElement node, string term)
    {
        var values = All(node, term);
        Assert.True(values.Count == 1, $"expected one {term}, found {values.Count} in {node}");
        return values[0];
    }

    public static string Id(JsonElement node) => node.GetProperty("@id").GetString()!;

    public static string[] Types(JsonElement node) => [.. node.GetProperty("@type").EnumerateArray().Select(t => t.GetString()!)];

    /// <summary>The literal's lexical form and datatype (null for a plain string).</summary>
    public static (string Value, string? Type) Literal(JsonElement node) =>
        (node.GetProperty("@value").ValueKind == JsonValueKind.String ? node.GetProperty("@value").GetString()! : node.GetProperty("@value").GetRawText(),
            node.TryGetProperty("@type", out var type) ? type.GetString() : null);

    /// <summary>The actions of a rule, whether named directly or refined (rdf:value).</summary>
    public static string[] Actions(JsonElement rule) =>
        [.. All(rule, "action").Select(a => a.TryGetProperty("@id", out var id) ? id.GetString()! : Id(One(a, "http://www.w3.org/1999/02/22-rdf-syntax-ns#value")))];

    public IReadOnlyList<JsonElement> Rules(string kind) => All(Policy, kind);

    /// <summary>The rule's constraint on <paramref name="leftOperand"/>: its operator, right operand values and unit.</summary>
    public static (string Operator, IReadOnlyList<(string Value, string? Type)> Right, string? Unit) Constraint(
        JsonElement rule, string leftOperand, string kind = "constraint")
    {
        var matching = All(rule, kind).Where(c => Id(One(c, "leftOperand")) == Iri(leftOperand)).ToList();
        Assert.True(matching.Count == 1, $"expected one {leftOperand} {kind}, found {matching.Count} in {rule}");
        var constraint = matching[0];
        var unit = All(constraint, "unit").Select(Id).SingleOrDefault();
        return (Id(One(constraint, "operator")), [.. All(constraint, "rightOperand").Select(Literal)], unit);
    }

    public static IReadOnlyList<string> LeftOperands(JsonElement rule) => [.. All(rule, "constraint").Select(c => Id(One(c, "leftOperand")))];
}
