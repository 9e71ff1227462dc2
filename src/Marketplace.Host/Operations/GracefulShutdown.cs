namespace Marketplace.Host.Operations;

/// <summary>
/// How a host stops: the web server stops taking requests and waits for those in flight, then the silo hands its
/// activations back and leaves the cluster. Every stage shares one budget, <see cref="HostOptions.ShutdownTimeout"/>.
/// </summary>
public static class GracefulShutdown
{
    /// <summary>"Marketplace:ShutdownTimeout": the whole stop's budget; keep it below the orchestrator's grace period.</summary>
    public const string Setting = "Marketplace:ShutdownTimeout";

    /// <summary>
    /// Long enough for a slow brokered download to finish and for the silo to deactivate and leave; shorter than
    /// Kubernetes' 45 s grace period in docs/deploy/k8s, so the host is never killed mid-stop.
    /// </summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    public static IServiceCollection AddMarketplaceShutdown(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var timeout = configuration.GetValue<TimeSpan?>(Setting) ?? DefaultTimeout;
        if (timeout <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"{Setting} is {timeout}; give the host a positive time to finish requests and leave the cluster.");
        }
        return services.Configure<HostOptions>(o => o.ShutdownTimeout = timeout);
    }
}
