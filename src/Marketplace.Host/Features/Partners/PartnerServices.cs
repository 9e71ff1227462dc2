using Marketplace.Application.Access;
using Marketplace.Application.Federation;

namespace Marketplace.Host.Features.Partners;

public static class PartnerServices
{
    /// <summary>Partner cities: the registry, relays, the seam that reads relayed pages, and the HTTP client that calls partners.</summary>
    public static IServiceCollection AddMarketplacePartners(this IServiceCollection services)
    {
        services.AddHttpClient(PartnerHttp.ClientName, c => c.Timeout = TimeSpan.FromSeconds(30));
        services.AddSingleton<IPartnerMarketplace, PartnerHttp>();
        services.AddSingleton<IPartnerKeyProtection, PartnerKeyProtection>();
        services.AddSingleton<PartnerRegistry>();
        services.AddSingleton<Relays>();
        services.AddSingleton<IRelayedRecords, RelayedRecords>();
        return services;
    }
}
