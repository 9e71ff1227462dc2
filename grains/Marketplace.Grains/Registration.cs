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
        services.TryAddSingleton<OperationJournal>();
        services.TryAddSingleton<ReconciliationSweep>();
        services.AddHostedService<ReconciliationSweeper>();
        return services;
    }
}
