using Marketplace.Domain;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Marketplace.Grains;

public static class Registration
{
    /// <summary>Services the grains need besides the storage ports: the clock and the billing time zone.</summary>
    public static IServiceCollection AddMarketplaceGrainServices(this IServiceCollection services, string? billingTimeZone = null)
    {
        // The marketplace's own clock, separate from the runtime's TimeProvider so tests can move business
        // time (periods, contract ends) without moving Orleans' timeouts.
        services.TryAddSingleton(sp => new BillingCalendar(
            TimeProvider.System,
            billingTimeZone is null ? BillingPeriod.DefaultZone : TimeZoneInfo.FindSystemTimeZoneById(billingTimeZone)));
        services.AddSingleton<IIncomingGrainCallFilter, StoreFailureRecovery>();
        // Every grain's [PersistentState] goes through StoredState: a failed write ends the activation. Orleans only
        // adds its own factory if none is registered, so this holds whichever is registered first.
        services.Replace(ServiceDescriptor.Singleton<IPersistentStateFactory>(new StoredStateFactory(new PersistentStateFactory())));
        services.TryAddSingleton<OperationJournal>();
        services.TryAddSingleton<ReconciliationSweep>();
        services.AddHostedService<ReconciliationSweeper>();
        return services;
    }
}
