using System.Net;

namespace Marketplace.Host.Telemetry;

/// <summary>The "Marketplace:Telemetry" section.</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Marketplace:Telemetry";

    /// <summary>
    /// Where OTLP exports traces, metrics and logs (e.g. http://collector:4317). Unset, and without the standard
    /// OTEL_EXPORTER_OTLP_ENDPOINT variable, nothing is exported: metrics are scraped at /metrics only.
    /// </summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>
    /// Networks (CIDR, e.g. "10.0.0.0/8") whose addresses may scrape /metrics besides loopback. A scraper has no
    /// API key: the address is its only credential, so keep this to the monitoring network.
    /// </summary>
    public IList<string> MetricsNetworks { get; } = [];

    /// <summary>
    /// The share of traces recorded (0 to 1; a caller's sampled traceparent is always honoured). Below 1, the other
    /// requests still carry a trace id into every log scope and grain call, but their spans are not recorded: the
    /// brokered hot path pays less. Without an OTLP exporter no span is recorded whatever the ratio (none would leave
    /// the process); trace ids still reach the logs.
    /// </summary>
    public double TraceSampleRatio { get; set; } = 1.0;

    /// <summary>How often the outbox gauges are read from the store (a bounded read of pending messages).</summary>
    public TimeSpan OutboxSampleInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The networks parsed; a malformed entry stops the host at start-up with the entry named.</summary>
    public IReadOnlyList<IPNetwork> ParseMetricsNetworks() => [.. MetricsNetworks.Select(n => IPNetwork.TryParse(n.Trim(), out var network)
        ? network
        : throw new InvalidOperationException($"{Section}:MetricsNetworks holds '{n}', which is not a network in CIDR notation (e.g. 10.0.0.0/8 or fd00::/8)."))];
}
