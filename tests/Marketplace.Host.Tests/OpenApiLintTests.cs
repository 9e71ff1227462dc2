using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;

namespace Marketplace.Host.Tests;

/// <summary>
/// The OpenAPI document passes Spectral's spectral:oas ruleset with no error and no warning (Spectral pinned in
/// tools/openapi-lint; build.ps1 installs it, and this test does too when it is missing). Needs node and npm:
/// without them the test fails saying so, it never skips.
/// </summary>
[Collection(MarketplaceCollection.Name)]
public sealed class OpenApiLintTests(MarketplaceFixture fixture)
{
    private static readonly string LintDirectory =
        Path.Combine(HostProcess.FindRepositoryRoot(AppContext.BaseDirectory), "tools", "openapi-lint");

    private static readonly NodeTool Lint = new(LintDirectory, "the OpenAPI lint");

    [Fact]
    public async Task The_openapi_document_passes_spectral_oas_with_no_problem_at_all()
    {
        var document = Path.Combine(Path.GetTempPath(), $"marketplace-openapi-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(document, await fixture.Factory.CreateClient().GetStringAsync("/openapi/v1.json"));
        try
        {
            await Lint.EnsureInstalledAsync("@stoplight", "spectral-cli");
            var (exit, output, errors) = await Lint.RunAsync("node",
                [Path.Combine(LintDirectory, "node_modules", "@stoplight", "spectral-cli", "dist", "index.js"),
                 "lint", "--ruleset", Path.Combine(LintDirectory, ".spectral.yaml"), "--format", "json", "--fail-severity", "hint", "--quiet", document]);

            var problems = JsonDocument.Parse(output.Length == 0 ? "[]" : output).RootElement.EnumerateArray()
                .Select(p => $"{p.GetProperty("code")}: {p.GetProperty("message")} at {string.Join('.', p.GetProperty("path").EnumerateArray())}")
                .ToList();
            Assert.True(problems.Count == 0 && exit == 0, $"spectral exit {exit}:\n{string.Join('\n', problems)}\n{errors}");
        }
        finally
        {
            File.Delete(document);
        }
    }

    [Fact]
    public async Task Operations_needing_a_key_declare_the_bearer_scheme_and_every_operation_its_problems()
    {
        using var json = JsonDocument.Parse(await fixture.Factory.CreateClient().GetStringAsync("/openapi/v1.json"));
        var root = json.RootElement;
        var scheme = root.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer");
        var operations = root.GetProperty("paths").EnumerateObject().SelectMany(p => p.Value.EnumerateObject().Select(o => (Name: $"{o.Name} {p.Name}", Op: o.Value))).ToList();

        Assert.Equal(("http", "bearer"), (scheme.GetProperty("type").GetString(), scheme.GetProperty("scheme").GetString()));
        Assert.All(operations, o =>
        {
            Assert.True(o.Op.TryGetProperty("security", out var security) && security.GetArrayLength() > 0, $"{o.Name} needs a key");
            Assert.False(string.IsNullOrWhiteSpace(o.Op.GetProperty("description").GetString()), $"{o.Name} has a description");
            // Webhooks are signed by the payment processor instead: a bad signature is a 400, never a 401.
            foreach (var status in o.Name.StartsWith("post /webhooks/", StringComparison.Ordinal) ? new[] { "400", "429", "503" } : ["401", "429", "503"])
            {
                Assert.True(o.Op.GetProperty("responses").GetProperty(status).GetProperty("content").TryGetProperty("application/problem+json", out _),
                    $"{o.Name} declares its {status} as problem+json");
            }
        });
    }
}
