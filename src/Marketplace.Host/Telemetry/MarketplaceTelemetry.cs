using System.Net;
using Marketplace.Application.Telemetry;
using Marketplace.Domain;
using Marketplace.Host.Errors;
using Microsoft.Extensions.Diagnostics.Metrics;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Marketplace.Host.Telemetry;

/// <summary>
/// OpenTelemetry for the host: ASP.NET Core, HttpClient, Orleans (its activity sources and meter) and our own meter
/// <see cref="MarketplaceMetrics.MeterName"/>; a Prometheus scrape endpoint at /metrics for loopback and the
/// configured networks; OTLP export only when an endpoint is configured.
/// </summary>
public static class MarketplaceTelemetry
{
    public const string MetricsPath = "/metrics";

    /// <summary>Orleans 10's built-in activity sources (the silo propagates trace context with AddActivityPropagation).</summary>
    public static readonly string[] OrleansActivitySources =
        ["Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application", "Microsoft.Orleans.Lifecycle", "Microsoft.Orleans.Storage"];

    public const string OrleansMeter = "Microsoft.Orleans";

    /// <summary>
    /// The meters scraped: ASP.NET Core's and HttpClient's (those the OpenTelemetry instrumentation packages would
    /// add), Orleans' and ours.
    /// </summary>
    public static readonly string[] Meters =
    [
        "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Http.Connections",
        "Microsoft.AspNetCore.Routing", "Microsoft.AspNetCore.Diagnostics", "Microsoft.AspNetCore.RateLimiting",
        "Microsoft.AspNetCore.Authentication", "Microsoft.AspNetCore.Authorization", "Microsoft.AspNetCore.Components",
        "Microsoft.AspNetCore.Components.Lifecycle", "Microsoft.AspNetCore.MemoryPool",
        "System.Net.Http", "System.Net.NameResolution", OrleansMeter, MarketplaceMetrics.MeterName,
    ];

    /// <summary>The name OpenTelemetry's metrics listener registers under with <see cref="IMetricsBuilder"/>.</summary>
    private const string OpenTelemetryListener = "OpenTelemetry";

    public static WebApplicationBuilder AddMarketplaceTelemetry(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new TelemetryOptions();
        builder.Configuration.GetSection(TelemetryOptions.Section).Bind(options);
        var networks = options.ParseMetricsNetworks();
        if (options.TraceSampleRatio is < 0 or > 1 || double.IsNaN(options.TraceSampleRatio))
        {
            throw new InvalidOperationException($"{TelemetryOptions.Section}:TraceSampleRatio is {options.TraceSampleRatio}; give a share from 0 to 1.");
        }
        builder.Services.AddSingleton(new MetricsAccess(networks));
        builder.Services.AddSingleton(options);
        builder.Services.AddMarketplaceMetrics();
        builder.Services.AddHostedService<OutboxSampler>();

        // h1 (issue 13): spans leave the process only through OTLP, so without an exporter none is recorded; requests
        // still carry a trace id into every log scope and grain call (propagation only), at a fifth less CPU a fetch.
        // Meters are enabled as rules of the host's metrics builder, not by name on the SDK (AddMeter), so that the
        // listener takes this host's meters (created by its IMeterFactory, as ASP.NET Core, Orleans and ours are) and
        // process-wide ones, never another host's in the same process: by name, two silos side by side would each
        // scrape the sum of both, and lose the series when the other stops.
        foreach (var meter in Meters)
        {
            builder.Metrics.EnableMetrics(meter, instrumentName: null, listenerName: OpenTelemetryListener, scopes: MeterScope.Global | MeterScope.Local);
        }

        var exporting = !string.IsNullOrWhiteSpace(options.OtlpEndpoint) || !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var sampleRatio = exporting ? options.TraceSampleRatio : 0;
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("marketplace", serviceInstanceId: Environment.MachineName + ":" + Environment.ProcessId))
            // Every scrape is fresh: the endpoint answers monitoring networks only, whose scrapers come every few seconds.
            .WithMetrics(m => m.AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0))
            // Traces are always collected (the trace id then reaches every log scope, from the request through grain
            // calls to storage); they leave the process only through OTLP.
            .WithTracing(t => t
                .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(sampleRatio)))
                .AddAspNetCoreInstrumentation(o => o.Filter = http => !IsOperationsPath(http.Request.Path))
                .AddHttpClientInstrumentation()
                .AddSource(OrleansActivitySources));
        var endpoint = options.OtlpEndpoint;
        if (!string.IsNullOrWhiteSpace(endpoint))
        {
            if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                throw new InvalidOperationException($"{TelemetryOptions.Section}:OtlpEndpoint is '{endpoint}'; give the collector's OTLP/gRPC address, e.g. http://otel-collector:4317.");
            }
            telemetry.UseOtlpExporter(OtlpExportProtocol.Grpc, uri);
        }
        else if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            telemetry.UseOtlpExporter(); // reads OTEL_EXPORTER_OTLP_ENDPOINT, _PROTOCOL, _HEADERS itself
        }
        return builder;
    }

    /// <summary>The scrape endpoint: answers loopback and the configured networks, refuses any other address with 403.</summary>
    public static IEndpointConventionBuilder MapMarketplaceMetrics(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return endpoints.MapPrometheusScrapingEndpoint(MetricsPath, meterProvider: null, configureBranchedPipeline: branch => branch.Use(async (http, next) =>
        {
            if (!http.RequestServices.GetRequiredService<MetricsAccess>().Permits(http.Connection.RemoteIpAddress))
            {
                var problem = ProblemMapping.FromDomain(new DomainException(ErrorCodes.MetricsNotPermitted,
                    "Metrics are served to loopback and to the networks in Marketplace:Telemetry:MetricsNetworks only; scrape from there, or add the scraper's network."));
                http.Response.StatusCode = StatusCodes.Status403Forbidden;
                await http.RequestServices.GetRequiredService<IProblemDetailsService>()
                    .WriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem });
                return;
            }
            await next(http);
        }), optionsName: null).AllowAnonymous().WithName("Metrics").ExcludeFromDescription();
    }

    /// <summary>Scrapes and probes: not traced (they would drown the requests that matter).</summary>
    private static bool IsOperationsPath(PathString path) =>
        path.StartsWithSegments(MetricsPath, StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase);
}

/// <summary>Who may scrape /metrics: loopback and the configured networks.</summary>
public sealed class MetricsAccess(IReadOnlyList<IPNetwork> networks)
{
    public bool Permits(IPAddress? address)
    {
        if (address is null)
        {
            return false;
        }
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        return IPAddress.IsLoopback(address) || networks.Any(n => n.Contains(address));
    }
}
