using System.Text.Json.Serialization;

namespace Marketplace.Benchmarks.Runner;

/// <summary>
/// One measured figure of one scenario, with the baseline it is judged against (measured in the same run, on the same
/// machine: absolute numbers drift on shared machines, ratios much less).
/// </summary>
/// <param name="Scenario">P1..P8, or M for the micro-benchmarks and X for the extra stages (cluster, harvest).</param>
/// <param name="Measure">What was measured, e.g. "brokered fetch, 10 records, metered [sqlite]".</param>
/// <param name="Value">The figure itself, in <paramref name="Unit"/>.</param>
/// <param name="Unit">"req/s", "events/s", "ms", "s", "MiB", "rows/s"...</param>
/// <param name="BaselineMeasure">What the baseline is, e.g. "bare Kestrel, same 1.6 KB body".</param>
/// <param name="BaselineValue">The baseline's figure in the same unit; the ratio is Value / BaselineValue.</param>
/// <param name="Target">The target in words, e.g. "≥ 50% of bare, p99 ≤ 20 ms"; empty when none.</param>
/// <param name="Met">Whether the target holds for this figure; null when there is no target or it cannot be judged (quick mode).</param>
public sealed record BenchRow(
    string Scenario,
    string Measure,
    double Value,
    string Unit,
    double? P50Ms = null,
    double? P99Ms = null,
    double? PeakRssMiB = null,
    string? BaselineMeasure = null,
    double? BaselineValue = null,
    string Target = "",
    bool? Met = null,
    string? Note = null)
{
    [JsonPropertyName("ratio")]
    public double? Ratio => BaselineValue is > 0 ? Value / BaselineValue : null;
}
