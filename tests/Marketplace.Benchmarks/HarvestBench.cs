using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using static Marketplace.Benchmarks.BenchHttp;

namespace Marketplace.Benchmarks;

/// <summary>
/// Harvesting (issue 12): the time to harvest a source of N datasets into a fresh marketplace (all created), again
/// (all unchanged), and after a tenth of them changed, through CKAN package_search and through DCAT-AP Turtle. The
/// source is a small local app that serves the N datasets as another city's marketplace would.
/// </summary>
internal static class HarvestBench
{
    public sealed record Result(string Kind, int Datasets, double FirstSeconds, double UnchangedSeconds, double TenthChangedSeconds, int Errors);

    /// <summary>The source's answers; <paramref name="version"/> changes the titles of every tenth dataset.</summary>
    public static void MapSource(WebApplication app, int datasets, Func<int> version)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/api/3/action/package_search", (int rows, int start) =>
        {
            var results = Enumerable.Range(start, Math.Max(0, Math.Min(rows, datasets - start))).Select(i => new
            {
                id = $"ds-{i:D6}",
                name = $"ds-{i:D6}",
                title = Title(i, version()),
                notes = $"Dataset {i} of the bench city.",
                license_id = "CC-BY-4.0",
                organization = new { name = "bench", title = "Bench city" },
                tags = new[] { new { name = "bench" } },
                groups = new[] { new { name = "GOVE" } },
                resources = new[] { new { name = "CSV", url = $"https://bench.example/ds-{i:D6}.csv", format = "CSV" } },
            });
            return Results.Json(new { help = "", success = true, result = new { count = datasets, results } });
        });
        app.MapGet("/catalog.ttl", () =>
        {
            var turtle = new StringBuilder("@prefix dcat: <http://www.w3.org/ns/dcat#> .\n@prefix dct: <http://purl.org/dc/terms/> .\n")
                .Append("<https://bench.example/catalog> a dcat:Catalog");
            for (var i = 0; i < datasets; i++)
            {
                turtle.Append(CultureInfo.InvariantCulture, $" ;\n  dcat:dataset <https://bench.example/d/{i}>");
            }
            turtle.Append(" .\n");
            for (var i = 0; i < datasets; i++)
            {
                turtle.Append(CultureInfo.InvariantCulture, $"<https://bench.example/d/{i}> a dcat:Dataset ; dct:identifier \"ds-{i:D6}\" ; dct:title \"{Title(i, version())}\"@en ;\n")
                    .Append(CultureInfo.InvariantCulture, $"  dct:description \"Dataset {i} of the bench city.\" ; dcat:keyword \"bench\" ;\n")
                    .Append(CultureInfo.InvariantCulture, $"  dcat:distribution [ a dcat:Distribution ; dcat:accessURL <https://bench.example/ds-{i:D6}.csv> ; dct:license <http://spdx.org/licenses/CC-BY-4.0> ] .\n");
            }
            return Results.Text(turtle.ToString(), "text/turtle");
        });
    }

    private static string Title(int i, int version) => i % 10 == 0 && version > 0 ? $"Bench dataset {i} v{version}" : $"Bench dataset {i}";

    public static async Task<Result> RunAsync(Uri market, string dataDirectory, Uri source, string kind, int datasets, Action nextVersion)
    {
        ArgumentNullException.ThrowIfNull(nextVersion);
        using var op = Client(market, File.ReadAllText(Path.Combine(dataDirectory, "operator.key")).Trim());
        op.Timeout = TimeSpan.FromMinutes(10);
        var url = kind == "ckan" ? new Uri(source, "/api/3/action").ToString() : new Uri(source, "/catalog.ttl").ToString();
        var registered = await Json(await op.PostAsJsonAsync("/api/v1/harvest-sources", new { name = $"Bench {kind}", kind, url, schedule = "manual" }));
        var id = registered.GetProperty("id").GetString()!;
        var (first, firstRun) = await TimeAsync(op, id);
        var (unchanged, unchangedRun) = await TimeAsync(op, id);
        nextVersion();
        var (changed, changedRun) = await TimeAsync(op, id);
        Check(firstRun, "created", datasets);
        Check(unchangedRun, "unchanged", datasets);
        Check(changedRun, "updated", datasets / 10);
        var errors = firstRun.GetProperty("errorCount").GetInt32() + unchangedRun.GetProperty("errorCount").GetInt32() + changedRun.GetProperty("errorCount").GetInt32();
        return new Result(kind, datasets, first, unchanged, changed, errors);
    }

    private static void Check(JsonElement run, string count, int expected)
    {
        if (run.GetProperty(count).GetInt32() != expected)
        {
            throw new InvalidOperationException($"Expected {expected} {count}, the run says: {run}");
        }
    }

    private static async Task<(double Seconds, JsonElement Run)> TimeAsync(HttpClient op, string id)
    {
        var watch = Stopwatch.StartNew();
        var run = await Json(await op.PostAsync($"/api/v1/harvest-sources/{id}/harvest", null));
        return (watch.Elapsed.TotalSeconds, run);
    }

    public static string Describe(Result r) => string.Create(CultureInfo.InvariantCulture,
        $"  {r.Kind} source, {r.Datasets:N0} datasets: first harvest (all created) {r.FirstSeconds:N2} s, again (all unchanged) {r.UnchangedSeconds:N2} s, a tenth changed {r.TenthChangedSeconds:N2} s, {r.Errors} errors");
}
