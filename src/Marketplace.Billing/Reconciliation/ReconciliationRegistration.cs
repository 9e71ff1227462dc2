using Marketplace.Billing.Outbox;
using Marketplace.Billing.Usage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Marketplace.Billing.Reconciliation;

public static class ReconciliationRegistration
{
    /// <summary>Usage reporting to the payment processor's meters (and its payment work), and reconciliation runs with their repairs.</summary>
    public static IServiceCollection AddUsageReportingAndReconciliation(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<UsageReportingOptions>().Bind(configuration.GetSection(UsageReportingOptions.Section));
        services.TryAddSingleton<UsageReporting>();
        services.TryAddTransient<UsageReportingJobs>();
        services.AddSingleton<IPaymentWork, MeterEventWork>();
        services.TryAddSingleton<PeriodReconciliation>();
        services.TryAddSingleton<ReconciliationRepairs>();
        services.TryAddSingleton<ReconciliationRuns>();
        services.TryAddTransient<ReconciliationJobs>();
        return services;
    }
}
