using System.Text.Json;
using Marketplace.Storage;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Runtime;

namespace Marketplace.Host.Health;

/// <summary>
/// Liveness (<c>/health/live</c>: the process answers) and readiness (<c>/health/ready</c>: the store answers, the silo
/// is active and this silo is active in the cluster's membership view) in ASP.NET Core's health-check shape: 200 when
/// healthy, 503 otherwise, with a JSON body naming each check and its status and nothing else (no exception, no
/// address, no connection detail: the endpoints are anonymous).
/// </summary>
public static class MarketplaceHealth
{
    public const string LivePath = "/health/live";
    public const string ReadyPath = "/health/ready";
    public const string ReadyTag = "ready";

    public const string StoreCheck = "store";
    public const string SiloCheck = "silo";
    public const string MembershipCheck = "membership";

    /// <summary>A store that takes longer than this to answer a point read is as good as down for a load balancer.</summary>
    public static readonly TimeSpan StoreTimeout = TimeSpan.FromSeconds(5);

    public static IServiceCollection AddMarketplaceHealth(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<StoreHealthCheck>(StoreCheck, HealthStatus.Unhealthy, [ReadyTag], StoreTimeout)
            .AddCheck<SiloHealthCheck>(SiloCheck, HealthStatus.Unhealthy, [ReadyTag])
            .AddCheck<MembershipHealthCheck>(MembershipCheck, HealthStatus.Unhealthy, [ReadyTag]);
        return services;
    }

    public static IEndpointRouteBuilder MapMarketplaceHealth(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapHealthChecks(LivePath, new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync })
            .AllowAnonymous().WithName("Liveness").ExcludeFromDescription();
        endpoints.MapHealthChecks(ReadyPath, new HealthCheckOptions { Predicate = r => r.Tags.Contains(ReadyTag), ResponseWriter = WriteAsync })
            .AllowAnonymous().WithName("Readiness").ExcludeFromDescription();
        return endpoints;
    }

    private static async Task WriteAsync(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json; charset=utf-8";
        await using var json = new Utf8JsonWriter(http.Response.Body);
        json.WriteStartObject();
        json.WriteString("status", report.Status.ToString());
        json.WriteStartArray("checks");
        foreach (var (name, entry) in report.Entries.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            json.WriteStartObject();
            json.WriteString("name", name);
            json.WriteString("status", entry.Status.ToString());
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync(http.RequestAborted);
    }
}

/// <summary>The store (SQLite or Cosmos, whichever is configured) answers a point read of the usage ledger.</summary>
internal sealed class StoreHealthCheck(IUsageLedger ledger) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            // A key no contract has: the cheapest read both adapters serve, and it touches the real store.
            await ledger.GetTotalsAsync("health-probe", "0000-00", cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("The store did not answer.", e);
        }
    }
}

/// <summary>This silo is active (not starting, not shutting down).</summary>
internal sealed class SiloHealthCheck(ISiloStatusOracle silo) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(silo.CurrentStatus == SiloStatus.Active
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy($"The silo is {silo.CurrentStatus}."));
}

/// <summary>This silo is active in the cluster's membership view (the other silos route grain calls to it).</summary>
internal sealed class MembershipHealthCheck(IClusterMembershipService membership, ILocalSiloDetails local) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = membership.CurrentSnapshot.GetSiloStatus(local.SiloAddress);
        return Task.FromResult(status == SiloStatus.Active
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy($"This silo is {status} in the membership view."));
    }
}
