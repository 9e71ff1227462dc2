using Marketplace.Application.Harvest;

namespace Marketplace.Host.Features.Harvest;

public static class HarvestRegistration
{
    /// <summary>
    /// Harvesting: the bounds ("Marketplace:Harvest"), the named HTTP client (tests point it at a fake source with
    /// ConfigurePrimaryHttpMessageHandler), the use case and the per-source Hangfire schedule.
    /// </summary>
    public static IServiceCollection AddMarketplaceHarvest(this IServiceCollection services, IConfiguration configuration)
    {
        var limits = configuration.GetSection(HarvestLimits.Section).Get<HarvestLimits>() ?? new HarvestLimits();
        services.AddSingleton(limits);
        services.AddHttpClient(HarvestLimits.HttpClientName, client =>
        {
            // Each request's own deadline is the harvest's (HarvestLimits.RequestTimeout); this one only backs it up.
            client.Timeout = limits.RequestTimeout + TimeSpan.FromSeconds(5);
            client.DefaultRequestHeaders.UserAgent.ParseAdd("marketplace-harvest/1.0");
        });
        services.AddSingleton<SourceReader>();
        services.AddSingleton<IHarvestScheduler, HangfireHarvestScheduler>();
        services.AddSingleton<CatalogHarvest>();
        services.AddSingleton<HarvestJobs>();
        services.AddHostedService<HarvestScheduleStartup>();
        return services;
    }
}
