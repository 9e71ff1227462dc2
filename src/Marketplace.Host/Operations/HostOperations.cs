namespace Marketplace.Host.Operations;

/// <summary>What running the host in production adds to it: collection ages, the shutdown budget, the Orleans dashboard.</summary>
public static class HostOperations
{
    public static WebApplicationBuilder AddMarketplaceOperations(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddMarketplaceShutdown(builder.Configuration);
        // UseOrleans again adds to the silo the host already configured (Orleans keeps one silo builder per host).
        builder.UseOrleans(silo => silo
            .AddMarketplaceGrainCollection(builder.Configuration)
            .AddMarketplaceDashboard(builder.Configuration));
        return builder;
    }
}
